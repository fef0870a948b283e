"""Export to Anki and markdown, settings, starter banks, colour, completion and the README."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drill.cli import app

runner = CliRunner()
README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_anki_export_is_importable_text_keyed_on_ids(mini_banks, tmp_path):
    out = tmp_path / "mini.txt"
    result = runner.invoke(app, ["export", "anki", "--bank", "mini", "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header == ["#separator:tab", "#html:true", "#notetype:Basic", "#guid column:1", "#deck:drill::mini",
                      "#tags column:4"]
    body = "\n".join(line for line in text.split("\n") if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO(body), delimiter="\t"))
    assert [r[0] for r in rows] == ["mini/gd-update", "mini/edit-distance", "mini/pick-relu"]
    assert all(len(r) == 4 for r in rows)
    gd, edit, relu = rows
    assert gd[1].startswith("<p>Write the vanilla gradient-descent update") and "<li>" in gd[2]
    assert "Worked solution" in edit[2] and "<table>" in edit[2]  # the solver's steps, as HTML tables
    assert relu[3].split() == ["drill::mini", "activations"]


def test_anki_export_of_several_banks_has_a_deck_column(mini_banks):
    result = runner.invoke(app, ["export", "anki", "--id", "mini/*", "--id", "nlp/tfidf-ranking"])
    assert "#deck column:4" in result.stdout and "#tags column:5" in result.stdout


def test_markdown_guide_one_file_per_bank_with_worked_steps(mini_banks, tmp_path):
    result = runner.invoke(app, ["export", "markdown", "--bank", "mini", "-o", str(tmp_path / "guide")])
    assert result.exit_code == 0
    files = sorted(p.name for p in (tmp_path / "guide").iterdir())
    assert files == ["mini.md"]
    md = (tmp_path / "guide" / "mini.md").read_text(encoding="utf-8")
    assert "## 9.9-Q2 · `mini/edit-distance`" in md
    assert re.search(r"\| ε \| 0 \| 1 \| 2 \|", md)  # the DP table as a markdown table
    assert "**Answer:**" in md and "**Model answer**" in md


def test_config_shows_sources_and_rejects_bad_values(drill_home, tmp_path):
    drill_home.mkdir(parents=True, exist_ok=True)
    extra = tmp_path / "more"
    extra.mkdir()
    (drill_home / "config.toml").write_text(f'new_per_day = 3\nbank_dirs = ["{extra}"]\n')
    data = json.loads(runner.invoke(app, ["config", "--json"]).stdout)
    assert data["new_per_day"] == {"value": 3, "source": str(drill_home / "config.toml")}
    assert data["desired_retention"] == {"value": 0.9, "source": "default"}
    assert data["bank_dirs"]["value"] == [str(extra)]
    (drill_home / "config.toml").write_text("desired_retention = 2\n")
    bad = runner.invoke(app, ["config"])
    assert bad.exit_code == 2
    assert "desired_retention must be a number from 0.5 to 0.99, got 2" in bad.stderr
    (drill_home / "config.toml").write_text("new_per_day = [\n")
    assert "not valid TOML" in runner.invoke(app, ["list"]).stderr


def test_config_bank_dirs_are_loaded(drill_home, tmp_path, mini_banks, monkeypatch):
    monkeypatch.delenv("DRILL_BANKS")
    drill_home.mkdir(parents=True, exist_ok=True)
    (drill_home / "config.toml").write_text(f'bank_dirs = ["{mini_banks}"]\n')
    rows = json.loads(runner.invoke(app, ["list", "--bank", "mini", "--json"]).stdout)
    assert len(rows) == 3


def test_new_bank_validates_and_is_never_overwritten(tmp_path):
    result = runner.invoke(app, ["new", "bank", "my-questions", "--dir", str(tmp_path)])
    assert result.exit_code == 0
    path = tmp_path / "my-questions.yaml"
    check = runner.invoke(app, ["validate", str(path)])
    assert check.exit_code == 0 and "5 questions in 1 bank: all valid." in check.stdout
    kinds = [r["kind"] for r in json.loads(runner.invoke(app, ["list", "--bank-dir", str(tmp_path), "--bank",
                                                               "my-questions", "--json"]).stdout)]
    assert sorted(kinds) == ["card", "choice", "code", "concept", "exercise"]
    again = runner.invoke(app, ["new", "bank", "my-questions", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert runner.invoke(app, ["new", "bank", "Bad Name", "--dir", str(tmp_path)]).exit_code == 2


def test_colour_off_for_no_color_flag_and_env(mini_banks, monkeypatch):
    coloured = runner.invoke(app, ["show", "mini/gd-update"], color=True, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout
    plain = runner.invoke(app, ["--no-color", "show", "mini/gd-update"], color=True, env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in plain.stdout
    env_plain = runner.invoke(app, ["show", "mini/gd-update"], color=True, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in env_plain.stdout


def test_completion_offers_ids_refs_banks_and_topics(mini_banks):
    from drill.cli.context import complete_banks, complete_ids, complete_topics

    assert "mini/gd-update" in complete_ids("mini/")
    assert complete_ids("9.9-Q") == ["9.9-Q1", "9.9-Q2", "9.9-Q3"]
    assert "mini" in complete_banks("mi")
    assert "optimisation" in complete_topics("opt")


def _commands(group):
    import typer.main

    root = typer.main.get_command(group)
    for name in root.list_commands(None):
        cmd = root.get_command(None, name)
        yield name, cmd
        if hasattr(cmd, "list_commands"):  # a group: its commands may be built only when asked for
            for sub in cmd.list_commands(None):
                yield f"{name} {sub}", cmd.get_command(None, sub)


def test_the_help_listing_matches_each_command():
    """`drill --help` shows a fixed line per command (so it needs no import of the command): each
    line must still describe a command that exists."""
    from drill.cli import COMMANDS

    names = [name for name, _ in _commands(app) if " " not in name]
    assert names == list(COMMANDS)
    help_text = runner.invoke(app, ["--help"]).stdout
    for name, (_, short) in COMMANDS.items():
        assert short in help_text


@pytest.mark.parametrize("name,cmd", list(_commands(app)), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_has_help_and_is_in_the_readme(name, cmd):
    assert (cmd.help or "").strip(), f"{name} has no help text"
    assert f"drill {name}" in README, f"`drill {name}` is not in the README"


def test_readme_opens_with_the_two_setup_commands():
    first_lines = [line for line in README.splitlines() if line.strip() and not line.startswith("```")][:2]
    assert first_lines == ["pip install . && drill", 'pip install -e ".[test]" && pytest']
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert 'pip install -e ".[test]" && pytest' in ci


def test_new_bank_into_an_unwritable_place_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = runner.invoke(app, ["new", "bank", "x", "--dir", str(blocker / "sub")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"drill: {blocker / 'sub' / 'x.yaml'}: cannot write")


@pytest.mark.parametrize("words,cword,expected", [
    ("drill sol", 1, "solve"),
    ("drill solve lev", 2, "levenshtein"),
    ("drill show 8.2.1-Q5-i", 2, "8.2.1-Q5-i"),
    ("drill quiz --bank n", 3, "nlp"),
])
def test_shell_completion_through_the_real_command(words, cword, expected, drill_home):
    import os
    import subprocess
    import sys

    env = {**os.environ, "_DRILL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword),
           "DRILL_HOME": str(drill_home)}
    script = "import sys; sys.argv[0] = 'drill'; from drill.cli import main; main()"  # the prog name keys completion
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert expected in out.stdout.split()


def test_config_piped_prints_whole_tab_separated_lines(drill_home):
    result = runner.invoke(app, ["config"])  # CliRunner's stdout is not a terminal
    rows = dict(line.split("\t")[:2] for line in result.stdout.splitlines())
    assert rows["database"] == str(drill_home / "drill.sqlite3")  # never folded mid-word
    assert rows["desired_retention"] == "0.9" and result.stdout.splitlines()[0].count("\t") == 2
