"""The quiz and review loops: driven directly, through the CLI from a pipe, and in a real pty."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

import pexpect
from typer.testing import CliRunner

from drill.cli import app
from drill.index import load_catalog
from drill.schedule import Schedule
from drill.session import Item, Session, StoreRecorder, iter_answers
from drill.store import Store

runner = CliRunner()
GOOD_GD = "subtract the learning rate times the gradient: move against the gradient"


class FakeClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


def mini_items(mini_banks):
    cat = load_catalog()
    return {q.slug: q for q in cat.questions if q.bank == "mini"}


def test_iter_answers_splits_on_separator_lines_only():
    stream = ["first line\n", "second --- not a separator\n", "---\n", "\n", "---\n", "last\n"]
    assert list(iter_answers(stream)) == ["first line\nsecond --- not a separator", "", "last"]


def test_session_grades_times_and_hands_on_confirmed_reviews(mini_banks):
    qs = mini_items(mini_banks)
    confirmed = []

    class Recorder:
        def confirmed(self, turn, rating, at):
            confirmed.append((turn.item.question.id, turn.grade.passed, rating, turn.duration_ms))

    clock = FakeClock(datetime(2026, 1, 5, 12, tzinfo=timezone.utc))
    session = Session([Item(qs["gd-update"]), Item(qs["pick-relu"]), Item(qs["edit-distance"])], Recorder(), clock=clock)
    session.show()
    assert session.hint() == "Which way does the gradient point: uphill or downhill?"
    assert session.hint() is None
    clock.advance(seconds=42)
    turn = session.submit(GOOD_GD)
    assert turn.grade.passed and turn.proposed in (3, 4)
    assert confirmed == []  # nothing is recorded before the rating is confirmed
    session.confirm(2)
    session.show()
    session.submit("a")
    session.confirm()
    session.show()
    session.skip()
    session.confirm(4)  # a skip is always Again
    assert confirmed == [("mini/gd-update", True, 2, 42_000), ("mini/pick-relu", False, 1, 0),
                         ("mini/edit-distance", False, 1, 0)]
    assert session.summary.asked == 3 and session.summary.passed == 1


def test_quiz_from_a_pipe_prints_json_lines_and_records(mini_banks, drill_home):
    answers = f"{GOOD_GD}\nsecond line\n---\nb\n---\n5\n---\n"
    result = runner.invoke(app, ["quiz", "--bank", "mini", "-n", "3", "--seed", "7", "--json"], input=answers)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    assert all({"id", "ref", "kind", "score", "passed", "hits", "misses", "misconceptions", "rating"} <= set(r)
               for r in records)
    by_id = {r["id"]: r for r in records}
    with sqlite3.connect(drill_home / "drill.sqlite3") as db:
        stored = dict(db.execute("SELECT question_id, rating FROM reviews").fetchall())
    assert stored == {r["id"]: r["rating"] for r in records}
    assert "\x1b[" not in result.stdout
    assert set(by_id) == {"mini/gd-update", "mini/pick-relu", "mini/edit-distance"}


def test_quiz_plain_text_from_pipe_and_no_record(mini_banks, drill_home):
    result = runner.invoke(app, ["quiz", "--id", "9.9-Q1", "--no-record"], input=GOOD_GD + "\n")
    assert result.exit_code == 0
    assert "PASSED" in result.stdout and "Model answer" in result.stdout and "1 answered" in result.stdout
    assert "\x1b[" not in result.stdout
    assert not (drill_home / "drill.sqlite3").exists() or \
        sqlite3.connect(drill_home / "drill.sqlite3").execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0


def test_quiz_skip_and_quit_from_pipe(mini_banks, drill_home):
    result = runner.invoke(app, ["quiz", "--bank", "mini", "--json", "--seed", "1"], input=":skip\n---\n:quit\n---\nb\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 1 and records[0]["rating"] == 1 and records[0]["score"] == 0


def test_review_orders_due_first_then_new_with_daily_limit(mini_banks, drill_home, tmp_path):
    clock = FakeClock(datetime(2026, 3, 2, 12, tzinfo=timezone.utc))
    cat = load_catalog()
    qs = {q.slug: q for q in cat.questions if q.bank == "mini"}
    with Store(clock=clock) as store:
        rec = StoreRecorder(store, Schedule(fuzz=False), "quiz")
        s = Session([Item(qs["pick-relu"]), Item(qs["gd-update"])], rec, clock=clock)
        for text, rating in (("a", None), (GOOD_GD, 3)):
            s.show()
            s.submit(text)
            s.confirm(rating)
        from drill.catalog import Filters
        from drill.session import review_items

        clock.advance(days=1)
        items = review_items(cat, Filters(banks=("mini",)), store, new_limit=10)
        assert [i.question.slug for i in items] == ["pick-relu", "gd-update", "edit-distance"]
        assert [i.question.slug for i in review_items(cat, Filters(banks=("mini",)), store, new_limit=0)] == \
            ["pick-relu", "gd-update"]


def test_schedule_over_simulated_weeks_spaces_good_answers_out(mini_banks):
    """Time is injected: a card answered Good every time it is due gets ever longer intervals."""
    clock = FakeClock(datetime(2026, 1, 1, 9, tzinfo=timezone.utc))
    q = mini_items(mini_banks)["gd-update"]
    with Store(clock=clock) as store:
        rec = StoreRecorder(store, Schedule(fuzz=False), "review")
        intervals = []
        for _ in range(8):
            s = Session([Item(q)], rec, clock=clock)
            s.show()
            s.submit(GOOD_GD)
            s.confirm(3)
            due = store.card(q.id).due
            intervals.append(due - clock.now)
            clock.now = due
        assert all(b >= a for a, b in zip(intervals[2:], intervals[3:]))
        assert intervals[-1] > timedelta(days=60)
        assert store.review_count() == 8
        # an Again sends it back to relearning, due within the day
        s = Session([Item(q)], rec, clock=clock)
        s.show()
        s.submit("no idea")
        s.confirm(1)
        assert store.card(q.id).due - clock.now < timedelta(hours=1)
        assert store.card(q.id).lapses == 1


def _drill_cmd() -> list[str]:
    return [sys.executable, "-m", "drill"]


def test_sigkill_mid_session_keeps_every_confirmed_review(mini_banks, drill_home):
    import subprocess
    import signal

    env = {**os.environ, "DRILL_HOME": str(drill_home), "DRILL_BANKS": str(mini_banks)}
    proc = subprocess.Popen([*_drill_cmd(), "quiz", "--bank", "mini", "-n", "3", "--json", "--seed", "3"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, bufsize=1)
    confirmed = []
    for _ in range(2):
        proc.stdin.write("b\n---\n")
        proc.stdin.flush()
        confirmed.append(json.loads(proc.stdout.readline())["id"])
    proc.send_signal(signal.SIGKILL)  # killed while waiting for the third answer
    proc.wait(timeout=10)
    db = sqlite3.connect(drill_home / "drill.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(q for (q,) in db.execute("SELECT question_id FROM reviews")) == sorted(confirmed)


def test_two_processes_answering_at_once_keep_all_reviews(tmp_path, drill_home):
    import subprocess

    bank = tmp_path / "banks"
    bank.mkdir()
    questions = "\n".join(
        f"  - {{id: q{i}, ref: 5.5-Q{i}, kind: choice, prompt: pick, answer: a, choices: [x, y], correct: a, "
        f"hints: [h]}}" for i in range(1, 51))
    (bank / "many.yaml").write_text(f"version: 1\nbank: many\ntitle: Many\nquestions:\n{questions}\n")
    env = {**os.environ, "DRILL_HOME": str(drill_home), "DRILL_BANKS": str(bank)}
    cmd = [*_drill_cmd(), "quiz", "--bank", "many", "-n", "50", "--json"]
    procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, text=True) for _ in range(2)]
    outs = [p.communicate("a\n---\n" * 50, timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    db = sqlite3.connect(drill_home / "drill.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 100
    assert db.execute("SELECT SUM(reps) FROM cards").fetchone()[0] == 100


def test_real_terminal_quiz_types_sees_feedback_rates_and_quits(mini_banks, drill_home):
    env = {**os.environ, "DRILL_HOME": str(drill_home), "DRILL_BANKS": str(mini_banks), "COLUMNS": "100"}
    child = pexpect.spawn(sys.executable, ["-m", "drill", "quiz", "--id", "9.9-Q1", "--id", "9.9-Q3", "--seed", "2"],
                          env=env, encoding="utf-8", timeout=30, dimensions=(40, 100))
    child.expect("Empty line submits")
    assert "gradient-descent" in child.before  # --seed 2 asks the concept question first
    child.sendline(":hint")
    child.expect("Hint: Which way")
    child.sendline(GOOD_GD)
    child.sendline("")
    child.expect("PASSED")
    child.expect("Model answer")
    child.expect(r"Enter accepts")
    child.sendline("2")
    child.expect("Empty line submits")  # the next question
    child.sendline(":quit")
    child.expect("1 answered")
    child.expect(pexpect.EOF)
    db = sqlite3.connect(drill_home / "drill.sqlite3")
    assert db.execute("SELECT question_id, rating FROM reviews").fetchall() == [("mini/gd-update", 2)]


def test_review_command_from_a_pipe_takes_new_questions_up_to_the_daily_limit(mini_banks, drill_home):
    drill_home.mkdir(parents=True, exist_ok=True)
    (drill_home / "config.toml").write_text("new_per_day = 2\n")
    first = runner.invoke(app, ["review", "--bank", "mini", "--json"], input="b\n---\nb\n---\nb\n---\n")
    assert first.exit_code == 0, first.output
    assert len(first.stdout.splitlines()) == 2  # two new questions today, then the limit
    again = runner.invoke(app, ["review", "--bank", "mini", "--json"], input="b\n---\n" * 3)
    records = [json.loads(line) for line in again.stdout.splitlines()]
    # nothing new is left for today; only cards already due (failed ones, due within minutes) could come back
    assert all(r["id"] in {json.loads(x)["id"] for x in first.stdout.splitlines()} for r in records)
    empty = runner.invoke(app, ["review", "--bank", "nope-no-such"], input="")
    assert empty.exit_code == 2


def test_quit_and_skip_work_on_any_line_of_an_answer(mini_banks):
    import io

    from rich.console import Console

    from drill.view.loop import run_terminal

    q = mini_items(mini_banks)["gd-update"]
    for command, asked in ((":quit", 0), (":skip", 1)):
        typed = iter(["move against", command, ""])
        session = Session([Item(q)])
        run_terminal(session, Console(file=io.StringIO()), lambda prompt: next(typed))
        assert session.summary.asked == asked
        if asked:  # skipped, not graded with ':skip' in its text
            assert session.turns[0][0].skipped and session.turns[0][0].answer == ""
