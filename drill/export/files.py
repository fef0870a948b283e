"""Writing an export or a new bank: never over an existing file unless asked, never half.

The text goes to a temporary file beside the target, which then replaces it in one step
(``os.replace``): a failed write (disk full, permissions) leaves the old file, or nothing,
never a truncated file that blocks a retry. A path that exists in any form, a dangling
symlink included, is refused unless ``force``; the replace swaps the link itself and never
writes through it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from drill.errors import InputError


def refuse_existing(paths: list[Path], force: bool, *, hint: str = " (--force replaces it)") -> None:
    """InputError naming the first path that exists (a dangling symlink counts), unless ``force``."""
    if force:
        return
    for path in paths:
        if os.path.lexists(path):
            raise InputError(f"{path} already exists; not overwritten{hint}")


def write_atomic(path: Path, fill: Callable[[str], None], *, force: bool = False,
                 hint: str = " (--force replaces it)") -> None:
    """Have ``fill`` write a temporary file beside ``path``, then put it in place in one step;
    every failure is an InputError naming the path, and leaves no temporary file behind."""
    refuse_existing([path], force, hint=hint)
    if os.path.lexists(path) and not path.is_symlink() and not path.is_file():
        # os.replace would put a regular file in the place of a device or a pipe (/dev/null)
        raise InputError(f"{path}: not a regular file; not replaced")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    os.close(fd)
    try:
        fill(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, *, force: bool = False, hint: str = " (--force replaces it)") -> None:
    """Write ``text`` (UTF-8) to ``path`` in one step, as write_atomic does."""
    def fill(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    write_atomic(path, fill, force=force, hint=hint)


def _umask() -> int:
    """The process umask (read by setting it, then restoring it): mkstemp creates 0600 files,
    but an export is an ordinary file the user may share."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
