"""Issue 15, case 7: a code answer cannot crash drill through what it writes back, and leaves
no process behind (a double-forked setsid daemon included)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from drill.code_runner import _task_limit, check_code

FIXTURES = Path(__file__).parent / "fixtures" / "code"


def test_a_rewritten_result_is_a_failed_answer_not_a_crash():
    report = check_code("backprop", FIXTURES / "patches_result.py", cases=2, timeout=20)
    assert report.status == "crash" and not report.passed
    assert "result file is missing or was altered" in report.error


def test_an_output_declaring_8_tib_is_never_loaded():
    report = check_code("backprop", FIXTURES / "declares_huge_output.py", cases=1, timeout=20, memory_mb=256)
    assert not report.passed
    assert report.cases[0].message.startswith("not run")


DAEMON = """
import os, time
PIDFILE = {pidfile!r}
if os.fork() == 0:          # the classic daemon: fork, setsid (leave group and session), fork
    os.setsid()
    if os.fork() == 0:
        with open(PIDFILE + ".part", "w") as f:
            f.write(str(os.getpid()))
        os.replace(PIDFILE + ".part", PIDFILE)
        time.sleep(60)
    os._exit(0)
for _ in range(200):        # let the daemon start before the checker can stop everything
    if os.path.exists(PIDFILE):
        break
    time.sleep(0.01)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="subreaper and /proc are Linux")
def test_a_setsid_daemon_does_not_survive_the_check(tmp_path):
    pidfile = tmp_path / "daemon.pid"
    answer = tmp_path / "answer.py"
    answer.write_text(DAEMON.format(pidfile=str(pidfile)) + (FIXTURES / "backprop_correct.py").read_text())
    report = check_code("backprop", answer, cases=1, timeout=20)
    assert report.passed
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.02)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="needs /proc")
def test_the_child_gets_a_process_count_limit():
    limit = _task_limit()
    assert limit is not None and limit > 64
