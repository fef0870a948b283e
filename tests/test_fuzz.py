"""Fuzzing every command (issue 15): mutated banks, hostile answers and malformed options.

Whatever comes in, drill exits 0, 1 or 2; exit 2 comes with one `drill: ...` line on stderr
(or one `FILE:LINE: message` line per bank fault); nothing prints a traceback or a raw escape
sequence, and every run ends within a few seconds. The commands and their options are read
from the CLI itself, so a new option is fuzzed without editing this file.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from drill.cli import COMMANDS, app
from mutations import edits as bank_edits, mutate

runner = CliRunner()
FIXTURE_BANK = (Path(__file__).parent / "fixtures" / "banks" / "mini.yaml").read_text(encoding="utf-8")
RUN_LIMIT = 10.0  # seconds for one command, however hostile its input
# `validate` checks every loaded bank, the built-in ones too: it grades their ~1,200 examples
# (the corpus in tests/corpus is graded only when asked), seconds on a busy runner, no hang.
VALIDATE_LIMIT = 180.0
# FILE:LINE: message, or FILE: message for a fault of the whole file (missing, unreadable, too large),
# a bank file or an examples file (`validate --examples`).
FAULT = re.compile(r"^.+:\d+: .+$|^.+: (?:no such (?:bank|examples) file or directory|cannot read: .+|[\d,]+ (?:bytes|characters); .+)$")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# 40 examples per test keep CI at a few seconds; DRILL_FUZZ_EXAMPLES=2000 for a deep local run.
FUZZ = settings(max_examples=int(os.environ.get("DRILL_FUZZ_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

HOSTILE = ["", " ", "-", "--", "-1", "0", "1", "3", "nan", "inf", "-inf", "1e308", "9" * 400, "1/0",
           "\x1b]0;pwned\x07", "\x1b[2J", "[/bold]", "[link=https://evil.example]x[/link]", "a\nb",
           "<script>alert(1)</script>", "8.2.1-Q9", "nlp/*", "mini", "nlp", "concept", "A-B,B-C", "x" * 5000,
           "32x32x64", "conv3x3s1p1c64", "relu", "D4, D3", "%s%n", "é∇\u202e"]


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> dict[str, str]:
    """A working directory and paths for file options: nothing is written outside tmp_path."""
    monkeypatch.chdir(tmp_path)
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "mini.yaml").write_text(FIXTURE_BANK, encoding="utf-8")
    monkeypatch.setenv("DRILL_BANKS", str(banks))
    answer = tmp_path / "answer.txt"
    answer.write_text("4\n", encoding="utf-8")
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nword1: *b\n", encoding="utf-8")
    paths = {"bank": str(banks / "mini.yaml"), "dir": str(banks), "answer": str(answer), "aliases": str(aliases),
             "missing": str(tmp_path / "missing" / "x"), "out": str(tmp_path / "out" / "file")}
    if os.path.exists("/dev/zero"):  # endless input: every read of it must be bounded
        paths["zero"] = "/dev/zero"
    return paths


def _commands() -> list[tuple[list[str], Any]]:
    """(path, click command) of every leaf command, read from the app."""
    root = typer.main.get_command(app)
    found = []
    for name in COMMANDS:
        command = root.get_command(None, name)
        subcommands = getattr(command, "list_commands", None)
        if subcommands is None:
            found.append(([name], command))
            continue
        for sub in subcommands(None):
            found.append(([name, sub], command.get_command(None, sub)))
    return found


COMMAND_LIST = _commands()


def _check(result: Any, started: float, limit: float = RUN_LIMIT) -> None:
    assert time.monotonic() - started < limit
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert not RAW_CONTROL.search(result.stderr), repr(result.stderr[:200])
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        if not lines:  # `validate --json` reports its faults in the JSON on stdout
            assert json.loads(result.stdout)["faults"], "exit 2 without a message"
            return
        if lines[0].startswith("drill: "):
            assert len(lines) == 1, result.stderr
        else:
            assert all(FAULT.match(line) for line in lines), result.stderr


def _value(draw: Any, paths: dict[str, str]) -> str:
    return draw(st.sampled_from(HOSTILE + list(paths.values())))


@st.composite
def _invocation(draw: Any, paths: dict[str, str]) -> tuple[list[str], str]:
    path, command = draw(st.sampled_from(COMMAND_LIST))
    args = list(path)
    for param in command.params:
        if param.name in ("help",) or not draw(st.booleans()):
            continue
        if getattr(param, "param_type_name", "") == "argument":
            args.append(_value(draw, paths))
            continue
        option = draw(st.sampled_from(param.opts + param.secondary_opts))
        args.append(option)
        if not param.is_flag:
            args.append(_value(draw, paths))
    if draw(st.booleans()):
        args.append(_value(draw, paths))  # a stray argument
    stdin = draw(st.sampled_from(["", "4\n---\n", "\x1b[2J\n---\n:quit\n", "9" * 400 + "\n---\n", ":skip\n---\n"]))
    return args, stdin


@FUZZ
@given(data=st.data())
def test_every_command_survives_malformed_options(sandbox, data):
    args, stdin = data.draw(_invocation(sandbox))
    if args[:1] == ["forget"] or "--force" in args and ("-o" in args or "--output" in args):
        args = [a for a in args if a != "--force"]  # never replace a file the fuzzer did not make
    started = time.monotonic()
    _check(runner.invoke(app, args, input=stdin), started, VALIDATE_LIMIT if args[:1] == ["validate"] else RUN_LIMIT)


_TOKENS = ["", "- ", ": ", "[", "]", "{", "}", "'", '"', "null", "~", "1e400", "-1", ".nan", "[1, 2]", "{a: 1}",
           "&a", "*a", "!!python/object:os.system", "\t", "? ", "---", "2024-01-01", "9" * 400, "\\e[2J",
           '"\\e]0;x\\a"', "<script>", "bogus: 1", "word1: 5", "solver: tfidf", "kind: code", "(a+)+$"]


@FUZZ
@given(bank_edits(_TOKENS, 120),
       st.sampled_from([["validate"], ["list"], ["show", "mini/edit-distance", "--answer"],
                        ["check", "mini/edit-distance", "--answer", "7"], ["check", "mini/gd-update", "-a", "x"],
                        ["export", "anki", "--bank", "mini"], ["quiz", "--bank", "mini", "--no-record"]]))
def test_mutated_banks_give_located_faults(monkeypatch, sandbox, edits, args):
    # Only the mutated bank: a faulty bank keeps the bank cache from being written, so the
    # built-in banks would be parsed again at every run (a second each).
    monkeypatch.setattr("drill.bank.builtin_dir", lambda: Path(sandbox["dir"]).parent / "no-builtins")
    (Path(sandbox["dir"]).parent / "no-builtins").mkdir(exist_ok=True)
    Path(sandbox["bank"]).write_text(mutate(FIXTURE_BANK, edits), encoding="utf-8")
    started = time.monotonic()
    _check(runner.invoke(app, args, input="7\n---\nx\n---\nb\n---\n"), started)


_ANSWERS = st.one_of(
    st.text(max_size=300),
    st.sampled_from(HOSTILE),
    st.lists(st.sampled_from(["9" * 400, "/", "1e999", "%", ";", "\n", "[", "]", ",", "-", ".", "0", "D4", " "]),
             max_size=40).map("".join),
)


@FUZZ
@given(st.sampled_from(["mini/gd-update", "mini/edit-distance", "mini/pick-relu", "8.2.1-Q9", "8.2.1-Q5-i",
                        "8.1.2-Q9-i"]), _ANSWERS)
def test_hostile_answers_are_graded_not_crashed(sandbox, question, answer):
    started = time.monotonic()
    result = runner.invoke(app, ["check", question, "--answer", answer, "--json"])
    _check(result, started)
    assert result.exit_code in (0, 1) or answer.startswith("-"), result.output  # "-x" reads as an option
    piped = runner.invoke(app, ["quiz", "--id", question, "--no-record"], input=answer.replace("---", "") + "\n---\n")
    _check(piped, started)
