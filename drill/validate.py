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

from drill.bank import Bank, read_banks
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


def validate_files(files: Iterable[Path], alongside: Iterable[Path] = ()) -> Report:
    """Validate ``files``; ``alongside`` are the banks they will be loaded with (the built-in
    ones, DRILL_BANKS...), against which their ids and refs must be unique too."""
    files = list(files)
    banks, faults = read_banks(files)
    given = {p.resolve() for p in files}
    faults += clash_faults(banks, [f for f in alongside if f.resolve() not in given])
    for bank in banks:
        faults += exercise_faults(bank)
        faults += example_faults(bank)
    return Report(len(banks), sum(len(b.questions) for b in banks), tuple(faults))


def clash_faults(banks: list[Bank], others: list[Path]) -> list[tuple[str, int, str]]:
    """Ids and refs of ``banks`` that a bank in ``others`` already uses: a file valid on its own
    would stop every command once loaded beside them. Faults inside ``others`` are theirs."""
    from drill.bank import duplicate_faults
    from drill.index import load_catalog_from

    if not others:
        return []
    try:
        entries = load_catalog_from(others).entries()
    except BankError:
        return []
    mine = {q.file for bank in banks for q in bank.questions}
    return [f for f in duplicate_faults([*entries, *(q for bank in banks for q in bank.questions)]) if f[0] in mine]


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
