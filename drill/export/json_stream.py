"""A JSON array written as its items come, byte for byte what ``json.dumps(list(items),
ensure_ascii=False, indent=1)`` gives, so `drill list --json` on a large bank starts printing
at once and holds one question in memory, never the whole list."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable


def write_array(items: Iterable[Any], write: Callable[[str], Any]) -> None:
    """Write the indented array (and no final newline) through ``write``, one item at a time."""
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n ")
        write(("[\n " if first else ",\n ") + text)
        first = False
    write("[]" if first else "\n]")
