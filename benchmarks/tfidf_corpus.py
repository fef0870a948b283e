"""Build the tf-idf benchmark corpus: docstrings of the Python standard library, one per line.

Why: the tf-idf solver must handle an ordinary large corpus (50,000 documents, ~20 MB), and
real prose with code identifiers is a more honest test of tokenising and stemming than random
words. The corpus is generated, never committed; the output is deterministic for a given
Python installation (files are walked in sorted order).

Each docstring of a module, class or function becomes one document with its newlines replaced
by spaces. Long docstrings are also split into their blank-line-separated paragraphs (each
paragraph of at least ``MIN_PARAGRAPH_WORDS`` words becomes a further document) when the whole
docstrings alone are fewer than ``--min-docs``.

The standard library alone is too small for that: CPython 3.11 has about 11,500 docstrings,
23,000 documents (3.8 MB) with the paragraphs. So when still short, the docstrings of the
installed third-party packages (``site-packages``: numpy, scikit-learn, ...) are added, whole.
That is still real documentation prose, but it depends on what is installed; the script prints
the count and size so a benchmark report can state them.

Usage: python benchmarks/tfidf_corpus.py [--out benchmarks/data/corpus.txt] [--min-docs 50000]
"""

from __future__ import annotations

import argparse
import ast
import sys
import sysconfig
import warnings
from collections.abc import Iterator
from pathlib import Path

MIN_PARAGRAPH_WORDS = 5
DEFAULT_OUT = Path(__file__).parent / "data" / "corpus.txt"


def docstrings(root: Path, third_party: bool) -> Iterator[str]:
    """Docstrings (modules, classes, functions) under ``root``, files in sorted order.

    ``third_party`` selects the files under ``site-packages`` instead of the rest.
    """
    for path in sorted(root.rglob("*.py")):
        if ("site-packages" in path.relative_to(root).parts) != third_party:
            continue
        try:
            source = path.read_text(encoding="utf-8")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source, filename=str(path))
        except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
            continue  # test fixtures with deliberate syntax errors or odd encodings
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                text = ast.get_docstring(node)
                if text and text.strip():
                    yield text


def one_line(text: str) -> str:
    """A document on one line: all whitespace runs (newlines included) become one space."""
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    """The blank-line-separated paragraphs of a docstring that are long enough to stand alone."""
    parts = [one_line(p) for p in text.split("\n\n")]
    return [p for p in parts if len(p.split()) >= MIN_PARAGRAPH_WORDS]


def build(root: Path, min_docs: int) -> list[str]:
    """Whole stdlib docstrings, then their paragraphs, then site-packages, until ``min_docs``."""
    texts = list(docstrings(root, third_party=False))
    docs = [one_line(t) for t in texts]
    if len(docs) < min_docs:
        for text in texts:
            parts = paragraphs(text)
            if len(parts) > 1:
                docs.extend(parts)
    if len(docs) < min_docs:
        docs.extend(one_line(t) for t in docstrings(root, third_party=True))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-docs", type=int, default=50_000)
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    args = parser.parse_args(argv)
    docs = build(args.root, args.min_docs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(d + "\n" for d in docs), encoding="utf-8")
    size = args.out.stat().st_size
    print(f"{args.out}: {len(docs)} documents, {size / 1e6:.1f} MB from {args.root}", file=sys.stderr)
    if len(docs) < args.min_docs:
        print(f"warning: fewer than {args.min_docs} documents", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
