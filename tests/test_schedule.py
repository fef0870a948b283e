"""Scheduling: intervals shown before rating, the fuzz, parameters and the `due` a review reports."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from rich.console import Console
from typer.testing import CliRunner

from drill.cli import app
from drill.errors import InputError
from drill.index import load_catalog
from drill.schedule import Schedule, check_parameters, fuzzed_days, intervals_line, short_interval
from drill.session import Item, Session, StoreRecorder
from drill.store import Store
from drill.view.loop import run_terminal

runner = CliRunner()
T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def mini_question(slug: str):
    return next(q for q in load_catalog().questions if q.id == f"mini/{slug}")


def test_a_review_is_a_function_of_card_rating_and_time():
    """No global random state: the same review twice gives the same due date, fuzz included."""
    s = Schedule()
    card = None
    for at in (T0, T0 + timedelta(minutes=10), T0 + timedelta(days=3), T0 + timedelta(days=12)):
        first, again = s.review(card, 3, at, "b/q"), s.review(card, 3, at, "b/q")
        assert first == again
        card = first.card_after
    assert s.preview(card, T0 + timedelta(days=40), "b/q") == s.preview(card, T0 + timedelta(days=40), "b/q")


def test_fuzz_stays_in_ankis_range_and_spreads_over_it():
    days = 30
    spots = {fuzzed_days(days, i / 100, 36500) for i in range(100)}
    assert min(spots) >= 27 and max(spots) <= 33 and len(spots) >= 5
    assert fuzzed_days(2, 0.99, 36500) == 2  # short intervals are never fuzzed
    # different questions reviewed at the same moment do not all land on the same day
    card = Schedule(fuzz=False).replay([(3, T0), (3, T0 + timedelta(minutes=10))])[-1].card_after
    dues = {Schedule().review(card, 3, T0 + timedelta(days=20), f"b/q{i}").due_after for i in range(40)}
    assert len(dues) > 3


def test_short_interval_labels():
    assert [short_interval(timedelta(**kw)) for kw in
            ({"seconds": 20}, {"minutes": 10}, {"hours": 5}, {"days": 3}, {"days": 75}, {"days": 800})] == \
        ["1m", "10m", "5h", "3d", "2.5mo", "2.2y"]
    line = intervals_line({1: timedelta(minutes=10), 2: timedelta(days=1), 3: timedelta(days=3),
                           4: timedelta(days=8)})
    assert line == "1 Again 10m · 2 Hard 1d · 3 Good 3d · 4 Easy 8d"


def test_intervals_shown_before_rating_are_what_the_review_records(mini_banks, tmp_path):
    """A card taken through learning into long review intervals (fuzzed): at every step the
    interval previewed for the chosen rating is the one the store then holds, although the
    rating is confirmed a while after the preview."""
    q = mini_question("gd-update")
    now = [T0]
    with Store(tmp_path / "s.db", clock=lambda: now[0]) as store:
        rec = StoreRecorder(store, Schedule(), "review")
        long_ones = 0
        for rating in (3, 3, 3, 4, 2, 1, 3, 3, 3):
            session = Session([Item(q)], rec, clock=lambda: now[0])
            session.show()
            session.submit("against the gradient")
            shown = session.intervals()
            now[0] += timedelta(seconds=25)  # the learner reads the feedback, then rates
            session.confirm(rating)
            card = store.card(q.id)
            assert card.due - now[0] == shown[rating]
            assert session.last_due == card.due
            assert shown[1] < shown[2] <= shown[3] <= shown[4]
            long_ones += shown[rating] > timedelta(days=3)
            now[0] = card.due
        assert long_ones >= 3


def test_no_preview_without_a_recorder(mini_banks):
    session = Session([Item(mini_question("gd-update"))])
    session.show()
    session.submit("against the gradient")
    assert session.intervals() is None


def test_terminal_prompt_lists_each_rating_with_its_interval(mini_banks, tmp_path):
    q = mini_question("gd-update")
    prompts: list[str] = []
    answers = iter(["against the gradient", "", "3"])

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    with Store(tmp_path / "s.db", clock=lambda: T0) as store:
        session = Session([Item(q)], StoreRecorder(store, Schedule(), "quiz"), clock=lambda: T0)
        run_terminal(session, Console(file=io.StringIO()), read)
        expected = intervals_line(Schedule().preview(None, T0, q.id))
        assert prompts[-1].startswith(f"Rating [{expected}] Enter accepts")
        assert expected.startswith("1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy ")
        assert store.card(q.id).due == T0 + timedelta(minutes=10)


def test_piped_json_carries_when_each_question_is_due(mini_banks, drill_home):
    result = runner.invoke(app, ["quiz", "--id", "9.9-Q1", "--id", "9.9-Q3", "--json", "--seed", "2"],
                           input="against the gradient, learning rate\n---\nb\n---\n")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    with Store() as store:
        for r in records:
            due = datetime.fromisoformat(r["due"])
            assert r["due"].endswith("Z") and due.tzinfo is not None
            assert due == store.card(r["id"]).due


def test_parameters_of_another_length_or_out_of_range_are_refused():
    with pytest.raises(InputError, match="expected 21 values"):
        check_parameters(DEFAULT_PARAMETERS[:19])
    bad = list(DEFAULT_PARAMETERS)
    bad[4] = 50.0
    with pytest.raises(InputError, match=r"w\[4\] = 50 is outside"):
        check_parameters(bad)
    nudged = list(DEFAULT_PARAMETERS)
    nudged[0] = 0.001 - 1e-9  # float32 rounding just under a bound is moved onto it
    assert check_parameters(nudged)[0] == 0.001
