"""Writing a bank or a deck: never over an existing file unless asked, never half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from drill.errors import InputError


def refuse_existing(path: Path, force: bool) -> None:
    """Refuse a path that exists in any form (a dangling symlink too) unless ``force``: an import
    or export must not silently replace a file the user may have edited."""
    if not force and os.path.lexists(path):
        raise InputError(f"{path} already exists; not overwritten (--force replaces it)")


def replace_with(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` a temporary file beside ``path``, which then replaces it in one step: a failure
    leaves the old file, or nothing, never half a file."""
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes it private; a bank or a deck is an ordinary file
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write ({exc.strerror})") from None
        raise
