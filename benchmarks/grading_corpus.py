"""How well the concept grader agrees with answers written blind to its rubrics.

The held-out answers in tests/blind/<set>/<bank>.yaml were written by someone who saw only each
question's prompt and model answer, and they were never used to tune a pattern. Good answers
should pass, near-misses (right vocabulary, one central error) and partial answers should fail.

    python benchmarks/grading_corpus.py            # a table per set and bank, and ms per graded answer
    python benchmarks/grading_corpus.py --misses   # also every disagreement, to study

Exit 0 when every bank of every set meets the targets of issue 14: good pass >= 95 %,
near-misses fail >= 90 %, partial answers fail >= 95 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"good": 0.95, "near": 0.90, "partial": 0.95}  # share graded right, per kind of answer


@dataclass
class Tally:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TARGETS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TARGETS, 0))
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id, answer)

    def share(self, kind: str) -> float:
        return self.right[kind] / self.total[kind] if self.total[kind] else 1.0

    def meets_targets(self) -> bool:
        return all(self.share(k) >= t for k, t in TARGETS.items())


BLIND = ROOT / "tests" / "blind"


def blind_sets(folder: Path = BLIND) -> list[Path]:
    """The held-out sets, one folder each (``q``, ``y``...), in order."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and any(p.glob("*.yaml")))


def load_corpus(folder: Path) -> dict[str, list[dict]]:
    """One set's answers per bank: ``{bank: [{id, good, near, partial}, ...]}``."""
    import yaml

    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) or [] for p in sorted(folder.glob("*.yaml"))}


def grade_corpus(corpus: dict[str, list[dict]], catalog) -> tuple[dict[str, Tally], list[float]]:  # noqa: ANN001
    """Grade every held-out answer; a good one is right when it passes, the others when they fail."""
    from drill.grading import grade

    tallies: dict[str, Tally] = {}
    times: list[float] = []
    for bank, items in corpus.items():
        tally = tallies.setdefault(bank, Tally())
        for item in items:
            question = catalog.get(item["id"])
            for kind in TARGETS:
                for entry in item.get(kind) or []:
                    text = entry["answer"] if isinstance(entry, dict) else entry
                    started = time.perf_counter()
                    passed = grade(question, text).passed
                    times.append(time.perf_counter() - started)
                    tally.total[kind] += 1
                    if passed == (kind == "good"):
                        tally.right[kind] += 1
                    else:
                        tally.wrong.append((kind, item["id"], text))
    return tallies, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every disagreement")
    args = parser.parse_args()
    from drill.index import load_catalog

    catalog = load_catalog()
    every: list[float] = []
    met = True
    for folder in blind_sets():
        tallies, times = grade_corpus(load_corpus(folder), catalog)
        every += times
        met = met and all(t.meets_targets() for t in tallies.values())
        print(f"set {folder.name}")
        print(f"{'bank':14} {'good pass':>14} {'near fail':>14} {'partial fail':>14}")
        for bank, t in tallies.items():
            cells = [f"{t.right[k]}/{t.total[k]} {t.share(k):5.1%}" for k in TARGETS]
            print(f"{bank:14} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14}  {'PASS' if t.meets_targets() else 'FAIL'}")
        whole = Tally()
        for t in tallies.values():
            for k in TARGETS:
                whole.right[k] += t.right[k]
                whole.total[k] += t.total[k]
        cells = [f"{whole.right[k]}/{whole.total[k]} {whole.share(k):5.1%}" for k in TARGETS]
        print(f"{'all':14} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14}\n")
        if args.misses:
            for t in tallies.values():
                for kind, qid, text in t.wrong:
                    print(f"[{kind}] {qid}\n  {text}\n")
    ms = sorted(x * 1000 for x in every)
    print(f"grading: {len(ms)} answers, median {statistics.median(ms):.2f} ms, "
          f"p99 {ms[int(len(ms) * 0.99) - 1]:.2f} ms, max {ms[-1]:.2f} ms (target < 50 ms)")
    return 0 if met and ms[-1] < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
