"""Rubric patterns: from a bank's text to the regexes the grader runs, and every reason one
must not run.

A version 1 bank writes regexes. A version 2 bank writes **phrases**: words matched whole,
case-insensitively, with any run of spaces between them, each word also matched in its stemmed
form ("feature scaling" matches "features scaled"); a hyphen matches a hyphen, a space or
nothing ("soft-margin"), and ``...`` stands for up to six words ("gradient ... vanish"). A
pattern starting ``re:`` is a regex in either version.

Loading checks each pattern without compiling it: a control character (a ``\\b`` that YAML
double quotes turned into a backspace), a pattern Python's parser rejects for any reason (a
syntax error, ``a{4294967296}``, 2,000 nested parentheses), an ambiguous set, and a repeat of
something that itself repeats without a small bound (``(\\w+\\s?)*x``, ``(a+)+``), which can
backtrack for minutes, are faults. The grader compiles a pattern once, on first use, in the
``regex`` module, and gives it a time budget per answer (``BUDGET``), so grading never hangs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import warnings
from typing import Any

BUDGET = 0.25  # seconds one pattern may spend on one answer before it is a bank fault
PHRASE_GAP = 6  # words that "..." in a phrase stands for, at most
_WIDE = 10  # a repeat allowing more than this many copies counts as unbounded


def fold(text: str) -> str:
    """Case-fold and strip accents (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The tokens of a regex: escapes, [...] classes, {m,n} quantifiers and group syntax such as (?:
# or (?P<name> are kept as they are; only literal words and characters are folded and stemmed.
REGEX_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|\{[^}]*\}|\(\?P<[^>]*>|\(\?P=\w+\)|\(\?<[=!]|\(\?[:=!]|"
                         r"[^\W\d_]+|.", re.S)


def literal(token: str) -> bool:
    return not (token.startswith("\\") or token.startswith("[") or token.startswith("(?")
                or (token.startswith("{") and len(token) > 1))


@functools.lru_cache(maxsize=8192)
def fold_pattern(pattern: str) -> str:
    """Fold the literal text of a regex like the answer (case, accents), leaving its syntax
    alone: casefolding the whole pattern would turn ``\\S`` into ``\\s`` and ``\\B`` into ``\\b``."""
    return "".join(fold(t) if literal(t) else t for t in REGEX_TOKEN.findall(pattern))


def phrase(text: str) -> str:
    """The regex of a version 2 phrase (see the module docstring)."""
    parts = []
    for word in text.split():
        if word == "...":
            parts.append(None)
        else:
            parts.append("".join("[\\s-]?" if c == "-" else re.escape(c) for c in word))
    out = ""
    for i, part in enumerate(parts):
        if part is None:
            out += rf"(?:\s+\S+){{0,{PHRASE_GAP}}}" if out else ""
            continue
        out += (r"\s+" if out else "") + part
    if not out:
        return out
    head = r"\b" if re.match(r"\w", text.strip()) else ""
    tail = r"\b" if re.search(r"\w$", text.strip()) else ""
    return head + out + tail


def regex_source(pattern: str, version: int) -> str:
    """What the grader runs for a pattern as the bank wrote it."""
    if pattern.startswith("re:"):
        return pattern[3:].strip()
    return pattern if version == 1 else phrase(pattern)


def problems(source: str) -> list[str]:
    """Why a regex must not run; empty when it may. Never raises, whatever the text."""
    controls = sorted({c for c in source if unicodedata.category(c) == "Cc"})
    if controls:
        names = ", ".join(f"U+{ord(c):04X}" for c in controls)
        hint = " (a \\b in YAML double quotes is a backspace: use single quotes)" if "\b" in controls else ""
        return [f"contains the control character {names}{hint}"]
    try:
        from re import _parser  # the parser alone: loading a bank compiles nothing

        with warnings.catch_warnings():
            warnings.simplefilter("error", FutureWarning)
            tree = _parser.parse(fold_pattern(source), re.IGNORECASE)
    except FutureWarning as exc:
        return [f"is ambiguous: {exc} (escape a literal '[' as '\\[')"]
    except re.error as exc:
        return [f"does not compile: {exc}"]
    except RecursionError:
        return ["is nested too deeply to compile"]
    except (OverflowError, ValueError, MemoryError) as exc:
        return [f"does not compile: {exc}"]
    if _nested_repeat(list(tree)):
        return ["repeats a part that itself repeats without a small bound, e.g. (\\w+\\s?)* or (a+)+: "
                "matching it can take minutes; bound the inner repeat or drop the outer one"]
    return []


def _nested_repeat(items: list[Any], inside: bool = False) -> bool:
    from re import _constants as c

    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            _lo, hi, sub = av
            wide = hi == c.MAXREPEAT or hi > _WIDE
            if wide and inside:
                return True
            if _nested_repeat(list(sub), inside or wide):
                return True
        elif op == c.SUBPATTERN:
            if _nested_repeat(list(av[-1]), inside):
                return True
        elif op == c.BRANCH:
            if any(_nested_repeat(list(alt), inside) for alt in av[1]):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if _nested_repeat(list(av[1]), inside):
                return True
        elif op == c.ATOMIC_GROUP:
            if _nested_repeat(list(av), inside):
                return True
        elif op == c.GROUPREF_EXISTS:
            if any(_nested_repeat(list(b), inside) for b in av[1:] if b is not None):
                return True
    return False


@functools.lru_cache(maxsize=None)
def compiled(source: str) -> Any:
    """The ``regex`` module's compiled form, made once per process (None if it cannot be)."""
    import regex

    try:
        return regex.compile(source, regex.IGNORECASE)
    except (regex.error, RecursionError, OverflowError, ValueError, MemoryError):
        return None
