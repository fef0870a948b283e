"""Everything the user sees: rich consoles, question panels, feedback, worked steps.

Colour follows the terminal: rich already honours NO_COLOR and plain output when stdout is
not a TTY; ``--no-color`` forces it off.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

_no_color = False


def set_no_color(value: bool) -> None:
    global _no_color
    _no_color = value


def plain_output() -> bool:
    return _no_color or bool(os.environ.get("NO_COLOR"))


def console(stderr: bool = False) -> "Console":
    from rich.console import Console

    plain = plain_output()
    # No emoji codes: an answer or a document holding ":word:" prints as typed.
    return Console(stderr=stderr, color_system=None if plain else "auto", no_color=plain, highlight=False,
                   emoji=False)


def out() -> "Console":
    return console()

