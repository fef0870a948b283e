#!/usr/bin/env python3
"""Time grading one concept answer in-process with the built-in banks (issue 14: under 50 ms).

Every concept question is graded on its model answer and each of its examples. The first
pass includes compiling each pattern on first use (what the first answer of a session pays);
the later passes are warm. Prints per-answer median, 95th percentile and maximum in ms, and
exits 1 when the warm maximum or the cold 95th percentile is over the target.

Usage: python benchmarks/bench_grading.py [--passes N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from statistics import median, quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()

    from drill.bank import bank_files, load_banks
    from drill.grading import grade

    questions = [q for b in load_banks(bank_files()) for q in b.questions if q.kind == "concept"]
    answers = [(q, text) for q in questions for text in (q.answer, *(e.text for e in q.examples))]
    passes = []
    for _ in range(args.passes):
        times = []
        for q, text in answers:
            t0 = time.perf_counter()
            grade(q, text)
            times.append((time.perf_counter() - t0) * 1000)
        passes.append(times)
    print(f"{len(answers)} answers to {len(questions)} concept questions, {args.passes} passes")
    ok = True
    for name, times in (("cold (first pass)", passes[0]), ("warm (later passes)", [t for p in passes[1:] for t in p])):
        if not times:
            continue
        p95 = quantiles(times, n=20)[-1]
        print(f"  {name:20} median {median(times):6.2f} ms   p95 {p95:6.2f} ms   max {max(times):6.2f} ms")
    warm = [t for p in passes[1:] for t in p] or passes[0]
    ok = max(warm) <= TARGET_MS and quantiles(passes[0], n=20)[-1] <= TARGET_MS
    print(f"target: every warm answer and 95% of cold ones under {TARGET_MS:.0f} ms: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
