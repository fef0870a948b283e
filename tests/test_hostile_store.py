"""Issue 15, cases 6 and 7: a damaged card or a foreign SQLite file gives one line and exit 2,
and the foreign file is left exactly as it was (no WAL, no drill tables)."""

from __future__ import annotations

import hashlib
import sqlite3

from typer.testing import CliRunner

from drill.cli import app

runner = CliRunner()
QID = "nlp/levenshtein-doctor-bottle"


def _one_review(drill_home) -> sqlite3.Connection:  # noqa: ANN001
    assert runner.invoke(app, ["quiz", "--id", "8.2.1-Q9"], input="4\n---\n").exit_code == 0
    return sqlite3.connect(drill_home / "drill.sqlite3", isolation_level=None)


def test_a_damaged_due_is_reported_and_the_card_can_be_dropped(drill_home):
    db = _one_review(drill_home)
    db.execute("UPDATE cards SET due = 'garbage'")
    db.close()
    expected = (f"drill: {drill_home / 'drill.sqlite3'}: the card of {QID} is damaged (due 'garbage'); "
                f"`drill forget {QID}` drops it\n")
    for args in (["stats"], [], ["stats", "--json"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and result.stderr == expected, args
    assert runner.invoke(app, ["forget", QID, "--yes"]).exit_code == 0
    assert runner.invoke(app, ["stats"]).exit_code == 0


def test_damaged_card_data_in_a_quiz_is_reported(drill_home):
    db = _one_review(drill_home)
    db.execute("UPDATE cards SET card = '{not json'")
    db.close()
    result = runner.invoke(app, ["quiz", "--id", "8.2.1-Q9"], input="4\n---\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("drill: ") and f"the card of {QID} is damaged" in result.stderr
    assert "Traceback" not in result.output


def test_a_foreign_sqlite_file_is_never_touched(drill_home):
    drill_home.mkdir(parents=True, exist_ok=True)
    path = drill_home / "drill.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (body TEXT)")
    other.execute("INSERT INTO notes VALUES ('mine')")
    other.commit()
    other.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for args in (["stats"], [], ["quiz", "--id", "8.2.1-Q9"]):
        result = runner.invoke(app, args, input="4\n---\n")
        assert result.exit_code == 2, args
        assert result.stderr == (f"drill: {path}: an SQLite file that is not a drill database; left untouched "
                                 "(move it, or set DRILL_HOME to another directory)\n")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not any(p.name.startswith("drill.sqlite3-") for p in drill_home.iterdir())  # no -wal, no -shm
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [n for (n,) in check.execute("SELECT name FROM sqlite_master")] == ["notes"]
