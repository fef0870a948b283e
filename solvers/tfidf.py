"""Rank documents against a query by tf-idf cosine similarity (book 8.2.1-Q5).

Each document d and the query q become vectors over the terms t of the corpus vocabulary,

    w(d, t) = tf(c(d, t)) * idf(t)        c = count of t in d, N = number of documents,
                                          df(t) = number of documents containing t

    tf:   raw c  |  log 1 + ln c (for c > 0, else 0)  |  binary 1 if c > 0
    idf:  plain ln(N / df)  |  smooth ln((1 + N) / (1 + df)) + 1 (scikit-learn's default)
          |  log10 log10(N / df)

and documents are scored by cosine similarity, score(d) = w(d) . w(q) / (|w(d)| |w(q)|)
(``norm="l2"``; a zero vector scores 0), or by the plain dot product (``norm="none"``). The
query is weighted exactly like a document, with the corpus's idf; query terms that occur in
no document have no idf and are dropped (listed in a step); a query left with no term at all
is an input error, while a query whose terms all have idf 0 gives all-zero scores (reported).
This is the textbook convention (Manning, Raghavan & Schütze, *Introduction to Information
Retrieval*, ch. 6). With
``tf="raw", idf="smooth", norm="l2"`` the scores equal scikit-learn's ``TfidfVectorizer``
followed by cosine similarity; its ``smooth_idf=False`` is ln(N/df) + 1, not our "plain".

Ranking order: by score, highest first; scores equal to 12 decimal places are a tie and keep
document order (D1 before D2). Ties and all-zero scores are reported in a step and the headline.

Scale: documents are streamed once (any iterable of strings, e.g. an open file's lines) into
sparse per-document counts (:func:`solvers.text.count_terms`); the norms and dot products are
vectorised sums over those entries. No documents x vocabulary matrix is built except for the
tables of a small corpus. For more than ``KEEP_DOCS`` documents ``result.inputs["docs"]``
holds the source's name (the ``name`` of an open file, or the ``path`` of a file-lines object,
i.e. what ``--docs FILE`` was given) instead of the documents.

>>> r = solve()
>>> r.top[:2], round(r.scores["D4"], 4), round(r.scores["D3"], 4)
(['D4', 'D3'], 0.8286, 0.7434)
>>> r.headline()
'D4 ranks first (0.8286), then D3 (0.7434), D2 (0.7373), D5 (0.5435), D1 (0)'
"""

from __future__ import annotations

import random
from itertools import chain, islice
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.result import Result, SolverInputError, Step, Table, rounded
from solvers.text import TermCounts, Tokenizer, count_terms

INPUTS = ("docs", "query", "terms", "tf", "idf", "norm", "stem", "stop_words", "top")

BOOK_DOCS: tuple[str, ...] = (
    "The duck loves to eat the worm",
    "The worm doesn’t like the early bird",
    "The bird loves to get up early to get the worm",
    "The bird gets the worm from the early duck",
    "The duck and the birds are so different from each other but one thing they have in common "
    "is that they both get the worm",
)
BOOK_QUERY = "The early bird gets the worm"
BOOK_TERMS: tuple[str, ...] = ("bird", "duck", "worm", "early", "get", "love")

TF_KINDS = {"raw": "tf = c (raw count)", "log": "tf = 1 + ln c for c > 0", "binary": "tf = 1 if c > 0"}
IDF_KINDS = {
    "plain": "idf = ln(N / df)",
    "smooth": "idf = ln((1 + N) / (1 + df)) + 1",
    "log10": "idf = log10(N / df)",
}
NORMS = {"l2": "cosine similarity (L2-normalised vectors)", "none": "dot product (no normalisation)"}

KEEP_DOCS = 100  # keep the documents themselves in result.inputs up to this many
SMALL_DOCS = 20  # full step tables (every document) up to this many documents
SMALL_TERMS = 30  # ... and every term as a column up to this many terms
SHOW_TOP = 10  # rows of the top-K table for a large corpus when top is not given
TIE_DECIMALS = 12
TIE_LISTED = 5  # documents named per tie group in the ties step
# Size limits, checked as the documents stream in (a corpus need not fit in memory, but an
# endless stream or one endless line must stop with a message, not exhaust memory).
MAX_DOCS = 2_000_000
MAX_DOC_CHARS = 1_000_000


@dataclass(frozen=True)
class TfidfResult(Result):
    """Ranking of the documents; ``ranking``/``scores``/``ranks`` cover the ``top`` best (all by default)."""

    ranking: list[dict[str, Any]] = None  # type: ignore[assignment]
    top: list[str] = None  # type: ignore[assignment]
    ranks: dict[str, int] = None  # type: ignore[assignment]
    scores: dict[str, float] = None  # type: ignore[assignment]

    def headline(self) -> str:
        shown = self.ranking[:5]
        if not shown:
            return "no documents ranked"
        first, rest = shown[0], shown[1:]
        text = f"{first['doc']} ranks first ({first['score']:.4g})"
        if rest:
            text += ", then " + ", ".join(f"{r['doc']} ({r['score']:.4g})" for r in rest)
        notes = [s.value for s in self.steps if s.key in ("all_zero", "ties")]
        return "; ".join([text, *notes])


def solve(
    docs: Iterable[str] | None = None,
    query: str | None = None,
    terms: list[str] | str | None = None,
    tf: str = "raw",
    idf: str = "plain",
    norm: str = "l2",
    stem: bool | None = None,
    stop_words: bool = False,
    top: int | None = None,
) -> TfidfResult:
    """Rank ``docs`` (named D1, D2, ... in order) against ``query`` by tf-idf.

    With ``docs`` omitted this is the book's exercise: its five documents and query, the term
    set {bird, duck, worm, early, get, love} and stemming on. With your own ``docs``,
    ``terms=None`` keeps every term and ``stem=None`` means no stemming. ``top`` limits the
    answer fields to the best ``top`` documents.
    """
    book = docs is None
    if book:
        docs = BOOK_DOCS
        query = BOOK_QUERY if query is None else query
        terms = BOOK_TERMS if terms is None else terms
        stem = True if stem is None else stem
    options = _check_options(query, tf, idf, norm, stem, stop_words, top)
    if isinstance(docs, (str, bytes)):
        raise SolverInputError(
            "docs must be a list of documents, not one string (to rank a file's lines, pass the open file)"
        )
    tokenizer = Tokenizer(stem=bool(stem), stop_words=stop_words)
    shown: dict[str, str] = {}
    if terms is not None:
        term_list = [t for t in terms.split(",") if t.strip()] if isinstance(terms, str) else list(terms)
        tokenizer, shown = tokenizer.restrict(term_list)
    try:
        stream = iter(docs)
    except TypeError:
        raise SolverInputError(f"docs must be a list of documents; got {type(docs).__name__}") from None
    stream = _bounded(stream)
    kept = list(islice(stream, KEEP_DOCS + 1))  # enough to tell a small corpus, for ``inputs``
    counts = count_terms(chain(kept, stream), tokenizer)
    if counts.n_docs == 0:
        raise SolverInputError("docs is empty: give at least one document")
    inputs = {
        "docs": _docs_input(docs, kept, counts.n_docs),
        "query": query,
        "terms": list(shown.values()) if terms is not None else None,
        **options,
        "stem": bool(stem),
    }
    return _rank(counts, tokenizer, shown, inputs)


def _check_options(query: Any, tf: str, idf: str, norm: str, stem: Any, stop_words: Any, top: Any) -> dict[str, Any]:
    if not isinstance(query, str):
        raise SolverInputError("query must be given, as a string, when docs are given")
    for name, value, allowed in (("tf", tf, TF_KINDS), ("idf", idf, IDF_KINDS), ("norm", norm, NORMS)):
        if value not in allowed:
            raise SolverInputError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    if stem is not None and not isinstance(stem, bool):
        raise SolverInputError(f"stem must be true or false; got {stem!r}")
    if not isinstance(stop_words, bool):
        raise SolverInputError(f"stop_words must be true or false; got {stop_words!r}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise SolverInputError(f"top must be a whole number of documents >= 1; got {top!r}")
    return {"tf": tf, "idf": idf, "norm": norm, "stop_words": stop_words, "top": top}


def _docs_input(docs: Any, kept: list[str], n_docs: int) -> list[str] | str:
    """What ``result.inputs["docs"]`` holds: the documents if few, else the source's name."""
    if n_docs <= KEEP_DOCS:
        return [d.rstrip("\r\n") for d in kept]
    name = getattr(docs, "name", None) or getattr(docs, "path", None)  # open file / drill's TextLines
    return str(name) if name is not None else f"<{n_docs} documents, not kept>"


def _tf(counts: np.ndarray, kind: str) -> np.ndarray:
    counts = counts.astype(np.float64)
    if kind == "log":
        return np.where(counts > 0, 1.0 + np.log(np.maximum(counts, 1.0)), 0.0)
    if kind == "binary":
        return (counts > 0).astype(np.float64)
    return counts


def _idf(df: np.ndarray, n_docs: int, kind: str) -> np.ndarray:
    df = df.astype(np.float64)
    if kind == "smooth":
        return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    if kind == "log10":
        return np.log10(n_docs / df)
    return np.log(n_docs / df)


@dataclass(frozen=True)
class _Scores:
    """The vectors behind the ranking, for the answer fields and the steps."""

    df: np.ndarray  # (n_terms,)
    idf: np.ndarray  # (n_terms,)
    query_counts: np.ndarray  # (n_terms,)
    query_weights: np.ndarray  # (n_terms,)
    query_norm: float
    doc_norms: np.ndarray  # (n_docs,)
    dots: np.ndarray  # (n_docs,)
    scores: np.ndarray  # (n_docs,)
    order: np.ndarray  # document indices, best first


def _score(counts: TermCounts, query_counts: np.ndarray, tf: str, idf_kind: str, norm: str) -> _Scores:
    """Scores from the sparse entries: O(nnz) time, a few nnz-long float arrays of memory."""
    df = counts.document_frequency()
    idf = _idf(np.maximum(df, 1), counts.n_docs, idf_kind)  # every vocabulary term has df >= 1
    weights = _tf(counts.count, tf)
    weights *= idf[counts.term]
    query_weights = _tf(query_counts, tf) * idf
    hits = np.flatnonzero((query_weights != 0)[counts.term])  # entries of the query's terms
    hit_docs = np.searchsorted(counts.indptr, hits, side="right") - 1
    hit_weights = weights[hits] * query_weights[counts.term[hits]]
    dots = np.bincount(hit_docs, weights=hit_weights, minlength=counts.n_docs).astype(np.float64)  # int if empty
    weights *= weights
    doc_norms = np.sqrt(counts.row_sums(weights))
    query_norm = float(np.sqrt(query_weights @ query_weights))
    if norm == "l2":
        denominator = doc_norms * query_norm
        scores = np.divide(dots, denominator, out=np.zeros_like(dots), where=denominator > 0)
    else:
        scores = dots
    rounded = np.round(scores, TIE_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    order = np.lexsort((np.arange(counts.n_docs), -rounded))
    return _Scores(df, idf, query_counts, query_weights, query_norm, doc_norms, dots, scores, order)


def _rank(counts: TermCounts, tokenizer: Tokenizer, shown: dict[str, str], inputs: dict[str, Any]) -> TfidfResult:
    index = counts.index
    query_terms = Tokenizer(tokenizer.stem, tokenizer.stop_words)(inputs["query"])
    query_counts = np.zeros(len(counts.terms))
    unknown: list[str] = []
    for term in query_terms:
        if term in index:
            query_counts[index[term]] += 1
        elif term not in unknown:
            unknown.append(term)
    if not query_counts.any():
        where = "the term set" if shown else "any document"
        if not unknown:
            raise SolverInputError("query: it has no words (after stop words), so there is nothing to rank by")
        raise SolverInputError(f"query: its words ({', '.join(unknown)}) are not in {where}, "
                               "so there is nothing to rank by")
    s = _score(counts, query_counts, inputs["tf"], inputs["idf"], inputs["norm"])
    k = counts.n_docs if inputs["top"] is None else min(inputs["top"], counts.n_docs)
    best = s.order[:k]
    names = [f"D{i + 1}" for i in best]
    values = [float(s.scores[i]) for i in best]
    steps = _steps(counts, shown, s, unknown, query_terms, inputs)
    return TfidfResult(
        ranking=[{"doc": n, "score": v} for n, v in zip(names, values)],
        top=names,
        ranks={n: r for r, n in enumerate(names, 1)},
        scores=dict(zip(names, values)),
        inputs=inputs,
        steps=tuple(steps),
    )


def _label(term: str, shown: dict[str, str]) -> str:
    return shown.get(term, term)


def _variant(inputs: dict[str, Any], shown: dict[str, str]) -> str:
    parts = [
        TF_KINDS[inputs["tf"]],
        IDF_KINDS[inputs["idf"]],
        NORMS[inputs["norm"]],
        "query weighted like the documents",
        "Snowball stemming" if inputs["stem"] else "no stemming",
        "stop words removed" if inputs["stop_words"] else "stop words kept",
        f"terms restricted to {{{', '.join(shown.values())}}}" if shown else "every term of the corpus",
    ]
    return "; ".join(parts)


def _steps(
    counts: TermCounts,
    shown: dict[str, str],
    s: _Scores,
    unknown: list[str],
    query_terms: list[str],
    inputs: dict[str, Any],
) -> list[Step]:
    n = counts.n_docs
    steps = [
        Step("variant", "Variant", _variant(inputs, shown)),
        Step("corpus", "Corpus", f"N = {n} documents, {len(counts.terms)} terms, {counts.n_tokens} term occurrences"),
    ]
    if unknown:
        steps.append(
            Step("unknown_query_terms", "Query terms outside the vocabulary (dropped: no idf)", ", ".join(unknown),
                 note="a term counts only if some document contains it (and it is in the term set, if one is given)")
        )
    if n <= SMALL_DOCS:
        steps += _small_steps(counts, shown, s, query_terms, inputs)
    else:
        steps += _large_steps(counts, shown, s, inputs)
    steps += _tie_steps(s, n if inputs["top"] is None else min(inputs["top"], n))
    return steps


def _columns(counts: TermCounts, shown: dict[str, str], s: _Scores) -> np.ndarray:
    """Term ids shown as table columns: every term if few (a given term set in its order),
    else the query's terms."""
    if len(counts.terms) > SMALL_TERMS:
        return np.flatnonzero(s.query_counts)
    if shown:
        return np.array([counts.index[t] for t in shown if t in counts.index], dtype=np.int64)
    return np.arange(len(counts.terms))


def _rows(matrix: np.ndarray, cast: Any) -> tuple[tuple[Any, ...], ...]:
    """A 2-D array as table rows of plain numbers (``int`` or ``rounded``)."""
    return tuple(tuple(cast(v) for v in row) for row in np.atleast_2d(matrix))


def _small_steps(
    counts: TermCounts, shown: dict[str, str], s: _Scores, query_terms: list[str], inputs: dict[str, Any]
) -> list[Step]:
    """Every table of the hand computation: documents x terms, then one value per document."""
    cols = _columns(counts, shown, s)
    heads = tuple(_label(counts.terms[c], shown) for c in cols)
    names = tuple(f"D{i + 1}" for i in range(counts.n_docs))
    dense = counts.dense()
    weights = _tf(dense, inputs["tf"]) * s.idf
    note = "" if len(cols) == len(counts.terms) else "only the query's terms are shown; norms use every term"
    score_formula = "cos(d, q) = w(d) . w(q) / (|w(d)| |w(q)|)" if inputs["norm"] == "l2" else "score = w(d) . w(q)"
    def column(name: str, values: np.ndarray) -> Table:
        return Table((name,), _rows(values[:, None], rounded), names)

    counts_rows = _rows(dense[:, cols], int) + _rows(s.query_counts[cols], int)
    ranking = tuple((f"D{i + 1}", rounded(s.scores[i])) for i in s.order)
    return [
        Step("counts", "Term counts c(d, t)", Table(heads, counts_rows, names + ("Q",)), note=note),
        Step("df", "Document frequency df(t)", Table(heads, _rows(s.df[cols], int), ("df",)),
             "df(t) = number of documents containing t"),
        Step("idf", "Inverse document frequency", Table(heads, _rows(s.idf[cols], rounded), ("idf",)),
             IDF_KINDS[inputs["idf"]] + f", N = {counts.n_docs}"),
        Step("weights", "tf-idf weights w(d, t)", Table(heads, _rows(weights[:, cols], rounded), names),
             "w(d, t) = tf(c(d, t)) x idf(t), " + TF_KINDS[inputs["tf"]], note=note),
        Step("norms", "Document norms |w(d)|", column("norm", s.doc_norms), "|w(d)| = sqrt(sum over t of w(d, t)^2)"),
        Step("query_weights", "Query weights w(q, t)", Table(heads, _rows(s.query_weights[cols], rounded), ("Q",)),
             f"query tokens {[_label(t, shown) for t in query_terms]}, weighted like a document"),
        Step("query_norm", "Query norm |w(q)|", rounded(s.query_norm), "|w(q)| = sqrt(sum over t of w(q, t)^2)"),
        Step("dots", "Dot products w(d) . w(q)", column("dot", s.dots), "sum over t of w(d, t) w(q, t)"),
        Step("scores", "Scores", column("score", s.scores), score_formula),
        Step("ranking", "Ranking", Table(("doc", "score"), ranking, tuple(map(str, range(1, counts.n_docs + 1))))),
    ]


def _large_steps(counts: TermCounts, shown: dict[str, str], s: _Scores, inputs: dict[str, Any]) -> list[Step]:
    qcols = np.flatnonzero(s.query_counts)
    df = s.df
    r4 = rounded
    query_table = Table(
        ("count in query", "df", "idf", "weight"),
        tuple((int(s.query_counts[c]), int(df[c]), r4(s.idf[c]), r4(s.query_weights[c])) for c in qcols),
        tuple(_label(counts.terms[c], shown) for c in qcols),
    )
    k = min(inputs["top"] or SHOW_TOP, counts.n_docs)
    best = s.order[:k]
    top_table = Table(
        ("doc", "score", "dot", "norm"),
        tuple((f"D{i + 1}", r4(s.scores[i]), r4(s.dots[i]), r4(s.doc_norms[i])) for i in best),
        tuple(str(r) for r in range(1, k + 1)),
    )
    return [
        Step("query_terms", "Query terms", query_table, IDF_KINDS[inputs["idf"]] + f", N = {counts.n_docs}"),
        Step("query_norm", "Query norm |w(q)|", r4(s.query_norm), "|w(q)| = sqrt(sum over t of w(q, t)^2)"),
        Step("top", f"Top {k}", top_table,
             "cos(d, q) = w(d) . w(q) / (|w(d)| |w(q)|)" if inputs["norm"] == "l2" else "score = w(d) . w(q)"),
    ]


def _tie_steps(s: _Scores, k: int) -> list[Step]:
    """Say out loud when every score is 0, or when equal scores order the first shown documents.

    Only ties starting among the first min(k, SHOW_TOP) ranks are described, each with at most
    ``TIE_LISTED`` names and its size, so a corpus where thousands of documents score 0 stays short.
    """
    if not np.any(s.scores):
        return [Step("all_zero", "All scores are zero",
                     "every score is 0: no query term carries weight in any document, so the order is document order")]
    descending = -(np.round(s.scores[s.order], TIE_DECIMALS) + 0.0)  # ascending, as sorted
    described = []
    pos = 0
    while pos < min(k, SHOW_TOP):
        end = int(np.searchsorted(descending, descending[pos], side="right"))
        if end - pos > 1:
            names = [f"D{i + 1}" for i in s.order[pos : min(end, pos + TIE_LISTED)]]
            size = "" if end - pos <= TIE_LISTED else f" = ... ({end - pos} documents)"
            described.append(f"{' = '.join(names)}{size} ({float(s.scores[s.order[pos]]):.4g})")
        pos = end
    if not described:
        return []
    text = "tie: " + "; ".join(described) + ", kept in document order"
    return [Step("ties", "Ties", text, note="scores equal to 12 decimal places are ties")]


# A small vocabulary for random instances: ranking questions of the book's shape.
_WORDS = ("bird", "duck", "worm", "early", "eats", "cat", "fish", "river", "sings", "morning", "the", "green")


def _bounded(docs: Iterator[Any]) -> Iterator[str]:
    """The documents, checked one by one against the size limits as they stream (their type is
    checked by the tokenizer)."""
    for number, doc in enumerate(docs, start=1):
        if number > MAX_DOCS:
            raise SolverInputError(f"more than {MAX_DOCS:,} documents")
        if isinstance(doc, str) and len(doc) > MAX_DOC_CHARS:
            raise SolverInputError(f"document D{number} has {len(doc):,} characters; at most {MAX_DOC_CHARS:,}")
        yield doc


def random_inputs(seed: int) -> dict[str, Any]:
    """5-6 documents of 6-12 words and a 3-5 word query whose top two documents are unique."""
    rng = random.Random(seed)
    while True:
        docs = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 12))) for _ in range(rng.randint(5, 6))]
        query = " ".join(rng.sample(_WORDS[:10], rng.randint(3, 5)))
        if not set(query.split()) & set(" ".join(docs).split()):
            continue  # no query word in any document: nothing to rank by
        scores = sorted(solve(docs=docs, query=query).scores.values(), reverse=True)
        if scores[0] > 0 and scores[0] - scores[1] > 1e-6 and scores[1] - scores[2] > 1e-6:
            return {"docs": docs, "query": query}


__all__ = ["BOOK_DOCS", "BOOK_QUERY", "BOOK_TERMS", "INPUTS", "TfidfResult", "random_inputs", "solve"]
