"""Naive Bayes solver: the book's numbers, scikit-learn parity, input parsing and errors."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import BernoulliNB, MultinomialNB

from solvers import SolverInputError, naive_bayes
from solvers.text import words

WORDS = ["cat", "Cat", "dog", "dogs", "fish", "happy", "sad", "doesn't", "école", "x_1", "the", "a"]
text_st = st.lists(st.sampled_from(WORDS), min_size=0, max_size=6).map(" ".join)
examples_st = st.lists(st.tuples(st.sampled_from(["pos", "neg", "meh"]), text_st), min_size=2, max_size=8)


def test_book_example_multinomial_no_stemming():
    r = naive_bayes.solve()
    assert r.label == "positive"
    # (2/26 * 1/26 * 2/26) / (1/27 * 2/27 * 1/27) = odds 2.24 (review): P = 0.691
    odds = (2 * 1 * 2 / 26**3) / (1 * 2 * 1 / 27**3)
    assert r.probabilities["positive"] == pytest.approx(odds / (1 + odds), abs=1e-12)
    assert r.unseen == ["the", "is", "with"]
    steps = {s.key: s.value for s in r.steps}
    assert steps["likelihoods"].rows[1] == ("2/26 = 0.0769", "1/26 = 0.0385", "2/26 = 0.0769")
    assert "hamsters" in steps["vocabulary"] and steps["unseen"] == "the, is, with"
    assert naive_bayes.solve(**r.inputs).probabilities == r.probabilities


def test_book_variants_stemming_and_bernoulli():
    stemmed = naive_bayes.solve(stem=True)
    assert (stemmed.label, round(stemmed.probabilities["positive"], 3)) == ("positive", 0.529)
    bernoulli = naive_bayes.solve(stem=True, model="bernoulli")
    assert (bernoulli.label, round(bernoulli.probabilities["positive"], 3)) == ("negative", 0.458)
    assert "bernoulli" in next(s.value for s in bernoulli.steps if s.key == "variant")


def test_doctests():
    assert doctest.testmod(naive_bayes).failed == 0


def sklearn_posteriors(examples, query, model, alpha):
    vec = CountVectorizer(tokenizer=words, lowercase=False, token_pattern=None, binary=model == "bernoulli")
    X = vec.fit_transform([t for _, t in examples])
    clf = (MultinomialNB if model == "multinomial" else BernoulliNB)(alpha=alpha)
    clf.fit(X, [label for label, _ in examples])
    return dict(zip(clf.classes_, clf.predict_proba(vec.transform([query]))[0]))


@settings(max_examples=80, deadline=None)
@given(examples_st, text_st, st.sampled_from(["multinomial", "bernoulli"]), st.floats(0.1, 3.0))
def test_matches_sklearn(examples, query, model, alpha):
    assume(any(words(t) for _, t in examples))  # sklearn needs a non-empty vocabulary
    expected = sklearn_posteriors(examples, query, model, alpha)
    r = naive_bayes.solve(examples=[list(e) for e in examples], query=query, model=model, alpha=alpha)
    assert set(r.probabilities) == set(expected)
    for label, p in expected.items():
        assert r.probabilities[label] == pytest.approx(p, abs=1e-9)
    assert math.isclose(sum(r.probabilities.values()), 1.0, abs_tol=1e-12)
    vocabulary = {w for _, t in examples for w in words(t)}
    assert r.unseen == list(dict.fromkeys(w for w in words(query) if w not in vocabulary))


def test_log_space_survives_long_texts():
    long_text = " ".join(["cat"] * 3000)
    r = naive_bayes.solve(examples=["a: cat cat dog", "b: dog dog cat"], query=long_text)
    assert r.label == "a" and 0.999 < r.probabilities["a"] <= 1.0
    assert not any(np.isnan(list(r.probabilities.values())))


def test_unseen_only_query_falls_back_to_priors():
    r = naive_bayes.solve(examples=["a: cat", "a: dog", "b: fish"], query="zebra")
    assert r.probabilities["a"] == pytest.approx(2 / 3)
    assert r.unseen == ["zebra"] and any(s.key == "no_evidence" for s in r.steps)


def test_tie_is_reported_and_first_class_wins():
    r = naive_bayes.solve(examples=["b: cat", "a: dog"], query="fish")
    assert r.label == "b" and "tie" in r.headline()


def test_parse_examples_tab_and_colon_lines():
    lines = ["spam\tWin money: now", "", "ham: see you", "  "]
    assert naive_bayes.parse_examples(lines) == [("spam", "Win money: now"), ("ham", "see you")]
    with pytest.raises(SolverInputError, match="line 2: expected"):
        naive_bayes.parse_examples(["ok: fine", "no separator here"])
    assert naive_bayes.solve(examples=naive_bayes.parse_examples(["x\tcat", "y\tdog"]), query="cat").label == "x"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"model": "gaussian"}, "model must be one of multinomial, bernoulli"),
        ({"alpha": 0}, "alpha must be a number > 0"),
        ({"alpha": "1"}, "alpha must be a number > 0"),
        ({"examples": []}, "examples is empty"),
        ({"examples": "a: b"}, "examples must be a list"),
        ({"examples": ["a: cat", "no label"], "query": "x"}, "item 2"),
        ({"examples": [["a", 1]], "query": "x"}, "item 1"),
        ({"examples": ["a: cat"]}, "query must be given"),
        ({"stem": "no"}, "stem must be true or false"),
    ],
)
def test_bad_inputs_raise_one_line_errors(kwargs, message):
    with pytest.raises(SolverInputError, match=message):
        naive_bayes.solve(**kwargs)


@pytest.mark.parametrize("seed", range(25))
def test_random_inputs_are_well_posed(seed):
    inputs = naive_bayes.random_inputs(seed)
    assert inputs == naive_bayes.random_inputs(seed)
    assert 4 <= len(inputs["examples"]) <= 6
    assert {e.split(":")[0] for e in inputs["examples"]} == {"positive", "negative"}
    r = naive_bayes.solve(**inputs)
    assert abs(r.probabilities["positive"] - 0.5) > 0.05
    assert len(set(words(inputs["query"])) - set(r.unseen)) >= 2  # two distinct seen words
