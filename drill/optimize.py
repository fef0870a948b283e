"""Personal FSRS parameters, fitted to the learner's own review log.

The optimizer is fsrs-rs (through ``fsrs_rs_python``), the one Anki runs: it needs no torch
and fits a year of reviews in well under a second. It learns from each review made on a later
day than the card's previous one (an "item": the card's history up to that review, whose
outcome, recalled or forgotten, is what the model predicts). Below ``MIN_ITEMS`` such
reviews it would only move the four initial stabilities, so drill says how many more are
needed instead.

How well parameters predict the learner's reviews is measured on those same reviews, by
fsrs-rs: log-loss (the mean negative log-likelihood of each recall outcome) and RMSE over
bins of predicted recall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Iterable

from drill.errors import DrillError
from drill.schedule import N_PARAMETERS, check_parameters
from drill.store import FittedParameters, LoggedReview

MIN_ITEMS = 64  # fsrs-rs fits every parameter from 64 items on (fewer: the initial stabilities only)


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse: float


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]
    reviews: int
    items: int
    before: Evaluation  # FSRS's default parameters
    after: Evaluation  # the fitted ones

    def stored(self, at: datetime) -> FittedParameters:
        return FittedParameters(self.parameters, at, self.reviews, self.items, self.before.log_loss,
                                self.after.log_loss, self.before.rmse, self.after.rmse)

    def to_json(self) -> dict:
        return {"fitted": True, "reviews": self.reviews, "items": self.items, "parameters": list(self.parameters),
                "before": vars(self.before), "after": vars(self.after)}


@dataclass(frozen=True)
class TooLittleHistory:
    """Not enough reviews on later days to fit every parameter; nothing is changed."""

    reviews: int
    items: int

    @property
    def needed(self) -> int:
        return MIN_ITEMS - self.items

    def to_json(self) -> dict:
        return {"fitted": False, "reviews": self.reviews, "items": self.items, "needed": self.needed}


def review_histories(log: Iterable[LoggedReview]) -> list[list[tuple[int, datetime]]]:
    """(rating, time) per card, in time order; the log comes card by card."""
    return [[(r.rating, r.reviewed_at) for r in reviews]
            for _, reviews in groupby(log, key=lambda r: r.question_id)]


def training_items(histories: Iterable[list[tuple[int, datetime]]]) -> list:
    """fsrs-rs items: for every review on a later day than the card's previous one, the card's
    history up to it. Days elapsed count whole 24-hour periods, as the scheduler counts them."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items = []
    for history in histories:
        reviews = []
        previous = None
        for rating, at in sorted(history, key=lambda h: h[1]):
            delta = (at - previous).days if previous else 0
            reviews.append(FSRSReview(rating, delta))
            if delta > 0:
                items.append(FSRSItem(list(reviews)))
            previous = at
    return items


def optimize(log: Iterable[LoggedReview]) -> Fit | TooLittleHistory:
    import fsrs_rs_python as rs

    histories = review_histories(log)
    n_reviews = sum(len(h) for h in histories)
    items = training_items(histories)
    if len(items) < MIN_ITEMS:
        return TooLittleHistory(n_reviews, len(items))
    defaults = as_scheduler_parameters(list(rs.DEFAULT_PARAMETERS))
    try:
        fitted = as_scheduler_parameters(rs.FSRS(defaults).compute_parameters(items))
    except ValueError as exc:  # fsrs-rs reports its own failures (e.g. a diverged fit) this way
        raise DrillError(f"the FSRS optimizer failed on this review log ({exc}); nothing was changed") from None
    if fitted == defaults:  # fsrs-rs set nearly every item aside as an outlier
        return TooLittleHistory(n_reviews, 0)
    return Fit(fitted, n_reviews, len(items), evaluate(defaults, items), evaluate(fitted, items))


def evaluate(parameters: Iterable[float], items: list) -> Evaluation:
    import fsrs_rs_python as rs

    result = rs.FSRS(list(parameters)).evaluate(items)
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def as_scheduler_parameters(parameters: list[float]) -> tuple[float, ...]:
    """The optimizer's vector in the scheduler's form. fsrs-rs converts the shorter vectors of
    earlier FSRS versions (17 or 19 values) itself; any other mismatch between the two
    packages is refused, since the scheduler would read the numbers as other parameters."""
    import fsrs_rs_python as rs

    if len(parameters) != N_PARAMETERS:
        try:
            parameters = list(rs.check_and_fill_parameters(parameters))
        except ValueError:  # a length no FSRS version has
            pass
    if len(parameters) != N_PARAMETERS:
        raise DrillError(f"the optimizer (fsrs-rs-python) gives {len(parameters)} FSRS parameters and the "
                         f"scheduler (fsrs) takes {N_PARAMETERS}: install versions of the same FSRS generation")
    return check_parameters(parameters)
