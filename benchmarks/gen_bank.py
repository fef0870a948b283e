"""Generate the large question bank of the start-up benchmark: 20,000 questions in 40 files.

Why generated: the issue's target is about a bank far larger than the shipped ones, and a
committed 50 MB of YAML would be noise in the repository. The questions imitate the shipped
banks in shape and size (about 2.5 KB each: a markdown prompt and answer in literal blocks,
a rubric of regex patterns, a misconception (the engine, not the pattern, judges negation), examples,
hints; mostly concept questions with some choice and exercise questions), because the cost of
loading a bank depends on exactly those things: YAML nodes to build and patterns to compile.
Every pattern is different (built from random term pairs), as in hand-written banks, so
Python's regex cache does not flatter the load.

The output is deterministic for a seed. All files form one bank named ``gen`` (ids
``gen/q-FF-NNN``, refs ``90.FF-QNNN``), so ``--bank gen`` selects all of them.

Usage: python benchmarks/gen_bank.py [--out benchmarks/data/bank] [--files 40] [--per-file 500]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

DEFAULT_OUT = Path(__file__).parent / "data" / "bank"
BANK = "gen"

TERMS = """
gradient loss optimizer momentum learning-rate batch epoch overfitting regularization dropout
weight-decay variance bias ensemble boosting bagging tree forest margin kernel hyperplane
embedding token vocabulary attention transformer encoder decoder softmax logit entropy
perplexity recall precision accuracy threshold calibration likelihood prior posterior sampling
convolution stride padding kernel-size receptive-field pooling residual normalization activation
sigmoid tanh relu initialization vanishing exploding clipping checkpoint feature scaling
centroid cluster distance cosine similarity tfidf corpus document query ranking retrieval
recurrent hidden-state sequence gate memory beam search label smoothing augmentation crop
validation test split leakage cross-validation fold holdout baseline metric curve area
""".split()
VERBS = "reduces increases controls measures estimates penalizes smooths stabilizes scales limits".split()
QUALIFIERS = "always never only rarely".split()
def _words(term: str) -> str:
    return term.replace("-", " ")


def _sentence(rng: random.Random) -> str:
    a, b, c = rng.sample(TERMS, 3)
    return f"The {_words(a)} {rng.choice(VERBS)} the {_words(b)} when the {_words(c)} changes."


def _paragraph(rng: random.Random, sentences: int, width: int = 92) -> list[str]:
    """Sentences wrapped into lines of at most ``width`` characters, as the banks are reflowed."""
    lines, line = [], ""
    for _ in range(sentences):
        s = _sentence(rng)
        if line and len(line) + 1 + len(s) > width:
            lines.append(line)
            line = s
        else:
            line = f"{line} {s}" if line else s
    lines.append(line)
    return lines


def _pattern(rng: random.Random) -> str:
    a, b = (_words(t) for t in rng.sample(TERMS, 2))
    shape = rng.randrange(4)
    if shape == 0:
        return f"{a}[^.]{{0,60}}{b}"
    if shape == 1:
        return f"({a}|{b})\\w* (is|are|gets?) {rng.choice(VERBS)[:-1]}\\w*"
    if shape == 2:
        return f"\\b{a.split()[0]}\\w*[^.]{{0,40}}\\b{b.split()[0]}"
    return f"(?:{a}|{b}) (?:and|or) {rng.choice(TERMS).split('-')[0]}"


def _quote(text: str) -> str:
    """A single-quoted YAML scalar (the banks' style for regexes)."""
    return "'" + text.replace("'", "''") + "'"


def _block(key: str, lines: list[str], indent: str) -> list[str]:
    return [f"{indent}{key}: |", *(f"{indent}  {line}" if line else "" for line in lines)]


def question_yaml(rng: random.Random, file_no: int, number: int) -> list[str]:
    """The YAML lines of one question, indented as an item of ``questions:``."""
    roll = rng.random()
    kind = "concept" if roll < 0.85 else "choice" if roll < 0.95 else "exercise"
    topics = ", ".join(rng.sample(TERMS, rng.randint(1, 3)))
    out = [
        f"  - id: q-{file_no:02d}-{number:03d}",
        f"    ref: 90.{file_no}-Q{number}",
        f"    topic: [{topics}]",
        f"    kind: {kind}",
    ]
    out += _block("prompt", _paragraph(rng, rng.randint(2, 5)), "    ")
    answer = _paragraph(rng, rng.randint(5, 9)) + [""] + _paragraph(rng, rng.randint(3, 6))
    out += _block("answer", answer, "    ")
    if kind == "concept":
        out.append("    rubric:")
        for _ in range(rng.randint(3, 4)):
            out.append(f"      - point: {_quote(_sentence(rng))}")
            out.append("        match:")
            out += [f"          - {_quote(_pattern(rng))}" for _ in range(rng.randint(2, 4))]
            if rng.random() < 0.3:
                out.append("        weight: 2")
        if rng.random() < 0.6:
            a, b = (_words(t) for t in rng.sample(TERMS, 2))
            wrong = f"{a} ({'|'.join(QUALIFIERS)}) {rng.choice(VERBS)} (the )?{b}"
            out += [
                "    misconceptions:",
                "      - match:",
                f"          - {_quote(wrong)}",
                "        correction: >-",
                *(f"          {line}" for line in _paragraph(rng, 2)),
            ]
        out += [
            "    examples:",
            "      good:",
            *(f"        - {_quote(' '.join(_paragraph(rng, 3, width=10_000)))}" for _ in range(2)),
            "      bad:",
            f"        - {_quote(_sentence(rng))}",
        ]
    elif kind == "choice":
        out.append("    choices:")
        out += [f"      - {_quote(_sentence(rng))}" for _ in range(4)]
        out.append(f"    correct: {rng.choice('abcd')}")
    else:
        out += [
            "    solver: tfidf",
            "    inputs: {}",
            "    expect: {field: top, as: ranking, k: 2}",
        ]
    out.append("    hints:")
    out += [f"      - {_quote(_sentence(rng))}" for _ in range(rng.randint(1, 2))]
    return out


def bank_text(file_no: int, per_file: int, seed: int) -> str:
    rng = random.Random(seed * 1000 + file_no)
    lines = [
        "version: 1",
        f"bank: {BANK}",
        "title: Generated benchmark bank",
        'source: "benchmarks/gen_bank.py"',
        "questions:",
    ]
    for number in range(1, per_file + 1):
        lines += question_yaml(rng, file_no, number)
    return "\n".join(lines) + "\n"


def generate(out: Path, files: int = 40, per_file: int = 500, seed: int = 0) -> list[Path]:
    """Write the bank files into ``out`` unless the same parameters produced them already.

    Reusing unchanged files keeps their mtimes, so a warm cache built by an earlier run stays
    warm; a stamp file records the parameters.
    """
    stamp = out / "params.json"
    params = {"files": files, "per_file": per_file, "seed": seed, "format": 2}  # 2: misconceptions without guards
    paths = [out / f"gen-{i:02d}.yaml" for i in range(1, files + 1)]
    if stamp.exists() and json.loads(stamp.read_text()) == params and all(p.exists() for p in paths):
        return paths
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for i, path in enumerate(paths, start=1):
        path.write_text(bank_text(i, per_file, seed), encoding="utf-8")
    stamp.write_text(json.dumps(params))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.out, args.files, args.per_file, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {args.files * args.per_file} questions, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
