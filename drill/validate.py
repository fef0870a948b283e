"""Deep validation of banks: the schema (done by the loader), every exercise re-solved and
every concept example graded.

Loading checks what the YAML says; validation also checks what it means: that each exercise's
solver accepts its inputs and produces the field the question compares against, and that each
concept question grades its own examples as its author said (good ones pass; bad, near and
partial ones fail). It imports the solvers (numpy), so only `drill validate` and the test
suite pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from drill.bank import Bank, read_bank_file
from drill.errors import BankError


@dataclass(frozen=True)
class Report:
    banks: int
    questions: int
    faults: tuple[tuple[str, int, str], ...]

    def to_json(self) -> dict:
        return {
            "ok": not self.faults,
            "banks": self.banks,
            "questions": self.questions,
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


def validate_files(files: Iterable[Path], alongside: Iterable[Path] = ()) -> Report:
    """Validate ``files``; ``alongside`` are the banks they will be loaded with (the built-in
    ones, DRILL_BANKS...), against which their ids and refs must be unique too. Each file is
    checked on its own, spread over the CPUs largest first (grading the built-in banks'
    thousands of examples takes seconds), then the ids and refs across all of them."""
    from drill.bank import duplicate_faults
    from drill.workers import spread

    files = list(files)
    sizes = [_size(f) for f in files]
    order = sorted(range(len(files)), key=lambda i: -sizes[i])
    done = dict(zip(order, spread(_check_file, [files[i] for i in order], parallel=sum(sizes) >= PARALLEL_BYTES)))
    checked = [done[i] for i in range(len(files))]
    entries = [e for c in checked for e in c.entries]
    faults = [f for c in checked for f in c.faults] + duplicate_faults(entries)
    given = {p.resolve() for p in files}
    faults += clash_faults(entries, [f for f in alongside if f.resolve() not in given])
    return Report(sum(c.parsed for c in checked), len(entries), tuple(faults))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_bank_file reports it


def _check_file(path: Path) -> _Checked:
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
    """Each example graded against its own question, located at the example's line."""
    from drill.grading import grade_concept

    faults = []
    for q in bank.questions:
        if q.kind != "concept":
            continue
        for ex in q.examples:
            g = grade_concept(q, ex.text)
            if g.passed == (ex.kind == "good"):
                continue
            if ex.kind == "good":
                why = f"misses {'; '.join(g.misses) or 'nothing'}"
                if g.misconceptions:
                    why += f"; states a misconception: {'; '.join(g.misconceptions)}"
                verdict = f"does not pass (score {g.score:.2f}; {why})"
            else:
                verdict = f"passes (score {g.score:.2f}; hits {'; '.join(g.hits)})"
            faults.append((q.file, ex.line or q.line, f"{q.id}: {ex.kind} example {verdict}: {_clip(ex.text)}"))
    return faults


def _clip(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
