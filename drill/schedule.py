"""Spaced repetition: FSRS through the `fsrs` package, with the time passed in, not read.

Cards are stored as the package's own JSON form, so the scheduler's full state survives
between runs and across package upgrades that keep the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler

from drill.ratings import RATINGS



@dataclass(frozen=True)
class Outcome:
    card_before: dict[str, Any] | None
    card_after: dict[str, Any]
    state_after: int
    due_after: datetime


class Schedule:
    def __init__(self, desired_retention: float = 0.9, *, fuzz: bool = True):
        self.scheduler = Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)

    def review(self, card: dict[str, Any] | None, rating: int, now: datetime) -> Outcome:
        """Apply a confirmed rating (1-4) to a card (None: a new card) at time ``now``."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1-4, got {rating}")
        current = Card.from_dict(card) if card else Card(card_id=1, due=now)
        updated, _log = self.scheduler.review_card(current, Rating(rating), review_datetime=now)
        return Outcome(card, updated.to_dict(), int(updated.state), updated.due)

    def retrievability(self, card: dict[str, Any], now: datetime) -> float:
        return float(self.scheduler.get_card_retrievability(Card.from_dict(card), current_datetime=now))

