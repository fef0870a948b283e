"""Fresh exercise variants and the timed mock interview."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

import solvers
from drill.cli import app
from drill.interview import weakness
from drill.session import Item, Session

runner = CliRunner()


@pytest.mark.parametrize("name", sorted(solvers.REGISTRY))
def test_every_solver_generates_reproducible_well_posed_instances(name):
    module = solvers.load(name)
    for seed in (0, 1, 7, 12345):
        inputs = module.random_inputs(seed)
        assert inputs == module.random_inputs(seed)
        result = module.solve(**inputs)
        assert result.headline()
    assert module.random_inputs(1) != module.random_inputs(2)
    # the declared input names are exactly what solve() takes (banks and --input rely on both)
    import inspect

    assert set(module.INPUTS) == set(inspect.signature(module.solve).parameters)


def test_solve_random_same_seed_same_instance_and_inputs_in_json():
    a = runner.invoke(app, ["solve", "levenshtein", "--random", "--seed", "11", "--json"])
    b = runner.invoke(app, ["solve", "levenshtein", "--random", "--seed", "11", "--json"])
    assert a.exit_code == 0
    assert json.loads(a.stdout) == json.loads(b.stdout)
    data = json.loads(a.stdout)
    assert data["inputs"] == solvers.load("levenshtein").random_inputs(11)
    c = json.loads(runner.invoke(app, ["solve", "levenshtein", "--random", "--seed", "12", "--json"]).stdout)
    assert c["inputs"] != data["inputs"]


def test_quiz_variants_are_graded_by_the_solver_and_recorded_on_the_original(mini_banks, drill_home):
    import sqlite3

    first = runner.invoke(app, ["quiz", "--id", "mini/edit-distance", "--variants", "--seed", "3", "--json"],
                          input="-1\n")
    record = json.loads(first.stdout)
    seed = record["seed"]
    inputs = solvers.load("levenshtein").random_inputs(seed)
    truth = solvers.load("levenshtein").solve(**inputs).distance
    assert record["expected"] == truth and record["passed"] is False
    again = runner.invoke(app, ["quiz", "--id", "mini/edit-distance", "--variants", "--seed", "3", "--json"],
                          input=f"{truth}\n")
    assert json.loads(again.stdout)["passed"] is True
    db = sqlite3.connect(drill_home / "drill.sqlite3")
    assert db.execute("SELECT question_id, variant_seed FROM reviews").fetchall() == \
        [("mini/edit-distance", seed), ("mini/edit-distance", seed)]


def test_weak_topics_weigh_more():
    from drill.bank import Question

    q = Question(id="b/x", ref="1-Q1", bank="b", kind="concept", topics=("svm",), prompt="p", answer="a")
    assert weakness(q, {}, {"svm": 0.0}) > weakness(q, {}, {}) > weakness(q, {}, {"svm": 1.0})


def test_interview_from_a_pipe_reports_and_keeps_history(mini_banks, drill_home):
    answers = "subtract the learning rate times the gradient, against the gradient\n---\n7\n---\n"
    result = runner.invoke(app, ["interview", "--bank", "mini", "--minutes", "6", "--seed", "4", "--json"],
                           input=answers)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    report = lines[-1]["report"]
    assert {"score", "questions", "by_topic", "strengths", "gaps", "review_next", "seed", "minutes"} <= set(report)
    assert report["seed"] == 4
    kinds = sorted(q["kind"] for q in report["questions"])
    assert kinds == ["concept", "exercise"]  # choice questions are not interview material
    exercise = next(q for q in report["questions"] if q["kind"] == "exercise")
    assert exercise["seed"] is not None  # asked as a fresh variant
    import sqlite3

    sessions = sqlite3.connect(drill_home / "drill.sqlite3").execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    history = runner.invoke(app, ["interview", "--history", "--json"])
    rows = json.loads(history.stdout)
    assert len(rows) == 1 and rows[0]["seed"] == 4 and rows[0]["score"] == report["score"]
    assert "Mock interviews" in runner.invoke(app, ["interview", "--history"]).stdout
    # listing the history only reads: it opens no practice session
    assert sqlite3.connect(drill_home / "drill.sqlite3").execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == sessions


def test_interview_stops_at_the_deadline(mini_banks):
    from drill.index import load_catalog

    qs = [q for q in load_catalog().questions if q.bank == "mini"]
    now = [datetime(2026, 1, 1, tzinfo=timezone.utc)]
    session = Session([Item(q) for q in qs], clock=lambda: now[0], deadline=now[0] + timedelta(minutes=5),
                      hints=False)
    assert session.show() is not None
    assert session.hint() is None  # no hints in an interview
    session.submit("x")
    session.confirm()
    now[0] += timedelta(minutes=6)
    assert session.show() is None
