"""Independent pieces of work spread over the CPUs, or done here when processes cannot start.

A cold load of large banks and ``drill validate`` of many files both spend seconds on work
that is independent file by file (parsing YAML, compiling and checking patterns, grading
examples); on two or more cores that time divides.
"""

from __future__ import annotations

import os
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
# What starting worker processes raises where they cannot run: OSError (no fork, no /dev/shm),
# NotImplementedError (concurrent.futures finds too few semaphores, or none, on this system).
_NO_PROCESSES = (OSError, NotImplementedError)


def spread(work: Callable[[T], R], items: Sequence[T], parallel: bool = True) -> Iterator[R]:
    """``work`` of each item, in order, as each is done: in worker processes when ``parallel``
    and there is more than one CPU and item, else here. Where worker processes cannot start (a
    sandbox without semaphores, a frozen app) or die, the rest is done here: never a failure.
    An exception ``work`` raises in a worker reaches the caller, so it must survive pickling."""
    from concurrent.futures.process import BrokenProcessPool

    workers = min(len(items), os.cpu_count() or 1)
    if not parallel or workers < 2:
        yield from map(work, items)
        return
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(workers, initializer=_quiet_worker)
    except _NO_PROCESSES:
        yield from map(work, items)
        return
    given = 0
    try:
        try:
            for result in pool.map(work, items):
                given += 1
                yield result
        except (*_NO_PROCESSES, BrokenProcessPool):
            yield from map(work, items[given:])
    finally:
        pool.shutdown(cancel_futures=True)


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle: a worker must not print a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
