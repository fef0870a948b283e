"""Generate the large progress store of the benchmark: 500,000 reviews of 20,000 cards.

Why generated, and why this shape: the targets are about a heavy user two years in, so the
store imitates one. The schema is made by ``drill.store.Store`` itself (always current); the
rows are then written directly with sqlite3 (``executemany`` in one transaction), because
scheduling half a million reviews through FSRS would take minutes and measure nothing the
targets care about.

Distributions (deterministic for a seed, relative to the generation time ``now``):

- cards: 85% in review state, 10% learning, 5% relearning; review cards due over the next
  months (exponential, mean 40 days, capped at a year) with 7% overdue by up to 30 days;
  (re)learning cards due within a day either side of ``now``; ten cards first seen today.
- reviews: 25 per card on average (Poisson around a per-card rate, at least one), spread over
  the card's history within the last two years, denser early (time since the first review
  ~ span * U^2, as intervals grow), so about 114,000 fall in the last 12 weeks and about
  1,100 on the last day; one session per study day; the first review of
  a card has no state before, later ones are mostly in review state; 88% pass in review state;
  ratings, scores and durations (log-normal, median 25 s) follow from passing; the FSRS card
  JSON before and after is stored as drill stores it.

Usage: python benchmarks/gen_store.py --home DIR [--cards 20000] [--reviews 500000]
The question ids are those of gen_bank.py (``gen/q-FF-NNN``, 500 per file).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from drill.store import Store, iso, study_day

VERSION = 2  # bumped when the distributions change, so benchmarks/run regenerates the store
HISTORY_DAYS = 730
REVIEW, LEARNING, RELEARNING = 2, 1, 3


def question_ids(cards: int, per_file: int = 500) -> list[str]:
    return [f"gen/q-{i // per_file + 1:02d}-{i % per_file + 1:03d}" for i in range(cards)]


def _card_json(card_id: int, state: int, stability: float, difficulty: float, due: datetime,
               last: datetime) -> str:
    return json.dumps({
        "card_id": card_id, "state": state, "step": None if state == REVIEW else 0,
        "stability": round(stability, 4), "difficulty": difficulty,
        "due": due.isoformat(), "last_review": last.isoformat(),
    })


def generate(home: Path, *, cards: int = 20_000, reviews: int = 500_000, seed: int = 0,
             now: datetime | None = None) -> dict:
    """Create ``home/drill.sqlite3`` afresh and fill it; returns a summary including ``now``."""
    now = now or datetime.now(timezone.utc)
    rng = np.random.default_rng(seed)
    home.mkdir(parents=True, exist_ok=True)
    path = home / "drill.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Store(path).close()  # the current schema, made by drill itself

    ids = question_ids(cards)
    rates = rng.gamma(2.0, 0.5, cards)
    counts = np.maximum(1, rng.poisson(rates / rates.mean() * reviews / cards))
    counts = np.maximum(1, np.round(counts * reviews / counts.sum()).astype(int))
    counts[-1] += reviews - counts.sum()  # exactly ``reviews`` in total
    if counts[-1] < 1:
        raise SystemExit("too few reviews for this many cards")

    day0 = now - timedelta(days=HISTORY_DAYS)
    session_of_day: dict[str, int] = {}
    review_rows = []
    card_rows = []
    new_today = set(rng.choice(cards, 10, replace=False).tolist())
    for c, qid in enumerate(ids):
        n = int(counts[c])
        if c in new_today:
            start = now - timedelta(hours=float(rng.uniform(0.5, 3)))
        else:
            start = day0 + timedelta(days=float(rng.uniform(0, HISTORY_DAYS - 30)))
        span = (now - start).total_seconds()
        offsets = np.sort(span * rng.random(n) ** 2)  # denser early: intervals grow as a card is learnt
        offsets[0] = 0.0
        states_before = rng.choice([REVIEW, LEARNING, RELEARNING], n, p=[0.85, 0.10, 0.05])
        passed = np.where(states_before == REVIEW, rng.random(n) < 0.88, rng.random(n) < 0.7)
        ratings = np.where(passed, rng.choice([2, 3, 4], n, p=[0.15, 0.7, 0.15]), 1)
        scores = np.where(passed, rng.uniform(0.6, 1.0, n), rng.uniform(0.0, 0.6, n))
        durations = rng.lognormal(np.log(25_000), 0.6, n).astype(int)
        stability, difficulty = 1.0, float(rng.uniform(2, 8))
        before = None
        lapses = 0
        for k in range(n):
            at = start + timedelta(seconds=float(offsets[k]))
            day = study_day(at)
            session = session_of_day.setdefault(day, len(session_of_day) + 1)
            state_before = None if k == 0 else int(states_before[k])
            if state_before == REVIEW and not passed[k]:
                lapses += 1
            stability = min(365.0, stability * 1.8) if passed[k] else max(0.5, stability * 0.4)
            after = _card_json(c + 1, REVIEW if passed[k] else RELEARNING, stability, difficulty,
                               at + timedelta(days=stability), at)
            review_rows.append((qid, session, iso(at), day, float(scores[k]), int(passed[k]), int(ratings[k]),
                                int(durations[k]), state_before, before, after, None))
            before = after
        first = start
        state = int(rng.choice([REVIEW, LEARNING, RELEARNING], p=[0.85, 0.10, 0.05]))
        if state == REVIEW:
            days = -rng.uniform(0, 30) if rng.random() < 0.07 else min(365.0, rng.exponential(40))
        else:
            days = rng.uniform(-1, 1)
        due = now + timedelta(days=float(days))
        card_rows.append((qid, state, iso(due), _card_json(c + 1, state, stability, difficulty, due, now),
                          n, lapses, iso(first), study_day(first)))

    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    db.executemany("INSERT INTO sessions(id, kind, started, ended) VALUES (?, 'review', ?, ?)",
                   [(sid, f"{day}T12:00:00.000000", f"{day}T12:30:00.000000") for day, sid in session_of_day.items()])
    db.executemany(
        """INSERT INTO reviews(question_id, session_id, reviewed_at, day, score, passed, rating, duration_ms,
               state_before, card_before, card_after, variant_seed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        review_rows)
    db.executemany(
        """INSERT INTO cards(question_id, state, due, card, reps, lapses, first_seen, first_day)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", card_rows)
    db.execute("COMMIT")  # no ANALYZE: drill never runs it, so a user's store has no statistics
    db.close()
    return {"now": iso(now), "cards": cards, "reviews": int(counts.sum()), "path": str(path),
            "size_mb": round(path.stat().st_size / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--reviews", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    summary = generate(args.home, cards=args.cards, reviews=args.reviews, seed=args.seed)
    print(json.dumps({**summary, "seconds": round(time.perf_counter() - start, 1)}))


if __name__ == "__main__":
    main()
