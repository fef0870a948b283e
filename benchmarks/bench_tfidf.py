"""Benchmark `drill solve tfidf` on a large real corpus against scikit-learn, as whole processes.

Target (from the issue): on the stdlib-docstring corpus (>= 50k documents, see
tfidf_corpus.py), the command

    drill solve tfidf --docs corpus.txt --query QUERY --top 10 --idf smooth

takes at most half of scikit-learn's wall time, with no more peak memory, and the same top 10.
The scikit-learn side is this script run as a worker: TfidfVectorizer (smooth idf, L2 norm,
raw tf) on the lazily read file with drill's token pattern, then cosine similarity with the
query and the same documented tie order (score, then document order).

Both run as fresh processes, interleaved (so machine load hits both alike), ``--runs`` times
each; the report gives the median and minimum wall time, the median CPU time (user + system,
steadier than wall time on a shared machine) and the peak RSS of each process (``os.wait4``'s
rusage, so per run, not cumulative). ``--stem`` benchmarks stemming on both
sides (scikit-learn with a cached Snowball tokenizer of its own).

Usage: python benchmarks/bench_tfidf.py [--corpus PATH] [--query TEXT] [--runs 5] [--stem]
Exit status 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / "data" / "corpus.txt"
DEFAULT_QUERY = "return the sorted list of items"
TOP = 10


def sklearn_worker(corpus: str, query: str, top: int, stem: bool) -> None:
    """The scikit-learn side: print the top documents and scores as JSON."""
    import re

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    pattern = r"\w+(?:['’]\w+)*"  # drill's solvers.text.TOKEN_PATTERN, copied to stay independent
    options: dict = {"token_pattern": pattern}
    if stem:
        import snowballstemmer

        stemmer = snowballstemmer.stemmer("english")

        class Stems(dict):
            def __missing__(self, word: str) -> str:
                value = self[word] = stemmer.stemWord(word)
                return value

        stems, find = Stems(), re.compile(pattern).findall
        options = {"tokenizer": lambda doc: [stems[t.lower().replace("’", "'")] for t in find(doc)],
                   "lowercase": False, "token_pattern": None}

    def lines():
        with open(corpus, encoding="utf-8") as fh:
            for line in fh:
                yield line.rstrip("\n")

    vectorizer = TfidfVectorizer(**options)
    X = vectorizer.fit_transform(lines())
    scores = (X @ vectorizer.transform([query]).T).toarray().ravel()
    order = np.lexsort((np.arange(len(scores)), -(np.round(scores, 12) + 0.0)))[:top]
    print(json.dumps({"top": [f"D{i + 1}" for i in order], "scores": [float(scores[i]) for i in order]}))


def drill_command(corpus: Path, query: str, top: int, stem: bool) -> list[str]:
    """`drill solve tfidf ...` on this checkout's drill, run the way the `drill` console script runs
    it (an installed `drill` on PATH may be another copy, or a pyenv shell shim)."""
    args = ["--docs", str(corpus), "--query", query, "--top", str(top), "--idf", "smooth"]
    args += ["--stem"] if stem else []
    script = f"import sys; sys.path.insert(0, {str(HERE.parent)!r}); from drill.cli import main; sys.exit(main())"
    return [sys.executable, "-c", script, "solve", "tfidf", *args]


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one run, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def answer(cmd: list[str]) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--query", default=DEFAULT_QUERY)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stem", action="store_true", help="stem on both sides")
    parser.add_argument("--sklearn-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sklearn_worker:
        sklearn_worker(str(args.corpus), args.query, TOP, args.stem)
        return 0
    if not args.corpus.exists():
        subprocess.run([sys.executable, str(HERE / "tfidf_corpus.py"), "--out", str(args.corpus)], check=True)
    n_docs = sum(1 for _ in args.corpus.open(encoding="utf-8"))
    size = args.corpus.stat().st_size / 1e6

    drill = drill_command(args.corpus, args.query, TOP, args.stem)
    sklearn = [sys.executable, __file__, "--sklearn-worker", "--corpus", str(args.corpus), "--query", args.query]
    sklearn += ["--stem"] if args.stem else []

    ours, theirs = answer([*drill, "--json"]), answer(sklearn)
    same_top = ours["top"] == theirs["top"]
    max_diff = max(abs(ours["scores"][d] - s) for d, s in zip(theirs["top"], theirs["scores"]) if d in ours["scores"])

    times: dict[str, list[float]] = {"drill": [], "sklearn": []}
    cpu: dict[str, list[float]] = {"drill": [], "sklearn": []}
    peaks: dict[str, list[int]] = {"drill": [], "sklearn": []}
    for run in range(args.runs):
        pairs = [("drill", drill), ("sklearn", sklearn)]
        for name, cmd in pairs if run % 2 == 0 else pairs[::-1]:
            wall, cpu_s, peak = timed(cmd)
            times[name].append(wall)
            cpu[name].append(cpu_s)
            peaks[name].append(peak)

    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"corpus: {args.corpus} ({n_docs} documents, {size:.1f} MB); query {args.query!r}; "
          f"stemming {'on' if args.stem else 'off'}; {args.runs} interleaved runs each")
    print(f"command: {' '.join(drill)}")
    print(f"{'':8} {'median s':>9} {'min s':>7} {'median CPU s':>13} {'peak RSS MB':>12}")
    for name in ("drill", "sklearn"):
        print(f"{name:8} {median[name]:9.2f} {min(times[name]):7.2f} {statistics.median(cpu[name]):13.2f} "
              f"{max(peaks[name]):12d}")
    ratio = median["drill"] / median["sklearn"]
    memory_ok = max(peaks["drill"]) <= max(peaks["sklearn"])
    print(f"wall-time ratio drill/sklearn (medians): {ratio:.2f} (target <= 0.50)")
    print(f"peak memory drill <= sklearn: {memory_ok}")
    print(f"same top {TOP}: {same_top}; largest score difference {max_diff:.2e}")
    return 0 if ratio <= 0.5 and memory_ok and same_top else 1


if __name__ == "__main__":
    sys.exit(main())
