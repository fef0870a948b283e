"""The English stemmer is loaded without the rest of snowballstemmer, and stems the same."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.stem import english_stemmer

WORDS = ["running", "generously", "normalization", "flies", "dying", "studies", "early", "bird's", "worms",
         "classifiers", "convolutional", "regularisation", "gets", "loves", "ponies", "sky", "news"]


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_loads_only_english_and_the_package_still_imports_whole_afterwards():
    out = _run(f"""
        import sys
        from solvers.stem import english_stemmer
        ours = [english_stemmer().stemWord(w) for w in {WORDS!r}]
        print(sorted(m for m in sys.modules if m.startswith("snowballstemmer")))
        import snowballstemmer
        print(ours == snowballstemmer.stemmer("english").stemWords({WORDS!r}))
        print(snowballstemmer.stemmer("french").stemWord("continuellement"))
    """)
    loaded, same, french = out.splitlines()
    assert loaded == "['snowballstemmer.among', 'snowballstemmer.basestemmer', 'snowballstemmer.english_stemmer']"
    assert same == "True"
    assert french == "continuel"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz'", min_size=1, max_size=14))
def test_stems_like_the_package(word):
    import snowballstemmer

    assert english_stemmer().stemWord(word) == snowballstemmer.stemmer("english").stemWord(word)
