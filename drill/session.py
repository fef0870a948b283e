"""The quiz/review loop as plain logic: what to ask, grading, and handing on confirmed reviews.

No terminal code lives here: the terminal and pipe front-ends (drill.view.loop) drive a
``Session``, and tests drive it directly. A review reaches the store only when the user
confirms its rating, through the one ``Recorder`` hand-off.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, Sequence

from drill.bank import Question
from drill.catalog import Catalog, Filters
from drill.store import Clock, Store, ReviewRecord, study_day, utc_now

if TYPE_CHECKING:
    from drill.grading import Grade


@dataclass(frozen=True)
class Item:
    """One question to ask; ``inputs`` and ``seed`` are set for a fresh exercise variant."""

    question: Question
    inputs: dict[str, Any] | None = None
    seed: int | None = None


@dataclass(frozen=True)
class Turn:
    item: Item
    answer: str
    grade: Grade
    proposed: int
    duration_ms: int
    skipped: bool = False


class Recorder(Protocol):
    def confirmed(self, turn: Turn, rating: int, at: datetime) -> datetime | None:
        """Hand on a confirmed review; returns when the question is due again, if scheduled."""


class StoreRecorder:
    """Schedules a confirmed review with FSRS and writes it in one transaction."""

    def __init__(self, store: Store, schedule: Any, kind: str):
        self.store = store
        self.schedule = schedule
        self.session_id = store.start_session(kind)

    def preview(self, turn: Turn, at: datetime) -> dict[int, timedelta]:
        """When the question would come back after each rating: what confirming then records."""
        qid = turn.item.question.id
        existing = self.store.card(qid)
        return self.schedule.preview(existing.card if existing else None, at, qid)

    def confirmed(self, turn: Turn, rating: int, at: datetime) -> datetime:
        qid = turn.item.question.id
        existing = self.store.card(qid)
        outcome = self.schedule.review(existing.card if existing else None, rating, at, qid)
        self.store.record(ReviewRecord(
            question_id=qid, reviewed_at=at, score=turn.grade.score, passed=turn.grade.passed, rating=rating,
            duration_ms=turn.duration_ms, card_before=outcome.card_before, card_after=outcome.card_after,
            state_after=outcome.state_after, due_after=outcome.due_after, session_id=self.session_id,
            variant_seed=turn.item.seed,
        ))
        return outcome.due_after

    def close(self) -> None:
        self.store.end_session(self.session_id)


@dataclass
class Summary:
    asked: int = 0
    passed: int = 0
    skipped: int = 0
    total_score: float = 0.0
    ratings: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def mean_score(self) -> float:
        return self.total_score / self.asked if self.asked else 0.0


class Session:
    def __init__(self, items: Sequence[Item], recorder: Recorder | None = None, *, clock: Clock = utc_now,
                 deadline: datetime | None = None, hints: bool = True,
                 grader: Callable[..., Grade] | None = None):
        self.items = list(items)
        self.grader = grader  # a Grader that may ask a language model; None: drill.grading.grade
        self.recorder = recorder
        self.clock = clock
        self.deadline = deadline  # a timed interview: no new question once it has passed
        self.hints = hints
        self.index = 0
        self.shown_at: datetime | None = None
        self.hints_shown = 0
        self.pending: Turn | None = None
        self.turns: list[tuple[Turn, int]] = []
        self.last_due: datetime | None = None  # when the last confirmed question comes back
        self.summary = Summary()

    def current(self) -> Item | None:
        return self.items[self.index] if self.index < len(self.items) else None

    def time_left(self) -> float | None:
        if self.deadline is None:
            return None
        return max(0.0, (self.deadline - self.clock()).total_seconds())

    def show(self) -> Item | None:
        """Mark the current question as on screen (its answer time starts now); None when
        every question was asked or the interview's time is up."""
        if self.time_left() == 0.0:
            return None
        self.shown_at = self.clock()
        self.hints_shown = 0
        return self.current()

    def hint(self) -> str | None:
        item = self.current()
        if item is None or not self.hints or self.hints_shown >= len(item.question.hints):
            return None
        self.hints_shown += 1
        return item.question.hints[self.hints_shown - 1]

    def _elapsed_ms(self) -> int:
        if self.shown_at is None:
            return 0
        return max(0, int((self.clock() - self.shown_at).total_seconds() * 1000))

    def submit(self, text: str) -> Turn:
        item = self.current()
        assert item is not None and self.pending is None
        if item.question.kind == "card":  # self-rated: nothing to grade or propose, the rating decides
            from drill.grading import Grade

            self.pending = Turn(item, text, Grade(0.0, False), 0, self._elapsed_ms())
            return self.pending
        if self.grader is None:
            from drill.grading import grade  # after the first card is on screen: it imports the stemmer

            self.grader = grade
        g = self.grader(item.question, text, inputs=item.inputs)
        self.pending = Turn(item, text, g, g.proposed_rating(item.question.kind), self._elapsed_ms())
        return self.pending

    def skip(self) -> Turn:
        item = self.current()
        assert item is not None and self.pending is None
        from drill.grading import Grade

        g = Grade(0.0, False, misses=tuple(p.point for p in item.question.rubric))
        self.pending = Turn(item, "", g, 1, self._elapsed_ms(), skipped=True)
        return self.pending

    def intervals(self) -> dict[int, timedelta] | None:
        """When the pending question would come back after each rating; None when nothing
        schedules it (--no-record, or a recorder that only listens)."""
        preview = getattr(self.recorder, "preview", None)
        if self.pending is None or preview is None:
            return None
        return preview(self.pending, self.clock())

    def confirm(self, rating: int | None = None) -> int:
        """Accept the proposed rating (or override it) and hand the review on; returns it.
        A card proposes none, so its rating must be given."""
        turn = self.pending
        assert turn is not None
        final = 1 if turn.skipped else (rating or turn.proposed)
        if final not in (1, 2, 3, 4):
            raise ValueError("rating must be 1, 2, 3 or 4")
        if turn.item.question.kind == "card" and not turn.skipped:
            turn = replace(turn, grade=self_rated(final))
        self.last_due = self.recorder.confirmed(turn, final, self.clock()) if self.recorder is not None else None
        s = self.summary
        s.asked += 1
        s.passed += int(turn.grade.passed)
        s.skipped += int(turn.skipped)
        s.total_score += turn.grade.score
        s.ratings[final] = s.ratings.get(final, 0) + 1
        s.seconds += turn.duration_ms / 1000
        self.turns.append((turn, final))
        self.pending = None
        self.index += 1
        return final


def self_rated(rating: int) -> Grade:
    """A card's grade is its rating: Hard or better recalled it (as Anki counts a pass), so
    retention and the summary treat cards like graded questions."""
    recalled = rating > 1
    from drill.grading import Grade

    return Grade(1.0 if recalled else 0.0, recalled)


# --- choosing what to ask ----------------------------------------------------------------


def variant_item(q: Question, rng: random.Random) -> Item:
    """A fresh instance of an exercise, when its solver can generate one."""
    if q.kind != "exercise" or not q.solver:
        return Item(q)
    import solvers

    module = solvers.load(q.solver)
    seed = rng.randrange(1_000_000)
    inputs = module.random_inputs(seed)
    for key in getattr(module, "VARIANT_KEEPS", ()):  # settings the question fixes, e.g. directed
        if key in q.inputs:
            inputs[key] = q.inputs[key]
    return Item(q, inputs, seed)


def quiz_items(catalog: Catalog, filters: Filters, n: int, *, seed: int | None = None,
               variants: bool = False) -> list[Item]:
    rng = random.Random(seed)
    selected = catalog.select(filters)  # a lazy sequence: sampling fetches only the chosen entries
    chosen = rng.sample(selected, min(n, len(selected)))
    return [variant_item(catalog.question(e), rng) if variants else Item(catalog.question(e)) for e in chosen]


def review_items(catalog: Catalog, filters: Filters, store: Store, *, new_limit: int,
                 n: int | None = None, now: datetime | None = None) -> list[Item]:
    """Every due card (most overdue first), then new questions up to today's new-card limit."""
    now = now or store.clock()
    selected = catalog.select(filters)
    due = selected.having(store.due(now))
    known = store.known_ids()
    room = max(0, new_limit - store.new_introduced_on(study_day(now)))
    new = selected.having(list(islice((qid for qid in selected.ids() if qid not in known), room)))
    entries = due + new
    return [Item(q) for q in catalog.questions_of(entries[:n] if n is not None else entries)]


def iter_answers(stream: Iterable[str]) -> Iterator[str]:
    """Split piped input into answers as they arrive: each ends at a line that is exactly
    '---' or at end of input (a trailing empty answer at EOF is not an answer)."""
    current: list[str] = []
    for line in stream:
        text = line.rstrip("\n").rstrip("\r")
        if text == "---":
            yield "\n".join(current)
            current = []
        else:
            current.append(text)
    if current and any(c.strip() for c in current):
        yield "\n".join(current)
