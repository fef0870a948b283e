"""The `drill` command: a thin Typer layer over the core.

Each module here holds one family of commands; they are joined below. Every core error
(DrillError) becomes one line on stderr and exit 2 in `DrillGroup.invoke`, the one place
where errors turn into messages.
"""


from typing import Annotated

import typer
from typer.core import TyperGroup

from drill.errors import BankError, DrillError


class DrillGroup(TyperGroup):
    def invoke(self, ctx):  # noqa: ANN001, ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except BankError as exc:
            for file, line, message in exc.faults:
                typer.echo(f"{file}:{line}: {message}", err=True)
            raise typer.Exit(2) from None
        except DrillError as exc:
            typer.echo(f"drill: {exc}", err=True)
            raise typer.Exit(2) from None


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
    """Quiz yourself, get graded, review on schedule, and solve the book's exercises step by step.

    Run without a command for today's status.
    """
    from drill.view import set_no_color

    set_no_color(no_color)
    if version:
        from drill import __version__

        typer.echo(f"drill {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        from drill.cli.progress import show_status

        show_status()


def _register() -> None:
    from drill.cli import browse, check, practice, progress, share, solve

    for module in (browse, check, practice, progress, share):
        module.register(app)
    app.add_typer(solve.app, name="solve", rich_help_panel="Solve")


_register()


def main() -> None:
    app()
