"""Timing helpers shared by benchmarks/run: whole processes, interleaved, and -X importtime.

Why interleaved: the machine is shared (tests and other work run alongside), so load drifts
over a run. Timing the commands round-robin (A B C, A B C, ...) makes a drift hit every case
alike, so the ratios between cases stay meaningful even when absolute figures move.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from typing import Mapping, Sequence


@dataclass(frozen=True)
class Timed:
    """Wall and CPU (user + system) seconds of each run of one case, or the error that
    stopped it. CPU time is the steadier figure on a loaded machine; the targets use wall."""

    name: str
    seconds: tuple[float, ...] = ()
    cpu: tuple[float, ...] = ()
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None


def _run_once(cmd: Sequence[str], env: Mapping[str, str], cwd: str) -> tuple[float, float]:
    """Wall and CPU seconds of one run; the rusage of ``os.wait4`` is this child's alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    err = proc.stderr.read()  # drained before waiting, so a chatty child cannot block on the pipe
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"exit {proc.returncode}: {tail[0]}")
    return wall, usage.ru_utime + usage.ru_stime


def _run_until(cmd: Sequence[str], env: Mapping[str, str], cwd: str, marker: bytes) -> tuple[float, float]:
    """Wall and CPU seconds of a process in a pseudo-terminal until ``marker`` appears on its
    screen (what the user waits for, such as the first question of an interactive quiz); the
    process is then stopped."""
    import pty
    import select
    import signal

    main_fd, child_fd = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=dict(env), cwd=cwd, stdin=child_fd, stdout=child_fd, stderr=child_fd,
                            start_new_session=True)
    os.close(child_fd)
    seen = b""
    try:
        while marker not in seen:
            ready, _, _ = select.select([main_fd], [], [], 30)
            chunk = os.read(main_fd, 65536) if ready else b""
            if not chunk:
                raise RuntimeError(f"no {marker!r} on screen: {seen.decode(errors='replace')[-200:]!r}")
            seen += chunk
        wall = time.perf_counter() - start
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        _, _, usage = os.wait4(proc.pid, 0)
        os.close(main_fd)
    return wall, usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Case:
    """One command line to time, with its own environment; with ``until``, it runs in a
    pseudo-terminal and is timed until that text appears on its screen."""

    cmd: tuple[str, ...]
    env: Mapping[str, str]
    until: str | None = None


def interleaved(cases: Mapping[str, Case], *, runs: int, cwd: str, warmup: int = 1) -> dict[str, Timed]:
    """Run every case ``runs`` times round-robin (alternating direction) after ``warmup``
    untimed rounds, which fill the OS page cache, __pycache__ and drill's bank cache. Stdin is
    empty, stdout discarded. A case that fails is dropped from later rounds and reported with
    the last line of its stderr."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    errors: dict[str, str] = {}
    for round_no in range(warmup + runs):
        names = list(cases) if round_no % 2 == 0 else list(cases)[::-1]
        for name in names:
            if name in errors:
                continue
            try:
                case = cases[name]
                if case.until:
                    wall, used = _run_until(case.cmd, case.env, cwd, case.until.encode())
                else:
                    wall, used = _run_once(case.cmd, case.env, cwd)
            except RuntimeError as exc:
                errors[name] = str(exc)
                continue
            if round_no >= warmup:
                times[name].append(wall)
                cpu[name].append(used)
    return {name: Timed(name, tuple(times[name]), tuple(cpu[name]), errors.get(name)) for name in cases}


@dataclass(frozen=True)
class ImportEntry:
    name: str
    self_us: int
    cumulative_us: int
    depth: int


@dataclass(frozen=True)
class ImportProfile:
    """What a command imported, from ``python -X importtime``."""

    entries: tuple[ImportEntry, ...] = field(default=())

    def has(self, package: str) -> bool:
        return any(e.name == package or e.name.startswith(package + ".") for e in self.entries)

    def heaviest(self, n: int = 8) -> list[ImportEntry]:
        """The top-level imports (not imported by another listed one, so nothing is counted
        twice) with the largest cumulative time."""
        return sorted((e for e in self.entries if e.depth == 0), key=lambda e: -e.cumulative_us)[:n]

    def cumulative(self, name: str) -> int:
        return max((e.cumulative_us for e in self.entries if e.name == name), default=0)

    def children(self, name: str) -> list[ImportEntry]:
        """The direct imports of ``name`` (the lines one level deeper just before it)."""
        for i, e in enumerate(self.entries):
            if e.name == name:
                kids = []
                for earlier in reversed(self.entries[:i]):
                    if earlier.depth <= e.depth:
                        break
                    if earlier.depth == e.depth + 1:
                        kids.append(earlier)
                return sorted(kids, key=lambda k: -k.cumulative_us)
        return []

    def chain(self, package: str) -> list[str]:
        """Who imported ``package``: its ancestors, outermost first (importtime prints a
        module after everything it imported, so a parent is the next line one level up)."""
        for i, e in enumerate(self.entries):
            if e.name == package:
                path, depth = [e.name], e.depth
                for later in self.entries[i + 1:]:
                    if later.depth < depth:
                        path.append(later.name)
                        depth = later.depth
                return path[::-1]
        return []


def parse_importtime(stderr: str) -> ImportProfile:
    """Lines ``import time: SELF | CUMULATIVE | <indent>name``; two spaces of indent per level."""
    entries = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        parts = line.removeprefix("import time:").split("|", 2)
        if len(parts) != 3:
            continue
        self_us, cumulative, name = parts
        stripped = name.lstrip(" ")
        depth = (len(name) - len(stripped) - 1) // 2
        entries.append(ImportEntry(stripped, int(self_us), int(cumulative), depth))
    return ImportProfile(tuple(entries))


def import_profile(cmd: Sequence[str], env: Mapping[str, str], cwd: str) -> ImportProfile:
    """Run ``cmd`` (a ``python ...`` command line) with -X importtime and parse what it imported."""
    full = [cmd[0], "-X", "importtime", *cmd[1:]]
    proc = subprocess.run(full, env=dict(env), cwd=cwd, input=b"",
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return parse_importtime(proc.stderr.decode(errors="replace"))


def child_env(base: Mapping[str, str], **updates: str | None) -> dict[str, str]:
    """A copy of ``base`` with ``updates`` applied; None removes a variable."""
    env = dict(base)
    for key, value in updates.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env

