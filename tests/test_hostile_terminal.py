"""Issue 15, cases 3 and 4: escape sequences and rich markup from banks, answers and arguments
never reach the terminal as commands; they are shown as visible text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drill.cli import app
from drill.view.safe import error_line, printable

runner = CliRunner()

# OSC 0 (window title), OSC 8 (hidden link), OSC 52 (clipboard), CSI 2J (clear), 8-bit CSI.
TITLE, LINK, CLIP, CLEAR = r"\e]0;pwned\a", r"\e]8;;https://evil.example\a", r"\e]52;c;ZXZpbA==\a", r"\e[2J"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # any control character but tab and newline

HOSTILE_BANK = rf'''version: 1
bank: evil
title: "Evil {TITLE} bank"
source: "x"
questions:
  - id: markup
    ref: 7.7-Q1
    topic: ["[/bold]", "[link=https://evil.example]click[/link]", "t{CLIP}"]
    kind: concept
    prompt: "Prompt {LINK}hidden\e]8;;\a and {CLEAR} clear \u009b31m"
    answer: "Answer {TITLE} [link=https://evil.example]x[/link]"
    rubric:
      - point: "point \e[31m red [/bold]"
        match: ['gradient']
    misconceptions:
      - match: ['uphill']
        correction: "corr {TITLE} [/]"
    hints: ["hint {CLEAR}"]
  - id: words
    ref: 7.7-Q2
    topic: [strings]
    kind: exercise
    prompt: "Distance?"
    answer: "Fill the table."
    solver: levenshtein
    inputs: {{word1: "a{CLEAR}b", word2: "ab[/bold]"}}
    expect: {{field: distance, as: number}}
  - id: pick
    ref: 7.7-Q3
    topic: [choices]
    kind: choice
    prompt: "Pick"
    answer: "b"
    choices: ["x{TITLE}", "[/bold]"]
    correct: b
'''


@pytest.fixture
def evil(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "evil.yaml"
    path.write_text(HOSTILE_BANK, encoding="utf-8")
    monkeypatch.setenv("DRILL_BANKS", str(path))
    return path


def _clean(result) -> None:  # noqa: ANN001
    for stream in (result.stdout, result.stderr):
        assert not RAW.search(stream), repr(RAW.search(stream).group())
        assert "Traceback" not in stream


def test_printable_shows_every_control_and_keeps_text():
    assert printable("a\x1b]0;x\x07b\x9b\u202e") == "a\\x1b]0;x\\x07b\\x9b\\u202e"
    assert printable("two\nlines\ttab") == "two\nlines\ttab"
    assert printable("two\nlines", one_line=True) == "two\\nlines"
    assert printable("é ü ∇ [/bold]") == "é ü ∇ [/bold]"
    assert error_line("no id 'x\x1b[2J'\n") == "drill: no id 'x\\x1b[2J'\\n"


def test_show_prints_escapes_and_markup_as_text(evil):
    result = runner.invoke(app, ["show", "evil/markup", "--answer"])
    assert result.exit_code == 0, result.output
    _clean(result)
    assert "\\x1b]8;;https://evil.example" in result.stdout  # the hidden link is visible
    assert "[/bold]" in result.stdout and "[link=https://evil.example]" in result.stdout
    result = runner.invoke(app, ["show", "evil/words", "--answer"])
    assert result.exit_code == 0 and "a\\x1b[2Jb" in result.stdout
    _clean(result)
    result = runner.invoke(app, ["show", "evil/pick", "--answer"])
    assert result.exit_code == 0 and "[/bold]" in result.stdout
    _clean(result)


def test_list_piped_and_json(evil):
    result = runner.invoke(app, ["list", "--bank", "evil"])
    assert result.exit_code == 0
    _clean(result)
    assert "\\x1b[2J" in result.stdout
    data = json.loads(runner.invoke(app, ["list", "--bank", "evil", "--json"]).stdout)
    assert "\x1b[2J" in data[0]["prompt"]  # JSON keeps the data exactly: escaped by json itself


def test_check_feedback_and_answer_echo(evil):
    result = runner.invoke(app, ["check", "evil/markup", "--answer", "go uphill \x1b]0;x\x07 [/bold]"])
    assert result.exit_code == 1
    _clean(result)
    assert "corr \\x1b]0;pwned\\x07 [/]" in result.stdout
    result = runner.invoke(app, ["check", "evil/words", "--answer", "zz\x1b[K"])
    assert result.exit_code == 1
    _clean(result)
    assert "zz\\x1b[K" in result.stdout  # the message quotes the answer, visibly


def test_quiz_piped_feedback(evil):
    result = runner.invoke(app, ["quiz", "--bank", "evil", "--no-record", "--seed", "1"],
                           input="uphill \x1b]52;c;eA==\x07\n---\n3\n---\nb\n---\n")
    assert result.exit_code == 0, result.output
    _clean(result)


def test_error_messages_echo_arguments_visibly(evil):
    result = runner.invoke(app, ["show", "evil/\x1b]0;pwned\x07"])
    assert result.exit_code == 2
    _clean(result)
    [line] = result.stderr.splitlines()
    assert line.startswith("drill: ") and "\\x1b]0;pwned\\x07" in line


def test_validate_fault_lines(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(HOSTILE_BANK.replace("kind: concept", "kind: concept\n    \"ev\\e]0;x\\ail\": 1", 1), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    _clean(result)
    assert "unknown key 'ev\\x1b]0;x\\x07il'" in result.stderr


def test_stats_and_interview_report_with_markup_topics(evil):
    result = runner.invoke(app, ["interview", "--bank", "evil", "--minutes", "5", "--seed", "2"],
                           input="gradient\n---\n1\n---\nb\n---\n")
    assert result.exit_code == 0, result.output
    _clean(result)
    assert "[/bold]" in result.stdout
    result = runner.invoke(app, ["stats", "--bank", "evil"])
    assert result.exit_code == 0, result.output
    _clean(result)
    history = runner.invoke(app, ["interview", "--history"])
    assert history.exit_code == 0
    _clean(history)


def test_config_with_markup_in_drill_banks(monkeypatch):
    monkeypatch.setenv("DRILL_BANKS", "/x[/old]\x1b]0;t\x07")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0, result.output
    _clean(result)
    assert "/x[/old]\\x1b]0;t\\x07" in result.stdout
