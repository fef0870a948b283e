"""Tokenising shared by the text solvers (tf-idf and Naive Bayes), fast enough for 50k documents.

A token is a run of word characters (``\\w``: letters, digits, underscore, in any script) in
which single apostrophes may join parts, so "doesn't" stays one token; each token is
lower-cased and a typographic apostrophe (’) is written as '. Optionally stop words are dropped
(:data:`STOP_WORDS`, a short English list) and the rest are stemmed with the Snowball English
stemmer (Porter 2), so that gets/get, loves/love and birds/bird become one term. Stems are
cached per distinct token: a corpus has far fewer distinct tokens than tokens.

:func:`count_terms` counts terms per document for a whole stream of documents without a
dense documents x vocabulary matrix. It tokenises a chunk of documents at a time with bytes
operations (one translate, one split) and runs the word regex only once per distinct run of
characters, which is what makes 50,000 documents take about a second; it gives exactly the
tokens of :meth:`Tokenizer.__call__`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import numpy as np

from solvers.result import SolverInputError

# Usable as scikit-learn's ``token_pattern`` too (no capturing group).
TOKEN_PATTERN = r"\w+(?:['’]\w+)*"
_TOKEN_RE = re.compile(TOKEN_PATTERN)

STOP_WORDS: frozenset[str] = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves""".split()
)


def words(text: str) -> list[str]:
    """The lower-cased tokens of ``text`` in order: no stop-word removal, no stemming.

    >>> words("The worm DOESN'T like the early bird.")
    ['the', 'worm', "doesn't", 'like', 'the', 'early', 'bird']
    """
    return [t.lower().replace("’", "'") for t in _TOKEN_RE.findall(text)]


class _StemCache(dict[str, str]):
    """word -> Snowball English stem, filled on first use (the stemmer is pure Python, ~25 us)."""

    def __missing__(self, word: str) -> str:
        if not hasattr(self, "_stemmer"):
            from solvers.stem import english_stemmer

            self._stemmer = english_stemmer()
        stem = self[word] = self._stemmer.stemWord(word)
        return stem


_STEMS = _StemCache()


def stem(word: str) -> str:
    """Snowball English stem of a lower-case word, cached.

    >>> [stem(w) for w in ("gets", "loves", "birds", "early")]
    ['get', 'love', 'bird', 'earli']
    """
    return _STEMS[word]


@dataclass(frozen=True)
class Tokenizer:
    """Text -> terms, with the options the solvers expose.

    ``vocabulary`` (terms after stemming) keeps only those terms when given; build it with
    :meth:`restrict` so that the term list is normalised exactly like the text.
    """

    stem: bool = False
    stop_words: bool = False
    vocabulary: frozenset[str] | None = None

    def term(self, token: str) -> str | None:
        """The term for one lower-cased token, or None when it is dropped."""
        if self.stop_words and token in STOP_WORDS:
            return None
        term = _STEMS[token] if self.stem else token
        if self.vocabulary is not None and term not in self.vocabulary:
            return None
        return term

    def __call__(self, text: str) -> list[str]:
        """The terms of ``text`` in order of occurrence."""
        return [t for t in map(self.term, words(text)) if t is not None]

    def restrict(self, terms: Iterable[str], where: str = "terms") -> tuple[Tokenizer, dict[str, str]]:
        """A tokenizer keeping only ``terms`` (each one word, normalised like the text).

        Returns the tokenizer and a map from each normalised term to the word as given, so
        tables can show "early" rather than its stem "earli".
        """
        shown: dict[str, str] = {}
        for given in terms:
            if not isinstance(given, str):
                raise SolverInputError(f"{where}: {given!r} is not a word")
            parts = words(given)
            if len(parts) != 1:
                raise SolverInputError(f"{where}: {given!r} must be exactly one word")
            term = self.term(parts[0])
            if term is None:
                raise SolverInputError(f"{where}: {given!r} is a stop word; drop it or turn stop_words off")
            shown.setdefault(term, given.strip())
        if not shown:
            raise SolverInputError(f"{where}: the term list is empty")
        return Tokenizer(self.stem, self.stop_words, frozenset(shown)), shown


@dataclass(frozen=True, eq=False)
class TermCounts:
    """Sparse document-term counts of a corpus (compressed rows, like a CSR matrix).

    Document ``d`` holds the entries ``indptr[d]:indptr[d + 1]`` of the parallel int32 arrays
    ``term`` and ``count``, term ids ascending; ``terms[i]`` is the term with id ``i`` (ids in
    order of first occurrence). Shapes: indptr (n_docs + 1,), term and count (nnz,).
    """

    terms: tuple[str, ...]
    index: dict[str, int]  # term -> id, the inverse of ``terms``
    indptr: np.ndarray
    term: np.ndarray
    count: np.ndarray
    n_tokens: int = 0

    @property
    def n_docs(self) -> int:
        return len(self.indptr) - 1

    def doc(self) -> np.ndarray:
        """The document index of every entry, shape (nnz,)."""
        return np.repeat(np.arange(self.n_docs), np.diff(self.indptr))

    def document_frequency(self) -> np.ndarray:
        """df per term id: the number of documents containing the term, shape (n_terms,)."""
        return np.bincount(self.term, minlength=len(self.terms))

    def row_sums(self, values: np.ndarray) -> np.ndarray:
        """Per-document sums of per-entry ``values`` (nnz,) -> (n_docs,), 0 for empty documents."""
        out = np.zeros(self.n_docs)
        starts = self.indptr[:-1]
        nonempty = starts < self.indptr[1:]
        if values.size:
            out[nonempty] = np.add.reduceat(values, starts[nonempty])
        return out

    def dense(self) -> np.ndarray:
        """The (n_docs, n_terms) count matrix; only for small corpora (tables in the steps)."""
        out = np.zeros((self.n_docs, len(self.terms)), dtype=np.int64)
        out[self.doc(), self.term] = self.count
        return out


# Bytes table for the fast path: ASCII letters lower-cased; ASCII word characters, the
# apostrophe, NUL (our document separator) and every non-ASCII byte kept; the rest -> space.
def _byte_table() -> bytes:
    table = bytearray(range(256))
    for b in range(128):
        ch = chr(b)
        if not (ch.isalnum() or ch in "_'\x00"):
            table[b] = ord(" ")
    table[ord("A") : ord("Z") + 1] = bytes(range(ord("a"), ord("z") + 1))
    return bytes(table)


_TABLE = _byte_table()
_SEP = "\x00"
_SEP_ID = -2
_NONE_ID = -1
_SHIFT = 31  # key = local document index << 31 | term id


class _RunIds(dict[bytes, int]):
    """Distinct byte runs -> term id, filled by tokenising each run once.

    A run is a maximal stretch without ASCII separators. It holds no token (id -1), one
    term (its id), or several (an index into ``several``, encoded as -3 - index). Tokens are
    made of word characters and apostrophes only, so none spans an ASCII separator and the
    regex applied run by run finds exactly the tokens it finds in the whole text; lower-casing
    ASCII first does not change them either (case does not decide what is a word character).
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        super().__init__({_SEP.encode(): _SEP_ID})
        self.tokenizer = tokenizer
        self.plain = tokenizer == Tokenizer()  # every token is its own term: skip term()
        self.ids: dict[str, int] = {}
        self.several: list[list[int]] = []

    def __missing__(self, run: bytes) -> int:
        if run.isascii() and b"'" not in run:  # the common case: exactly one plain word
            term = run.decode("ascii") if self.plain else self.tokenizer.term(run.decode("ascii"))
            value = _NONE_ID if term is None else self.ids.setdefault(term, len(self.ids))
        else:
            terms = self.tokenizer(run.decode("utf-8", "surrogatepass"))
            ids = [self.ids.setdefault(t, len(self.ids)) for t in terms]
            if not ids:
                value = _NONE_ID
            elif len(ids) == 1:
                value = ids[0]
            else:
                self.several.append(ids)
                value = -3 - (len(self.several) - 1)
        self[run] = value
        return value


def _chunk_ids(chunk: list[str], first: int, runs: _RunIds) -> np.ndarray:
    """Token ids of a chunk of documents, each document followed by the separator id."""
    try:
        text = _SEP.join(chunk) + _SEP
    except TypeError:
        bad = next(i for i, d in enumerate(chunk) if not isinstance(d, str))
        raise SolverInputError(f"docs: document {first + bad + 1} is not text") from None
    if text.count(_SEP) != len(chunk):  # a document contains NUL: not a word character anyway
        text = _SEP.join(d.replace(_SEP, " ") for d in chunk) + _SEP
    data = text.encode("utf-8", "surrogatepass").translate(_TABLE).replace(b"\x00", b" \x00 ")
    pieces = data.split()
    return np.fromiter(map(runs.__getitem__, pieces), dtype=np.int64, count=len(pieces))


def _chunk_counts(ids: np.ndarray, runs: _RunIds, n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries per document, term ids and counts of one chunk of ``n_docs`` documents."""
    is_sep = ids == _SEP_ID
    doc = np.cumsum(is_sep)  # for a token: the number of documents that ended before it
    keep = ids >= 0
    keys = [(doc[keep] << _SHIFT) | ids[keep]]
    for pos in np.flatnonzero(ids <= -3):  # runs holding several tokens, e.g. "word—word"
        extra = np.asarray(runs.several[-3 - int(ids[pos])], dtype=np.int64)
        keys.append((doc[pos] << _SHIFT) | extra)
    unique, counts = np.unique(np.concatenate(keys), return_counts=True)
    lengths = np.bincount(unique >> _SHIFT, minlength=n_docs)
    return lengths, (unique & ((1 << _SHIFT) - 1)).astype(np.int32), counts.astype(np.int32)


def count_terms(docs: Iterable[str], tokenizer: Tokenizer, chunk_size: int = 512) -> TermCounts:
    """Count terms per document over a stream of documents, one pass, sparse.

    ``docs`` is any iterable of strings (a list, a generator, an open text file whose lines
    are the documents). Memory holds one chunk of text plus the sparse entries.
    """
    runs = _RunIds(tokenizer)
    it: Iterator[str] = iter(docs)
    lengths, terms, counts = [np.zeros(1, dtype=np.int64)], [], []
    n_docs = 0
    while chunk := list(islice(it, chunk_size)):
        ids = _chunk_ids(chunk, n_docs, runs)
        chunk_lengths, chunk_terms, chunk_counts = _chunk_counts(ids, runs, len(chunk))
        lengths.append(chunk_lengths)
        terms.append(chunk_terms)
        counts.append(chunk_counts)
        n_docs += len(chunk)
    count = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int32)
    return TermCounts(
        terms=tuple(runs.ids),
        index=runs.ids,
        indptr=np.cumsum(np.concatenate(lengths)),
        term=np.concatenate(terms) if terms else np.zeros(0, dtype=np.int32),
        count=count,
        n_tokens=int(count.sum()),
    )
