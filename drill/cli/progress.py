"""Progress: the status screen, stats, and forgetting a card."""


import json
from datetime import datetime
from typing import Annotated

import typer

from drill.cli.options import BankDirOpt, BankOpt, IdOpt, JsonOpt, KindOpt, TopicOpt



def next_due_line(store) -> str:  # noqa: ANN001
    nxt = store.next_due()
    if nxt is None:
        return "No reviews scheduled yet: start with `drill quiz`."
    return f"Next review due {nxt.astimezone():%Y-%m-%d %H:%M}."


def show_status() -> None:
    """`drill` alone: what is due, what is new, the streak, and what to run next."""
    from drill.cli.context import catalog
    from drill.settings import load_settings
    from drill.stats import status
    from drill.store import Store
    from drill.view import out
    from drill.view.progress import status_panel

    settings = load_settings()
    cat = catalog(settings=settings)
    with Store() as store:
        st = status(store, cat, settings.new_per_day)
        out().print(status_panel(st, len(cat.entries()), len(cat.bank_files)))


def stats_cmd(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    weeks: Annotated[int, typer.Option(help="Weeks of history in the calendar.", min=1, max=104)] = 12,
    json_out: JsonOpt = False,
) -> None:
    """Retention by bank and topic (weakest first), reviews per day, a 14-day forecast."""
    from drill.cli.context import catalog, filters
    from drill.settings import load_settings
    from drill.stats import compute
    from drill.store import Store

    settings = load_settings()
    with Store() as store:
        result = compute(store, catalog(bank_dir, settings), filters(bank, topic, kind, id),
                         new_limit=settings.new_per_day, weeks=weeks)
    if json_out:
        typer.echo(json.dumps(result.to_json(), indent=1))
        return
    from drill.view import out
    from drill.view.progress import stats_view

    out().print(stats_view(result, weeks, datetime.now().astimezone()))


def forget_cmd(
    question: Annotated[str, typer.Argument(help="Question id whose card and history to drop.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Drop one card and its review history, such as a removed question's."""
    from drill.errors import NotFoundError
    from drill.store import Store
    from drill.view.safe import printable

    shown = printable(question, one_line=True)

    with Store() as store:
        if question not in store.known_ids():  # not store.card(): a damaged card must be droppable
            raise NotFoundError(f"no progress recorded for '{question}'")
        if not yes:
            import sys

            from drill.errors import InputError

            if not sys.stdin.isatty():  # nobody to ask: confirming is the caller's job
                raise InputError(f"forget {shown}: not confirmed (stdin is not a terminal); add --yes")
            if not typer.confirm(f"Drop the card and all reviews of {shown}?"):
                raise typer.Exit(1)
        n = store.forget(question)
    typer.echo(f"Forgot {shown} ({n} review{'s' * (n != 1)} removed).")


def optimize_cmd(json_out: JsonOpt = False) -> None:
    """Fit FSRS to your own review log (as Anki does); the scheduler then uses your parameters."""
    from drill.optimize import Fit, optimize
    from drill.store import Store

    with Store() as store:
        result = optimize(store.review_log())
        kept = isinstance(result, Fit) and result.after.log_loss <= result.before.log_loss
        if kept:
            store.save_parameters(result.stored(store.clock()))
    if json_out:
        typer.echo(json.dumps({**result.to_json(), "kept": kept}, indent=1))
        return
    from drill.view import out
    from drill.view.optimize import optimize_view

    out().print(optimize_view(result, kept))


def register(app: typer.Typer) -> None:
    app.command("stats")(stats_cmd)
    app.command("forget")(forget_cmd)
    app.command("optimize")(optimize_cmd)
