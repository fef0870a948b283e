"""The bank cache: reused when nothing changed, never stale, safe to delete."""

from __future__ import annotations

import os
import pickle

import pytest

from drill.bank import bank_files
from drill.errors import BankError
from drill.index import _cache_file, load_banks_cached

BANK = """version: 1
bank: {name}
title: T
questions:
  - id: q1
    ref: 3.1-Q{n}
    kind: choice
    prompt: "{prompt}"
    answer: a
    choices: [x, y]
    correct: a
    hints: [h]
"""


def write(path, name="one", n=1, prompt="first"):
    path.write_text(BANK.format(name=name, n=n, prompt=prompt), encoding="utf-8")


def prompts(dirpath):
    banks = load_banks_cached(bank_files([dirpath], builtin=False))
    return {q.id: q.prompt for b in banks for q in b.questions}


def test_cache_is_written_and_reused_without_parsing(tmp_path, monkeypatch):
    write(tmp_path / "one.yaml")
    assert prompts(tmp_path) == {"one/q1": "first"}
    assert _cache_file().is_file()
    import drill.index

    def no_parse(*a, **k):
        raise AssertionError("parsed although unchanged")

    monkeypatch.setattr(drill.index, "parse_bank_text", no_parse)
    assert prompts(tmp_path) == {"one/q1": "first"}


def test_changed_added_and_removed_files_are_seen(tmp_path):
    f = tmp_path / "one.yaml"
    write(f)
    prompts(tmp_path)
    st = f.stat()
    write(f, prompt="other")  # same size: the mtime and then the hash tell the change
    assert f.stat().st_size == st.st_size
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert prompts(tmp_path) == {"one/q1": "other"}
    write(tmp_path / "two.yaml", name="two", n=2)
    assert set(prompts(tmp_path)) == {"one/q1", "two/q1"}
    (tmp_path / "two.yaml").unlink()
    assert set(prompts(tmp_path)) == {"one/q1"}


def test_touched_but_identical_file_reuses_the_parse(tmp_path, monkeypatch):
    f = tmp_path / "one.yaml"
    write(f)
    prompts(tmp_path)
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 5_000_000))
    import drill.index

    monkeypatch.setattr(drill.index, "parse_bank_text", lambda *a: pytest.fail("re-parsed an identical file"))
    assert prompts(tmp_path) == {"one/q1": "first"}


def test_a_deleted_or_corrupt_cache_is_rebuilt(tmp_path):
    write(tmp_path / "one.yaml")
    prompts(tmp_path)
    _cache_file().write_bytes(b"not a pickle")
    assert prompts(tmp_path) == {"one/q1": "first"}
    assert isinstance(pickle.loads(_cache_file().read_bytes()), dict)
    _cache_file().unlink()
    assert prompts(tmp_path) == {"one/q1": "first"}


def test_faulty_files_are_never_cached(tmp_path):
    f = tmp_path / "one.yaml"
    f.write_text("version: 1\nbank: one\nquestions: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(BankError) as exc:
            prompts(tmp_path)
        assert "YAML syntax error" in str(exc.value)


def _many_banks(dirpath, count=5):
    for i in range(count):
        write(dirpath / f"b{i}.yaml", name=f"b{i}", n=i + 1, prompt=f"prompt {i}")
    files = bank_files([dirpath], builtin=False)
    return files


def test_a_large_cold_load_is_parsed_in_worker_processes_with_the_same_result(tmp_path, monkeypatch):
    import concurrent.futures

    import drill.index

    pools = []

    class CountedPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(args[0])
            super().__init__(*args, **kwargs)

    files = _many_banks(tmp_path)
    jobs = [(f.read_text(encoding="utf-8"), str(f)) for f in files]
    serial = drill.index.parse_many(jobs)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(drill.index, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(drill.index.os, "cpu_count", lambda: 2)
    assert drill.index.parse_many(jobs) == serial
    assert pools == [2]
    banks = load_banks_cached(files)
    assert [b.name for b in banks] == [f"b{i}" for i in range(5)]  # file order, whoever parsed them

    (tmp_path / "b2.yaml").write_text(BANK.format(name="b2", n=3, prompt="x").replace("kind: choice", "kind: essay"),
                                      encoding="utf-8")
    with pytest.raises(BankError) as parallel:
        load_banks_cached(files)
    monkeypatch.setattr(drill.index, "PARALLEL_BYTES", 10**12)
    with pytest.raises(BankError) as one_process:
        load_banks_cached(files)
    assert parallel.value.faults == one_process.value.faults
    assert parallel.value.faults[0][:2] == (str(tmp_path / "b2.yaml"), 7)


def test_without_worker_processes_the_load_falls_back_to_one_process(tmp_path, monkeypatch):
    import concurrent.futures

    import drill.index

    def no_processes(*a, **k):
        raise OSError("no semaphores here")

    files = _many_banks(tmp_path)
    monkeypatch.setattr(drill.index, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(drill.index.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
    assert len(load_banks_cached(files)) == 5


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_real_cold_load_over_the_threshold_lists_every_question(tmp_path, drill_home, start_method):
    """End to end through `python -m drill`, with fork and with spawn (the macOS and Windows
    default: each worker is a fresh interpreter that imports drill and gets its file by pickle)."""
    import subprocess
    import sys

    import drill.index

    if start_method not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip(f"no {start_method} here")
    banks = tmp_path / "banks"
    banks.mkdir()
    question = BANK.split("questions:\n", 1)[1]
    for f in range(2):
        body = "".join(question.replace("id: q1", f"id: q{i}").replace("3.1-Q{n}", f"3.{f + 1}-Q{i}")
                       for i in range(1000))
        (banks / f"b{f}.yaml").write_text(BANK.split("questions:\n")[0].format(name=f"b{f}") + "questions:\n"
                                          + body.format(prompt="a long prompt " * 30, n=0), encoding="utf-8")
    assert sum(p.stat().st_size for p in banks.iterdir()) >= drill.index.PARALLEL_BYTES
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(f"import multiprocessing\nmultiprocessing.set_start_method({start_method!r})\n")
    env = {**os.environ, "DRILL_BANKS": str(banks), "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    proc = subprocess.run([sys.executable, "-m", "drill", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    builtin = sum(len(b.questions) for b in load_banks_cached(bank_files()))
    assert proc.stdout.strip().endswith(f"{2 * 1000 + builtin} questions")
    assert proc.stdout.count("b1/q999 ") == 1 and not proc.stderr
