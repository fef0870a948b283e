"""`drill optimize`: personal FSRS parameters fitted to a simulated learner's year of reviews."""

from __future__ import annotations

import json
import random

import pytest
from datetime import datetime, timedelta, timezone

from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS
from typer.testing import CliRunner

from drill.cli import app
from drill.errors import DrillError
from drill.optimize import (MIN_ITEMS, Fit, as_scheduler_parameters, evaluate, optimize, review_histories,
                            training_items)
from drill.schedule import Schedule
from drill.store import LoggedReview, Store

runner = CliRunner()
T0 = datetime(2025, 1, 6, 9, tzinfo=timezone.utc)
# The simulated learner forgets new cards much faster than FSRS's defaults assume, and
# stabilities grow more slowly after each recall.
TRUE_PARAMETERS = (0.1, 0.4, 0.9, 3.0, *DEFAULT_PARAMETERS[4:8], 1.2, *DEFAULT_PARAMETERS[9:])


def simulate(seed: int, cards: int, days: int = 365) -> list[LoggedReview]:
    """A year of reviews scheduled by drill (FSRS defaults, fuzz on), each card recalled with
    the probability the true memory model gives at that moment; card by card, in time order."""
    rng = random.Random(seed)
    truth = Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False)
    drill = Schedule()
    log: list[LoggedReview] = []
    for c in range(cards):
        qid = f"sim/card-{seed}-{c}"
        at = T0 + timedelta(days=rng.randrange(days // 2), minutes=rng.randrange(600))
        card, memory = None, Card(card_id=1, due=at)
        while at < T0 + timedelta(days=days):
            p_recall = truth.get_card_retrievability(memory, at) if memory.last_review else 0.7
            rating = rng.choices([2, 3, 4], [0.15, 0.75, 0.1])[0] if rng.random() < p_recall else 1
            log.append(LoggedReview(qid, at, rating, 8000))
            card = drill.review(card, rating, at, qid).card_after
            memory, _ = truth.review_card(memory, Rating(rating), at)
            at = datetime.fromisoformat(card["due"]) + timedelta(minutes=rng.randrange(180))
    return log


def test_fitted_parameters_predict_a_new_year_of_the_same_learner_better_than_the_defaults():
    fit = optimize(simulate(1, 300))
    assert isinstance(fit, Fit) and fit.items >= MIN_ITEMS
    assert fit.after.log_loss < fit.before.log_loss and fit.after.rmse < fit.before.rmse
    held_out = training_items(review_histories(simulate(2, 300)))  # other cards, same learner
    default, fitted, true = (evaluate(p, held_out).log_loss
                             for p in (DEFAULT_PARAMETERS, fit.parameters, TRUE_PARAMETERS))
    assert fitted < default
    assert fitted - true < 0.4 * (default - true)  # most of the way to the true model
    assert fit.parameters[0] < DEFAULT_PARAMETERS[0] and fit.parameters[2] < DEFAULT_PARAMETERS[2]


def test_optimize_stores_the_fit_and_the_scheduler_and_config_use_it(mini_banks, drill_home):
    with Store() as store:
        store.merge_reviews(simulate(3, 120), Schedule().replay)
    result = runner.invoke(app, ["optimize", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["fitted"] and report["kept"] and report["after"]["log_loss"] < report["before"]["log_loss"]
    with Store() as store:
        assert list(store.fitted_parameters().parameters) == report["parameters"]
    config = json.loads(runner.invoke(app, ["config", "--json"]).stdout)["fsrs_parameters"]
    assert config["value"] == [round(p, 4) for p in report["parameters"]]
    assert config["source"].startswith("drill optimize, ")
    # the next review is scheduled with the fitted parameters, not the defaults
    quiz = runner.invoke(app, ["quiz", "--id", "9.9-Q3", "--json"], input="b\n---\n")
    assert quiz.exit_code == 0, quiz.output
    rating = json.loads(quiz.stdout)["rating"]
    with Store() as store:
        stability = store.card("mini/pick-relu").card["stability"]  # a new card's: w[rating - 1]
    assert stability == report["parameters"][rating - 1] != DEFAULT_PARAMETERS[rating - 1]


def test_optimize_text_report_shows_both_evaluations(drill_home):
    with Store() as store:
        store.merge_reviews(simulate(4, 100), Schedule().replay)
    result = runner.invoke(app, ["optimize"])
    assert result.exit_code == 0, result.output
    fit = Store().fitted_parameters()
    assert f"{fit.log_loss_before:.4f}" in result.stdout and f"{fit.log_loss_after:.4f}" in result.stdout
    assert "uses your parameters from now on" in result.stdout


def test_a_short_history_says_how_many_more_reviews_are_needed(drill_home):
    with Store() as store:
        store.merge_reviews([r for r in simulate(5, 6) if r.reviewed_at < T0 + timedelta(days=200)],
                            Schedule().replay)
        n_reviews = store.review_count()
        n_items = len(training_items(review_histories(store.review_log())))
    assert 0 < n_items < MIN_ITEMS
    result = runner.invoke(app, ["optimize", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"fitted": False, "reviews": n_reviews, "items": n_items,
                                         "needed": MIN_ITEMS - n_items, "kept": False}
    text = runner.invoke(app, ["optimize"])
    assert text.exit_code == 0 and f"{MIN_ITEMS - n_items} more such reviews are needed" in text.stdout
    with Store() as store:
        assert store.fitted_parameters() is None


def test_config_shows_the_defaults_without_creating_a_database(drill_home):
    result = runner.invoke(app, ["config", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["fsrs_parameters"] == {
        "value": "FSRS-6 defaults", "source": "default (fit yours with drill optimize)"}
    assert not (drill_home / "drill.sqlite3").exists()
    drill_home.mkdir(parents=True, exist_ok=True)
    (drill_home / "drill.sqlite3").write_bytes(b"not a database" * 100)
    damaged = runner.invoke(app, ["config", "--json"])
    assert damaged.exit_code == 0
    assert "not a drill database or damaged" in json.loads(damaged.stdout)["fsrs_parameters"]["source"]


def test_parameter_vectors_of_earlier_fsrs_versions_are_converted_and_others_refused():
    """The optimizer and the scheduler must mean the same thing by w[i]: an FSRS-5 vector (19
    values) gains FSRS-6's two new ones with the values that keep its behaviour; an odd length
    is refused instead of being read as other parameters."""
    fsrs5 = [0.40255, 1.18385, 3.173, 15.69105, 7.1949, 0.5345, 1.4604, 0.0046, 1.54575, 0.1192, 1.01925,
             1.9395, 0.11, 0.29605, 2.2698, 0.2315, 2.9898, 0.51655, 0.6621]
    converted = as_scheduler_parameters(fsrs5)
    assert len(converted) == len(DEFAULT_PARAMETERS) == 21
    assert converted[:19] == pytest.approx(fsrs5, rel=1e-6) and converted[19:] == (0.0, 0.5)
    Schedule(parameters=converted)  # the scheduler takes it
    with pytest.raises(DrillError, match="gives 5 FSRS parameters and the scheduler \\(fsrs\\) takes 21"):
        as_scheduler_parameters([1.0] * 5)
