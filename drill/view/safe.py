"""Bank and user text made safe for a terminal, in one place.

Banks come from other people and answers from anywhere, so any string may hold an escape
sequence: OSC 0 retitles the window, OSC 8 hides a link behind harmless text, OSC 52 writes
the clipboard, ``ESC[2J`` clears the screen. ``printable`` shows every control character
visibly (``\\x1b``), so the user sees what the data holds and the terminal obeys none of it.
Rich markup is the other trap: a string handed to rich is parsed as markup (a topic
``[/bold]`` raises, ``[link=...]`` becomes a hidden hyperlink), so data goes to rich only as
``Text`` (``data_text``), which rich never parses.

No rich import at module level: `drill list` and the error path print plain lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

# C0 controls (but tab and newline), DEL, the C1 controls (ESC's 8-bit forms: CSI is 0x9b,
# OSC 0x9d) and the bidirectional overrides that make text read differently than it runs.
_CONTROLS = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
             *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROLS}
_TABLE_ONE_LINE = {**_TABLE, 0x0A: "\\n", 0x09: "\\t"}


def printable(value: Any, *, one_line: bool = False) -> str:
    """``value`` as text with every control character shown as an escape (``\\x1b``);
    ``one_line`` also shows newlines and tabs (error lines, list rows, table cells)."""
    return str(value).translate(_TABLE_ONE_LINE if one_line else _TABLE)


def data_text(value: Any, style: str = "", *, one_line: bool = False) -> "Text":
    """Data for rich: a ``Text`` (never parsed as markup) holding the printable form."""
    from rich.text import Text

    return Text(printable(value, one_line=one_line), style=style)


def error_line(message: Any) -> str:
    """The one line on stderr for a user error: ``drill: message``, controls made visible."""
    return f"drill: {printable(message, one_line=True)}"


def fault_line(file: str, line: int, message: str) -> str:
    """A bank fault (drill.errors.fault_text) on one safe line."""
    from drill.errors import fault_text

    return printable(fault_text(file, line, message), one_line=True)
