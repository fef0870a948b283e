"""A progress bar for a long cold load of the banks (a large bank's first run, or a deleted
cache): on stderr, only when it is a terminal, and only once the load has taken a second, so
a warm start or a small bank never shows one and never imports rich for it."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

DELAY = 1.0  # seconds of loading before the bar appears


class _Bar:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.progress: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.progress is None:
            if time.monotonic() - self.started < DELAY or done >= total:
                return
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            from drill.view import console

            self.progress = Progress(TextColumn("Indexing banks"), BarColumn(), DownloadColumn(),
                                     TimeRemainingColumn(), console=console(stderr=True), transient=True)
            self.task = self.progress.add_task("index", total=total)
            self.progress.start()
        self.progress.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@contextmanager
def load_progress() -> Iterator[Callable[[int, int], None] | None]:
    """The callback drill.index.load_catalog reports parsed bytes to, or None when stderr is
    not a terminal (pipes, scripts and tests see no bar)."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = _Bar()
    try:
        yield bar
    finally:
        bar.close()
