"""`drill check`: grade one answer to one question, recording nothing."""


import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from drill.cli.options import BankDirOpt, GraderOpt, JsonOpt, QuestionArg
from drill.errors import InputError


def check_cmd(
    question: QuestionArg,
    file: Annotated[Optional[str], typer.Argument(help="File holding the answer, or - for stdin.")] = None,
    answer: Annotated[Optional[str], typer.Option("--answer", "-a", help="The answer as text.")] = None,
    timeout: Annotated[float, typer.Option(help="Code answers: seconds before the run is stopped.")] = 10.0,
    bank_dir: BankDirOpt = [],
    grader_choice: GraderOpt = None,
    explain: Annotated[bool, typer.Option("--explain", help="Concept answers: show, per rubric point, opposite "
                                          "and misconception, each pattern's match and its verdict.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Grade one answer (text, number, ranking, matrix or code). Exit 0 passed, 1 not passed."""
    from drill.cli.context import catalog, grader
    from drill.grading import grade_code_file
    from drill.settings import load_settings
    from drill.solving import read_text

    settings = load_settings()
    q = catalog(bank_dir, settings).get(question)
    if q.kind == "card":
        raise InputError(f"{q.id} is a card: cards are self-rated, so there is nothing to check "
                         f"(`drill show {q.id} --answer` shows its back)")
    if explain and q.kind != "concept":
        raise InputError(f"--explain applies to concept questions; {q.ref or q.id} is {q.kind}")
    how = "give the answer as a FILE argument, - for stdin, or --answer TEXT (exactly one)"
    if file is None and answer is None and not sys.stdin.isatty():
        answer = read_text("-")  # `echo ANSWER | drill check ID`: the pipe holds the answer
        if not answer.strip():  # `< /dev/null`: nothing was given
            raise InputError(how)
    if (file is None) == (answer is None):
        raise InputError(how)
    if q.kind == "code" and file not in (None, "-"):
        path = Path(file)
        try:
            if path.is_dir():
                raise InputError(f"{file}: is a directory, not a file")
            if not path.is_file():
                raise InputError(f"{file}: no such file")
        except OSError as exc:  # a name too long for the file system
            raise InputError(f"{file}: cannot read ({exc.strerror})") from None
        result = grade_code_file(q, path, timeout=timeout)
    else:
        result = grader(settings, grader_choice)(q, answer if file is None else read_text(file))
    if json_out:
        record = result.to_json(q)
        if explain:
            record["explain"] = [c.to_json() for c in result.checks]
        typer.echo(json.dumps(record, ensure_ascii=False))
    else:
        from drill.view import out
        from drill.view.questions import explanation, feedback

        if explain:
            out().print(explanation(result.checks), soft_wrap=True)
        out().print(feedback(q, result))
    raise typer.Exit(0 if result.passed else 1)


def register(app: typer.Typer) -> None:
    app.command("check")(check_cmd)
