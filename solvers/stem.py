"""The Snowball English stemmer, without the other 35 stemmers of its package.

`snowballstemmer/__init__.py` imports every language module at once (about 10 ms, paid by
every command that stems: the grader, the tf-idf and Naive Bayes solvers). The English module
needs only two helpers of its package, so it is loaded under a bare stand-in for the package,
which is then dropped: a later `import snowballstemmer` still runs the real package, and finds
the English module already loaded.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

_PACKAGE = "snowballstemmer"


def english_stemmer() -> Any:
    """A new snowballstemmer EnglishStemmer (its ``stemWord`` is what callers use)."""
    if _PACKAGE in sys.modules:  # the real package is loaded already: nothing to save
        return importlib.import_module(f"{_PACKAGE}.english_stemmer").EnglishStemmer()
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"No module named {_PACKAGE!r}", name=_PACKAGE)
    stand_in = types.ModuleType(_PACKAGE)
    stand_in.__path__ = list(spec.submodule_search_locations)
    sys.modules[_PACKAGE] = stand_in
    try:
        module = importlib.import_module(f"{_PACKAGE}.english_stemmer")
    finally:
        del sys.modules[_PACKAGE]
    return module.EnglishStemmer()
