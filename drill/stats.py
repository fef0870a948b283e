"""Progress figures for the status screen and `drill stats`, computed from the store.

Queries go through indexes only (due, day, and a covering index for retention), so the
figures stay fast with hundreds of thousands of reviews.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from drill.catalog import Catalog, Filters
from drill.store import DAY_START_HOUR, Store, iso, study_day



@dataclass(frozen=True)
class Status:
    due_now: int
    new_available: int
    reviewed_today: int
    streak: int
    next_due: datetime | None
    orphans: int

    def to_json(self) -> dict[str, Any]:
        return {
            "due_now": self.due_now, "new_available": self.new_available, "reviewed_today": self.reviewed_today,
            "streak": self.streak, "next_due": self.next_due.isoformat() if self.next_due else None,
        }


@dataclass(frozen=True)
class Stats:
    reviews_total: int
    reviewed_today: int
    due_now: int
    new_available: int
    streak: int
    retention: float | None
    by_bank: list[dict[str, Any]]
    by_topic: list[dict[str, Any]]
    forecast: list[dict[str, Any]]
    per_day: list[dict[str, Any]]
    seconds_total: float
    orphans: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews_total": self.reviews_total, "reviewed_today": self.reviewed_today, "due_now": self.due_now,
            "new_available": self.new_available, "streak": self.streak, "retention": self.retention,
            "by_bank": self.by_bank, "by_topic": self.by_topic, "forecast": self.forecast,
            "per_day": self.per_day, "seconds_total": self.seconds_total, "orphans": self.orphans,
        }


def _day_start(day: str) -> datetime:
    """The UTC moment a local study day starts."""
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, DAY_START_HOUR).astimezone()


def streak(store: Store, today: str) -> int:
    """Consecutive study days with reviews, ending today (or yesterday: the streak survives
    until today's study day ends). Reads days newest first and stops at the first gap."""
    expected = date.fromisoformat(today)
    count = 0
    for i, (day,) in enumerate(store.iterate(
            "SELECT DISTINCT day FROM reviews WHERE day <= ? ORDER BY day DESC", (today,))):
        if i == 0 and day != today:
            expected -= timedelta(days=1)
        if day != expected.isoformat():
            break
        count += 1
        expected -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class _Counts:
    status: Status
    due: list[str]
    known: set[str]
    ids: set[str]  # every loaded question


def _counts(store: Store, catalog: Catalog, new_limit: int, now: datetime) -> _Counts:
    today = study_day(now)
    ids = catalog.ids()
    due = [qid for qid in store.due(now) if qid in ids]
    known = store.known_ids()
    room = max(0, new_limit - store.new_introduced_on(today))
    reviewed = store.query("SELECT COUNT(*) FROM reviews WHERE day = ?", (today,))[0][0]
    st = Status(len(due), min(room, len(ids - known)), reviewed, streak(store, today), store.next_due(),
                len(known - ids))
    return _Counts(st, due, known, ids)


def status(store: Store, catalog: Catalog, new_limit: int, now: datetime | None = None) -> Status:
    return _counts(store, catalog, new_limit, now or store.clock()).status


def compute(store: Store, catalog: Catalog, filters: Filters, *, new_limit: int, weeks: int = 12,
            now: datetime | None = None) -> Stats:
    now = now or store.clock()
    today = study_day(now)
    selected = {q.id: q for q in catalog.select(filters)}
    counts = _counts(store, catalog, new_limit, now)
    st, known = counts.status, counts.known
    due_now = sum(1 for qid in counts.due if qid in selected)
    new_available = min(st.new_available, sum(1 for q in selected if q not in known))

    passed_by_q = {
        qid: (ok, n) for qid, ok, n in store.query(
            "SELECT question_id, mature_passed, mature_reviews FROM cards WHERE mature_reviews > 0")
        if qid in selected
    }
    ok_all = sum(ok for ok, _ in passed_by_q.values())
    n_all = sum(n for _, n in passed_by_q.values())

    def group(key) -> list[dict[str, Any]]:  # noqa: ANN001
        acc: dict[str, list[int]] = {}
        for qid, (ok, n) in passed_by_q.items():
            for name in key(selected[qid]):
                a = acc.setdefault(name, [0, 0])
                a[0] += ok
                a[1] += n
        rows = [{"name": k, "retention": ok / n, "reviews": n} for k, (ok, n) in acc.items() if n]
        return sorted(rows, key=lambda r: (r["retention"], -r["reviews"], r["name"]))

    start_day = (date.fromisoformat(today) - timedelta(weeks=weeks) + timedelta(days=1)).isoformat()
    per_day_rows = store.query(
        "SELECT day, COUNT(*), SUM(duration_ms), SUM(passed) FROM reviews WHERE day >= ? GROUP BY day ORDER BY day",
        (start_day,))
    per_day = [{"day": d, "reviews": n, "seconds": (ms or 0) / 1000, "passed": p} for d, n, ms, p in per_day_rows]

    first = date.fromisoformat(today)
    horizon = iso(_day_start((first + timedelta(days=14)).isoformat()))
    dues = [d for d, qid in store.query("SELECT due, question_id FROM cards WHERE due < ? ORDER BY due", (horizon,))
            if qid in selected and isinstance(d, str)]  # a damaged non-text due is reported by next_due
    forecast = []
    for i in range(14):
        day = (first + timedelta(days=i)).isoformat()
        end = iso(_day_start((first + timedelta(days=i + 1)).isoformat()))
        begin = iso(_day_start(day)) if i else ""
        count = bisect.bisect_left(dues, end) - bisect.bisect_left(dues, begin)
        forecast.append({"day": day, "due": count})

    return Stats(
        reviews_total=store.review_count(),
        reviewed_today=st.reviewed_today,
        due_now=due_now,
        new_available=new_available,
        streak=st.streak,
        retention=ok_all / n_all if n_all else None,
        by_bank=group(lambda q: [q.bank]),
        by_topic=group(lambda q: list(q.topics)),
        forecast=forecast,
        per_day=per_day,
        seconds_total=sum(r["seconds"] for r in per_day),
        orphans=sorted(known - counts.ids),
    )
