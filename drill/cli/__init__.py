"""The `drill` command: a thin Typer layer over the core.

Each module here holds one family of commands; the root group (below) imports and builds only
the one being run. Every core error
(DrillError) becomes one line on stderr and exit 2 in `DrillGroup.invoke`, the one place
where errors turn into messages.
"""


import functools
import gc
import importlib
import os
from typing import Annotated, Any, NoReturn

import typer
import typer.main
from typer.core import TyperGroup

from drill.errors import BankError, DrillError

try:  # typer 0.28 carries its own copy of click; earlier versions use click itself
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - typer < 0.28
    from click.exceptions import NoArgsIsHelpError, UsageError


# Every command, the module that defines it, and the line `drill --help` shows for it. Only
# the module of the command being run is imported and built: start-up stays close to typer's own.
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("drill.cli.browse", "List questions: id, ref, kind, topics, prompt."),
    "show": ("drill.cli.browse", "Show one question by id or ref."),
    "validate": ("drill.cli.browse", "Check banks: schema, ids, patterns, exercises re-solved."),
    "quiz": ("drill.cli.practice", "Ask, grade, reveal the model answer, rate your recall."),
    "review": ("drill.cli.practice", "Review what is due, then today's new questions."),
    "interview": ("drill.cli.practice", "A timed mock interview with a scored report."),
    "check": ("drill.cli.check", "Grade one answer without recording it (exit 0/1)."),
    "solve": ("drill.cli.solve", "Worked solutions of the book's exercises."),
    "stats": ("drill.cli.progress", "Retention by topic, reviews per day, forecast."),
    "forget": ("drill.cli.progress", "Drop one card and its review history."),
    "optimize": ("drill.cli.progress", "Fit FSRS to your own reviews; schedule with the result."),
    "export": ("drill.cli.share", "Export to Anki, a markdown guide, or your progress."),
    "import": ("drill.cli.imports", "Import Anki decks, markdown notes, or progress."),
    "config": ("drill.cli.share", "Show the effective settings and their sources."),
    "new": ("drill.cli.share", "Create a starter bank."),
}


class DrillGroup(TyperGroup):
    """The root group: commands are built on demand, errors become messages (the one place)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in COMMANDS:
            return None
        return _build(COMMANDS[name][0]).get(name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:
            _usage_error(exc)

    def invoke(self, ctx):  # noqa: ANN001, ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _usage_error(exc)
        except BankError as exc:
            from drill.view.safe import fault_line

            for fault in exc.faults:
                typer.echo(fault_line(*fault), err=True)
            raise typer.Exit(2) from None
        except DrillError as exc:
            from drill.view.safe import error_line

            typer.echo(error_line(exc), err=True)
            raise typer.Exit(2) from None
        except OSError as exc:
            if exc.filename is None:  # not about a path the user gave: a bug to see whole
                raise
            from drill.view.safe import error_line

            typer.echo(error_line(f"{exc.filename}: {exc.strerror or exc}"), err=True)
            raise typer.Exit(2) from None


def _usage_error(exc: UsageError) -> NoReturn:
    """A bad option or argument, as every other bad input: one line on stderr and exit 2
    (click would print the usage block; the line names the --help to read instead)."""
    if isinstance(exc, NoArgsIsHelpError):  # a bare group: its help is the answer
        raise exc
    from drill.view.safe import error_line

    where = f" (see {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
    typer.echo(error_line(f"{exc.format_message().rstrip('.')}{where}"), err=True)
    raise typer.Exit(2)


app = typer.Typer(
    cls=DrillGroup,
    name="drill",
    help="A terminal trainer for machine-learning interviews. Run `drill` alone for today's status.",
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode=None,  # plain click help: typer's rich help costs ~70 ms of imports per call
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    no_color: Annotated[bool, typer.Option("--no-color", help="Plain text output, no colours.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """The root: global options, and the status screen when no command is given."""
    from drill.view import set_no_color

    set_no_color(no_color)
    if version:
        from drill import __version__

        typer.echo(f"drill {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        from drill.cli.progress import show_status

        show_status()


@functools.lru_cache(maxsize=None)
def _build(module_name: str) -> dict[str, Any]:
    """Import one command module and build its commands with typer, by name."""
    module = importlib.import_module(module_name)
    holder = typer.Typer(rich_markup_mode=None)
    module.register(holder)
    built = typer.main.get_command(holder)
    commands = getattr(built, "commands", None)  # several commands: a group holding them
    return dict(commands) if commands is not None else {built.name or "": built}


def build_command(commands: typer.Typer, name: str) -> Any:
    """Build one command of ``commands`` with typer, or None: a group of many subcommands
    (`drill solve`) builds only the one being run, not all of them (6 ms at every solve)."""
    for info in commands.registered_commands:
        if info.name == name:
            return typer.main.get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)
    return None


def main() -> None:
    """The `drill` console script. It tunes the whole process (BLAS threads, the garbage
    collector) for a short-lived command; code that embeds drill calls `app` instead."""
    # drill's arrays are small, so one BLAS thread: by default OpenBLAS starts one per core when
    # numpy is imported, and they spin beside the main thread (about 15 ms of wall time and
    # 100 ms of CPU per command on two cores). A value the user set wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # A command allocates mostly long-lived objects (modules, classes, the bank) and little
    # cyclic garbage: collect the youngest generation every 20,000 allocations, not every 700
    # (3-5 ms less per command).
    gc.set_threshold(20_000, *gc.get_threshold()[1:])
    try:
        app()
    except BrokenPipeError:
        # The reader went away (`drill list | head`): leave quietly, as the Python docs advise.
        import sys

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    finally:
        # The process ends here. Freezing moves every object out of the collector's reach, so
        # interpreter shutdown skips one last full collection over numpy, rich and typer (15-30 ms
        # of every command); the operating system frees the memory anyway. Files and the store
        # are closed by their own `with`/`finally` blocks before this point.
        gc.freeze()
