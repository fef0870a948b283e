"""Deep validation of banks: the schema (done by the loader) plus every exercise re-solved.

Loading checks what the YAML says; validation also checks what it means: that each exercise's
solver accepts its inputs and produces the field the question compares against. It imports the
solvers (numpy), so only `drill validate` and the test suite pay for it.
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


def validate_files(files: Iterable[Path]) -> Report:
    banks, faults = read_banks(files)
    for bank in banks:
        faults += exercise_faults(bank)
    return Report(len(banks), sum(len(b.questions) for b in banks), tuple(faults))


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
