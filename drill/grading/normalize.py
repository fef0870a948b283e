"""Two views of a typed answer, so rubric patterns survive paraphrase.

The plain view keeps punctuation (formulas such as ``1/e`` or ``sigma(1-sigma)`` stay
matchable); the stemmed view keeps only words, each reduced by the Snowball English stemmer,
so "scaled", "scaling" and "scales" all read "scale". A rubric pattern is tried raw on the
plain view and, with its own literal words stemmed, on the stemmed view.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from solvers.stem import english_stemmer

_STEMMER = english_stemmer()
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SPACE = re.compile(r"\s+")


# British and American spellings meet: normalise -> normalize, regularisation -> regularization.
_ISE = re.compile(r"^(\w{3,})is(e|ed|es|ing|ation|ations|er|ers)$")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(_ISE.sub(r"\1iz\2", word))


def fold(text: str) -> str:
    """Case-fold and strip accents (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain(text: str) -> str:
    return _SPACE.sub(" ", fold(text)).strip()


def stemmed(text: str) -> str:
    words = (w.replace("'", "") for w in _WORD.findall(fold(text)))
    return " ".join(stem(w) for w in words)


# Literal words of a regex: letters not preceded by a backslash, outside [...] classes and
# {m,n} quantifiers. Group syntax such as (?: or (?P<name> is skipped as well.
_REGEX_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|\{[^}]*\}|\(\?P<[^>]*>|\(\?P=\w+\)|\(\?<[=!]|\(\?[:=!]|[a-z]+|.",
                          re.S)


@functools.lru_cache(maxsize=8192)
def stem_pattern(pattern: str) -> str:
    """Stem the literal words of a regex so it can be matched against the stemmed view."""
    out = []
    for tok in _REGEX_TOKEN.findall(fold(pattern)):
        if tok.isalpha():
            out.append(stem(tok))
        elif tok == " ":
            out.append(" ")
        else:
            out.append(tok)
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def compile_pair(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """The raw pattern and its stemmed twin (None when stemming breaks the regex)."""
    raw = re.compile(pattern, re.IGNORECASE)
    try:
        stemmed_re: re.Pattern[str] | None = re.compile(stem_pattern(pattern), re.IGNORECASE)
    except re.error:
        stemmed_re = None
    return raw, stemmed_re


_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)|\n|\bbut\b|\bhowever\b", re.I)
_NEGATION = re.compile(
    r"\b(not|never|no|nor|neither|cannot|without|myth|wrong|false|incorrect|mistaken|misconception|"
    r"instead of|rather than|contrary|isnt|dont|doesnt|didnt|wont|cant|arent|wasnt|werent|wouldnt|shouldnt|"
    r"couldnt|hasnt|havent)\b|n't\b",
    re.I,
)


def clauses(text: str) -> list[str]:
    """Sentences and clauses (split at . ; ! ? newlines, 'but', 'however'), for judging
    whether a wrong belief is stated or refuted."""
    return [c for c in _SENTENCE_END.split(text) if c.strip()]


def negated(text: str) -> bool:
    return bool(_NEGATION.search(fold(text)))


class Answer:
    """A typed answer with both views computed once, for matching many patterns."""

    def __init__(self, text: str):
        self.text = text
        self.plain = plain(text)
        self.stemmed = stemmed(text)

    def matches(self, pattern: str) -> bool:
        raw, stem_re = compile_pair(pattern)
        if raw.search(self.plain):
            return True
        return bool(stem_re and stem_re.search(self.stemmed))

    @functools.cached_property
    def _asserted(self) -> list[Answer]:
        """The clauses without a negation, each normalised once."""
        return [Answer(c) for c in clauses(self.text) if not negated(c)]

    def states(self, pattern: str) -> bool:
        """True when some clause asserts what the pattern describes: a clause that carries a
        negation ("it is not true that...", "rather than") refutes the belief, not states it."""
        return any(clause.matches(pattern) for clause in self._asserted)
