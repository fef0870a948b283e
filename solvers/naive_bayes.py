"""Classify a text with Naive Bayes, multinomial or Bernoulli (book 8.1.2-Q12-ii).

Training texts are tokenised like tf-idf's (:mod:`solvers.text`; stemming optional, off by
default); V is the training vocabulary, and D_c the number of training texts of class c.
Priors are class frequencies, P(c) = D_c / D. Query words outside V are ignored and listed.

Multinomial event model (a text is a bag of word draws)::

    theta(c, w) = (N(c, w) + alpha) / (N(c) + alpha |V|)      N(c, w): count of w in class c
    log score(c) = log P(c) + sum over query tokens w in V of log theta(c, w)

Bernoulli event model (a text is the set of words it contains; every word of V counts,
present or absent, as in scikit-learn's ``BernoulliNB``)::

    p(c, w) = (D(c, w) + alpha) / (D(c) + 2 alpha)            D(c, w): texts of c containing w
    log score(c) = log P(c) + sum over w in V of [log p(c, w) if w in query else log(1 - p(c, w))]

``alpha`` is Laplace (1) or Lidstone (> 0) smoothing. Posteriors are normalised in log space
with a log-sum-exp that subtracts the largest score first, so long texts do not underflow:
P(c | q) = exp(s_c - m) / sum_k exp(s_k - m), m = max_k s_k. On equal posteriors the label
is the class seen first in the training data, and the tie is reported.

Reference: Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, ch. 13.

>>> r = solve()
>>> r.label, round(r.probabilities["positive"], 3), r.unseen
('positive', 0.691, ['the', 'is', 'with'])
>>> round(solve(stem=True).probabilities["positive"], 3)
0.529
>>> solve(stem=True, model="bernoulli").headline()
'negative (P = 0.542; positive 0.458), bernoulli model, alpha = 1, stemming; ignored unseen: the, is, with'
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.result import Result, SolverInputError, Step, Table, rounded
from solvers.text import Tokenizer

INPUTS = ("examples", "query", "model", "alpha", "stem")
MAX_ALPHA = 1e6  # far past any smoothing in use; near 1e308, alpha |V| overflows to inf
MAX_EXAMPLES = 100_000  # training texts; every one is tokenised and shown in the counts
MODELS = ("multinomial", "bernoulli")

BOOK_EXAMPLES: tuple[str, ...] = (
    "negative: This makes me so upset",
    "positive: This puppy makes me happy",
    "positive: Look at this happy hamster",
    "negative: No hamsters allowed in my house",
)
BOOK_QUERY = "The hamster is upset with the puppy"
SMALL_VOCAB = 20  # count tables show every word up to this vocabulary size, else the query's


@dataclass(frozen=True)
class NaiveBayesResult(Result):
    """The predicted label, the posterior of every class, and the query words ignored."""

    label: str = ""
    probabilities: dict[str, float] = None  # type: ignore[assignment]
    unseen: list[str] = None  # type: ignore[assignment]

    def headline(self) -> str:
        others = "; ".join(f"{c} {p:.3g}" for c, p in self.probabilities.items() if c != self.label)
        variant = f"{self.inputs['model']} model, alpha = {self.inputs['alpha']:g}, "
        variant += "stemming" if self.inputs["stem"] else "no stemming"
        text = f"{self.label} (P = {self.probabilities[self.label]:.3g}; {others}), {variant}"
        if self.unseen:
            text += "; ignored unseen: " + ", ".join(self.unseen)
        if any(s.key == "tie" for s in self.steps):
            text += "; tie between classes"
        return text


def parse_examples(lines: Iterable[str]) -> list[tuple[str, str]]:
    """Training examples from lines "label<TAB>text" or "label: text"; blank lines skipped.

    >>> parse_examples(["spam\\tWin money now", "", "ham: see you at lunch"])
    [('spam', 'Win money now'), ('ham', 'see you at lunch')]
    """
    out = []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        example = _split(line)
        if example is None:
            raise SolverInputError(f"line {number}: expected 'label<TAB>text' or 'label: text', got {line[:40]!r}")
        if len(out) == MAX_EXAMPLES:
            raise SolverInputError(f"line {number}: more than {MAX_EXAMPLES:,} examples")
        out.append(example)
    return out


def _split(line: str) -> tuple[str, str] | None:
    for sep in ("\t", ":"):
        label, found, text = line.partition(sep)
        if found and label.strip():
            return label.strip(), text.strip()
    return None


def _examples(value: Any) -> list[tuple[str, str]]:
    """The ``examples`` input: "label: text" strings or [label, text] pairs."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise SolverInputError("examples must be a list of 'label: text' strings or [label, text] pairs")
    out = []
    for i, item in enumerate(value, 1):
        if i > MAX_EXAMPLES:
            raise SolverInputError(f"more than {MAX_EXAMPLES:,} examples")
        if isinstance(item, str):
            example = _split(item)
        elif isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(x, str) for x in item):
            example = (item[0].strip(), item[1]) if item[0].strip() else None
        else:
            example = None
        if example is None:
            raise SolverInputError(f"examples: item {i} is not 'label: text' or a [label, text] pair: {item!r}")
        out.append(example)
    if not out:
        raise SolverInputError("examples is empty: give at least one labelled text")
    return out


def solve(
    examples: list[str] | list[list[str]] | None = None,
    query: str | None = None,
    model: str = "multinomial",
    alpha: float = 1.0,
    stem: bool = False,
) -> NaiveBayesResult:
    """Classify ``query`` after training on ``examples``; defaults are the book's four tweets."""
    if examples is None:
        examples = list(BOOK_EXAMPLES)
        query = BOOK_QUERY if query is None else query
    pairs = _examples(examples)
    if not isinstance(query, str):
        raise SolverInputError("query must be given, as a string, when examples are given")
    if model not in MODELS:
        raise SolverInputError(f"model must be one of {', '.join(MODELS)}; got {model!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha <= MAX_ALPHA:
        raise SolverInputError(f"alpha must be a number > 0 and at most {MAX_ALPHA:g} (1 = Laplace smoothing); "
                               f"got {alpha!r}")
    if not isinstance(stem, bool):
        raise SolverInputError(f"stem must be true or false; got {stem!r}")
    tokenizer = Tokenizer(stem=stem)
    as_given = [f"{label}: {text}" if ":" not in label and "\t" not in label else [label, text]
                for label, text in pairs]
    inputs = {"examples": as_given, "query": query, "model": model, "alpha": float(alpha), "stem": stem}
    return _classify(pairs, [tokenizer(text) for _, text in pairs], tokenizer(query), inputs)


@dataclass(frozen=True)
class _Model:
    """Training statistics, rows = classes (first-seen order), columns = vocabulary (sorted)."""

    classes: tuple[str, ...]
    vocab: tuple[str, ...]
    texts: np.ndarray  # (n_classes,) D_c
    counts: np.ndarray  # (n_classes, n_vocab) N(c, w) (multinomial) or D(c, w) (bernoulli)
    log_theta: np.ndarray  # (n_classes, n_vocab) log theta(c, w) or log p(c, w)


def _train(pairs: list[tuple[str, str]], docs: list[list[str]], model: str, alpha: float) -> _Model:
    classes = tuple(dict.fromkeys(label for label, _ in pairs))
    vocab = tuple(sorted({w for doc in docs for w in doc}))
    col = {w: j for j, w in enumerate(vocab)}
    row = {c: i for i, c in enumerate(classes)}
    texts = np.zeros(len(classes))
    counts = np.zeros((len(classes), len(vocab)))
    for (label, _), doc in zip(pairs, docs):
        texts[row[label]] += 1
        for w, n in Counter(doc).items():
            counts[row[label], col[w]] += n if model == "multinomial" else 1
    if model == "multinomial":
        denominator = counts.sum(axis=1, keepdims=True) + alpha * len(vocab)
    else:
        denominator = texts[:, None] + 2 * alpha
    return _Model(classes, vocab, texts, counts, np.log((counts + alpha) / denominator))


@dataclass(frozen=True)
class _Evidence:
    """What the query does to each class: shapes (n_classes,) unless noted."""

    seen: Counter  # query word -> count, for words in the vocabulary
    unseen: list[str]
    log_prior: np.ndarray
    log_likelihood: np.ndarray
    log_score: np.ndarray
    posterior: np.ndarray
    best: int  # index of the label: the first class within rounding of the top posterior
    tie: bool


def _weigh(m: _Model, query: list[str], model: str) -> _Evidence:
    col = {w: j for j, w in enumerate(m.vocab)}
    unseen = list(dict.fromkeys(w for w in query if w not in col))
    seen = Counter(w for w in query if w in col)
    seen_cols = np.array([col[w] for w in seen], dtype=np.int64)
    log_prior = np.log(m.texts / m.texts.sum())
    if model == "multinomial":
        log_likelihood = m.log_theta[:, seen_cols] @ np.array(list(seen.values()), dtype=float)
    else:
        present = np.zeros(len(m.vocab), dtype=bool)
        present[seen_cols] = True
        log_absent = np.log1p(-np.exp(m.log_theta))
        log_likelihood = np.where(present, m.log_theta, log_absent).sum(axis=1)
    log_score = log_prior + log_likelihood
    shifted = np.exp(log_score - log_score.max())  # log-sum-exp: the largest term becomes 1
    posterior = shifted / shifted.sum()
    top = [i for i, p in enumerate(posterior) if math.isclose(p, posterior.max(), rel_tol=1e-12, abs_tol=1e-12)]
    return _Evidence(seen, unseen, log_prior, log_likelihood, log_score, posterior, top[0], len(top) > 1)


def _classify(
    pairs: list[tuple[str, str]], docs: list[list[str]], query: list[str], inputs: dict[str, Any]
) -> NaiveBayesResult:
    m = _train(pairs, docs, inputs["model"], inputs["alpha"])
    e = _weigh(m, query, inputs["model"])
    return NaiveBayesResult(
        label=m.classes[e.best],
        probabilities={c: float(p) for c, p in zip(m.classes, e.posterior)},
        unseen=e.unseen,
        inputs=inputs,
        steps=tuple(_training_steps(m, e, inputs) + _scoring_steps(m, e, inputs)),
    )


def _fraction(numerator: float, denominator: float, alpha: float) -> str:
    """"2/26 = 0.0769" when the smoothing keeps whole numbers, else the decimal alone."""
    value = numerator / denominator
    if float(alpha).is_integer():
        return f"{numerator:g}/{denominator:g} = {value:.4f}"
    return f"{value:.4f}"


def _training_steps(m: _Model, e: _Evidence, inputs: dict[str, Any]) -> list[Step]:
    """Variant, vocabulary, priors and the per-class counts."""
    model, alpha = inputs["model"], inputs["alpha"]
    multinomial = model == "multinomial"
    variant = [
        f"{model} event model",
        f"{'Laplace' if alpha == 1 else 'Lidstone'} smoothing alpha = {alpha:g}",
        "Snowball stemming" if inputs["stem"] else "no stemming",
        "priors from class frequencies",
        "query words unseen in training are ignored",
        "each query token counts once per occurrence" if multinomial else "absent vocabulary words count as (1 - p)",
    ]
    priors = tuple((int(t), rounded(t / m.texts.sum())) for t in m.texts)
    cols = list(range(len(m.vocab))) if len(m.vocab) <= SMALL_VOCAB else [m.vocab.index(w) for w in e.seen]
    totals = m.counts.sum(axis=1) if multinomial else m.texts
    count_rows = tuple(tuple(int(v) for v in m.counts[i, cols]) + (int(totals[i]),) for i in range(len(m.classes)))
    return [
        Step("variant", "Variant", "; ".join(variant)),
        Step("vocabulary", f"Vocabulary |V| = {len(m.vocab)}", ", ".join(m.vocab)),
        Step("priors", "Class priors", Table(("texts", "P(c)"), priors, m.classes), "P(c) = D_c / D"),
        Step(
            "word_counts",
            "Word counts per class N(c, w)" if multinomial else "Texts per class containing w, D(c, w)",
            Table(tuple(m.vocab[j] for j in cols) + ("total",), count_rows, m.classes),
            "N(c) = sum over w of N(c, w)" if multinomial else "D(c) = number of texts of class c",
            note="" if len(cols) == len(m.vocab) else "only the query's words are shown",
        ),
    ]


def _scoring_steps(m: _Model, e: _Evidence, inputs: dict[str, Any]) -> list[Step]:
    """Likelihoods of the query words, unseen words, scores, posteriors and the label."""
    model, alpha = inputs["model"], inputs["alpha"]
    multinomial = model == "multinomial"
    denominators = (m.counts.sum(axis=1) + alpha * len(m.vocab)) if multinomial else (m.texts + 2 * alpha)
    words = list(e.seen)
    likelihoods = tuple(
        tuple(_fraction(m.counts[i, m.vocab.index(w)] + alpha, denominators[i], alpha) for w in words)
        for i in range(len(m.classes))
    )
    scores = tuple(
        (rounded(a), rounded(b), rounded(s), float(f"{math.exp(s):.4g}"))
        for a, b, s in zip(e.log_prior, e.log_likelihood, e.log_score)
    )
    steps = [
        Step(
            "likelihoods", "Smoothed likelihoods of the query words", Table(tuple(words), likelihoods, m.classes),
            f"theta(c, w) = (N(c, w) + {alpha:g}) / (N(c) + {alpha:g} x {len(m.vocab)})" if multinomial
            else f"p(c, w) = (D(c, w) + {alpha:g}) / (D(c) + 2 x {alpha:g})",
            note=f"query word counts: {dict(e.seen)}" if any(n > 1 for n in e.seen.values()) else "",
        ),
        Step("unseen", "Query words not in the training vocabulary (ignored)", ", ".join(e.unseen) or "none",
             note="an unseen word has no likelihood estimate; dropping it is what scikit-learn does"),
        Step("scores", "Per-class scores",
             Table(("log P(c)", "log likelihood", "log score", "product"), scores, m.classes),
             "log score = log P(c) + sum of log likelihoods; product = exp(log score)"),
        Step("posteriors", "Posteriors P(c | q)",
             Table(("P(c | q)",), tuple((rounded(p),) for p in e.posterior), m.classes),
             "P(c | q) = exp(s_c - max s) / sum_k exp(s_k - max s)"),
    ]
    if not e.seen:
        steps.append(Step("no_evidence", "No query word was seen in training",
                          "the posteriors are the priors" if multinomial else "only absent-word factors remain"))
    if e.tie:
        steps.append(Step("tie", "Tie", "the top classes have equal posteriors; the label is the class seen first"))
    steps.append(Step("label", "Label", m.classes[e.best], "argmax over c of P(c | q)"))
    return steps


_POSITIVE = ("happy", "love", "great", "fun", "puppy", "sunny", "smile")
_NEGATIVE = ("sad", "upset", "angry", "rain", "broken", "lost", "tired")
_SHARED = ("this", "makes", "me", "the", "day", "my", "so")
_UNSEEN = ("zebra", "quantum", "violin")


def random_inputs(seed: int) -> dict[str, Any]:
    """4-6 short texts in two classes; a query with two or more seen words and a clear answer."""
    rng = random.Random(seed)
    while True:
        n = rng.randint(4, 6)
        labels = ["positive", "negative"] + [rng.choice(["positive", "negative"]) for _ in range(n - 2)]
        rng.shuffle(labels)
        examples = []
        for label in labels:
            own = _POSITIVE if label == "positive" else _NEGATIVE
            words = [rng.choice(own if rng.random() < 0.6 else _SHARED) for _ in range(rng.randint(3, 6))]
            examples.append(f"{label}: {' '.join(words)}")
        query = " ".join(rng.choice(_POSITIVE + _NEGATIVE + _SHARED + _UNSEEN) for _ in range(rng.randint(4, 6)))
        result = solve(examples=examples, query=query)
        seen = set(query.split()) - set(result.unseen)
        if len(seen) >= 2 and abs(result.probabilities["positive"] - 0.5) > 0.05:
            return {"examples": examples, "query": query}


__all__ = ["BOOK_EXAMPLES", "BOOK_QUERY", "INPUTS", "NaiveBayesResult", "parse_examples", "random_inputs", "solve"]
