"""Practice: quiz, review and the mock interview."""


import sys
from typing import Annotated, Optional

import typer

from drill.cli.options import BankDirOpt, BankOpt, GraderOpt, IdOpt, JsonOpt, KindOpt, SeedOpt, TopicOpt

CountOpt = Annotated[Optional[int], typer.Option("-n", help="How many questions at most.", min=1)]


def _run(session, json_out: bool) -> None:  # noqa: ANN001
    from drill.view import console
    from drill.view.loop import is_tty, print_summary, run_pipe, run_terminal

    out, tty = console(), is_tty(sys.stdin)
    try:
        if tty:
            run_terminal(session, out)
        else:
            run_pipe(session, sys.stdin, out, json_out=json_out)
    finally:  # a bank fault found while grading still ends with the summary of what was kept
        if tty or not json_out:  # piped JSON lines stay pure JSON
            print_summary(out, session)


def _recorder(kind: str, desired_retention: float):  # noqa: ANN202
    from drill.schedule import user_schedule
    from drill.session import StoreRecorder
    from drill.store import Store

    store = Store()
    return StoreRecorder(store, user_schedule(store, desired_retention), kind)


def quiz_cmd(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    n: CountOpt = None, seed: SeedOpt = None,
    variants: Annotated[bool, typer.Option("--variants", help="Ask exercises as fresh random instances.")] = False,
    record: Annotated[bool, typer.Option("--record/--no-record", help="Record answers as reviews.")] = True,
    grader_choice: GraderOpt = None, json_out: JsonOpt = False,
) -> None:
    """Ask questions, grade your answers, reveal the model answer, rate your recall."""
    from drill.cli.context import catalog, filters, grader
    from drill.session import Session, quiz_items
    from drill.settings import load_settings

    settings = load_settings()
    chosen = filters(bank, topic, kind, id)
    items = quiz_items(catalog(bank_dir, settings), chosen, n or settings.quiz_length, seed=seed, variants=variants)
    if not items:
        raise chosen.nothing_matches()
    recorder = _recorder("quiz", settings.desired_retention) if record else None
    session = Session(items, recorder, grader=grader(settings, grader_choice))
    try:
        _run(session, json_out)
    finally:
        if recorder:
            recorder.close()


def review_cmd(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    n: CountOpt = None, grader_choice: GraderOpt = None, json_out: JsonOpt = False,
) -> None:
    """Review what is due (most overdue first), then today's new questions."""
    from drill.cli.context import catalog, filters, grader
    from drill.session import Session, review_items
    from drill.settings import load_settings

    settings = load_settings()
    recorder = _recorder("review", settings.desired_retention)
    try:
        items = review_items(catalog(bank_dir, settings), filters(bank, topic, kind, id), recorder.store,
                             new_limit=settings.new_per_day, n=n)
        if not items:
            from drill.cli.progress import next_due_line

            typer.echo(f"Nothing due. {next_due_line(recorder.store)}", err=json_out)  # keep --json output clean
            return
        _run(Session(items, recorder, grader=grader(settings, grader_choice)), json_out)
    finally:
        recorder.close()


def interview_cmd(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [], bank_dir: BankDirOpt = [],
    minutes: Annotated[float, typer.Option(help="Length of the interview.", min=1, max=240)] = 30,
    seed: SeedOpt = None,
    history: Annotated[bool, typer.Option("--history", help="List past interviews and their scores.")] = False,
    grader_choice: GraderOpt = None, json_out: JsonOpt = False,
) -> None:
    """A timed mock interview weighted toward your weak topics, with a scored report."""
    import json
    import random
    from datetime import timedelta

    from drill.cli.context import catalog, filters, grader
    from drill.interview import plan, report
    from drill.session import Session
    from drill.settings import load_settings
    from drill.store import Store
    from drill.view import out
    from drill.view.interview import history_view, report_view

    if minutes != minutes:  # nan passes the 1..240 range check (every comparison with nan is false)
        from drill.errors import InputError

        raise InputError("--minutes must be a number from 1 to 240, got nan")
    if history:  # only reads: no session is opened
        with Store() as store:
            rows = store.interviews()
        typer.echo(json.dumps(rows, indent=1)) if json_out else out().print(history_view(rows))
        return
    settings = load_settings()
    seed = seed if seed is not None else random.randrange(1_000_000)
    recorder = _recorder("interview", settings.desired_retention)
    store = recorder.store
    try:
        chosen = filters(bank, topic, kind, id)
        items = plan(catalog(bank_dir, settings), chosen, store, minutes, seed)
        if not items:
            raise chosen.nothing_matches()
        started = store.clock()
        session = Session(items, recorder, deadline=started + timedelta(minutes=minutes), hints=False,
                          grader=grader(settings, grader_choice))
        from drill.view.loop import is_tty, run_pipe, run_terminal

        if is_tty(sys.stdin):
            out().print(f"Mock interview: {len(items)} questions, {minutes:g} minutes, seed {seed}. No hints.")
            run_terminal(session, out(), auto_rate=True)
        else:
            run_pipe(session, sys.stdin, out(), json_out=json_out)
        result = report(session, started, minutes, seed)
        store.save_interview(recorder.session_id, started, minutes, seed, result.score, result.to_json())
        if json_out:
            typer.echo(json.dumps({"report": result.to_json()}, ensure_ascii=False))
        else:
            out().print(report_view(result))
    finally:
        recorder.close()


def register(app: typer.Typer) -> None:
    app.command("quiz")(quiz_cmd)
    app.command("review")(review_cmd)
    app.command("interview")(interview_cmd)
