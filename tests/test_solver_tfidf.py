"""tf-idf solver and the shared tokenizer: the book's numbers, scikit-learn parity, streaming."""

from __future__ import annotations

import doctest
from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from solvers import SolverInputError, text, tfidf
from solvers.text import Tokenizer, count_terms, words

# Words that exercise the tokenizer: apostrophes (straight and typographic), case, digits,
# underscores, non-ASCII letters (including ones whose lower case is special) and glue.
WORD = st.sampled_from(
    ["bird", "Bird", "birds", "worm", "early", "gets", "get", "doesn't", "doesn’t", "it's", "'quoted'",
     "x_1", "42", "École", "école", "İstanbul", "ΣΟΦΙΑ", "naïve", "foo—bar", "a''b", "über", "straße"]
)
SEP = st.sampled_from([" ", "  ", ", ", ". ", "\t", "\n", " - ", "\u00a0", "/", "\x00"])


@st.composite
def documents(draw: st.DrawFn, min_size: int = 0, max_size: int = 8) -> str:
    parts = draw(st.lists(st.tuples(WORD, SEP), min_size=min_size, max_size=max_size))
    return "".join(w + s for w, s in parts)


corpora = st.lists(documents(), min_size=1, max_size=8).filter(lambda ds: any(words(d) for d in ds))


def ranked(scores: np.ndarray) -> list[str]:
    """The documented order: score descending, ties (12 decimals) in document order."""
    order = sorted(range(len(scores)), key=lambda i: (-(round(float(scores[i]), 12) + 0.0), i))
    return [f"D{i + 1}" for i in order]


def sklearn_scores(docs: list[str], query: str, **options) -> tuple[np.ndarray, TfidfVectorizer]:
    vec = TfidfVectorizer(tokenizer=words, lowercase=False, token_pattern=None, **options)
    X = vec.fit_transform(docs)
    q = vec.transform([query])
    return (X @ q.T).toarray().ravel(), vec


def test_book_example_matches_the_hand_computation():
    r = tfidf.solve()
    assert r.top[:2] == ["D4", "D3"]
    assert [round(r.scores[d], 4) for d in ("D4", "D3", "D2", "D5", "D1")] == [0.8286, 0.7434, 0.7373, 0.5435, 0.0]
    steps = {s.key: s.value for s in r.steps}
    assert steps["counts"].rows[2] == (1, 0, 1, 1, 2, 1)  # D3: get twice, loves -> love
    assert steps["df"].rows == ((4, 3, 5, 3, 3, 2),)
    assert steps["idf"].rows[0][2] == 0.0  # worm is in every document
    assert r.ranks == {"D4": 1, "D3": 2, "D2": 3, "D5": 4, "D1": 5}
    assert tfidf.solve(**r.inputs).scores == r.scores  # inputs re-create the instance


def test_book_variants_from_the_review():
    smooth = tfidf.solve(idf="smooth")
    assert [round(smooth.scores[d], 4) for d in ("D4", "D3", "D2", "D5", "D1")] == [0.8733, 0.849, 0.83, 0.6889, 0.1642]
    assert tfidf.solve(tf="log").top[:3] == ["D4", "D2", "D3"]  # the fragile second place


def test_doctests():
    for module in (tfidf, text):
        assert doctest.testmod(module).failed == 0


def test_stemming_joins_inflections_and_terms_are_stemmed_the_same_way():
    tok = Tokenizer(stem=True)
    assert tok("gets get loves love birds bird") == ["get", "get", "love", "love", "bird", "bird"]
    r = tfidf.solve(docs=["birds love worms", "a duck"], query="bird", terms="birds, worm", stem=True)
    assert r.inputs["terms"] == ["birds", "worm"]
    assert r.top[0] == "D1" and r.scores["D2"] == 0.0


def test_apostrophes_keep_words_whole():
    assert words("It doesn’t, isn't 'quoted'") == ["it", "doesn't", "isn't", "quoted"]


@settings(max_examples=80, deadline=None)
@given(st.lists(documents(), min_size=0, max_size=6), st.integers(1, 4), st.booleans(), st.booleans())
def test_streaming_counts_equal_the_plain_tokenizer(docs, chunk_size, stem, stop_words):
    tok = Tokenizer(stem=stem, stop_words=stop_words)
    counts = count_terms(iter(docs), tok, chunk_size=chunk_size)
    assert counts.n_docs == len(docs)
    got = [Counter() for _ in docs]
    for d, t, c in zip(counts.doc(), counts.term, counts.count):
        got[d][counts.terms[t]] += int(c)
    assert got == [Counter(tok(d)) for d in docs]


@settings(max_examples=80, deadline=None)
@given(corpora, documents(min_size=1), st.sampled_from(["raw", "log", "binary"]))
def test_matches_sklearn_tfidf_cosine(docs, query, tf):
    expected, vec = sklearn_scores(docs, query, sublinear_tf=tf == "log", binary=tf == "binary")
    if not vec.transform([query]).nnz:  # no query term in the corpus: an input error, said so
        with pytest.raises(SolverInputError, match="nothing to rank by"):
            tfidf.solve(docs=docs, query=query)
        return
    r = tfidf.solve(docs=docs, query=query, tf=tf, idf="smooth")
    got = np.array([r.scores[f"D{i + 1}"] for i in range(len(docs))])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert r.top == ranked(expected)


@settings(max_examples=60, deadline=None)
@given(corpora, documents(min_size=1), st.sampled_from(["plain", "log10"]), st.sampled_from(["l2", "none"]))
def test_plain_idf_against_numpy_and_sklearn_unsmoothed(docs, query, idf, norm):
    _, vec = sklearn_scores(docs, query, smooth_idf=False)
    assume(vec.transform([query]).nnz)  # a query with no corpus term is an input error (tested above)
    vocab = vec.get_feature_names_out()
    counts = np.array([[Counter(words(d))[t] for t in vocab] for d in docs], dtype=float)
    df = (counts > 0).sum(axis=0)
    ln_idf = np.log(len(docs) / df)
    np.testing.assert_allclose(vec.idf_ - 1.0, ln_idf, atol=1e-12)  # sklearn adds 1 to ln(N/df)
    idf_values = ln_idf if idf == "plain" else np.log10(len(docs) / df)
    W = counts * idf_values
    qv = np.array([Counter(words(query))[t] for t in vocab], dtype=float) * idf_values
    dots = W @ qv
    if norm == "l2":
        denom = np.linalg.norm(W, axis=1) * np.linalg.norm(qv)
        expected = np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0)
    else:
        expected = dots
    r = tfidf.solve(docs=docs, query=query, idf=idf, norm=norm)
    got = np.array([r.scores[f"D{i + 1}"] for i in range(len(docs))])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert r.top == ranked(expected)


def test_ties_keep_document_order_and_are_reported():
    r = tfidf.solve(docs=["cat dog", "fish", "dog cat", "cat"], query="cat dog")
    assert r.top[:2] == ["D1", "D3"]
    assert "tie" in r.headline() and "D1 = D3" in r.headline()
    assert any(s.key == "ties" for s in r.steps)


def test_all_zero_scores_are_reported():
    r = tfidf.solve(docs=["cat dog", "cat fish"], query="cat bird")  # cat: idf ln(2/2) = 0
    assert all(v == 0 for v in r.scores.values()) and r.top == ["D1", "D2"]
    assert "every score is 0" in r.headline()
    assert next(s for s in r.steps if s.key == "unknown_query_terms").value == "bird"


def test_query_without_a_corpus_term_is_an_input_error():
    with pytest.raises(SolverInputError, match=r"query: its words \(zebra, quagga\) are not in the term set"):
        tfidf.solve(query="zebra quagga")
    with pytest.raises(SolverInputError, match="it has no words"):
        tfidf.solve(docs=["cat"], query="?!")


def test_top_limits_the_answer_fields():
    r = tfidf.solve(top=2)
    assert r.top == ["D4", "D3"] and list(r.scores) == ["D4", "D3"] and len(r.ranking) == 2


def test_large_corpus_streams_and_keeps_steps_and_inputs_small(tmp_path):
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(400)]
    path = tmp_path / "corpus.txt"
    path.write_text("".join(" ".join(rng.choice(vocab, 12)) + "\n" for _ in range(3000)), encoding="utf-8")
    with path.open(encoding="utf-8") as lines:
        r = tfidf.solve(docs=lines, query="w1 w2 w3", top=10, idf="smooth")
    assert r.inputs["docs"] == str(path)
    assert len(r.top) == 10
    keys = [s.key for s in r.steps]
    assert "counts" not in keys and "weights" not in keys
    top_table = next(s.value for s in r.steps if s.key == "top")
    assert len(top_table.rows) == 10
    docs = path.read_text(encoding="utf-8").splitlines()
    expected, _ = sklearn_scores(docs, "w1 w2 w3")
    assert r.top == ranked(expected)[:10]
    assert tfidf.solve(docs=iter(docs), query="w1", top=1).inputs["docs"] == "<3000 documents, not kept>"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"tf": "sqrt"}, "tf must be one of raw, log, binary"),
        ({"idf": "bm25"}, "idf must be one of"),
        ({"norm": "l1"}, "norm must be one of"),
        ({"top": 0}, "top must be"),
        ({"docs": [], "query": "x"}, "docs is empty"),
        ({"docs": "a.txt", "query": "x"}, "not one string"),
        ({"docs": ["a", 3], "query": "x"}, "document 2 is not text"),
        ({"docs": ["a"]}, "query must be given"),
        ({"docs": 7, "query": "x"}, "docs must be a list of documents; got int"),
        ({"terms": "early bird"}, "exactly one word"),
        ({"terms": "the", "stop_words": True}, "stop word"),
        ({"stem": "yes"}, "stem must be true or false"),
    ],
)
def test_bad_inputs_raise_one_line_errors(kwargs, message):
    with pytest.raises(SolverInputError, match=message):
        tfidf.solve(**kwargs)


@pytest.mark.parametrize("seed", range(25))
def test_random_inputs_are_well_posed(seed):
    inputs = tfidf.random_inputs(seed)
    assert inputs == tfidf.random_inputs(seed)
    assert 5 <= len(inputs["docs"]) <= 6
    assert all(6 <= len(d.split()) <= 12 for d in inputs["docs"])
    ranking = tfidf.solve(**inputs).ranking
    assert ranking[0]["score"] > 0
    assert ranking[0]["score"] - ranking[1]["score"] > 1e-6 and ranking[1]["score"] - ranking[2]["score"] > 1e-6


def test_small_corpus_with_a_large_vocabulary_shows_only_the_query_columns():
    docs = [" ".join(f"w{i}{j}" for j in range(15)) + " cat" for i in range(3)]
    r = tfidf.solve(docs=docs, query="cat w00")
    counts = next(s for s in r.steps if s.key == "counts")
    assert counts.value.columns == ("w00", "cat") and "only the query's terms" in counts.note
    assert r.top[0] == "D1"


def test_stop_words_are_dropped_from_documents_and_query():
    tok = Tokenizer(stop_words=True)
    assert tok("The bird and the worm") == ["bird", "worm"]
    r = tfidf.solve(docs=["the the the cat", "the dog"], query="the dog", stop_words=True)
    corpus = next(s.value for s in r.steps if s.key == "corpus")
    assert "2 terms" in corpus and r.top[0] == "D2" and r.scores["D1"] == 0.0


def test_many_tied_documents_are_summarised():
    docs = ["cat dog"] * 40 + ["fish"] * 40
    r = tfidf.solve(docs=docs, query="cat", top=3)
    ties = next(s.value for s in r.steps if s.key == "ties")
    assert ties.startswith("tie: D1 = D2 = D3 = D4 = D5 = ... (40 documents)") and len(ties) < 200
    assert r.top == ["D1", "D2", "D3"]


def test_benchmark_corpus_generator(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent.parent / "benchmarks" / "tfidf_corpus.py"
    spec = importlib.util.spec_from_file_location("tfidf_corpus", path)
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    (tmp_path / "mod.py").write_text(
        '"""The module title line is long.\n\nA second paragraph with enough words here."""\n'
        'def f():\n    """One line."""\n', encoding="utf-8")
    (tmp_path / "site-packages").mkdir()
    (tmp_path / "site-packages" / "lib.py").write_text('"""Third party."""\n', encoding="utf-8")
    (tmp_path / "broken.py").write_text("def (:\n", encoding="utf-8")
    whole = "The module title line is long. A second paragraph with enough words here."
    assert corpus.build(tmp_path, min_docs=2) == [whole, "One line."]  # enough: no paragraphs
    assert corpus.build(tmp_path, min_docs=10) == [  # short: paragraphs, then site-packages
        whole, "One line.", "The module title line is long.", "A second paragraph with enough words here.",
        "Third party."]
