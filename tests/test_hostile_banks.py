"""Issue 15, cases 5, 6 and 7: a small bank cannot take memory or time, and bad exercise inputs,
aliases and ids are located bank faults (FILE:LINE, exit 2), found when the bank is read."""

from __future__ import annotations

import importlib
import random
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import solvers
from drill.cli import app
from solvers.inputs import TYPES

runner = CliRunner()

HEAD = """version: 1
bank: lol
title: t
questions:
"""
EXERCISE = """  - id: ex
    ref: 1.1-Q1
    kind: exercise
    prompt: p
    answer: a
    solver: levenshtein
    inputs:
{inputs}
    expect: {{field: distance, as: number}}
"""
LAUGHS = HEAD + """  - id: a
    ref: 1.1-Q1
    topic: &a [l,l,l,l,l,l,l,l,l]
    prompt: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    answer: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    hints: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    choices: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    rubric: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    examples: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    misconceptions: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    x: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    y: &j [*i,*i,*i,*i,*i,*i,*i,*i,*i]
"""


def _bank(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's bank, alone: while a bank has faults the bank cache is not written, so the
    built-in banks would be parsed again at every command (a second each)."""
    (tmp_path / "no-builtins").mkdir(exist_ok=True)
    monkeypatch.setattr("drill.bank.builtin_dir", lambda: tmp_path / "no-builtins")
    path = tmp_path / "lol.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DRILL_BANKS", str(path))
    return path


@pytest.mark.parametrize("args", [["show", "lol/a"], ["check", "lol/a", "--answer", "x"], ["validate", "{path}"],
                                  ["list"]])
def test_nested_aliases_are_refused_at_their_line(tmp_path, monkeypatch, args):
    path = _bank(tmp_path, LAUGHS, monkeypatch)
    assert len(LAUGHS) < 700
    started = time.monotonic()
    result = runner.invoke(app, [a.format(path=path) for a in args])
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert result.stderr == f"{path}:7: YAML: aliases (*name) are not allowed: write the value out\n"


def test_aliases_in_an_input_file_are_refused(tmp_path):
    path = tmp_path / "in.yaml"
    path.write_text("word1: &w kitten\nword2: *w\n", encoding="utf-8")
    result = runner.invoke(app, ["solve", "levenshtein", "--input", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"drill: {path}:") and "aliases" in result.stderr


@pytest.mark.parametrize("inputs,line,message", [
    ("      word1: kitten\n      bogus: 1", 13,
     "inputs: solver levenshtein takes no input 'bogus' (inputs: word1, word2)"),
    ("      word1: 5\n      word2: sitting", 12, "inputs: word1 must be text, got a number 5"),
    ("      word1: 2024-01-01\n      word2: sitting", 12,
     "inputs: word1 must be text, got date datetime.date(2024, 1, 1)"),
])
def test_mistyped_exercise_inputs_are_located_faults(tmp_path, monkeypatch, inputs, line, message):
    path = _bank(tmp_path, HEAD + EXERCISE.format(inputs=inputs), monkeypatch)
    for args in (["validate", str(path)], ["show", "lol/ex"], ["check", "lol/ex", "--answer", "3"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr == f"{path}:{line}: lol/ex: {message}\n", args


def test_every_solver_declares_the_types_of_its_inputs():
    for name in solvers.REGISTRY:
        assert tuple(TYPES[name]) == solvers.load(name).INPUTS, name


def test_the_declared_types_accept_every_random_instance():
    from solvers.inputs import input_faults

    for name in solvers.REGISTRY:
        module = solvers.load(name)
        for seed in range(5):
            assert input_faults(name, module.random_inputs(seed)) == [], name


def test_long_words_in_a_bank_are_fast_in_check_and_export(tmp_path, monkeypatch):
    rng = random.Random(5)
    w1, w2 = ("".join(rng.choice("abcd") for _ in range(6000)) for _ in range(2))
    _bank(tmp_path, HEAD + EXERCISE.format(inputs=f"      word1: {w1}\n      word2: {w2}"), monkeypatch)
    started = time.monotonic()
    result = runner.invoke(app, ["check", "lol/ex", "--answer", "1", "--json"])
    assert result.exit_code == 1 and '"expected": ' in result.stdout
    result = runner.invoke(app, ["export", "anki", "--bank", "lol"])
    assert result.exit_code == 0 and "not shown for words over 30 letters" in result.stdout
    assert time.monotonic() - started < 8


def test_inputs_a_solver_refuses_are_a_located_fault_not_a_traceback(tmp_path, monkeypatch):
    path = _bank(tmp_path, HEAD + EXERCISE.format(inputs=f"      word1: {'a' * 20_001}\n      word2: b"), monkeypatch)
    result = runner.invoke(app, ["check", "lol/ex", "--answer", "3"])
    assert result.exit_code == 2
    assert result.stderr == (f"{path}:1: lol/ex: solver levenshtein rejects the inputs: "
                             "word1 has 20,001 characters; at most 20,000\n").replace(":1:", ":5:")


@pytest.mark.parametrize("field,value", [("id", '"ex\\n"'), ("ref", '"1.1-Q1\\n"')])
def test_ids_and_refs_with_a_trailing_newline_are_refused(tmp_path, monkeypatch, field, value):
    text = HEAD + EXERCISE.format(inputs="      word1: a\n      word2: b").replace(
        "id: ex" if field == "id" else "ref: 1.1-Q1", f"{field}: {value}")
    path = _bank(tmp_path, text, monkeypatch)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "must be a slug" in result.stderr or "must look like 8.2.1-Q5-i" in result.stderr
    bank = HEAD.replace("bank: lol", 'bank: "lol\\n"') + EXERCISE.format(inputs="      word1: a\n      word2: b")
    path.write_text(bank, encoding="utf-8")
    assert "'bank' must be a short lowercase name" in runner.invoke(app, ["validate", str(path)]).stderr


def test_an_oversized_bank_file_is_one_fault(tmp_path, monkeypatch):
    bank = importlib.import_module("drill.bank")
    monkeypatch.setattr(bank, "MAX_BANK_BYTES", 100)
    path = _bank(tmp_path, HEAD + EXERCISE.format(inputs="      word1: a\n      word2: b"), monkeypatch)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 2
    size = path.stat().st_size  # ASCII: as many characters as bytes
    assert result.stderr.endswith(f"{path}: {size:,} characters; a bank file has at most 100 bytes\n")
    assert runner.invoke(app, ["validate", str(path)]).stderr == f"{path}: {size:,} bytes; a bank file has at most 100\n"


def test_a_key_written_twice_is_a_fault_at_its_second_line(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("version: 1\nbank: dup\ntitle: Dup\nquestions:\n  - id: a\n    ref: 1.1-Q1\n    prompt: p\n"
                    "    answer: a\n    rubric: [{point: x, match: ['x']}]\n    misconceptions:\n"
                    "      - match: ['y']\n        correction: first\n        correction: second\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:13: YAML: duplicate key 'correction' (YAML would keep only the last)\n"
