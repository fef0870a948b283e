"""The type of every solver input, declared without importing the solvers (numpy), so that a
bank's exercise ``inputs:`` can be checked while the bank loads, with its line.

A bank written by someone else may give ``word1: 5``, ``bogus: 1`` or a YAML date
(``2024-01-01`` becomes a ``datetime.date``); each is a located bank fault, found when the
bank is read rather than as a crash at the question. The solver still checks values and size
limits when it runs; this checks the shape of the data, and caps its size so a bank cannot
carry a corpus into the cache. ``TYPES[name]`` lists the same names, in the same order, as
the solver module's ``INPUTS`` (a test holds them together).
"""

from __future__ import annotations

from typing import Any, Callable

MAX_TEXT = 100_000  # characters in one text input (a word, a query, one document)
MAX_ITEMS = 10_000  # entries in one list input (documents, edges, points, examples)

Check = Callable[[Any], bool]


def _text(v: Any) -> bool:
    return isinstance(v, str)


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _scalar(v: Any) -> bool:
    return _text(v) or _number(v)


def _list_of(check: Check) -> Check:
    return lambda v: isinstance(v, list) and all(check(x) for x in v)


def _either(*checks: Check) -> Check:
    return lambda v: any(c(v) for c in checks)


# (what a user reads in the fault, the check, None allowed: the solver's default is None)
TEXT = ("text", _text, False)
INT = ("a whole number", _int, False)
NUMBER = ("a number", _number, False)
BOOL = ("true or false", _bool, False)
TEXTS = ("a text or a list of texts", _either(_text, _list_of(_scalar)), False)
NUMBERS = ("a number, a comma string or a list of numbers", _either(_scalar, _list_of(_scalar)), False)
EDGES = ("an edge string like \"A-B,B-C\" or a list of edges",
         _either(_text, _list_of(_either(_text, _list_of(_scalar)))), False)
DOCS = ("a list of documents (texts)", _list_of(_text), False)
EXAMPLES = ("a list of 'label: text' strings or [label, text] pairs", _list_of(_either(_text, _list_of(_text))), False)


def optional(kind: tuple[str, Check, bool]) -> tuple[str, Check, bool]:
    return kind[0], kind[1], True


TYPES: dict[str, dict[str, tuple[str, Check, bool]]] = {
    "tfidf": {"docs": optional(DOCS), "query": optional(TEXT),
              "terms": optional(TEXTS), "tf": TEXT, "idf": TEXT, "norm": TEXT, "stem": optional(BOOL),
              "stop_words": BOOL, "top": optional(INT)},
    "naive-bayes": {"examples": optional(EXAMPLES), "query": optional(TEXT), "model": TEXT, "alpha": NUMBER,
                    "stem": BOOL},
    "adjacency": {"edges": EDGES, "directed": BOOL, "nodes": optional(TEXTS)},
    "isomorphism": {"g1": EDGES, "g2": EDGES, "directed": BOOL, "nodes1": optional(TEXTS), "nodes2": optional(TEXTS)},
    "levenshtein": {"word1": TEXT, "word2": TEXT},
    "conv": {"input": ("HxWxC text or a list of three sizes", _either(_text, _list_of(_number)), False),
             "layers": TEXTS, "compare": optional(TEXTS), "bias": BOOL},
    "depthwise": {"c_in": INT, "c_out": INT, "k": INT, "h": INT, "w": INT, "bias": BOOL},
    "sampling": {"n": INT, "trials": optional(INT), "seed": INT},
    "activations": {"points": NUMBERS, "alpha": NUMBER},
    "optimize": {"condition": NUMBER, "lr": optional(NUMBER), "steps": INT, "scale": BOOL,
                 "optimizers": optional(TEXTS), "angle": NUMBER, "start": NUMBERS, "tol": NUMBER},
    "xor": {"activation": TEXT, "scale": NUMBER},
    "backprop": {"n": INT, "d": INT, "h": INT, "c": INT, "keep": NUMBER, "seed": INT},
    "kmeans": {"dataset": TEXT, "k": optional(INT), "n": INT, "seed": INT, "restarts": INT},
}


def input_faults(solver: str, inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """(input name, what is wrong) for each unknown, mistyped or oversized input of ``solver``."""
    declared = TYPES[solver]
    faults = []
    for name, value in inputs.items():
        if name not in declared:
            faults.append((str(name), f"solver {solver} takes no input {str(name)!r} (inputs: {', '.join(declared)})"))
            continue
        what, check, nullable = declared[name]
        if value is None and nullable:
            continue
        if not check(value):
            faults.append((name, f"{name} must be {what}, got {_kind(value)} {_short(value)}"))
        elif (size := _size(value)) is not None:
            faults.append((name, f"{name} is too large for a bank ({size})"))
    return faults


def _size(value: Any) -> str | None:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"{len(value):,} characters; at most {MAX_TEXT:,}"
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            return f"{len(value):,} entries; at most {MAX_ITEMS:,}"
        for item in value:
            if (size := _size(item)) is not None:
                return size
    return None


def _kind(value: Any) -> str:
    names = {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, (list, dict)) else ("[...]" if isinstance(value, list) else "{...}")
    return text if len(text) <= 40 else text[:39] + "…"
