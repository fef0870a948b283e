"""Options shared by many commands, defined once."""


from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class Kind(str, Enum):
    concept = "concept"
    exercise = "exercise"
    choice = "choice"
    code = "code"
    card = "card"


class GraderChoice(str, Enum):
    builtin = "builtin"
    llm = "llm"


def _complete_ids(incomplete: str) -> list[str]:
    from drill.cli.context import complete_ids

    return complete_ids(incomplete)


def _complete_banks(incomplete: str) -> list[str]:
    from drill.cli.context import complete_banks

    return complete_banks(incomplete)


def _complete_topics(incomplete: str) -> list[str]:
    from drill.cli.context import complete_topics

    return complete_topics(incomplete)



BankOpt = Annotated[list[str], typer.Option("--bank", help="Only this bank (repeatable).", autocompletion=_complete_banks)]
TopicOpt = Annotated[list[str], typer.Option("--topic", help="Only questions with this topic (repeatable).", autocompletion=_complete_topics)]
KindOpt = Annotated[list[Kind], typer.Option("--kind", help="Only this kind of question (repeatable).")]
IdOpt = Annotated[list[str], typer.Option("--id", help="Glob on question id or ref, e.g. 'nlp/*' or '8.2.1-Q5*'.", autocompletion=_complete_ids)]
BankDirOpt = Annotated[list[Path], typer.Option("--bank-dir", help="Extra bank directory or file (repeatable).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
GraderOpt = Annotated[Optional[GraderChoice], typer.Option(
    "--grader", help="Concept answers: the built-in rules, or a language model through llm (config.toml's grader).")]
# 0..2^63-1: numpy refuses negative seeds, and SQLite (interviews keep theirs) stores 64-bit integers
SeedOpt = Annotated[Optional[int], typer.Option("--seed", help="Seed for a reproducible order or instance.",
                                                min=0, max=2**63 - 1)]
QuestionArg = Annotated[str, typer.Argument(help="Question id (bank/slug), slug or ref (e.g. 8.2.1-Q5-i).",
                                            autocompletion=_complete_ids)]
