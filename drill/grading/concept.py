"""Concept answers: which rubric points the answer asserts, and which wrong beliefs it states.

A point is credited only when one of its patterns matches a part of the answer that asserts
it (see drill.grading.polarity) and none of its ``opposite`` patterns is asserted. A point with
a ``correction`` whose opposite is asserted, or whose claim is negated, counts as a
misconception. A misconception is counted when one of its patterns is asserted; negated or
reported ("a common myth is that ...") it costs nothing. The list item that states it earns
no point.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from drill.bank import Question, RubricPoint
from drill.errors import BankError
from drill.grading.normalize import Answer, Match, Overrun
from drill.patterns import BUDGET, Plan
from drill.grading.polarity import ASSERTED, NEGATED


@dataclass(frozen=True)
class Check:
    """How one rubric point, opposite or misconception fared: for `check --explain`."""

    kind: str  # "point", "opposite" or "misconception"
    label: str  # the point's text or the misconception's correction
    patterns: tuple[str, ...]
    matches: tuple[Match, ...]
    outcome: str  # "hit", "missed", "contradicted", "stated", "not stated"
    written: tuple[str, ...] = ()  # each pattern as the bank wrote it (a phrase), when known

    def shown(self) -> tuple[str, ...]:
        """The patterns as their author wrote them, else the regexes the grader ran."""
        return self.written if len(self.written) == len(self.patterns) else self.patterns

    def to_json(self) -> dict:
        return {"kind": self.kind, "label": self.label, "outcome": self.outcome, "patterns": list(self.patterns),
                "written": list(self.shown()),
                "matches": [{"pattern": m.pattern, "view": m.view, "text": m.text, "verdict": m.verdict,
                             "evidence": m.evidence} for m in self.matches]}


@dataclass(frozen=True)
class ConceptResult:
    score: float
    hits: tuple[str, ...]
    evidence: tuple[str, ...]
    misses: tuple[str, ...]
    misconceptions: tuple[str, ...]
    misconception_evidence: tuple[str, ...]
    checks: tuple[Check, ...]


@functools.lru_cache(maxsize=8192)
def negative_in_point(pattern: str | Plan, point: str) -> bool:
    """True when the point itself states the pattern's words negatively ("No perfect
    multicollinearity" for ``collinear``): then the answer may say "no ..." and still be right."""
    return any(m.verdict == NEGATED for m in Answer(point).find(pattern))


def _credits(point: RubricPoint, m: Match, plans: dict[str, str | Plan]) -> bool:
    return m.verdict == ASSERTED or (m.verdict == NEGATED and negative_in_point(plans[m.pattern], point.point))


def _find(answer: Answer, question: Question, patterns: tuple[str | Plan, ...],
          lines: tuple[int, ...]) -> tuple[Match, ...]:
    """Every match of the patterns; a pattern over its time budget is a fault at its own line."""
    found: list[Match] = []
    for i, pattern in enumerate(patterns):
        try:
            found += answer.find(pattern)
        except Overrun as exc:
            raise _overrun(question, lines[i] if i < len(lines) else question.line, exc) from None
    return tuple(found)


def _overrun(question: Question, line: int, exc: Overrun) -> BankError:
    return BankError([(question.file, line, f"{question.id}: pattern {exc.pattern!r} took over {BUDGET:g} s on "
                       f"one answer (catastrophic backtracking): simplify it")])


def _targets(patterns: tuple[str, ...], plans: tuple[Plan, ...]) -> tuple[str | Plan, ...]:
    """The plans made when the bank was loaded, or the patterns themselves (built in code)."""
    return plans if len(plans) == len(patterns) else patterns


def prepare(question: Question) -> None:
    """Compile the question's patterns ahead of its answer (``check`` pays this on the first
    answer to a question; an interactive session calls it in the background while the answer
    is being typed, so grading it is warm)."""
    from drill.grading.normalize import warm

    for point in question.rubric:
        for pattern in _targets((*point.match, *point.opposite), point.plans):
            warm(pattern)
    for mis in question.misconceptions:
        for pattern in _targets(mis.match, mis.plans):
            warm(pattern)


def rubric_score(question: Question, got: float, penalty: float) -> float:
    """The weight of the points hit over the rubric's whole weight, less the penalties of the
    misconceptions stated, never below 0: one formula, whichever grader found them."""
    total = sum(p.weight for p in question.rubric) or 1.0
    return max(0.0, got / total - penalty)


def judge(question: Question, text: str) -> ConceptResult:
    answer = Answer(text)
    empty = not text.strip()
    stated: list[tuple[str, Match, float]] = []  # (correction, the words that state it, penalty)
    checks: list[Check] = []
    mis_checks: list[Check] = []
    for mis in question.misconceptions:
        found = () if empty else _find(answer, question, _targets(mis.match, mis.plans), mis.lines)
        said = next((m for m in found if m.verdict == ASSERTED), None)
        if said is not None:
            stated.append((mis.correction, said, mis.penalty))
        mis_checks.append(Check("misconception", mis.correction, mis.match, found, "stated" if said else "not stated",
                                mis.written))
    got, penalty = 0.0, 0.0
    hits, evidence, misses, wrong, wrong_evidence = [], [], [], [], []
    for point in question.rubric:
        targets = _targets((*point.match, *point.opposite), point.plans)
        n = len(point.match)
        found = () if empty else _find(answer, question, targets[:n], point.lines)
        against = () if empty else _find(answer, question, targets[n:], point.lines[n:])
        plans = dict(zip(point.match, targets))
        # The claim (list item) that states a wrong belief earns no point: a ✓ must not quote
        # it ("bagging trains independent models on disjoint chunks without replacement").
        try:  # _credits may match a pattern against the point's own text: the same budget holds
            credit = next((m for m in found if _credits(point, m, plans)
                           and not any(m.shares_claim(said) for _, said, _ in stated)), None)
        except Overrun as exc:
            raise _overrun(question, point.lines[0] if point.lines else question.line, exc) from None
        contra = next((m for m in against if m.verdict == ASSERTED), None)
        if contra is None and credit is None and point.correction:
            contra = next((m for m in found if m.verdict == NEGATED), None)
        if contra is not None:
            outcome = "contradicted"
            misses.append(point.point)
            if point.correction:
                wrong.append(point.correction)
                wrong_evidence.append(contra.evidence)
                penalty += point.penalty
        elif credit is not None:
            outcome = "hit"
            hits.append(point.point)
            evidence.append(credit.evidence)
            got += point.weight
        else:
            outcome = "missed"
            misses.append(point.point)
        checks.append(Check("point", point.point, point.match, found, outcome, point.written[:n]))
        if point.opposite:
            said_opposite = any(m.verdict == ASSERTED for m in against)
            checks.append(Check("opposite", point.point, point.opposite, against,
                                "stated" if said_opposite else "not stated", point.written[n:]))
    for correction, said, cost in stated:
        wrong.append(correction)
        wrong_evidence.append(said.evidence)
        penalty += cost
    checks += mis_checks
    return ConceptResult(
        score=rubric_score(question, got, penalty),
        hits=tuple(hits), evidence=tuple(evidence), misses=tuple(misses),
        misconceptions=tuple(wrong), misconception_evidence=tuple(wrong_evidence), checks=tuple(checks),
    )
