"""`drill check`: grade one answer to one question, recording nothing."""


import json
import sys
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
        if path.is_dir():
            raise InputError(f"{file}: is a directory, not a file")
        if not path.is_file():
            raise InputError(f"{file}: no such file")
        result = grade_code_file(q, path, timeout=timeout)
    else:
        result = grade(q, answer if answer is not None else read_answer_file(file or "-"))
    if json_out:
        typer.echo(json.dumps(result.to_json(q), ensure_ascii=False))
    else:
        from drill.view import out
        from drill.view.questions import feedback

        out().print(feedback(q, result))
    raise typer.Exit(0 if result.passed else 1)


def read_answer_file(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
        where = "stdin"
    else:
        try:
            data = Path(name).read_bytes()
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from None
        where = name
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte {exc.start})") from None


def register(app: typer.Typer) -> None:
    app.command("check")(check_cmd)
