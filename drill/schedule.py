"""Spaced repetition: FSRS through the `fsrs` package, with the time passed in, not read.

Cards are stored as the package's own JSON form, so the scheduler's full state survives
between runs and across package upgrades that keep the format.

The interval fuzz (Anki's ranges, from ``fsrs``) is drawn from a hash of the question id and
the card's previous review time instead of a global random generator. So a review is a pure
function of (card, rating, time): the intervals shown before rating are the ones then
recorded, and replaying a merged review log gives the very card states a single store that
saw every review holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from drill.errors import InputError
from drill.ratings import RATINGS

N_PARAMETERS = len(DEFAULT_PARAMETERS)  # FSRS-6: 21


@dataclass(frozen=True)
class Outcome:
    card_before: dict[str, Any] | None
    card_after: dict[str, Any]
    state_after: int
    due_after: datetime


def check_parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    """The parameters as the scheduler takes them, or an InputError saying why not.

    Values off a bound by float32 rounding (the optimizer computes in float32) are moved onto
    it; anything further out means the vector belongs to another FSRS version."""
    if len(parameters) != N_PARAMETERS:
        raise InputError(f"FSRS parameters: expected {N_PARAMETERS} values (FSRS-6), got {len(parameters)}")
    checked = []
    for i, (value, low, high) in enumerate(zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)):
        value = float(value)
        if not low - 1e-6 <= value <= high + 1e-6:
            raise InputError(f"FSRS parameters: w[{i}] = {value:.6g} is outside the scheduler's range [{low}, {high}]")
        checked.append(min(max(value, low), high))
    return tuple(checked)


class Schedule:
    def __init__(self, desired_retention: float = 0.9, *, fuzz: bool = True,
                 parameters: Sequence[float] | None = None):
        params = check_parameters(parameters) if parameters is not None else DEFAULT_PARAMETERS
        self.scheduler = Scheduler(parameters=params, desired_retention=desired_retention, enable_fuzzing=False)
        self.fuzz = fuzz

    @property
    def parameters(self) -> tuple[float, ...]:
        return tuple(self.scheduler.parameters)

    def review(self, card: dict[str, Any] | None, rating: int, now: datetime, key: str = "") -> Outcome:
        """Apply a confirmed rating (1-4) to a card (None: a new card) at time ``now``;
        ``key`` (the question id) seeds the interval fuzz."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1-4, got {rating}")
        current = Card.from_dict(card) if card else Card(card_id=1, due=now)
        updated, _log = self.scheduler.review_card(current, Rating(rating), review_datetime=now)
        if self.fuzz and updated.state == State.Review:
            days = (updated.due - now).days
            updated.due = now + timedelta(days=fuzzed_days(days, _draw(key, card), self.scheduler.maximum_interval))
        return Outcome(card, updated.to_dict(), int(updated.state), updated.due)

    def preview(self, card: dict[str, Any] | None, now: datetime, key: str = "") -> dict[int, timedelta]:
        """When the card would come back after each rating, were it given at ``now``."""
        return {r: self.review(card, r, now, key).due_after - now for r in RATINGS}

    def replay(self, reviews: Iterable[tuple[int, datetime]], key: str = "") -> list[Outcome]:
        """Every review of one card, in time order, applied from a new card."""
        outcomes: list[Outcome] = []
        card: dict[str, Any] | None = None
        for rating, at in reviews:
            outcome = self.review(card, rating, at, key)
            outcomes.append(outcome)
            card = outcome.card_after
        return outcomes

    def retrievability(self, card: dict[str, Any], now: datetime) -> float:
        return float(self.scheduler.get_card_retrievability(Card.from_dict(card), current_datetime=now))


def user_schedule(store: Any, desired_retention: float) -> Schedule:
    """The learner's scheduler: their own parameters once `drill optimize` has fitted them."""
    fit = store.fitted_parameters()
    return Schedule(desired_retention, parameters=fit.parameters if fit else None)


def _draw(key: str, card: dict[str, Any] | None) -> float:
    """A number in [0, 1) fixed by the question and its previous review, like Anki's seed."""
    last = (card or {}).get("last_review") or "new"
    digest = hashlib.blake2b(f"{key}|{last}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def fuzzed_days(days: int, draw: float, maximum: int) -> int:
    """Anki's fuzz: an interval of 2.5 days or more moves within a range that widens with it
    (15% of the part from 2.5 to 7 days, 10% to 20 days, 5% beyond); ``draw`` picks the spot."""
    if days < 2.5:
        return days
    delta = 1.0
    for r in FUZZ_RANGES:
        delta += r["factor"] * max(min(float(days), r["end"]) - r["start"], 0.0)
    high = min(round(days + delta), maximum)
    low = min(max(2, round(days - delta)), high)
    return min(low + int(draw * (high - low + 1)), high)  # each day of [low, high] equally likely


def short_interval(interval: timedelta) -> str:
    """An interval as a rating button shows it: 10m, 5h, 3d, 2.5mo, 1.2y."""
    seconds = interval.total_seconds()
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if minutes < 60:
        return f"{max(1, round(minutes))}m"
    if hours < 24:
        return f"{round(hours)}h"
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


def intervals_line(intervals: dict[int, timedelta]) -> str:
    """``1 Again 10m · 2 Hard 1d · 3 Good 3d · 4 Easy 8d``"""
    return " · ".join(f"{r} {RATINGS[r]} {short_interval(intervals[r])}" for r in sorted(intervals))
