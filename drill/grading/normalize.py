"""Two views of a typed answer, so rubric patterns survive paraphrase, and where each match is.

The plain view keeps punctuation (formulas such as ``1/e`` or ``sigma(1-sigma)`` stay
matchable); the stemmed view keeps only words, each reduced by the Snowball English stemmer,
so "scaled", "scaling" and "scales" all read "scale". A rubric pattern is tried raw on the
plain view and, with its own literal words stemmed, on the stemmed view.
"""

from __future__ import annotations

import bisect
import functools
import gc
import re
import time
from dataclasses import dataclass
from typing import Any

from drill.grading.polarity import ASSERTED, Judge, pieces
from drill.patterns import BUDGET, Analysis, Plan, compiled, compiled_re, fold, plan, stem, within

__all__ = ["Answer", "Match", "Overrun", "warm"]

# A word, or a fraction ("1/4"), which the stemmed view must not read as two numbers; a decimal
# point still splits ("0.5" reads "0 5"), since patterns that stop at a full stop ([^.;]) rely on it.
_WORD = re.compile(r"\d+(?:/\d+)+|[^\W_]+(?:'[^\W_]+)*")


def _search(source: str, analysis: Analysis, text: str, longest: int, deadline: float, at: int = 0) -> Any:
    """Python's engine where the pattern's backtracking on this text is known to be small (it
    compiles several times faster); otherwise the ``regex`` module, within the time left. The
    match starts at ``at`` or later; a lookbehind sees the text before it."""
    if within(analysis.cost, len(text), longest):
        fast = compiled_re(source)
        if fast is not None:
            return fast.search(text, at)
    slow = compiled(source)
    return slow.search(text, at, timeout=_left(deadline)) if slow is not None else None


@functools.lru_cache(maxsize=65536)
def _looks_back(source: str) -> bool:
    """The regex has a lookbehind and no ``^`` (which means the start of its part, and keeps
    that meaning): such a pattern is searched with its sentence before it."""
    return ("(?<=" in source or "(?<!" in source) and not _ANCHOR.search(source)


_ANCHOR = re.compile(r"(?<![\\\[])\^")


def warm(pattern: str | Plan) -> None:
    """Compile both views of a pattern now, as a typical answer would need them."""
    p = pattern if isinstance(pattern, Plan) else plan(pattern)
    for source, analysis in ((p.raw, p.raw_analysis), (p.stem, p.stem_analysis)):
        if within(analysis.cost, 200, 20):
            compiled_re(source)
        else:
            compiled(source)


_ATTEMPTS = 20  # runs of a pattern cut short by a busy machine, at most, before it is an overrun


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
    span: tuple[int, int] = (0, 0)  # where the matched words are in the plain view
    item: int = -1  # which list item of the answer holds the matched words' start

    def overlaps(self, other: Match) -> bool:
        return self.span[0] < other.span[1] and other.span[0] < self.span[1]

    def shares_claim(self, other: Match) -> bool:
        """Both matches are in one claim: their words overlap, or they start in one list item."""
        return self.overlaps(other) or self.item == other.item >= 0


def _plain_map(text: str) -> tuple[str, list[int]]:
    """The plain view (folded, whitespace collapsed) and, per character, its index in ``text``.

    A line break stays a break when it ends a thought (after punctuation) or starts a bullet;
    a break in the middle of a sentence, as typed at a terminal, reads as a space."""
    chunks: list[str] = []
    where: list[int] = []
    for m in _RUN.finditer(text):
        run, at = m.group(), m.start()
        if run[0].isspace():
            if not chunks or m.end() == len(text):
                continue
            newline = "\n" in run and (chunks[-1][-1] in ".;:!?," or _BULLET.match(text, m.end()))
            chunks.append("\n" if newline else " ")
            where.append(at)
        elif run.isascii():
            chunks.append(run.lower())
            where.extend(range(at, m.end()))
        else:
            for i, c in enumerate(run, at):
                folded = _fold_char(c)
                if folded:
                    chunks.append(folded)
                    where.extend([i] * len(folded))
    return "".join(chunks), where


_RUN = re.compile(r"\s+|\S+")


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    return fold(c)


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
        self._pieces = [(s, e, *self._stem_piece(s, e), max(map(len, self.plain[s:e].split()), default=0))
                        for s, e in pieces(self.plain)]
        self._stemmed = "\n".join(p[2] for p in self._pieces)
        # ", and" (", or", ", but"...) cuts a sentence into parts so that polarity does not leak
        # across, but a lookbehind must still see the sentence: "Add a radius feature, and k-means
        # will separate the ring" is no claim that plain k-means does. Per part: the first part of
        # its sentence, the longest word from there, and the stemmed sentence up to its end with
        # where the part starts in it.
        self._sentence: list[tuple[int, int, str, int]] = []
        for i, (start, _end, stemmed, *_rest, longest) in enumerate(self._pieces):
            if i > 0 and self.plain[self._pieces[i - 1][1]:start].strip() == ",":
                lead, wide, before, _at = self._sentence[i - 1]
                self._sentence.append((lead, max(wide, longest), f"{before} {stemmed}", len(before) + 1))
            else:
                self._sentence.append((i, longest, stemmed, 0))
        self._views = ((self.plain, [self.plain[p[0]:p[1]] for p in self._pieces]),
                       (self._stemmed, [p[2] for p in self._pieces]))
        self._found: tuple[dict[str, int], dict[str, int]] = ({}, {})  # needle -> pieces holding it
        self._every = (1 << len(self._pieces)) - 1

    def _holding(self, analysis: Analysis, view: int) -> int:
        """The pieces (a bit each) whose text in this view holds one text of every set that a
        match of the pattern needs (``Analysis.required``): the only pieces worth searching.
        Patterns of a question share most of their texts, so each is looked for once per answer."""
        if not analysis.required:
            return self._every
        found = self._found[view]
        mask = self._every
        for texts in analysis.required:
            either = 0
            for text in texts:
                where = found.get(text)
                if where is None:
                    whole, pieces = self._views[view]
                    where = 0
                    if text in whole:
                        for i, piece in enumerate(pieces):
                            if text in piece:
                                where |= 1 << i
                    found[text] = where
                either |= where
            mask &= either
            if not mask:
                return 0
        return mask

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

    def find(self, pattern: str | Plan) -> list[Match]:
        """Every match of the pattern, at most one per view per piece, with its verdict.
        Raises Overrun when the pattern spends more than its budget on this answer.

        The budget is wall-clock time (what the ``regex`` module's timeout measures), so a run
        cut short while this thread got little CPU (a busy machine) is tried again. Only a retry
        reads the thread's CPU clock: that is a system call, and most patterns never time out."""
        p = pattern if isinstance(pattern, Plan) else plan(pattern)
        raw, stemmed = self._holding(p.raw_analysis, 0), self._holding(p.stem_analysis, 1)
        if not (raw or stemmed):
            return []
        collecting = gc.isenabled()
        gc.disable()  # a garbage collection of a large process must not count as the pattern's time
        try:
            cpu = None
            for _attempt in range(_ATTEMPTS + 1):
                try:
                    return self._find(p, raw, stemmed, time.monotonic() + BUDGET)
                except TimeoutError:
                    if cpu is not None and time.thread_time() - cpu >= BUDGET / 2:
                        break
                    cpu = time.thread_time()
        finally:
            if collecting:
                gc.enable()
        raise Overrun(p.pattern)

    def _find(self, p: Plan, raw: int, stemmed: int, deadline: float) -> list[Match]:
        """Search the pieces that hold the texts the pattern needs (bits of ``raw`` and ``stemmed``)."""
        found = []
        for i, (start, end, stemmed_text, offsets, spans, longest) in enumerate(self._pieces):
            bit = 1 << i
            lead, wide, stem_sentence, stem_at = self._sentence[i]
            at = self._pieces[lead][0] if lead != i and _looks_back(p.raw) else start
            m = (_search(p.raw, p.raw_analysis, self.plain[at:end], wide if at != start else longest, deadline, start - at)
                 if raw & bit else None)
            if m is not None:
                found.append(self._match(p.pattern, "plain", at + m.start(), at + m.end()))
                continue
            if not stemmed & bit:
                continue
            shift = stem_at if lead != i and _looks_back(p.stem) else 0
            text = stem_sentence if shift else stemmed_text
            sm = _search(p.stem, p.stem_analysis, text, wide if shift else longest, deadline, shift)
            if sm is not None:
                s0, s1 = sm.start() - shift, sm.end() - shift
                first = max(0, bisect.bisect_right(offsets, s0) - 1)
                last = max(first, bisect.bisect_right(offsets, max(s1 - 1, s0)) - 1)
                found.append(self._match(p.pattern, "stemmed", spans[first][0], spans[last][1]))
        return found

    def _match(self, pattern: str, view: str, start: int, end: int) -> Match:
        lo, hi = self._judge.segment_span(start, end)
        return Match(pattern, view, self._judge.verdict(start, end, pattern), self._original(start, end),
                     self._original(lo, hi).strip(), (start, end), self._judge.item_of(start))

    def matches(self, pattern: str | Plan) -> bool:
        """The pattern matches somewhere, whatever the answer says about it."""
        return bool(self.find(pattern))

    def states(self, pattern: str | Plan) -> bool:
        """Some piece asserts what the pattern describes (not negated, not reported)."""
        return any(m.verdict == ASSERTED for m in self.find(pattern))
