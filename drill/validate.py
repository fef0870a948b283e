"""Deep validation of banks: the schema (done by the loader), every exercise re-solved and
every concept example graded.

Loading checks what the YAML says; validation also checks what it means: that each exercise's
solver accepts its inputs and produces the field the question compares against, and that each
concept question grades its own examples as its author said (good ones pass; bad, near and
partial ones fail), and the answers of examples files too (a corpus kept apart from its
bank). It imports the solvers (numpy), so only `drill validate` and the test suite pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from drill.bank import Bank, Example, Question, read_bank_file
from drill.errors import BankError


@dataclass(frozen=True)
class Report:
    banks: int
    questions: int
    faults: tuple[tuple[str, int, str], ...]
    examples: int = 0  # graded from examples files (``--examples``), beside the banks' own

    def to_json(self) -> dict:
        return {
            "ok": not self.faults,
            "banks": self.banks,
            "questions": self.questions,
            "examples": self.examples,
            "faults": [{"file": f, "line": line, "message": m} for f, line, m in self.faults],
        }


# Below this much YAML, starting worker processes costs more than grading the examples here.
PARALLEL_BYTES = 200_000


@dataclass(frozen=True)
class _Entry:
    """What the duplicate checks read of a question: they run across files, after the workers."""

    id: str
    ref: str
    file: str
    line: int


@dataclass(frozen=True)
class _Checked:
    """One file validated on its own (in a worker process when there are several)."""

    parsed: bool
    entries: tuple[_Entry, ...]
    faults: tuple[tuple[str, int, str], ...]


def validate_files(files: Iterable[Path], alongside: Iterable[Path] = (), examples: Iterable[Path] = ()) -> Report:
    """Validate ``files``; ``alongside`` are the banks they will be loaded with (the built-in
    ones, DRILL_BANKS...), against which their ids and refs must be unique too. Each file is
    checked on its own, spread over the CPUs largest first, then the ids and refs across all
    of them. Once the banks are sound, the ``examples`` files are graded against their
    questions (the built-in banks' corpus of 21,000 answers takes 35-40 s on 2 cores)."""
    from drill.bank import duplicate_faults

    files = list(files)
    given = {p.resolve() for p in files}
    others = [f for f in alongside if f.resolve() not in given]
    banks = tuple(files + others)
    examples = list(examples)
    # Grading examples files reads the questions from the index: it is brought up to date first,
    # and the checks below take each clean file from it instead of parsing it again.
    unindexed = _index(banks) if examples else []
    checked = _spread(_check_file, files)
    entries = [e for c in checked for e in c.entries]
    faults = [f for c in checked for f in c.faults] + duplicate_faults(entries)
    faults += clash_faults(entries, others)
    graded = 0
    if examples and not faults:
        if unindexed:  # a fault the checks did not see (a bank alongside, or a file changed meanwhile)
            faults += unindexed
        else:
            graded, found = _graded_examples(banks, examples)
            faults += found
    return Report(sum(c.parsed for c in checked), len(entries), tuple(faults), graded)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the reader reports it


def _spread(work: Callable[[Any], _Checked], paths: list[Any], size: Callable[[Any], int] = _size) -> list[_Checked]:
    """``work`` of each path, spread over the CPUs largest first, in the order of ``paths``."""
    from drill.workers import spread

    sizes = [size(p) for p in paths]
    order = sorted(range(len(paths)), key=lambda i: -sizes[i])
    done = dict(zip(order, spread(work, [paths[i] for i in order], parallel=sum(sizes) >= PARALLEL_BYTES)))
    return [done[i] for i in range(len(paths))]


def _index(banks: tuple[Path, ...]) -> list[tuple[str, int, str]]:
    """Bring the bank index up to date for ``banks``; the faults that keep files out of it."""
    from drill.index import load_catalog_from

    try:
        load_catalog_from(banks)
    except BankError as exc:
        return list(exc.faults)
    return []


def _graded_examples(banks: tuple[Path, ...], files: list[Path]) -> tuple[int, list[tuple[str, int, str]]]:
    """Every examples file graded against the questions of ``banks`` (indexed), a file per
    worker, each reading the questions it needs from the index instead of parsing every bank."""
    checked = _spread(_check_examples, [(f, banks) for f in files], lambda job: _size(job[0]))
    return sum(len(c.entries) for c in checked), [f for c in checked for f in c.faults]


def _check_examples(job: tuple[Path, tuple[Path, ...]]) -> _Checked:
    """One examples file: each set located in the loaded banks and graded (``entries`` holds
    one per example graded, for the count)."""
    from drill.bank import read_examples_file
    from drill.errors import NotFoundError
    from drill.index import load_catalog_from

    path, banks = job
    sets, faults = read_examples_file(path)
    if not sets:
        return _Checked(False, (), tuple(faults))
    catalog = load_catalog_from(banks)
    graded: list[_Entry] = []
    for found in sets:
        try:
            q = catalog.get(found.key)
        except NotFoundError as exc:
            faults.append((str(path), found.line, str(exc)))
            continue
        if q.kind != "concept":
            faults.append((str(path), found.line, f"{q.id} is not a concept question ({q.kind}): only concept answers are graded"))
            continue
        faults += question_example_faults(q, found.examples, str(path))
        graded += [_Entry(q.id, q.ref, str(path), ex.line) for ex in found.examples]
    return _Checked(True, tuple(graded), tuple(faults))


def _check_file(path: Path) -> _Checked:
    """One bank file: parsed (or taken from the index when it holds the file unchanged, as it
    does after any other command or a `validate --examples`), its exercises re-solved and its
    examples graded."""
    from drill.index import indexed_bank

    bank, faults = indexed_bank(path), []
    if bank is None:
        bank, faults = read_bank_file(path)
    if bank is None:
        return _Checked(False, (), tuple(faults))
    faults += exercise_faults(bank) + example_faults(bank)
    return _Checked(True, tuple(_Entry(q.id, q.ref, q.file, q.line) for q in bank.questions), tuple(faults))


def clash_faults(entries: list[_Entry], others: list[Path]) -> list[tuple[str, int, str]]:
    """Ids and refs of ``entries`` that a bank in ``others`` already uses: a file valid on its
    own would stop every command once loaded beside them. Faults inside ``others`` are theirs."""
    from drill.bank import duplicate_faults
    from drill.index import load_catalog_from

    if not others:
        return []
    try:
        loaded = load_catalog_from(others).entries()
    except BankError:
        return []
    mine = {e.file for e in entries}
    return [f for f in duplicate_faults([*loaded, *entries]) if f[0] in mine]


def exercise_faults(bank: Bank) -> list[tuple[str, int, str]]:
    import solvers
    from drill.grading import expected_value

    faults = []
    for q in bank.questions:
        if q.kind != "exercise" or q.solver not in solvers.REGISTRY or q.expect is None:
            continue
        where = (q.file, q.line)
        try:
            solvers.load(q.solver)
        except ImportError as exc:
            faults.append((*where, f"{q.id}: solver {q.solver} is not available ({exc})"))
            continue
        try:  # input names and types were checked while loading (solvers.inputs)
            expected_value(q)
        except BankError as exc:
            faults += exc.faults
    return faults


def example_faults(bank: Bank) -> list[tuple[str, int, str]]:
    """Each concept question's examples graded against it."""
    return [f for q in bank.questions if q.kind == "concept" for f in question_example_faults(q)]


def question_example_faults(q: Question, examples: tuple[Example, ...] | None = None,
                            file: str | None = None) -> list[tuple[str, int, str]]:
    """Each example (the question's own, or an examples file's) graded against the question,
    located at the example's line in its file."""
    from drill.grading import concept_grade, too_long
    from drill.grading.concept import judge

    faults = []
    for ex in q.examples if examples is None else examples:
        reason = too_long(ex.text)
        if reason:  # whatever its kind, an example too long to be graded checks nothing
            verdict = f"is not graded ({reason})"
        else:
            g = concept_grade(q, judge(q, ex.text))
            if g.passed == (ex.kind == "good"):
                continue
            if ex.kind == "good":
                why = f"misses {'; '.join(g.misses) or 'nothing'}"
                if g.misconceptions:
                    why += f"; states a misconception: {'; '.join(g.misconceptions)}"
                verdict = f"does not pass (score {g.score:.2f}; {why})"
            else:
                verdict = f"passes (score {g.score:.2f}; hits {'; '.join(g.hits)})"
        faults.append((file or q.file, ex.line or q.line, f"{q.id}: {ex.kind} example {verdict}: {_clip(ex.text)}"))
    return faults


def _clip(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
