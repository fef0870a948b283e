"""Browsing the banks: list, show, validate."""


import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from drill.cli.options import BankDirOpt, BankOpt, IdOpt, JsonOpt, KindOpt, QuestionArg, TopicOpt



def list_cmd(
    bank: BankOpt = [], topic: TopicOpt = [], kind: KindOpt = [], id: IdOpt = [],
    bank_dir: BankDirOpt = [], json_out: JsonOpt = False,
) -> None:
    """List questions: id, ref, kind, topics and the opening of the prompt."""
    from drill.cli.context import catalog, filters
    from drill.export import question_summary

    selected = catalog(bank_dir).select(filters(bank, topic, kind, id))
    if json_out:  # streamed: one question's body in memory at a time
        from drill.export.json_stream import write_array

        write_array(map(question_summary, selected.questions()), lambda text: typer.echo(text, nl=False))
        typer.echo()
        return
    from drill.view.listing import question_lines

    for line in question_lines(selected):
        typer.echo(line)


def show_cmd(
    question: QuestionArg,
    answer: Annotated[bool, typer.Option("--answer", help="Also show the model answer, key points and hints.")] = False,
    bank_dir: BankDirOpt = [],
    json_out: JsonOpt = False,
) -> None:
    """Show one question by id or ref."""
    from drill.cli.context import catalog
    from drill.export import question_detail

    q = catalog(bank_dir).get(question)
    if json_out:
        typer.echo(json.dumps(question_detail(q), ensure_ascii=False, indent=1))
        return
    from drill.view import out
    from drill.view.questions import answer_block, question_panel

    out().print(question_panel(q))
    if answer:
        out().print(answer_block(q))
        if q.kind == "exercise":
            from drill.view.steps import worked_solution

            out().print(worked_solution(q))


def validate_cmd(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Bank files or directories (default: all banks).")] = None,
    bank_dir: BankDirOpt = [],
    examples: Annotated[list[Path], typer.Option(
        "--examples", metavar="PATH",
        help="Also grade the answers in these examples files or directories against the banks' questions.")] = [],
    json_out: JsonOpt = False,
) -> None:
    """Check banks: schema, unique ids, rubric patterns, exercises re-solved, concept examples graded."""
    from drill.bank import bank_files, example_files
    from drill.validate import validate_files
    from drill.view import out

    extra = example_files(examples)
    if paths:  # the given files, checked also against the banks they will be loaded with
        report = validate_files(bank_files(paths, builtin=False), alongside=bank_files(bank_dir), examples=extra)
    else:
        report = validate_files(bank_files(bank_dir), examples=extra)
    if json_out:
        typer.echo(json.dumps(report.to_json(), indent=1))
    else:
        from drill.view.safe import fault_line

        for fault in report.faults:
            typer.echo(fault_line(*fault), err=True)
        if not report.faults:
            also = f" and {report.examples:,} example{'s' * (report.examples != 1)} from {len(extra)} " \
                   f"file{'s' * (len(extra) != 1)}" if extra else ""
            out().print(f"{report.questions} question{'s' * (report.questions != 1)} in {report.banks} "
                        f"bank{'s' * (report.banks != 1)}{also}: all valid.")
    if report.faults:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command("list")(list_cmd)
    app.command("show")(show_cmd)
    app.command("validate")(validate_cmd)
