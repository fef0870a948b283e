"""`drill check`: grade one answer to one question, recording nothing."""


import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from drill.cli.options import BankDirOpt, JsonOpt, QuestionArg
from drill.errors import InputError


def check_cmd(
    question: QuestionArg,
    file: Annotated[Optional[str], typer.Argument(help="File holding the answer, or - for stdin.")] = None,
    answer: Annotated[Optional[str], typer.Option("--answer", "-a", help="The answer as text.")] = None,
    timeout: Annotated[float, typer.Option(help="Code answers: seconds before the run is stopped.")] = 10.0,
    bank_dir: BankDirOpt = [],
    json_out: JsonOpt = False,
) -> None:
    """Grade one answer (text, number, ranking, matrix or code). Exit 0 passed, 1 not passed."""
    from drill.cli.context import catalog
    from drill.grading import grade, grade_code_file

    q = catalog(bank_dir).get(question)
    if (file is None) == (answer is None):
        raise InputError("give the answer as a FILE argument, - for stdin, or --answer TEXT (exactly one)")
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
        from drill.solving import read_text

        result = grade(q, answer if answer is not None else read_text(file or "-"))
    if json_out:
        typer.echo(json.dumps(result.to_json(q), ensure_ascii=False))
    else:
        from drill.view import out
        from drill.view.questions import feedback

        out().print(feedback(q, result))
    raise typer.Exit(0 if result.passed else 1)


def register(app: typer.Typer) -> None:
    app.command("check")(check_cmd)
