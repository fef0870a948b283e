"""Self-rated cards: the format, the loop (terminal and pipe), and how the other commands treat them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from drill.bank import read_bank_file
from drill.cli import app
from drill.index import load_catalog
from drill.session import Item, Session, StoreRecorder
from drill.schedule import Schedule
from drill.store import Store
from drill.view.loop import run_terminal

runner = CliRunner()

CARDS = """\
version: 1
bank: flash
title: Flash cards
questions:
  - id: capital-france
    kind: card
    topic: [geography]
    front: What is the capital of **France**?
    back: Paris
    hints: ["It is on the Seine."]
  - id: bayes-rule
    ref: 7.1-Q1
    kind: card
    front: State Bayes' rule.
    back: |
      P(A|B) = P(B|A) P(A) / P(B)
"""


@pytest.fixture
def cards(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "flash.yaml"
    path.write_text(CARDS, encoding="utf-8")
    monkeypatch.setenv("DRILL_BANKS", str(path))
    return path


def test_cards_validate_list_and_filter_by_kind(cards, mini_banks, monkeypatch):
    monkeypatch.setenv("DRILL_BANKS", f"{cards}:{mini_banks}")
    assert runner.invoke(app, ["validate", str(cards)]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["list", "--kind", "card", "--json"]).stdout)
    assert [(r["id"], r["ref"], r["kind"]) for r in rows] == [
        ("flash/capital-france", "", "card"), ("flash/bayes-rule", "7.1-Q1", "card")]
    shown = json.loads(runner.invoke(app, ["show", "flash/capital-france", "--json"]).stdout)
    assert shown["prompt"] == "What is the capital of **France**?" and shown["answer"] == "Paris"


@pytest.mark.parametrize("extra,line,message", [
    ("    rubric: [{point: x, match: [x]}]\n", 11, "a card is self-rated and takes only back, front, hints, ref, topic, not 'rubric'"),
    ("    prompt: Why?\n", 11, "not 'prompt'"),
])
def test_a_card_with_grading_keys_is_a_located_fault(tmp_path, extra, line, message):
    path = tmp_path / "bad.yaml"
    path.write_text(CARDS.replace('    hints: ["It is on the Seine."]\n', '    hints: ["It is on the Seine."]\n' + extra))
    _, faults = read_bank_file(path)
    assert len(faults) == 1
    assert faults[0][1] == line and message in faults[0][2]


def test_a_card_needs_a_back_and_front_belongs_to_cards(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(CARDS.replace("    back: Paris\n", "").replace(
        "    kind: card\n    front: State", "    kind: concept\n    front: State"))
    _, faults = read_bank_file(path)
    messages = sorted(m for _, _, m in faults)
    assert "flash/capital-france: missing back" in messages
    assert any("'front' belongs to cards" in m for m in messages)


def test_piped_cards_take_a_rating_line_and_are_scheduled(cards, drill_home):
    answers = "paris\n---\n3\n---\n\n---\n1\n"
    result = runner.invoke(app, ["quiz", "--bank", "flash", "--seed", "1", "--json"], input=answers)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["kind"] for r in records} == {"card"}
    assert {"id", "ref", "score", "passed", "hits", "misses", "misconceptions", "rating"} <= set(records[0])
    assert [(r["rating"], r["passed"]) for r in records] == [(3, True), (1, False)]
    with Store() as store:
        for r in records:
            assert store.card(r["id"]) is not None


@pytest.mark.parametrize("answers,got", [("paris\n---\nGood\n", "'Good'"), ("paris\n", "the end of input")])
def test_a_piped_card_without_its_rating_is_one_line_and_exit_2(cards, answers, got):
    result = runner.invoke(app, ["quiz", "--bank", "flash", "--id", "*france*"], input=answers)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"drill: flash/capital-france is a self-rated card: its attempt must be followed by a rating line 1-4 "
        f"(Again, Hard, Good, Easy), got {got}"]


def test_check_on_a_card_says_it_is_self_rated(cards):
    result = runner.invoke(app, ["check", "flash/bayes-rule", "--answer", "anything"])
    assert result.exit_code == 2
    assert result.stderr == ("drill: flash/bayes-rule is a card: cards are self-rated, so there is nothing to check "
                             "(`drill show flash/bayes-rule --answer` shows its back)\n")


def test_terminal_card_reveals_on_enter_and_requires_a_rating(cards, drill_home):
    card = load_catalog().get("flash/capital-france")
    typed = iter(["", "", "5", "2"])  # Enter reveals; Enter and 5 are no rating; 2 is
    prompts: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    console = Console(record=True, width=100)
    with Store() as store:
        recorder = StoreRecorder(store, Schedule(0.9), "quiz")
        session = Session([Item(card)], recorder)
        run_terminal(session, console, read)
        assert store.card(card.id) is not None
    screen = console.export_text()
    assert "Back" in screen and "Paris" in screen and "PASSED" not in screen
    assert prompts[1].startswith("How well did you recall it?")
    assert screen.count("Type 1-4.") == 2
    assert session.turns[0][1] == 2 and session.summary.passed == 1


def test_interviews_leave_cards_out(cards, mini_banks, monkeypatch):
    from drill.catalog import Filters
    from drill.interview import plan

    monkeypatch.setenv("DRILL_BANKS", f"{cards}:{mini_banks}")
    with Store() as store:
        items = plan(load_catalog(), Filters(banks=("flash", "mini")), store, 60, seed=3)
    assert items and all(i.question.kind != "card" for i in items)


def test_cards_export_to_anki_text_and_the_markdown_guide(cards, tmp_path):
    import csv

    text = runner.invoke(app, ["export", "anki", "--bank", "flash"]).stdout
    rows = csv.reader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t")
    row = next(r for r in rows if r[0] == "flash/capital-france")
    assert row[1].startswith("<p>What is the capital of <strong>France</strong>?</p>") and row[2] == "<p>Paris</p>"
    assert row[3].split() == ["drill::flash", "geography"]
    guide = tmp_path / "guide"
    assert runner.invoke(app, ["export", "markdown", "--bank", "flash", "-o", str(guide)]).exit_code == 0
    md = (guide / "flash.md").read_text(encoding="utf-8")
    assert "What is the capital of **France**?" in md and "Paris" in md
