"""Two views of a typed answer, so rubric patterns survive paraphrase, and where each match is.

The plain view keeps punctuation (formulas such as ``1/e`` or ``sigma(1-sigma)`` stay
matchable); the stemmed view keeps only words, each reduced by the Snowball English stemmer,
so "scaled", "scaling" and "scales" all read "scale". A rubric pattern is tried raw on the
plain view and, with its own literal words stemmed, on the stemmed view.
"""

from __future__ import annotations

import bisect
import functools
import re
import time
from dataclasses import dataclass
from typing import Any

from drill.grading.polarity import ASSERTED, Judge, pieces
from drill.patterns import BUDGET, REGEX_TOKEN, compiled, fold, fold_pattern, literal
from solvers.stem import english_stemmer

_STEMMER = english_stemmer()
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


# British and American spellings meet: normalise -> normalize, regularisation -> regularization.
_ISE = re.compile(r"^(\w{3,})is(e|ed|es|ing|ation|ations|er|ers)$")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(_ISE.sub(r"\1iz\2", word))


@functools.lru_cache(maxsize=8192)
def stem_pattern(pattern: str) -> str:
    """Stem the literal words of a regex so it can be matched against the stemmed view."""
    out = []
    for tok in REGEX_TOKEN.findall(pattern):
        if tok.isalpha():
            folded = fold(tok)
            out.append(stem(folded) if folded.isalpha() else folded)
        elif literal(tok):
            out.append(fold(tok))
        else:
            out.append(tok)
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def compile_pair(pattern: str) -> tuple[Any, Any]:
    """The pattern for the plain view and its stemmed twin (None when stemming breaks the regex),
    compiled once per process. The first is None only for a pattern no engine can run."""
    raw = compiled(fold_pattern(pattern)) or compiled(pattern)
    return raw, compiled(stem_pattern(pattern))


class Overrun(Exception):
    """A pattern used up its time budget on one answer (catastrophic backtracking)."""

    def __init__(self, pattern: str):
        super().__init__(pattern)
        self.pattern = pattern


@dataclass(frozen=True)
class Match:
    """One place where a pattern matched an answer, with the verdict on its polarity."""

    pattern: str
    view: str  # "plain" or "stemmed"
    verdict: str  # "asserted", "negated" or "reported"
    text: str  # the matched words, as the answer wrote them
    evidence: str  # the part of the answer (between commas, sentence ends...) that holds them


def _plain_map(text: str) -> tuple[str, list[int]]:
    """The plain view (folded, whitespace collapsed) and, per character, its index in ``text``.

    A line break stays a break when it ends a thought (after punctuation) or starts a bullet;
    a break in the middle of a sentence, as typed at a terminal, reads as a space."""
    chars: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            if chars and j < n:
                newline = "\n" in text[i:j] and (chars[-1] in ".;:!?," or _BULLET.match(text, j))
                chars.append("\n" if newline else " ")
                where.append(i)
            i = j
            continue
        for f in fold(c):
            chars.append(f)
            where.append(i)
        i += 1
    return "".join(chars), where


_BULLET = re.compile(r"(?:[-*•+]|\d{1,2}[.)])\s")


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


class Answer:
    """A typed answer, cut into pieces with a plain and a stemmed view of each, for matching
    many patterns and judging the polarity of each match."""

    def __init__(self, text: str):
        self.text = text
        self.plain, self._where = _plain_map(text)
        self._judge = Judge(self.plain)
        self._pieces = [(s, e, *self._stem_piece(s, e)) for s, e in pieces(self.plain)]

    def _stem_piece(self, start: int, end: int) -> tuple[str, list[int], list[tuple[int, int]]]:
        words, offsets, spans, pos = [], [], [], 0
        for m in _WORD.finditer(self.plain, start, end):
            w = stem(m.group().replace("'", ""))
            words.append(w)
            offsets.append(pos)
            spans.append(m.span())
            pos += len(w) + 1
        return " ".join(words), offsets, spans

    def _original(self, start: int, end: int) -> str:
        if end <= start:
            return ""
        return self.text[self._where[start]:self._where[end - 1] + 1]

    def find(self, pattern: str) -> list[Match]:
        """Every match of the pattern, at most one per view per piece, with its verdict.
        Raises Overrun when the pattern spends more than its budget on this answer."""
        raw, stem_re = compile_pair(pattern)
        if raw is None:
            return []
        deadline = time.monotonic() + BUDGET
        found = []
        try:
            for start, end, stemmed_text, offsets, spans in self._pieces:
                m = raw.search(self.plain[start:end], timeout=_left(deadline))
                if m is not None:
                    found.append(self._match(pattern, "plain", start + m.start(), start + m.end()))
                    continue
                sm = stem_re.search(stemmed_text, timeout=_left(deadline)) if stem_re and stemmed_text else None
                if sm is not None:
                    first = max(0, bisect.bisect_right(offsets, sm.start()) - 1)
                    last = max(first, bisect.bisect_right(offsets, max(sm.end() - 1, sm.start())) - 1)
                    found.append(self._match(pattern, "stemmed", spans[first][0], spans[last][1]))
        except TimeoutError:
            raise Overrun(pattern) from None
        return found

    def _match(self, pattern: str, view: str, start: int, end: int) -> Match:
        lo, hi = self._judge.segment_span(start, end)
        return Match(pattern, view, self._judge.verdict(start, end), self._original(start, end),
                     self._original(lo, hi).strip())

    def matches(self, pattern: str) -> bool:
        """The pattern matches somewhere, whatever the answer says about it."""
        return bool(self.find(pattern))

    def states(self, pattern: str) -> bool:
        """Some piece asserts what the pattern describes (not negated, not reported)."""
        return any(m.verdict == ASSERTED for m in self.find(pattern))
