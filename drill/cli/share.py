"""Sharing and set-up: export to Anki or markdown, settings, new banks."""


import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from drill.cli.options import BankDirOpt, BankOpt, IdOpt, JsonOpt, KindOpt, TopicOpt

export_app = typer.Typer(help="Take things elsewhere: Anki notes, a markdown study guide, your progress.",
                         no_args_is_help=True)
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
    from drill.export.files import refuse_existing, write_text_atomic
    from drill.view.safe import printable

    if fmt is AnkiFormat.apkg:
        export_apkg(bank, topic, kind, id, bank_dir, output or Path("drill.apkg"), force)
        return
    if output is not None:
        refuse_existing([output], force)  # before the work, not after it
    questions = list(catalog(bank_dir).select(filters(bank, topic, kind, id)).questions())
    text = export(questions)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomic(output, text, force=force)
        typer.echo(printable(f"Wrote {len(questions)} notes to {output}. In Anki: File > Import.", one_line=True),
                   err=True)


@export_app.command("apkg")
def export_apkg(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    output: ApkgOut = Path("drill.apkg"), force: ForceOpt = False,
) -> None:
    """An Anki package: a deck per bank, note GUIDs = question ids, tags = topics, worked solutions."""
    from drill.cli.context import catalog, filters
    from drill.export.apkg import write_apkg
    from drill.view.safe import printable

    count = write_apkg(catalog(bank_dir).select(filters(bank, topic, kind, id)).questions(), output, force=force)
    typer.echo(printable(f"Wrote {count} notes to {output}. Open it with Anki (double-click, or File > Import).",
                         one_line=True), err=True)


@export_app.command("markdown")
def export_markdown(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    output: Annotated[Path, typer.Option("-o", "--output", help="Directory for the guide, one file per bank.")]
    = Path("drill-guide"),
    force: ForceOpt = False,
) -> None:
    """A study guide: prompts, model answers and the worked steps of every exercise."""
    from drill.cli.context import catalog, filters
    from drill.export.markdown import write_guide
    from drill.view.safe import printable

    cat = catalog(bank_dir)
    selected = {q.id for q in cat.select(filters(bank, topic, kind, id))}
    for path in write_guide(cat.banks, selected, output, force=force):
        typer.echo(printable(path, one_line=True))


@export_app.command("progress")
def export_progress(
    file: Annotated[Path, typer.Argument(help="CSV file to write (card_id,reviewed_at,rating,duration_ms), "
                                         "or - for stdout.")],
    force: ForceOpt = False,
) -> None:
    """Your review log as CSV, for `drill import progress` on another machine."""
    from drill.progress_io import log_csv, write_log
    from drill.store import Store
    from drill.view.safe import printable

    with Store() as store:
        if str(file) == "-":
            text, _ = log_csv(store.review_log())
            typer.echo(text, nl=False)
            return
        written = write_log(store.review_log(), file, force=force)
    typer.echo(printable(f"Wrote {written.reviews} review{'s' * (written.reviews != 1)} of {written.cards} "
                         f"card{'s' * (written.cards != 1)} to {file}.", one_line=True), err=True)


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
        "grader": (s.grader, s.sources["grader"]),
        "grader_model": (s.grader_model or "(llm's default model)", s.sources["grader_model"]),
        "grader_timeout": (s.grader_timeout, s.sources["grader_timeout"]),
        "fsrs_parameters": _fsrs_parameters(),
        "DRILL_BANKS": (os.environ.get("DRILL_BANKS", ""), "environment" if "DRILL_BANKS" in os.environ else "not set"),
        "config_file": (str(s.path), "exists" if s.path and s.path.is_file() else "not created yet"),
        "database": (str(db_path()), "DRILL_HOME" if os.environ.get("DRILL_HOME") else "user data directory"),
        "cache": (str(cache_dir()), "safe to delete"),
    }
    if json_out:
        typer.echo(json.dumps({k: {"value": v, "source": src} for k, (v, src) in rows.items()}, indent=1))
        return
    import sys

    from drill.view.safe import data_text, printable

    if not sys.stdout.isatty():  # piped: whole lines, so paths are never folded mid-word
        for k, (v, src) in rows.items():
            typer.echo("\t".join(printable(cell, one_line=True) for cell in (k, v, src)))
        return
    from rich.table import Table

    from drill.view import out

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("setting", "value", "from"):
        table.add_column(col, overflow="fold")
    for k, (v, src) in rows.items():
        table.add_row(k, data_text(v, one_line=True), data_text(src, one_line=True))
    out().print(table)


def _fsrs_parameters() -> tuple[object, str]:
    """The scheduler's parameters and where they came from, without creating a database."""
    from drill.paths import db_path

    fit = None
    if db_path().exists():
        from drill.errors import StoreError
        from drill.store import Store

        try:
            with Store() as store:
                fit = store.fitted_parameters()
        except StoreError as exc:  # config still shows everything else
            return "unknown", str(exc)
    if fit is None:
        return "FSRS-6 defaults", "default (fit yours with drill optimize)"
    return ([round(p, 4) for p in fit.parameters],
            f"drill optimize, {fit.fitted_at:%Y-%m-%d} ({fit.reviews} reviews, log-loss "
            f"{fit.log_loss_before:.4f} -> {fit.log_loss_after:.4f})")


@new_app.command("bank")
def new_bank(
    name: Annotated[str, typer.Argument(help="Short bank name, e.g. 'my-questions'.")],
    folder: Annotated[Path, typer.Option("--dir", help="Where to write NAME.yaml.")] = Path("."),
) -> None:
    """Write a commented starter bank with one question of each kind."""
    from drill.starter import write_starter

    from drill.view.safe import printable

    path = write_starter(name, folder)
    typer.echo(printable(f"Wrote {path}. Check it with: drill validate {path}", one_line=True))


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.command("config")(config_cmd)
    app.add_typer(new_app, name="new")
