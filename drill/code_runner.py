"""Run a user's code answer in a separate Python process and judge it case by case.

Why a child process: the answer may loop forever, eat memory, crash the interpreter, print,
call ``sys.exit`` or poke at files, and none of that may touch drill or the user's progress.
The child is ``sys.executable -I`` (no user site, no PYTHON* variables) with a scrubbed
environment (no DRILL_HOME, DRILL_BANKS or real HOME: HOME and TMPDIR point at a throw-away
directory that is also its working directory), resource limits on address space, CPU time
and file size, a process-count limit (RLIMIT_NPROC, where the kernel enforces it: not for root), and a
wall-clock timeout. The child leads its own session; at the end its process group, every
process in its session and every orphan it left (drill is a child subreaper on Linux, so a
double-forked ``setsid`` daemon is reparented to drill, not to init) are killed.

What the child writes back is data from the answer, which shares the child's process: it can
rewrite ``result.json`` or write an ``.npz`` whose header declares an 8 TiB array. So drill
reads ``result.json`` with a size limit and checks its shape, and checks each output array's
declared size against what the file holds before loading it. This guards against accidents
and against an answer that attacks the checker; it is not a sandbox against a determined
attacker (no namespaces, no seccomp).

Protocol: drill writes the answer's source, a ``job.json`` and one ``case<i>.npz`` of inputs
per case into the temporary directory; the child (``_HARNESS`` plus the task's driver, run
with ``-c``) imports numpy once, loads the answer, runs every case and writes the outputs to
``out<i>.npz`` and its progress to ``result.json`` after each case (atomically), so a timeout
in case 3 still reports cases 1 and 2. Stdout and stderr go to files, so the user's prints
cannot corrupt the result. Drill then judges the outputs against the reference in its own
process (``drill.code_tasks``).
"""

from __future__ import annotations

import json
import math
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from drill.code_tasks import CodeTask, Verdict, get_task
from drill.errors import InputError

SHOWN_SIZE = 64  # arrays with more entries are summarised by their shape in reports
FILE_LIMIT = 64 * 2**20  # bytes the child may write to any one file
STDERR_TAIL = 2000  # characters of the child's stderr kept when it dies unexpectedly
MIN_MEMORY_MB = 192  # Python, numpy and its BLAS need about 150 MB of address space to start
KILL_GRACE = 5.0  # seconds to wait for a killed child to be reaped
RESULT_LIMIT = 2**20  # bytes of result.json drill reads
ERROR_LIMIT = 8000  # characters of one error message or traceback kept from the child
OUTPUT_LIMIT = FILE_LIMIT  # bytes one output array may declare (no more can have been written)
EXTRA_TASKS = 64  # processes and threads the answer may start (RLIMIT_NPROC above the current count)
STATUSES = ("running", "done", "syntax", "import", "missing", "memory")
MAX_TIMEOUT = 3600.0  # seconds: an hour is longer than any answer needs, and inf is no CPU limit


@dataclass(frozen=True)
class CaseReport:
    """One case: passed, or why not, with the inputs and the values that disagree."""

    index: int
    passed: bool
    message: str
    inputs: dict[str, Any]
    expected: dict[str, Any]
    received: dict[str, Any]

    @property
    def name(self) -> str:
        return f"case {self.index + 1}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "message": self.message,
            "inputs": self.inputs,
            "expected": self.expected,
            "received": self.received,
        }


@dataclass(frozen=True)
class CodeReport:
    """The whole run: ``status`` is passed, failed, syntax, import, missing, timeout, memory or crash."""

    task: str
    status: str
    passed: bool
    score: float  # fraction of cases passed
    cases: tuple[CaseReport, ...]
    error: str | None  # what stopped the file as a whole (syntax error, timeout, ...), else None
    seed: int  # check_code(..., seed=seed) reproduces the same cases

    def summary(self) -> str:
        """One line for the terminal: the verdict and the score."""
        passed = sum(c.passed for c in self.cases)
        head = "passed" if self.passed else f"not passed ({self.status})"
        return f"{self.task}: {head}, {passed}/{len(self.cases)} cases"

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "status": self.status,
            "passed": self.passed,
            "score": self.score,
            "error": self.error,
            "seed": self.seed,
            "cases": [c.to_json() for c in self.cases],
        }


@dataclass(frozen=True)
class _ChildRun:
    timed_out: bool
    returncode: int
    stderr: str
    result: dict[str, Any] | None


def check_code(task: str, path: Path, *, timeout: float = 10.0, memory_mb: int = 1024, cases: int = 5,
               seed: int | None = None) -> CodeReport:
    """Run the answer in ``path`` against ``cases`` fresh random cases of ``task``.

    Raises NotFoundError for an unknown task and InputError when the file cannot be read or a
    limit makes no sense; anything the answer itself does wrong is a failed CodeReport.
    """
    spec = get_task(task)
    source = _read_answer(Path(path))
    if not (isinstance(cases, int) and 1 <= cases <= 100):
        raise InputError(f"cases must be between 1 and 100, got {cases!r}")
    if not 0 < timeout <= MAX_TIMEOUT:  # also refuses nan and inf (no CPU limit can be inf)
        raise InputError(f"timeout must be positive and at most {MAX_TIMEOUT:g} seconds, got {timeout!r}")
    if memory_mb < MIN_MEMORY_MB:
        raise InputError(f"memory_mb must be at least {MIN_MEMORY_MB}, got {memory_mb!r}")
    seed = secrets.randbits(32) if seed is None else int(seed)
    inputs = [spec.make_case(np.random.default_rng([seed, i])) for i in range(cases)]

    with tempfile.TemporaryDirectory(prefix="drill-code-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        (work / "answer.py").write_text(source, encoding="utf-8")
        (work / "job.json").write_text(json.dumps({"filename": str(path), "functions": list(spec.functions)}))
        for i, case in enumerate(inputs):
            np.savez(work / f"case{i}.npz", **case)
        run = _run_child(spec, work, timeout, memory_mb)
        outputs = [_load(work / f"out{i}.npz") for i in range(cases)]
    return _report(spec, inputs, outputs, run, seed, timeout, memory_mb)


def _read_answer(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _run_child(spec: CodeTask, work: Path, timeout: float, memory_mb: int) -> _ChildRun:
    env = {
        "PATH": os.defpath,
        "HOME": str(work),
        "TMPDIR": str(work),
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",  # thread pools reserve address space and compete for cores
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    cpu = math.ceil(timeout) + 1

    tasks = _task_limit()

    def limit() -> None:  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if tasks is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (tasks, tasks))

    # os._exit: threads or atexit hooks the answer left behind must not keep the child alive
    program = f"{_HARNESS}\n{spec.driver}\nmain()\nsys.stdout.flush()\nos._exit(0)\n"
    with open(work / "stdout.txt", "wb") as out, open(work / "stderr.txt", "wb") as err, _SubReaper() as reaper:
        try:
            child = subprocess.Popen(
                [sys.executable, "-I", "-c", program], cwd=work, env=env, stdin=subprocess.DEVNULL,
                stdout=out, stderr=err, preexec_fn=limit, start_new_session=True,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return _ChildRun(False, 127, f"could not start {sys.executable}: {exc}", None)
        timed_out = False
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(child)
            reaper.kill_leftovers(child.pid)
    with open(work / "stderr.txt", "rb") as fh:
        fh.seek(max(0, os.fstat(fh.fileno()).st_size - 4 * STDERR_TAIL))
        stderr = fh.read().decode("utf-8", errors="replace")[-STDERR_TAIL:]
    return _ChildRun(timed_out, -signal.SIGKILL if child.returncode is None else child.returncode, stderr,
                     _read_result(work / "result.json"))


def _task_limit() -> int | None:
    """RLIMIT_NPROC for the child: the tasks (processes and threads) running now plus
    EXTRA_TASKS. The limit counts every task of the user, and /proc/loadavg's total of all
    tasks bounds that from above; None where there is no /proc (the limit is then not set)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            total = int(fh.read().split()[3].split("/")[1])
    except (OSError, ValueError, IndexError):
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    wanted = total + EXTRA_TASKS
    return wanted if hard == resource.RLIM_INFINITY or wanted <= hard else None


def _kill_group(child: subprocess.Popen) -> None:
    """Kill the child and anything it started (it leads its own session), then reap it."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        child.wait(timeout=KILL_GRACE)
    except subprocess.TimeoutExpired:  # stuck in the kernel; the report says it was stopped
        pass


class _SubReaper:
    """While a check runs, drill adopts the orphans of its descendants (Linux
    PR_SET_CHILD_SUBREAPER), so a daemon that double-forked and called setsid, leaving both
    the child's group and its session, still ends up drill's child and is killed at the end."""

    PR_SET_CHILD_SUBREAPER = 36

    def __enter__(self) -> "_SubReaper":
        self.before = {pid for pid, ppid, *_ in _processes() if ppid == os.getpid()}
        self.active = self._set(1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.active:
            self._set(0)

    def _set(self, value: int) -> bool:
        if not sys.platform.startswith("linux"):
            return False
        try:
            import ctypes

            return ctypes.CDLL(None, use_errno=True).prctl(self.PR_SET_CHILD_SUBREAPER, value, 0, 0, 0) == 0
        except (OSError, AttributeError):
            return False

    def kill_leftovers(self, child: int) -> None:
        """Kill, until none is left, every process in the child's group or session and every
        new child of drill (an adopted orphan); reap those that are drill's."""
        me = os.getpid()
        for _ in range(50):
            victims = [(pid, ppid) for pid, ppid, pgrp, sid, state in _processes()
                       if state != "Z" and pid != me
                       and (sid == child or pgrp == child or (ppid == me and pid not in self.before))]
            for pid, _ in victims:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            for pid, ppid, *_ in _processes():
                if ppid == me and pid not in self.before:
                    try:
                        os.waitpid(pid, os.WNOHANG)
                    except ChildProcessError:
                        pass
            if not victims:
                return
            time.sleep(0.01)


def _processes() -> list[tuple[int, int, int, int, str]]:
    """(pid, ppid, process group, session, state) of every process in /proc; empty elsewhere."""
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        try:
            found.append((int(name), int(fields[1]), int(fields[2]), int(fields[3]), fields[0].decode()))
        except (IndexError, ValueError):
            continue
    return found


def _read_result(path: Path) -> dict[str, Any] | None:
    """The child's result.json, read with a size limit and checked field by field; None when
    it is missing, too large or not what the harness writes (the answer rewrote it)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(RESULT_LIMIT + 1)
        data = json.loads(raw) if len(raw) <= RESULT_LIMIT else None
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("status") not in STATUSES:
        return None
    cases = data.get("cases", [])
    missing = data.get("missing", [])
    if not isinstance(cases, list) or not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        return None
    for entry in cases:
        if not isinstance(entry, dict) or not isinstance(entry.get("ok"), bool) \
                or not isinstance(entry.get("error", ""), (str, type(None))):
            return None
        if entry.get("error"):
            entry["error"] = entry["error"][:ERROR_LIMIT]
    if not isinstance(data.get("error", ""), (str, type(None))):
        return None
    if data.get("error"):
        data["error"] = data["error"][:ERROR_LIMIT]
    return data


_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _load(path: Path) -> dict[str, np.ndarray] | None:
    """An output file of the child, or None when it is missing, damaged or declares arrays
    larger than the child could have written (each header is checked before any array is read)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    reader = _HEADER_READERS.get(np.lib.format.read_magic(member))
                    if reader is None:
                        return None
                    shape, _, dtype = reader(member)
                if dtype.hasobject or math.prod(shape) * dtype.itemsize > min(OUTPUT_LIMIT, info.file_size):
                    return None
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError, TypeError, KeyError, zipfile.BadZipFile, MemoryError, OverflowError):
        return None


def _report(spec: CodeTask, inputs: list[dict[str, np.ndarray]], outputs: list[dict[str, np.ndarray] | None],
            run: _ChildRun, seed: int, timeout: float, memory_mb: int) -> CodeReport:
    result = run.result or {}
    status, error = _whole_file_failure(spec, run, result, timeout, memory_mb)
    entries = result.get("cases", [])
    reports = []
    for i, case in enumerate(inputs):
        shown = {k: _show(v) for k, v in case.items()}
        entry = entries[i] if i < len(entries) else None
        if entry is None or (entry.get("ok") and outputs[i] is None):
            why = f"not run: {error.splitlines()[0].rstrip(':')}" if error else "not run"
            reports.append(CaseReport(i, False, why, shown, {}, {}))
        elif not entry.get("ok"):
            reports.append(CaseReport(i, False, entry.get("error") or "failed", shown, {}, {}))
        else:
            try:
                verdict = spec.judge(case, outputs[i])
            except KeyError as exc:  # only if the answer overwrote the harness's output files
                verdict = Verdict(False, f"output {exc} is missing from what the program wrote back")
            except (ValueError, TypeError, IndexError):  # ditto, with arrays of another shape or type
                verdict = Verdict(False, "the outputs written back are not the ones the checker wrote")
            reports.append(CaseReport(i, verdict.passed, verdict.message, shown,
                                      {k: _show(v) for k, v in verdict.expected.items()},
                                      {k: _show(v) for k, v in verdict.received.items()}))
    score = sum(r.passed for r in reports) / len(reports)
    if status is None:
        status = "passed" if score == 1.0 else "failed"
    return CodeReport(spec.name, status, status == "passed", score, tuple(reports), error, seed)


def _whole_file_failure(spec: CodeTask, run: _ChildRun, result: dict[str, Any], timeout: float,
                        memory_mb: int) -> tuple[str | None, str | None]:
    """(status, message) when the file as a whole failed, else (None, None)."""
    status = result.get("status")
    if run.result is None and run.returncode == 0 and not run.timed_out:
        return "crash", ("the checker's result file is missing or was altered "
                         "(an answer must not write result.json or the out*.npz files)")
    if run.timed_out or run.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return "timeout", f"time limit exceeded: the program was stopped after {timeout:g} s (an endless loop?)"
    if status == "memory":
        return "memory", f"memory limit exceeded: the program tried to use more than {memory_mb} MB"
    if status == "syntax":
        return "syntax", f"syntax error:\n{result.get('error')}"
    if status == "import":
        return "import", f"the file raised an exception while loading:\n{result.get('error')}"
    if status == "missing":
        return "missing", (f"missing function(s): {', '.join(result.get('missing', []))}; define "
                           f"{' and '.join(spec.functions)} at the top level of the file")
    if run.returncode != 0 or status != "done":
        if run.returncode == -signal.SIGXFSZ:
            how = "it wrote more than the file size limit"
        elif run.returncode < 0:
            how = f"killed by {_signal_name(-run.returncode)}"
        else:
            how = f"exit code {run.returncode}"
        tail = f"\n{run.stderr.strip()}" if run.stderr.strip() else ""
        return "crash", f"the program stopped before finishing ({how}){tail}"
    return None, None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _show(value: Any) -> Any:
    """Plain JSON-able values for reports; large arrays are named by their shape only."""
    if isinstance(value, np.ndarray):
        if value.size > SHOWN_SIZE:
            return f"array of shape {value.shape}"
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    return value


# The child's program: runs with only the standard library and numpy; the task's driver
# (which defines run(user, case)) and a call to main() are appended.
_HARNESS = r'''
import json, linecache, os, sys, traceback, types
import numpy as np


class AnswerError(Exception):
    """The answer broke the task's calling contract; the message says how."""


def as_array(value, what):
    try:
        array = np.asarray(value, dtype=float)
    except Exception:
        raise AnswerError(f"{what} should be a numeric array, got {type(value).__name__}") from None
    return array


def unpack(value, count, function, names):
    if isinstance(value, (tuple, list)) and len(value) == count:
        return value
    got = type(value).__name__ + (f" of length {len(value)}" if isinstance(value, (tuple, list)) else "")
    raise AnswerError(f"{function} should return {names}, got {got}")


def trimmed(exc, filename):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    head = ["Traceback (your code only):\n"] + traceback.format_list(frames) if frames else []
    return "".join(head + traceback.format_exception_only(type(exc), exc)).rstrip()


WORK = os.getcwd()  # absolute, in case the answer changes directory


def here(name):
    return os.path.join(WORK, name)


def save(result):
    with open(here("result.json.part"), "w") as f:
        json.dump(result, f)
    os.replace(here("result.json.part"), here("result.json"))


def main():
    with open(here("job.json")) as f:
        job = json.load(f)
    filename = job["filename"]
    result = {"status": "running", "cases": []}
    with open(here("answer.py"), encoding="utf-8") as f:
        source = f.read()
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        code = compile(source, filename, "exec")
    except (SyntaxError, ValueError) as exc:
        result.update(status="syntax", error="".join(traceback.format_exception_only(type(exc), exc)).rstrip())
        return save(result)
    user = types.ModuleType("answer")
    user.__file__ = filename
    sys.modules["answer"] = user
    try:
        exec(code, user.__dict__)
    except MemoryError:
        result.update(status="memory")
        return save(result)
    except BaseException as exc:
        result.update(status="import", error=trimmed(exc, filename))
        return save(result)
    missing = [name for name in job["functions"] if not callable(getattr(user, name, None))]
    if missing:
        result.update(status="missing", missing=missing)
        return save(result)
    save(result)
    index = 0
    while os.path.exists(here(f"case{index}.npz")):
        with np.load(here(f"case{index}.npz"), allow_pickle=False) as data:
            case = {k: data[k] for k in data.files}
        try:
            np.savez(here(f"out{index}.npz"), **run(user, case))
            entry = {"ok": True}
        except MemoryError:
            result.update(status="memory")
            return save(result)
        except AnswerError as exc:
            entry = {"ok": False, "error": str(exc)}
        except BaseException as exc:
            entry = {"ok": False, "error": trimmed(exc, filename)}
        result["cases"].append(entry)
        save(result)
        index += 1
    result.update(status="done")
    save(result)
'''
