"""Grading: one entry point, ``grade(question, text)``, for every kind of question.

Concept answers are scored against the rubric; exercise answers are parsed and compared with
the value the question's solver computes; choice answers by letter or text; code answers by
running the user's file against a reference (see drill.code_runner).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from drill.bank import Question
from drill.errors import BankError
from drill.grading.answers import AnswerFormatError, compare
from drill.grading.normalize import Answer
from drill.ratings import RATINGS



@dataclass(frozen=True)
class Grade:
    score: float
    passed: bool
    hits: tuple[str, ...] = ()
    misses: tuple[str, ...] = ()
    misconceptions: tuple[str, ...] = ()  # the corrections of the wrong beliefs the answer stated
    expected: Any = None
    received: Any = None
    message: str = ""  # why an answer could not be read, or a summary of a code run
    cases: tuple[dict[str, Any], ...] = ()  # per-case reports of a code answer

    def proposed_rating(self, kind: str) -> int:
        """The FSRS rating suggested from the score; the user confirms or overrides it."""
        if not self.passed:
            return 1
        if kind == "concept" and self.score >= 0.999 and not self.misconceptions:
            return 4
        return 3 if self.score >= 0.75 else 2

    def to_json(self, question: Question) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": question.id,
            "ref": question.ref,
            "kind": question.kind,
            "score": round(self.score, 4),
            "passed": self.passed,
            "hits": list(self.hits),
            "misses": list(self.misses),
            "misconceptions": list(self.misconceptions),
        }
        if question.kind in ("exercise", "choice"):
            out["expected"] = self.expected
            out["received"] = self.received
        if self.message:
            out["message"] = self.message
        if self.cases:
            out["cases"] = list(self.cases)
        return out


def grade(question: Question, text: str, *, inputs: dict[str, Any] | None = None) -> Grade:
    """Grade a typed answer. ``inputs`` overrides an exercise's inputs (a fresh variant)."""
    if question.kind == "concept":
        return grade_concept(question, text)
    if question.kind == "exercise":
        return grade_exercise(question, text, inputs)
    if question.kind == "choice":
        return grade_choice(question, text)
    return grade_code_text(question, text)


def grade_concept(question: Question, text: str) -> Grade:
    answer = Answer(text)
    total = sum(p.weight for p in question.rubric) or 1.0
    hits, misses, got = [], [], 0.0
    for point in question.rubric:
        if text.strip() and any(answer.matches(p) for p in point.match):
            hits.append(point.point)
            got += point.weight
        else:
            misses.append(point.point)
    wrong = [m for m in question.misconceptions if any(answer.states(p) for p in m.match)]
    score = max(0.0, got / total - sum(m.penalty for m in wrong))
    return Grade(
        score=score,
        passed=score >= question.pass_mark - 1e-9,
        hits=tuple(hits),
        misses=tuple(misses),
        misconceptions=tuple(m.correction for m in wrong),
    )


def grade_exercise(question: Question, text: str, inputs: dict[str, Any] | None = None) -> Grade:
    assert question.expect is not None
    expected = expected_value(question, inputs)
    ex = question.expect
    if ex.as_ == "ranking" and ex.k and isinstance(expected, list):
        expected = expected[: ex.k]
    try:
        ok, got = compare(ex.as_, text, expected, k=ex.k, tol=ex.tol, aliases=dict(ex.aliases))
    except AnswerFormatError as exc:
        return Grade(0.0, False, misses=(f"the {ex.as_} ({ex.field})",), expected=expected, message=str(exc))
    what = f"the {ex.as_} ({ex.field})"
    return Grade(
        score=1.0 if ok else 0.0,
        passed=ok,
        hits=(what,) if ok else (),
        misses=() if ok else (what,),
        expected=expected,
        received=got,
    )


def grade_choice(question: Question, text: str) -> Grade:
    letters = [chr(ord("a") + i) for i in range(len(question.choices))]
    t = text.strip().strip("().").casefold()
    picked = None
    if t in letters:
        picked = t
    else:
        for letter, choice in zip(letters, question.choices):
            if t and t == choice.strip().casefold():
                picked = letter
    ok = picked == question.correct
    return Grade(
        1.0 if ok else 0.0,
        ok,
        hits=("the right option",) if ok else (),
        misses=() if ok else ("the right option",),
        expected=question.correct,
        received=picked,
        message="" if picked else f"answer with a letter ({', '.join(letters)}) or the option's text",
    )


def grade_code_text(question: Question, source: str) -> Grade:
    """A code answer typed or piped as text: written to a scratch file and run like a file."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="drill-answer-") as tmp:
        path = Path(tmp) / "answer.py"
        path.write_text(source, encoding="utf-8")
        return grade_code_file(question, path)


def grade_code_file(question: Question, path: Any, **limits: Any) -> Grade:
    from drill.code_runner import check_code

    report = check_code(question.code or "", path, **limits)
    cases = tuple(c.to_json() for c in report.cases)
    hits = tuple(c["name"] for c in cases if c.get("passed"))
    misses = tuple(c["name"] for c in cases if not c.get("passed"))
    return Grade(
        score=report.score,
        passed=report.passed,
        hits=hits,
        misses=misses or (("the code ran",) if report.error else ()),
        message=report.error or "",
        cases=cases,
    )


# --- exercises: the expected value comes from the solver ---------------------------------


def solve_question(question: Question, inputs: dict[str, Any] | None = None) -> Any:
    """Run the question's solver; results are cached per inputs for the life of the process.
    Inputs the solver refuses (a word over its length limit) are a located bank fault."""
    from solvers.result import SolverInputError

    args = question.inputs if inputs is None else inputs
    try:
        return _solve_cached(question.solver or "", json.dumps(args, sort_keys=True))
    except SolverInputError as exc:  # inputs of the right types, but values the solver refuses
        raise BankError([(question.file, question.line,
                          f"{question.id}: solver {question.solver} rejects the inputs: {exc}")]) from None


@lru_cache(maxsize=256)
def _solve_cached(solver: str, inputs_json: str) -> Any:
    import solvers

    return solvers.load(solver).solve(**json.loads(inputs_json))


def expected_value(question: Question, inputs: dict[str, Any] | None = None) -> Any:
    """The answer field the question names, read from the solver's result (dotted for dict keys)."""
    assert question.expect is not None
    result = solve_question(question, inputs)
    value: Any = result.answer()
    for part in question.expect.field.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise BankError([(question.file, question.line,
                              f"{question.id}: solver {question.solver} has no answer field {question.expect.field!r}")])
    if hasattr(value, "tolist"):
        value = value.tolist()
    return value


__all__ = ["Grade", "RATINGS", "grade", "grade_code_file", "expected_value", "solve_question"]
