"""Grading: one entry point, ``grade(question, text)``, for every kind of question.

Concept answers are scored against the rubric; exercise answers are parsed and compared with
the value the question's solver computes; choice answers by letter or text; code answers by
running the user's file against a reference (see drill.code_runner).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from drill.bank import Question
from drill.errors import BankError
from drill.grading.answers import AnswerFormatError, compare
from drill.ratings import RATINGS

if TYPE_CHECKING:
    from drill.grading.concept import ConceptResult


@dataclass(frozen=True)
class Grade:
    score: float
    passed: bool
    hits: tuple[str, ...] = ()
    misses: tuple[str, ...] = ()
    misconceptions: tuple[str, ...] = ()  # the corrections of the wrong beliefs the answer stated
    evidence: tuple[str, ...] = ()  # concept answers: the words that earned each hit (parallel to hits)
    misconception_evidence: tuple[str, ...] = ()  # the words that stated each misconception
    expected: Any = None
    received: Any = None
    message: str = ""  # why an answer could not be read, or a summary of a code run
    cases: tuple[dict[str, Any], ...] = ()  # per-case reports of a code answer
    grader: str = "builtin"  # "builtin", or "llm:<model>" when a language model graded it
    checks: tuple[Any, ...] = ()  # concept answers: how each pattern fared (concept.Check), for --explain

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
        if question.kind == "concept":
            out["evidence"] = list(self.evidence)
            out["misconception_evidence"] = list(self.misconception_evidence)
        if question.kind in ("exercise", "choice"):
            out["expected"] = self.expected
            out["received"] = self.received
        if self.message:
            out["message"] = self.message
        if self.cases:
            out["cases"] = list(self.cases)
        if question.kind == "concept":
            out["grader"] = self.grader
        return out


def grade(question: Question, text: str, *, inputs: dict[str, Any] | None = None) -> Grade:
    """Grade a typed answer. ``inputs`` overrides an exercise's inputs (a fresh variant)."""
    if question.kind == "concept":
        return grade_concept(question, text)
    if question.kind == "exercise":
        return grade_exercise(question, text, inputs)
    if question.kind == "choice":
        return grade_choice(question, text)
    if question.kind == "card":
        raise ValueError(f"{question.id} is a self-rated card: there is nothing to grade")
    return grade_code_text(question, text)


# Far longer than any interview answer (about 8,000 words). Grading time and memory grow with
# the text (about 2 µs a character): a pasted file of megabytes is refused, not ground through.
MAX_CONCEPT_ANSWER = 50_000


def too_long(text: str) -> str | None:
    """Why a concept answer is not graded at all, or None."""
    if len(text) <= MAX_CONCEPT_ANSWER:
        return None
    return f"{len(text):,} characters; a concept answer is graded up to {MAX_CONCEPT_ANSWER:,}"


def grade_concept(question: Question, text: str) -> Grade:
    from drill.grading.concept import judge

    reason = too_long(text)
    if reason:
        return Grade(0.0, False, misses=tuple(p.point for p in question.rubric), message=f"not graded: {reason}")
    return concept_grade(question, judge(question, text))


def concept_grade(question: Question, result: "ConceptResult", grader: str = "builtin") -> Grade:
    """The Grade of what a concept grader (the rules, or a model) found in an answer."""
    return Grade(
        score=result.score,
        passed=result.score >= question.pass_mark - 1e-9,
        hits=result.hits,
        misses=result.misses,
        misconceptions=result.misconceptions,
        evidence=result.evidence,
        misconception_evidence=result.misconception_evidence,
        checks=result.checks,
        grader=grader,
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


# --- a language model as the concept grader, when configured --------------------------------


class Grader:
    """Grades concept answers with a language model when one is configured, and everything
    else (or everything, once the model has failed) with the built-in rules.

    A model that is missing, unreachable, slow or replies badly is reported once through
    ``warn`` and not asked again in this process: a quiz must not wait on it at every question.
    """

    def __init__(self, model: str | None = None, *, use_model: bool = False, timeout: float | None = None,
                 warn: Callable[[str], None] | None = None):
        self.model = model
        self.use_model = use_model
        self.timeout = timeout
        self.warn = warn or (lambda message: None)

    def __call__(self, question: Question, text: str, *, inputs: dict[str, Any] | None = None) -> Grade:
        if self.use_model and question.kind == "concept" and text.strip() and not too_long(text):
            from drill.grading.model import ModelUnavailable

            try:
                return self._with_model(question, text)
            except ModelUnavailable as exc:
                self.use_model = False
                self.warn(f"model grader unavailable: {exc}; graded with the built-in grader")
        return grade(question, text, inputs=inputs)

    def _with_model(self, question: Question, text: str) -> Grade:
        from drill.grading import model as m
        from drill.grading.concept import ConceptResult, rubric_score

        reply = m.ask(self.model, m.build_prompt(question, text), timeout=self.timeout or m.DEFAULT_TIMEOUT)
        verdict = m.parse_reply(question, text, reply)
        hit_points = [i for i in range(len(question.rubric)) if i in verdict.hits]
        wrong = sorted(verdict.misconceptions)
        got = sum(question.rubric[i].weight for i in hit_points)
        penalty = sum(question.misconceptions[i].penalty for i in wrong) + m.OTHER_ERROR_PENALTY * len(verdict.other_errors)
        return concept_grade(question, ConceptResult(
            score=rubric_score(question, got, penalty),
            hits=tuple(question.rubric[i].point for i in hit_points),
            evidence=tuple(verdict.hits[i] for i in hit_points),
            misses=tuple(p.point for i, p in enumerate(question.rubric) if i not in verdict.hits),
            misconceptions=tuple([question.misconceptions[i].correction for i in wrong]
                                 + [err for err, _ in verdict.other_errors]),
            misconception_evidence=tuple([verdict.misconceptions[i] for i in wrong]
                                         + [ev for _, ev in verdict.other_errors]),
            checks=(),
        ), grader=m.model_name(self.model))


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


__all__ = ["Grade", "Grader", "RATINGS", "grade", "grade_code_file", "expected_value", "solve_question"]
