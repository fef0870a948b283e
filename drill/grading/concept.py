"""Concept answers: which rubric points the answer asserts, and which wrong beliefs it states.

A point is credited only when one of its patterns matches a part of the answer that asserts
it (see drill.grading.polarity) and none of its ``opposite`` patterns is asserted. A point with
a ``correction`` whose opposite is asserted, or whose claim is negated, counts as a
misconception. A misconception is counted when one of its patterns is asserted; negated or
reported ("a common myth is that ...") it costs nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from drill.bank import Question, RubricPoint
from drill.grading.normalize import Answer, Match
from drill.grading.polarity import ASSERTED, NEGATED


@dataclass(frozen=True)
class Check:
    """How one rubric point, opposite or misconception fared: for `check --explain`."""

    kind: str  # "point", "opposite" or "misconception"
    label: str  # the point's text or the misconception's correction
    matches: tuple[Match, ...]
    outcome: str  # "hit", "missed", "contradicted", "stated", "not stated"


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
def negative_in_point(pattern: str, point: str) -> bool:
    """True when the point itself states the pattern's words negatively ("No perfect
    multicollinearity" for ``collinear``): then the answer may say "no ..." and still be right."""
    return any(m.verdict == NEGATED for m in Answer(point).find(pattern))


def _credits(point: RubricPoint, m: Match) -> bool:
    return m.verdict == ASSERTED or (m.verdict == NEGATED and negative_in_point(m.pattern, point.point))


def judge(question: Question, text: str) -> ConceptResult:
    answer = Answer(text)
    empty = not text.strip()
    total = sum(p.weight for p in question.rubric) or 1.0
    got = 0.0
    hits, evidence, misses, wrong, wrong_evidence, penalty = [], [], [], [], [], 0.0
    checks: list[Check] = []
    for point in question.rubric:
        found = () if empty else tuple(m for p in point.match for m in answer.find(p))
        against = () if empty else tuple(m for p in point.opposite for m in answer.find(p))
        credit = next((m for m in found if _credits(point, m)), None)
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
        checks.append(Check("point", point.point, found, outcome))
        if point.opposite:
            checks.append(Check("opposite", point.point, against, "stated" if any(m.verdict == ASSERTED for m in against) else "not stated"))
    for mis in question.misconceptions:
        found = () if empty else tuple(m for p in mis.match for m in answer.find(p))
        stated = next((m for m in found if m.verdict == ASSERTED), None)
        if stated is not None:
            wrong.append(mis.correction)
            wrong_evidence.append(stated.evidence)
            penalty += mis.penalty
        checks.append(Check("misconception", mis.correction, found, "stated" if stated else "not stated"))
    return ConceptResult(
        score=max(0.0, got / total - penalty),
        hits=tuple(hits), evidence=tuple(evidence), misses=tuple(misses),
        misconceptions=tuple(wrong), misconception_evidence=tuple(wrong_evidence), checks=tuple(checks),
    )
