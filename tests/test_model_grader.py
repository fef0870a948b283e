"""The optional model grader: a model registered with `llm` inside the test suite (no network),
its verdicts checked against the answer, and the built-in grader taking over on every failure."""

from __future__ import annotations

import json
import sys
import time

import llm
import pytest
from typer.testing import CliRunner

from drill.cli import app
from drill.grading import Grader, grade
from drill.index import load_catalog
from drill.session import Item, Session

runner = CliRunner()
ANSWER = "Subtract the learning rate times the gradient, so the step goes against the gradient."


class ScriptedModel(llm.Model):
    """Replies with whatever the test put in ``reply`` (a string, or a function of the prompt)."""

    model_id = "drill-test"
    can_stream = False

    def __init__(self) -> None:
        self.reply = "{}"
        self.prompts: list[str] = []
        self.delay = 0.0

    def execute(self, prompt, stream, response, conversation):  # noqa: ANN001, ANN201 - llm's signature
        self.prompts.append(prompt.prompt)
        if self.delay:
            time.sleep(self.delay)
        yield self.reply(prompt.prompt) if callable(self.reply) else self.reply


@pytest.fixture
def model(tmp_path, monkeypatch, mini_banks):
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm"))  # never the real user's llm config
    scripted = ScriptedModel()

    class Plugin:
        @llm.hookimpl
        def register_models(self, register):  # noqa: ANN001, ANN202
            register(scripted)

    llm.plugins.pm.register(Plugin(), name="drill-test-models")
    yield scripted
    llm.plugins.pm.unregister(name="drill-test-models")


def use_model(home, extra: str = "") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'grader = "llm"\ngrader_model = "drill-test"\n{extra}', encoding="utf-8")


def gd_question():
    return load_catalog().get("9.9-Q1")


def check_json(*args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["check", "9.9-Q1", "--answer", ANSWER, "--json", *args])
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_a_model_verdict_is_scored_with_the_banks_weights_and_shows_its_evidence(model, drill_home):
    use_model(drill_home)
    model.reply = json.dumps({"hits": [{"point": 1, "evidence": "goes against the gradient"}],
                              "misconceptions": []})
    code, out, err = check_json()
    assert out["grader"] == "llm:drill-test"
    assert out["hits"] == ["step against (minus) the gradient"]
    assert out["misses"] == ["the learning rate scales the step"]
    assert out["evidence"] == ["goes against the gradient"]
    assert out["score"] == pytest.approx(2 / 3, abs=1e-4)  # weight 2 of 3, from the bank, not the model
    assert code == 0 and err == ""
    # The prompt carries the question, the model answer, the numbered points and the answer.
    prompt = model.prompts[-1]
    assert "Write the vanilla gradient-descent update" in prompt
    assert "1. (weight 2) step against (minus) the gradient" in prompt and ANSWER in prompt


def test_a_misconception_the_model_finds_costs_its_penalty(model, drill_home):
    use_model(drill_home)
    model.reply = "```json\n" + json.dumps({
        "hits": [{"point": 1, "evidence": "against the gradient"}, {"point": 2, "evidence": "learning rate"}],
        "misconceptions": [{"misconception": 1, "evidence": "Subtract the learning rate"}]}) + "\n```"
    code, out, _ = check_json()
    assert out["score"] == pytest.approx(0.7)
    assert out["misconceptions"] == ["Descent moves against the gradient; following it climbs the loss."]
    assert out["misconception_evidence"] == ["Subtract the learning rate"]


def test_a_credit_whose_evidence_the_learner_never_wrote_is_dropped(model, drill_home):
    use_model(drill_home)
    model.reply = json.dumps({"hits": [{"point": 1, "evidence": "against the gradient"},
                                       {"point": 2, "evidence": "eta is the learning rate of 0.1"}],
                              "misconceptions": []})
    _, out, _ = check_json()
    assert out["hits"] == ["step against (minus) the gradient"]
    assert "the learning rate scales the step" in out["misses"]


@pytest.mark.parametrize("reply, reason", [
    ("I think the answer is fine.", "no JSON object"),
    ('{"hits": [{"point": 7, "evidence": "gradient"}], "misconceptions": []}', "not one of 1-2"),
    ('{"hits": "all of them", "misconceptions": []}', "not a list"),
    ('{"hits": [{"point": 1, "evidence": "x"}, ', "not valid JSON"),
])
def test_a_bad_reply_is_one_line_and_the_builtin_grader_grades(model, drill_home, reply, reason):
    use_model(drill_home)
    model.reply = reply
    code, out, err = check_json()
    builtin = grade(gd_question(), ANSWER)
    assert out["grader"] == "builtin"
    assert (out["score"], out["passed"]) == (round(builtin.score, 4), builtin.passed)
    assert code == (0 if builtin.passed else 1)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("drill: model grader unavailable:") and reason in lines[0]
    assert "graded with the built-in grader" in lines[0]


def test_an_unknown_model_or_a_missing_llm_falls_back_with_one_line(model, drill_home, monkeypatch):
    use_model(drill_home)
    (drill_home / "config.toml").write_text('grader = "llm"\ngrader_model = "no-such-model"\n', encoding="utf-8")
    _, out, err = check_json()
    assert out["grader"] == "builtin" and "no-such-model" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setitem(sys.modules, "llm", None)  # as if the extra were not installed
    _, out, err = check_json()
    assert out["grader"] == "builtin" and 'pip install "drill[llm]"' in err


def test_a_model_that_does_not_reply_in_time_is_abandoned(model, drill_home):
    use_model(drill_home, "grader_timeout = 0.2\n")
    model.delay = 60.0  # far beyond any slowness of a loaded machine: waiting for it would show
    started = time.monotonic()
    _, out, err = check_json()
    assert time.monotonic() - started < 30
    assert out["grader"] == "builtin" and "did not reply within 0.2 s" in err


def test_the_builtin_grader_is_the_default_and_the_option_overrides_the_config(model, drill_home):
    model.reply = json.dumps({"hits": [{"point": 1, "evidence": "against the gradient"}], "misconceptions": []})
    _, out, _ = check_json()
    assert out["grader"] == "builtin" and model.prompts == []
    llm.set_default_model("drill-test")  # in this test's LLM_USER_PATH
    _, out, _ = check_json("--grader", "llm")  # no grader_model: llm's default model
    assert out["grader"] == "llm" and len(model.prompts) == 1
    use_model(drill_home)
    _, out, _ = check_json("--grader", "builtin")
    assert out["grader"] == "builtin"


def test_a_failing_model_is_reported_once_per_session_not_at_every_question(model):
    q = gd_question()
    model.reply = "not json"
    warnings: list[str] = []
    grader = Grader("drill-test", use_model=True, warn=warnings.append)
    session = Session([Item(q), Item(q), Item(q)], grader=grader)
    for _ in range(3):
        session.show()
        turn = session.submit(ANSWER)
        assert turn.grade.grader == "builtin"
        session.confirm()
    assert len(warnings) == 1 and len(model.prompts) == 1


def test_other_kinds_and_empty_answers_never_reach_the_model(model):
    cat = load_catalog()
    grader = Grader("drill-test", use_model=True)
    assert grader(cat.get("9.9-Q2"), "3").passed
    assert grader(cat.get("9.9-Q3"), "b").passed
    assert not grader(cat.get("9.9-Q1"), "   ").passed
    assert model.prompts == []


def test_config_shows_the_grader_and_rejects_a_bad_value(drill_home):
    use_model(drill_home)
    shown = json.loads(runner.invoke(app, ["config", "--json"]).stdout)
    assert shown["grader"]["value"] == "llm" and shown["grader_model"]["value"] == "drill-test"
    (drill_home / "config.toml").write_text('grader = "gpt"\n', encoding="utf-8")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 2 and "grader must be 'builtin' or 'llm'" in result.stderr
