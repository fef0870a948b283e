#!/usr/bin/env python3
"""Time grading one concept answer in-process with the built-in banks (issue 14: under 50 ms).

Every concept question is graded on its model answer, each of its examples and each answer
the grading corpus (tests/corpus) holds for it. The first
pass includes compiling each pattern on first use (what the first answer of a session pays);
the later passes are warm. Prints per-answer median, 95th percentile and maximum in ms, as
wall-clock time and as this thread's CPU time, and exits 1 when the warm maximum or the cold
95th percentile of CPU time is over the target (CPU time: on an idle machine it is the wall
time, and on a busy one it is the part grading itself costs).

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

    from drill.bank import bank_files, load_banks, read_examples_file
    from drill.grading import grade

    questions = [q for b in load_banks(bank_files()) for q in b.questions if q.kind == "concept"]
    corpus: dict[str, list[str]] = {}
    for path in sorted((Path(__file__).resolve().parent.parent / "tests" / "corpus").glob("*.yaml")):
        for found in read_examples_file(path)[0]:
            corpus.setdefault(found.key, []).extend(e.text for e in found.examples)
    answers = [(q, text) for q in questions
               for text in (q.answer, *(e.text for e in q.examples), *corpus.get(q.id, ()))]
    passes, cpu_passes = [], []
    for _ in range(args.passes):
        times, cpu = [], []
        for q, text in answers:
            t0, c0 = time.perf_counter(), time.thread_time()
            grade(q, text)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
        passes.append(times)
        cpu_passes.append(cpu)
    print(f"{len(answers)} answers to {len(questions)} concept questions, {args.passes} passes")
    for name, times, cpu in (("cold (first pass)", passes[0], cpu_passes[0]),
                             ("warm (later passes)", [t for p in passes[1:] for t in p],
                              [t for p in cpu_passes[1:] for t in p])):
        if len(times) < 2:
            continue
        print(f"  {name:20} wall: median {median(times):6.2f}  p95 {quantiles(times, n=20)[-1]:6.2f}  "
              f"max {max(times):6.2f} ms   CPU: median {median(cpu):6.2f}  p95 {quantiles(cpu, n=20)[-1]:6.2f}  "
              f"max {max(cpu):6.2f} ms")
    warm = [t for p in cpu_passes[1:] for t in p] or cpu_passes[0]
    ok = max(warm) <= TARGET_MS and quantiles(cpu_passes[0], n=20)[-1] <= TARGET_MS
    print(f"target: every warm answer and 95% of cold ones under {TARGET_MS:.0f} ms of CPU: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
