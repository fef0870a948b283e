"""The bank index: reused when nothing changed, re-indexes only what changed, never stale,
safe to delete or damage, and read only as far as a command needs."""

from __future__ import annotations

import json
import os
import shutil
import random
import sqlite3

import pytest
from typer.testing import CliRunner

import drill.index
from drill.bank import bank_files, read_banks
from drill.catalog import Filters
from drill.cli import app
from drill.errors import BankError, NotFoundError
from drill.export import question_summary
from drill.index import index_path, load_catalog_from

BANK = """version: 1
bank: {name}
title: T
questions:
  - id: q1
    ref: 3.1-Q{n}
    kind: choice
    topic: [{topic}]
    prompt: "{prompt}"
    answer: a
    choices: [x, y]
    correct: a
    hints: [h]
"""


def write(path, name="one", n=1, prompt="first", topic="alpha"):
    path.write_text(BANK.format(name=name, n=n, prompt=prompt, topic=topic), encoding="utf-8")


def load(dirpath):
    return load_catalog_from(bank_files([dirpath], builtin=False))


def prompts(dirpath):
    return {q.id: q.prompt for q in load(dirpath).questions}


@pytest.fixture(autouse=True)
def no_index_yet(drill_home):
    """These tests are about the index itself: each starts with none (conftest copies one in)."""
    shutil.rmtree(drill_home / "cache")


@pytest.fixture
def parses(monkeypatch):
    """The files parsed by each load, in order (the index's parse_bank_text is wrapped)."""
    seen = []
    real = drill.index.parse_bank_text

    def counted(text, file):
        seen.append(os.path.basename(file))
        return real(text, file)

    monkeypatch.setattr(drill.index, "parse_bank_text", counted)
    return seen


def test_the_index_is_written_and_reused_without_parsing(tmp_path, parses):
    write(tmp_path / "one.yaml")
    assert prompts(tmp_path) == {"one/q1": "first"}
    assert index_path().is_file()
    assert parses == ["one.yaml"]
    assert prompts(tmp_path) == {"one/q1": "first"}
    assert parses == ["one.yaml"]


def test_changing_one_file_re_indexes_that_file_only(tmp_path, parses):
    for i in range(3):
        write(tmp_path / f"b{i}.yaml", name=f"b{i}", n=i + 1, prompt=f"prompt {i}")
    load(tmp_path)
    parses.clear()
    f = tmp_path / "b1.yaml"
    st = f.stat()
    write(f, name="b1", n=2, prompt="prompt X")  # same size: the mtime and then the hash tell the change
    assert f.stat().st_size == st.st_size
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert prompts(tmp_path) == {"b0/q1": "prompt 0", "b1/q1": "prompt X", "b2/q1": "prompt 2"}
    assert parses == ["b1.yaml"]


def test_added_and_removed_files_are_seen(tmp_path):
    write(tmp_path / "one.yaml")
    prompts(tmp_path)
    write(tmp_path / "two.yaml", name="two", n=2)
    assert set(prompts(tmp_path)) == {"one/q1", "two/q1"}
    (tmp_path / "two.yaml").unlink()
    assert set(prompts(tmp_path)) == {"one/q1"}
    with sqlite3.connect(index_path()) as db:  # the removed file's rows are gone, not kept forever
        assert [p for (p,) in db.execute("SELECT path FROM files")] == [os.path.abspath(tmp_path / "one.yaml")]


def test_touched_but_identical_file_is_not_parsed_again(tmp_path, parses):
    f = tmp_path / "one.yaml"
    write(f)
    prompts(tmp_path)
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 5_000_000))
    assert prompts(tmp_path) == {"one/q1": "first"}
    assert parses == ["one.yaml"]


@pytest.mark.parametrize("damage", [b"not a database at all", b"SQLite format 3\x00" + b"\xff" * 200, "foreign"])
def test_a_deleted_damaged_or_foreign_index_is_rebuilt(tmp_path, damage):
    write(tmp_path / "one.yaml")
    prompts(tmp_path)
    path = index_path()
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    if damage == "foreign":
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE meta (something TEXT)")
    else:
        path.write_bytes(damage)
    assert prompts(tmp_path) == {"one/q1": "first"}
    path.unlink()
    assert prompts(tmp_path) == {"one/q1": "first"}


def test_bodies_written_by_other_code_are_never_read(tmp_path, monkeypatch, parses):
    write(tmp_path / "one.yaml")
    prompts(tmp_path)
    monkeypatch.setattr(drill.index, "FORMAT", drill.index.FORMAT + 1)  # as a new drill (or Question) would
    assert prompts(tmp_path) == {"one/q1": "first"}
    assert parses == ["one.yaml", "one.yaml"]


def test_a_faulty_file_is_never_indexed_and_reported_every_time(tmp_path):
    write(tmp_path / "good.yaml", name="good")
    f = tmp_path / "one.yaml"
    f.write_text("version: 1\nbank: one\nquestions: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(BankError) as exc:
            prompts(tmp_path)
        assert [fault[:2] for fault in exc.value.faults] == [(str(f), 4)]
        assert "YAML syntax error" in str(exc.value)
    write(f, n=2)  # fixed: the good file is still indexed, the fixed one joins it
    assert prompts(tmp_path) == {"good/q1": "first", "one/q1": "first"}


def test_duplicate_ids_and_refs_across_files_stay_faults_on_every_load(tmp_path):
    write(tmp_path / "a.yaml", name="same", n=1)
    write(tmp_path / "b.yaml", name="same", n=1)
    for _ in range(2):
        with pytest.raises(BankError) as exc:
            prompts(tmp_path)
        messages = [m for _, _, m in exc.value.faults]
        assert messages == [f"duplicate id same/q1 (first at {tmp_path / 'a.yaml'}:5)",
                            f"duplicate ref 3.1-Q1 (first at {tmp_path / 'a.yaml'}:5)"]
    write(tmp_path / "b.yaml", name="other", n=2)
    assert set(prompts(tmp_path)) == {"same/q1", "other/q1"}


def _many_banks(dirpath, count=5):
    for i in range(count):
        write(dirpath / f"b{i}.yaml", name=f"b{i}", n=i + 1, prompt=f"prompt {i}", topic=f"t{i % 2}")
    return bank_files([dirpath], builtin=False)


def test_selections_and_look_ups_match_the_parsed_banks(tmp_path):
    files = _many_banks(tmp_path)
    banks, _ = read_banks(files)
    parsed = [q for b in banks for q in b.questions]
    cat = load(tmp_path)
    assert [e.id for e in cat.entries()] == [q.id for q in parsed]
    assert cat.questions == parsed
    odd = cat.select(Filters(topics=("t1",), ids=("b[0-3]/*",)))
    assert [e.id for e in odd] == ["b1/q1", "b3/q1"]
    assert len(odd) == 2 and odd[-1].id == "b3/q1" and [e.id for e in odd[:1]] == ["b1/q1"]
    assert [e.id for e in cat.select(Filters(banks=("b4",), kinds=("choice",)))] == ["b4/q1"]
    assert len(cat.select(Filters(kinds=("concept",)))) == 0
    assert cat.get("3.1-q3") == parsed[2]  # a ref in any case
    assert cat.get("b2/q1") == parsed[2]
    with pytest.raises(NotFoundError, match="did you mean"):
        cat.get("b2/q2")
    with pytest.raises(NotFoundError, match="no bank named 'b9'"):
        cat.select(Filters(banks=("b9",)))
    assert cat.topics() == ["t0", "t1"]


def test_a_quiz_unpickles_only_the_questions_it_asks_and_samples_as_before(tmp_path, monkeypatch):
    import pickle

    from drill.session import quiz_items

    files = _many_banks(tmp_path, 12)
    banks, _ = read_banks(files)
    ids = [q.id for b in banks for q in b.questions]
    cat = load(tmp_path)
    loads = []
    real = pickle.loads
    monkeypatch.setattr(pickle, "loads", lambda data: loads.append(1) or real(data))
    items = quiz_items(cat, Filters(), 3, seed=7)
    assert [i.question.id for i in items] == random.Random(7).sample(ids, 3)  # the draw a list gave
    assert len(loads) == 3


def test_list_json_streams_the_same_records(tmp_path, mini_banks):
    files = bank_files()
    banks, _ = read_banks(files)
    expected = json.dumps([question_summary(q) for b in banks for q in b.questions], ensure_ascii=False, indent=1)
    result = CliRunner().invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected + "\n"
    empty = CliRunner().invoke(app, ["list", "--json", "--kind", "code", "--topic", "no-such-topic"])
    assert empty.stdout == "[]\n"


def test_a_large_cold_load_is_parsed_in_worker_processes_with_the_same_result(tmp_path, monkeypatch, process_pools):
    files = _many_banks(tmp_path)
    jobs = [drill.index.Job(str(f.resolve()), str(f), f.stat().st_size) for f in files]
    serial = list(drill.index.parse_many(jobs))
    assert [len(p.rows) for p in serial] == [1] * 5
    monkeypatch.setattr(drill.index, "PARALLEL_BYTES", 0)
    reported = []
    assert list(drill.index.parse_many(jobs, lambda done, total: reported.append((done, total)))) == serial
    assert process_pools == [2]
    total = sum(f.stat().st_size for f in files)
    assert reported[-1] == (total, total) and len(reported) == len(jobs)
    cat = load_catalog_from(files)
    assert [f.name for f in cat.bank_files] == [f"b{i}" for i in range(5)]  # file order, whoever parsed them

    (tmp_path / "b2.yaml").write_text(BANK.format(name="b2", n=3, prompt="x", topic="t")
                                      .replace("kind: choice", "kind: essay"), encoding="utf-8")
    with pytest.raises(BankError) as parallel:
        load_catalog_from(files)
    monkeypatch.setattr(drill.index, "PARALLEL_BYTES", 10**12)
    with pytest.raises(BankError) as one_process:
        load_catalog_from(files)
    assert parallel.value.faults == one_process.value.faults
    assert parallel.value.faults[0][:2] == (str(tmp_path / "b2.yaml"), 7)


@pytest.mark.parametrize("refusal", [OSError("no /dev/shm here"),
                                     NotImplementedError("system provides too few semaphores")])
def test_without_worker_processes_the_load_falls_back_to_one_process(tmp_path, monkeypatch, refusal):
    """What concurrent.futures raises where processes cannot run: an OSError, or a
    NotImplementedError in a sandbox with too few semaphores (a traceback before)."""
    import concurrent.futures

    def no_processes(*a, **k):
        raise refusal

    files = _many_banks(tmp_path)
    monkeypatch.setattr(drill.index, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(drill.index.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
    assert len(load_catalog_from(files).bank_files) == 5


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_real_cold_load_over_the_threshold_lists_every_question(tmp_path, drill_home, start_method):
    """End to end through `python -m drill`, with fork and with spawn (the macOS and Windows
    default: each worker is a fresh interpreter that imports drill and gets its file by pickle)."""
    import subprocess
    import sys

    if start_method not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip(f"no {start_method} here")
    banks = tmp_path / "banks"
    banks.mkdir()
    question = BANK.split("questions:\n", 1)[1]
    for f in range(2):
        body = "".join(question.replace("id: q1", f"id: q{i}").replace("3.1-Q{n}", f"3.{f + 1}-Q{i}")
                       for i in range(1000))
        (banks / f"b{f}.yaml").write_text(BANK.split("questions:\n")[0].format(name=f"b{f}") + "questions:\n"
                                          + body.format(prompt="a long prompt " * 30, n=0, topic="t"),
                                          encoding="utf-8")
    assert sum(p.stat().st_size for p in banks.iterdir()) >= drill.index.PARALLEL_BYTES
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(f"import multiprocessing\nmultiprocessing.set_start_method({start_method!r})\n")
    env = {**os.environ, "DRILL_BANKS": str(banks), "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    proc = subprocess.run([sys.executable, "-m", "drill", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    builtin = len(load_catalog_from(bank_files()).entries())
    assert proc.stdout.strip().endswith(f"{2 * 1000 + builtin} questions")
    assert proc.stdout.count("b1/q999 ") == 1 and not proc.stderr


def test_a_bank_reached_twice_is_loaded_once(tmp_path):
    """Through its directory and by name, through a symlinked directory, or as a symlink
    beside it: one bank (bank_files resolves each directory once, not each file)."""
    banks = tmp_path / "banks"
    banks.mkdir()
    write(banks / "one.yaml")
    (tmp_path / "link").symlink_to(banks, target_is_directory=True)
    (banks / "alias.yml").symlink_to(banks / "one.yaml")
    files = bank_files([banks, banks / "one.yaml", tmp_path / "link"], builtin=False)
    assert [f.name for f in files] == ["alias.yml"]
    assert set(prompts(banks)) == {"one/q1"}


def test_the_progress_bar_shows_only_on_a_terminal_and_after_a_second(monkeypatch):
    import io

    import drill.view.loading as loading

    monkeypatch.setattr(loading.sys, "stderr", io.StringIO())  # a pipe: no bar at all
    with loading.load_progress() as progress:
        assert progress is None

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(loading.sys, "stderr", Terminal())
    now = [100.0]
    monkeypatch.setattr(loading.time, "monotonic", lambda: now[0])
    with loading.load_progress() as progress:
        progress(10, 100)
        assert progress.progress is None  # a fast load draws nothing
        now[0] += loading.DELAY
        progress(20, 100)
        assert progress.progress is not None and progress.progress.tasks[0].completed == 20
    assert not progress.progress.live.is_started  # and gone when the load ends


def test_a_drill_that_parsed_alongside_another_keeps_the_others_catalog_whole(tmp_path, monkeypatch):
    """Two drills start on a new cache and both parse every file; the one that stores second
    must not renumber the rows under the first one's catalog (its listing lost most questions)."""
    files = _many_banks(tmp_path, 4)
    parse_many, other = drill.index.parse_many, []

    def parse_while_another_drill_loads(jobs, progress=None):
        parsed = list(parse_many(jobs, progress))
        if not other:
            monkeypatch.setattr(drill.index, "parse_many", parse_many)
            other.append(load_catalog_from(files))  # finishes while this one is still parsing
        return iter(parsed)

    monkeypatch.setattr(drill.index, "parse_many", parse_while_another_drill_loads)
    mine = load_catalog_from(files)
    want = [f"b{i}/q1" for i in range(4)]
    assert [e.id for e in other[0].entries()] == [e.id for e in mine.entries()] == want
    assert [q.id for q in other[0].questions_of(other[0].entries())] == want


def test_two_loads_at_once_on_a_new_cache_both_succeed(tmp_path):
    """Two drills started together (a shell completion and a command, two terminals) both create
    and fill the index: neither fails, nor undoes the other."""
    from concurrent.futures import ThreadPoolExecutor

    files = _many_banks(tmp_path, 8)
    with ThreadPoolExecutor(2) as pool:
        loads = list(pool.map(lambda _: [e.id for e in load_catalog_from(files).entries()], range(2)))
    assert loads[0] == loads[1] == [f"b{i}/q1" for i in range(8)]
    assert [e.id for e in load_catalog_from(files).entries()] == loads[0]


CONCEPT = """version: 1
bank: val
title: V
questions:
  - id: c1
    ref: 4.1-Q1
    kind: concept
    prompt: "What does a larger k do in kNN?"
    answer: It raises the bias and lowers the variance.
    rubric:
      - point: bias goes up
        match: ['bias (goes up|increases|rises)', 'more bias']
      - point: variance goes down
        match: ['variance (goes down|decreases|falls)', 'less variance']
    examples: {good: ["more bias, less variance"], bad: ["nothing changes"]}
    hints: [h]
"""


def test_validate_takes_banks_the_index_holds_unchanged_and_parses_the_rest(tmp_path, monkeypatch):
    """A `drill validate` after any other command (which indexes the banks; a plain validate
    does not) reads clean files from the index: the same report, with only a changed file
    parsed again."""
    import drill.validate
    from drill.validate import validate_files

    (tmp_path / "v.yaml").write_text(CONCEPT, encoding="utf-8")
    write(tmp_path / "one.yaml")
    files = bank_files([tmp_path], builtin=False)
    parsed_first = validate_files(files)
    assert parsed_first.faults == () and parsed_first.questions == 2
    load(tmp_path)  # any command indexes the banks

    real = drill.validate.read_bank_file
    read = []
    monkeypatch.setattr(drill.validate, "read_bank_file", lambda p: read.append(p.name) or real(p))
    assert validate_files(files) == parsed_first and read == []

    (tmp_path / "v.yaml").write_text(CONCEPT.replace('bad: ["nothing changes"]', 'bad: ["more bias and less variance"]'),
                                     encoding="utf-8")
    changed = validate_files(files)
    assert read == ["v.yaml"]
    [(file, _, message)] = changed.faults
    assert file == str(tmp_path / "v.yaml") and "bad example passes" in message

    path = index_path()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"not a database at all")  # damaged: every file parsed, no traceback
    read.clear()
    assert validate_files(files) == changed and sorted(read) == ["one.yaml", "v.yaml"]
