"""Bringing things in: progress from another machine."""


import json
from pathlib import Path
from typing import Annotated

import typer

from drill.cli.options import JsonOpt

import_app = typer.Typer(help="Bring things in: review progress from another machine.", no_args_is_help=True)


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
