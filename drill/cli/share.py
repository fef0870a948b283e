"""Sharing and set-up: export to Anki or markdown, settings, new banks."""


import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from drill.cli.options import BankDirOpt, BankOpt, IdOpt, JsonOpt, KindOpt, TopicOpt

export_app = typer.Typer(help="Take the banks elsewhere: Anki notes or a markdown study guide.", no_args_is_help=True)
new_app = typer.Typer(help="Create things: a starter bank.", no_args_is_help=True)
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace files that already exist.")]


class AnkiFormat(str, Enum):
    text = "text"
    apkg = "apkg"


ApkgOut = Annotated[Path, typer.Option("-o", "--output", help="The .apkg file to write.")]


@export_app.command("anki")
def export_anki(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: stdout; "
                                                   "drill.apkg for --format apkg).")] = None,
    fmt: Annotated[AnkiFormat, typer.Option("--format", help="text: Anki's text import; apkg: a package "
                                            "Anki opens on a double click.")] = AnkiFormat.text,
    force: ForceOpt = False,
) -> None:
    """Anki text-import file: one note per question, keyed on its id, HTML front and back."""
    from drill.cli.context import catalog, filters
    from drill.export.anki import export

    if fmt is AnkiFormat.apkg:
        export_apkg(bank, topic, kind, id, bank_dir, output or Path("drill.apkg"), force)
        return
    questions = catalog(bank_dir).select(filters(bank, topic, kind, id))
    text = export(questions)
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write(output, text)
        typer.echo(f"Wrote {len(questions)} notes to {output}. In Anki: File > Import.", err=True)


@export_app.command("apkg")
def export_apkg(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    output: ApkgOut = Path("drill.apkg"), force: ForceOpt = False,
) -> None:
    """An Anki package: a deck per bank, note GUIDs = question ids, tags = topics, worked solutions."""
    from drill.cli.context import catalog, filters
    from drill.export.apkg import write_apkg

    count = write_apkg(catalog(bank_dir).select(filters(bank, topic, kind, id)), output, force=force)
    typer.echo(f"Wrote {count} notes to {output}. Open it with Anki (double-click, or File > Import).", err=True)


@export_app.command("markdown")
def export_markdown(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    output: Annotated[Path, typer.Option("-o", "--output", help="Directory for the guide, one file per bank.")]
    = Path("drill-guide"),
) -> None:
    """A study guide: prompts, model answers and the worked steps of every exercise."""
    from drill.cli.context import catalog, filters
    from drill.errors import InputError
    from drill.export.markdown import write_guide

    cat = catalog(bank_dir)
    selected = {q.id for q in cat.select(filters(bank, topic, kind, id))}
    try:
        written = write_guide(cat.banks, selected, output)
    except OSError as exc:
        raise InputError(f"{output}: cannot write ({exc.strerror})") from None
    for path in written:
        typer.echo(str(path))


def _write(path: Path, text: str) -> None:
    from drill.errors import InputError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None


def config_cmd(json_out: JsonOpt = False) -> None:
    """Show the effective settings and where each came from (config.toml in the config dir)."""
    import os

    from drill.paths import cache_dir, db_path
    from drill.settings import load_settings

    s = load_settings()
    rows = {
        "desired_retention": (s.desired_retention, s.sources["desired_retention"]),
        "new_per_day": (s.new_per_day, s.sources["new_per_day"]),
        "quiz_length": (s.quiz_length, s.sources["quiz_length"]),
        "bank_dirs": (list(s.bank_dirs), s.sources["bank_dirs"]),
        "DRILL_BANKS": (os.environ.get("DRILL_BANKS", ""), "environment"),
        "config_file": (str(s.path), "exists" if s.path and s.path.is_file() else "not created yet"),
        "database": (str(db_path()), "DRILL_HOME" if os.environ.get("DRILL_HOME") else "user data directory"),
        "cache": (str(cache_dir()), "safe to delete"),
    }
    if json_out:
        typer.echo(json.dumps({k: {"value": v, "source": src} for k, (v, src) in rows.items()}, indent=1))
        return
    from rich.table import Table

    from drill.view import out

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("setting", "value", "from"):
        table.add_column(col, overflow="fold")
    for k, (v, src) in rows.items():
        table.add_row(k, str(v), src)
    out().print(table)


@new_app.command("bank")
def new_bank(
    name: Annotated[str, typer.Argument(help="Short bank name, e.g. 'my-questions'.")],
    folder: Annotated[Path, typer.Option("--dir", help="Where to write NAME.yaml.")] = Path("."),
) -> None:
    """Write a commented starter bank with one question of each kind."""
    from drill.starter import write_starter

    path = write_starter(name, folder)
    typer.echo(f"Wrote {path}. Check it with: drill validate {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.command("config")(config_cmd)
    app.add_typer(new_app, name="new")
