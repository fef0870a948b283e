"""In-process measurements, each run in a fresh worker process by benchmarks/run.

Why in-process: the quiz and store targets are about the work a command does (loading the
catalog, the due query, computing stats), which a whole-process time would bury under Python
start-up and imports (measured separately by the start-up cases). Imports happen before the
clock starts; everything the command does after them is timed, on the first call in a fresh
process so no in-process cache flatters it.

Each subcommand prints one JSON object on stdout:

    quiz-first   load the catalog (DRILL_HOME, DRILL_BANKS as set), select one question of
                 --bank, render its panel as the terminal front-end does
    count        the loaded questions and the index file's size, or (--peek) only whether the
                 index is there, made by this code, so a load would be warm
    c-loader     the floors of a cold load: yaml.load of the same files with CSafeLoader, and
                 compiling the rubric patterns found in them once each
    profile      where a cold load of one file spends its time (cProfile)
    freshness    touch, change, add and remove bank files; check the cache follows each time
                 (that the cache can be deleted is shown by cold-load, which starts by deleting it)
    store        Store.due (and its timestamp parsing alone), review_items and stats.compute
                 on a store, timed; each SQL
                 statement of stats.compute with its own time and query plan
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def quiz_first(bank: str) -> dict:
    from rich.console import Console
    from rich.text import Text

    from drill.catalog import Filters
    from drill.cli.context import catalog
    from drill.session import quiz_items
    from drill.view.loop import COMMANDS
    from drill.view.questions import question_panel

    screen = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="truecolor")
    t0 = time.perf_counter()
    cat = catalog()
    t1 = time.perf_counter()
    items = quiz_items(cat, Filters(banks=(bank,)), 1, seed=0)
    t2 = time.perf_counter()
    screen.print(question_panel(items[0].question, header="1/1"))  # what run_terminal shows first
    screen.print(Text(COMMANDS, style="dim"))
    t3 = time.perf_counter()
    return {"load_ms": _ms(t1 - t0), "select_ms": _ms(t2 - t1), "render_ms": _ms(t3 - t2),
            "total_ms": _ms(t3 - t0), "questions": len(cat.entries())}


def count(peek: bool) -> dict:
    import sqlite3

    from drill.index import _code_key, index_path, load_catalog

    path = index_path()
    if peek:
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                code = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
                files = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        except sqlite3.Error:
            return {"warm": False}
        return {"warm": code == (_code_key(),) and files > 0}
    questions = len(load_catalog().entries())
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return {"questions": questions, "index_mb": round(size / 1e6, 1)}


def c_loader() -> dict:
    """The floors of a cold load, in one process: parsing the files with the bare CSafeLoader,
    then compiling once each rubric and misconception pattern found in them (what validating
    the banks cannot skip: issue 3 has every command that loads a faulty bank report a
    pattern that does not compile)."""
    import re

    import yaml

    from drill.bank import bank_files

    files = bank_files()
    t0 = time.perf_counter()
    size = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        size += len(text)
        yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - the C SafeLoader
    t1 = time.perf_counter()
    # The patterns, gathered untimed in a second pass (holding them during the timed one slows it).
    patterns = [p for path in files
                for q in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader).get("questions") or []
                for key in ("rubric", "misconceptions") for item in q.get(key) or [] for p in _as_list(item.get("match"))]
    re.purge()
    t2 = time.perf_counter()
    for p in patterns:
        try:
            re.compile(p)
        except re.error:  # a lookbehind of variable width: drill runs it in the regex module
            pass
    t3 = time.perf_counter()
    return {"total_ms": _ms(t1 - t0), "compile_ms": _ms(t3 - t2), "patterns": len(patterns), "files": len(files),
            "mb": round(size / 1e6, 1)}


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value] if value else []


def profile(file: str) -> dict:
    """Where one file's indexing goes: YAML, compiling rubric patterns (drill.bank._patterns),
    making the index rows (pickling each question), the rest (reading, hashing, building questions). Profiling slows every call alike,
    so compare the shares, not the totals."""
    from drill.index import Job, index_file

    job = Job(str(Path(file).resolve()), file, Path(file).stat().st_size)
    prof = cProfile.Profile()
    prof.enable()
    index_file(job)
    prof.disable()
    stats = pstats.Stats(prof)
    total = max(v[3] for v in stats.stats.values())  # the outermost call's cumulative time

    def cumulative(func_name: str, file_suffix: str) -> float:
        return sum(v[3] for (f, _, name), v in stats.stats.items() if name == func_name and f.endswith(file_suffix))

    yaml_ms = cumulative("load", os.path.join("yaml", "__init__.py"))
    patterns_ms = cumulative("_patterns", os.path.join("drill", "bank.py"))
    rows_ms = cumulative("<genexpr>", os.path.join("drill", "index.py"))
    return {"total_ms": _ms(total), "yaml_load_ms": _ms(yaml_ms), "check_patterns_ms": _ms(patterns_ms),
            "index_rows_ms": _ms(rows_ms), "other_ms": _ms(total - yaml_ms - patterns_ms - rows_ms)}


def freshness(bank_dir: str) -> dict:
    """Each edit a user makes to a bank must show in the next load; the time of a load after
    one changed file (warm index for the other files) and how many files it parsed are
    reported too, and whether a load with nothing changed writes to the index."""
    import drill.index
    from drill.bank import bank_files
    from drill.index import load_catalog

    parsed: list[str] = []
    real_parse = drill.index.parse_bank_text

    def counted(text: str, file: str):  # noqa: ANN202
        parsed.append(file)
        return real_parse(text, file)

    drill.index.parse_bank_text = counted

    directory = Path(bank_dir).resolve()
    if not os.environ.get("DRILL_HOME"):
        raise SystemExit("freshness edits bank files and the cache: set DRILL_HOME to a benchmark home")
    victim = sorted(directory.glob("*.yaml"))[0]
    if victim.resolve() not in {p.resolve() for p in bank_files()}:
        raise SystemExit(f"{directory} is not among the loaded banks: put it in DRILL_BANKS")
    original = victim.read_bytes()
    checks: dict[str, bool] = {}
    timings: dict[str, float] = {}

    def load(timing: str | None = None) -> dict[str, str]:
        """Every question's prompt after a load; ``timing`` names the load's own time (reading
        the prompts back unpickles every question, which no command does)."""
        t0 = time.perf_counter()
        cat = load_catalog()
        if timing:
            timings[timing] = _ms(time.perf_counter() - t0)
        return {q.id: q.prompt for q in cat.questions}

    base = load()
    st = victim.stat()
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # touched, same bytes
    checks["touched file: same questions"] = load("touched_ms") == base

    marker = "Benchmark edit marker."
    extra = directory / "zz-bench-extra.yaml"
    try:
        victim.write_bytes(original.replace(b"    prompt: |\n", f"    prompt: |\n      {marker}\n".encode(), 1))
        parsed.clear()
        after = load("one_changed_ms")
        timings["one_changed_parsed"] = len(parsed)
        checks["changed file: edit visible"] = any(p.startswith(marker) for p in after.values())
        extra.write_text("version: 1\nbank: extra\ntitle: Extra\nquestions:\n  - id: added\n    ref: 91.1-Q1\n"
                         "    kind: choice\n    prompt: Added?\n    answer: Yes.\n    choices: [one, two]\n"
                         "    correct: a\n", encoding="utf-8")
        checks["added file: question present"] = "extra/added" in load()
        extra.unlink()
        checks["removed file: question gone"] = "extra/added" not in load()
    finally:
        extra.unlink(missing_ok=True)
        victim.write_bytes(original)
    checks["restored file: original questions"] = load() == base
    unchanged = load_catalog()  # nothing changed since the last load
    written = unchanged.db.total_changes != 0
    home = os.environ.get("DRILL_HOME", "")
    checks["index under DRILL_HOME/cache"] = bool(home) and drill.index.index_path().is_relative_to(home)
    return {"checks": checks, "written_when_unchanged": written, **timings}


def _median_ms(fn, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return _ms(statistics.median(times))


def store(now_iso: str, runs: int) -> dict:
    from drill.catalog import Filters
    from drill.cli.context import catalog
    from drill.session import review_items
    from drill.stats import compute
    from drill.store import Store, parse_iso

    now = parse_iso(now_iso)
    cat = catalog()
    st = Store()
    due_rows = len(st.due(now))
    result: dict = {"due_rows": due_rows, "cards": len(st.known_ids()), "reviews": st.review_count()}
    result["due_ms"] = _median_ms(lambda: st.due(now), runs * 5)
    dues = [d for (d,) in st.db.execute("SELECT due FROM cards WHERE due <= ? ORDER BY due", (now_iso,))]
    result["due_parse_ms"] = _median_ms(lambda: [parse_iso(d) for d in dues], runs * 5)
    result["review_items_ms"] = _median_ms(lambda: review_items(cat, Filters(), st, new_limit=10, now=now), runs)
    result["stats_ms"] = _median_ms(lambda: compute(st, cat, Filters(), new_limit=10, now=now), runs)

    statements: list[str] = []
    st.db.set_trace_callback(statements.append)
    compute(st, cat, Filters(), new_limit=10, now=now)
    st.db.set_trace_callback(None)
    queries = []
    for sql in dict.fromkeys(statements):
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        plan = [row[3] for row in st.db.execute(f"EXPLAIN QUERY PLAN {sql}")]
        ms = _median_ms(lambda sql=sql: st.db.execute(sql).fetchall(), 3)
        queries.append({"sql": " ".join(sql.split()), "ms": ms, "calls": statements.count(sql), "plan": plan})
    result["stats_queries"] = sorted(queries, key=lambda q: -q["ms"] * q["calls"])
    result["due_plan"] = [row[3] for row in st.db.execute(
        "EXPLAIN QUERY PLAN SELECT question_id, due FROM cards WHERE due <= ? ORDER BY due", (now_iso,))]
    st.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("quiz-first").add_argument("--bank", required=True)
    sub.add_parser("count").add_argument("--peek", action="store_true")
    sub.add_parser("c-loader")
    sub.add_parser("profile").add_argument("--file", required=True)
    sub.add_parser("freshness").add_argument("--bank-dir", required=True)
    p = sub.add_parser("store")
    p.add_argument("--now", required=True, help="the store's generation time, UTC ISO")
    p.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.what == "quiz-first":
        out = quiz_first(args.bank)
    elif args.what == "count":
        out = count(args.peek)
    elif args.what == "c-loader":
        out = c_loader()
    elif args.what == "profile":
        out = profile(args.file)
    elif args.what == "freshness":
        out = freshness(args.bank_dir)
    else:
        out = store(args.now, args.runs)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
