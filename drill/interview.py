"""The timed mock interview: a mixed draw weighted toward weak topics, and its report.

Questions are drawn without replacement with weights that grow as a topic's share of passed
reviews falls, so the gaps come up more often; exercises are asked as fresh variants. The
report is plain data, kept in the store and shown by the view.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from drill.catalog import Catalog, Entry, Filters
from drill.session import Item, Session, variant_item
from drill.store import Store

MINUTES_PER_QUESTION = 3.0


def topic_scores(store: Store) -> dict[str, tuple[float, int]]:
    """Per question id: (share of passed reviews, number of reviews), over all history."""
    rows = store.query("SELECT question_id, AVG(passed), COUNT(*) FROM reviews GROUP BY question_id")
    return {qid: (float(avg), n) for qid, avg, n in rows}


def weakness(q: Entry, by_question: dict[str, tuple[float, int]], by_topic: dict[str, float]) -> float:
    """Sampling weight: 1 for a topic never missed, up to 4 for one always missed; unseen 2."""
    rates = [by_topic[t] for t in q.topics if t in by_topic]
    if q.id in by_question:
        rates.append(by_question[q.id][0])
    if not rates:
        return 2.0
    return 1.0 + 3.0 * (1.0 - sum(rates) / len(rates))


def plan(catalog: Catalog, filters: Filters, store: Store, minutes: float, seed: int) -> list[Item]:
    rng = random.Random(seed)
    pool = [e for e in catalog.select(filters) if e.kind not in ("choice", "card")]  # cards are self-rated
    by_q = topic_scores(store)
    topic_acc: dict[str, list[float]] = {}
    for q in catalog.entries():
        if q.id in by_q:
            for t in q.topics:
                topic_acc.setdefault(t, []).append(by_q[q.id][0])
    by_topic = {t: sum(v) / len(v) for t, v in topic_acc.items()}
    n = max(1, min(len(pool), round(minutes / MINUTES_PER_QUESTION)))
    chosen: list[Entry] = []
    weights = [weakness(q, by_q, by_topic) for q in pool]
    # one of each kind first, so the mix is real, then weighted draws without replacement
    for kind in ("concept", "exercise", "code"):
        idx = [i for i, q in enumerate(pool) if q.kind == kind]
        if idx and len(chosen) < n:
            i = rng.choices(idx, weights=[weights[j] for j in idx])[0]
            chosen.append(pool[i])
            weights[i] = 0.0
    while len(chosen) < n and any(weights):
        i = rng.choices(range(len(pool)), weights=weights)[0]
        chosen.append(pool[i])
        weights[i] = 0.0
    rng.shuffle(chosen)
    return [variant_item(catalog.question(e), rng) for e in chosen]


@dataclass(frozen=True)
class Report:
    started: str
    minutes: float
    seed: int
    score: float
    questions: list[dict[str, Any]]
    by_topic: list[dict[str, Any]]
    strengths: list[str]
    gaps: list[str]
    review_next: list[str]
    unanswered: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def report(session: Session, started: datetime, minutes: float, seed: int) -> Report:
    questions = []
    topics: dict[str, list[float]] = {}
    for turn, _rating in session.turns:
        q = turn.item.question
        questions.append({
            "id": q.id, "ref": q.ref, "kind": q.kind, "topics": list(q.topics), "score": round(turn.grade.score, 4),
            "passed": turn.grade.passed, "seconds": round(turn.duration_ms / 1000, 1), "seed": turn.item.seed,
        })
        for t in q.topics:
            topics.setdefault(t, []).append(turn.grade.score)
    by_topic = sorted(({"topic": t, "score": sum(v) / len(v), "questions": len(v)} for t, v in topics.items()),
                      key=lambda r: (r["score"], r["topic"]))
    asked = len(session.items)
    score = sum(q["score"] for q in questions) / asked if asked else 0.0  # unanswered questions count as 0
    return Report(
        started=started.isoformat(timespec="seconds"),
        minutes=minutes,
        seed=seed,
        score=round(score, 4),
        questions=questions,
        by_topic=by_topic,
        strengths=[r["topic"] for r in by_topic if r["score"] >= 0.75][::-1],
        gaps=[r["topic"] for r in by_topic if r["score"] < 0.6],
        review_next=[q["id"] for q in questions if not q["passed"]],
        unanswered=asked - len(questions),
    )
