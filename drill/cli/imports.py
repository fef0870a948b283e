"""Bringing things in: Anki decks and markdown notes as banks of self-rated cards, and
progress from another machine."""


import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from drill.cli.options import JsonOpt

if TYPE_CHECKING:
    from drill.importers import Deck

import_app = typer.Typer(help="Bring things in: Anki decks and markdown notes as banks of cards, "
                         "review progress from another machine.", no_args_is_help=True)

ImportFile = Annotated[Path, typer.Argument(help="The file to import.")]
ImportOut = Annotated[Optional[Path], typer.Option("-o", "--output", help="The bank file to write "
                                                   "(default: BANK.yaml here).")]
ImportBank = Annotated[Optional[str], typer.Option("--bank", help="The bank's name (default: from the deck, "
                                                   "title or file name). Keep it the same on re-import.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the bank file if it exists (a re-import).")]


@import_app.command("anki")
def import_anki(file: ImportFile, output: ImportOut = None, bank: ImportBank = None, force: ForceOpt = False) -> None:
    """An Anki text export (.txt) or package (.apkg, .colpkg) as a bank of cards, ids from note GUIDs."""
    from drill.importers.anki import read_anki

    _write_deck(read_anki(file, _bank_name(bank)), output, force)


@import_app.command("markdown")
def import_markdown(file: ImportFile, output: ImportOut = None, bank: ImportBank = None,
                    force: ForceOpt = False) -> None:
    """Markdown notes ('Q: ...' then 'A: ...' lines) as a bank of cards."""
    from drill.importers.markdown import read_markdown

    _write_deck(read_markdown(file, _bank_name(bank)), output, force)


def _bank_name(name: Optional[str]) -> Optional[str]:
    from drill.bank import BANK_RE
    from drill.errors import InputError

    if name is not None and not BANK_RE.match(name):
        raise InputError(f"bank name '{name}' must be lowercase letters, digits and dashes")
    return name


def _refuse_loaded_name(bank: str, out: Path) -> None:
    """A bank named like one already loaded from another file (a built-in bank exported and
    imported back) would give every question a duplicate id, and every command would stop."""
    import os

    from drill.cli.context import catalog
    from drill.errors import DrillError, InputError

    try:
        loaded = catalog().bank_files
    except DrillError:  # the banks on the path have faults of their own: validate reports them
        return
    for f in loaded:
        if f.name == bank and os.path.realpath(f.file) != os.path.realpath(out):
            raise InputError(f"a bank named '{bank}' is already loaded from {f.file}; "
                             f"give this one another name with --bank NAME")


def _write_deck(deck: "Deck", output: Optional[Path], force: bool) -> None:
    from drill.importers import write_bank

    from drill.view.safe import printable

    out = output or Path(f"{deck.bank}.yaml")
    _refuse_loaded_name(deck.bank, out)
    write_bank(deck, out, force=force)
    lines = [f"skipped {note}" for note in deck.skipped]  # a deck's GUIDs and file names are data: shown, never obeyed
    if deck.media:
        shown = ", ".join(deck.media[:5]) + (", ..." if len(deck.media) > 5 else "")
        lines.append(f"Skipped {len(deck.media)} media files (drill shows no images or sounds): {shown}")
    lines.append(f"Wrote {len(deck.cards)} card{'s' * (len(deck.cards) != 1)} to {out} (bank {deck.bank}). "
                 f"Practise them: drill quiz --bank-dir {out}")
    lines.append("To keep them loaded in every command, add the file's folder to bank_dirs in config.toml "
                 "or to DRILL_BANKS (`drill config` shows where config.toml lives).")
    for line in lines:
        typer.echo(printable(line, one_line=True), err=True)


@import_app.command("progress")
def import_progress(
    file: Annotated[Path, typer.Argument(help="A progress CSV written by `drill export progress`.")],
    json_out: JsonOpt = False,
) -> None:
    """Merge a review log into yours (reviews you have are skipped) and replay the cards' FSRS states."""
    from drill.progress_io import read_log
    from drill.schedule import user_schedule
    from drill.settings import load_settings
    from drill.store import Store

    reviews = read_log(file)  # every row checked before the store is touched
    settings = load_settings()
    with Store() as store:
        result = store.merge_reviews(reviews, user_schedule(store, settings.desired_retention).replay)
    if json_out:
        typer.echo(json.dumps({"added": result.added, "already_known": result.already_known,
                               "cards": result.cards}))
        return
    typer.echo(f"Imported {result.added} new reviews ({result.already_known} already here); "
               f"replayed the FSRS state of {result.cards} cards.")


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
