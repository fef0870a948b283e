"""Answer parsers (property-based) and rubric grading rules."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drill.bank import Misconception, Question, RubricPoint
from drill.grading import grade
from drill.grading.answers import (AnswerFormatError, compare, numbers_match, parse_items, parse_matrix,
                                   parse_number)
from drill.grading.normalize import Answer
from drill.patterns import stem_pattern

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(finite)
def test_a_number_printed_any_usual_way_parses_back(x):
    for text in (repr(x), f"{x:.6e}", f"  {x}  "):
        assert numbers_match(parse_number(text), x, 1e-6)


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_percent_is_divided_by_100(p):
    assert numbers_match(parse_number(f"{100 * p}%"), p, 1e-9)


@given(st.integers(-1000, 1000), st.integers(1, 1000))
def test_fractions(num, den):
    assert parse_number(f"{num}/{den}") == pytest.approx(float(Fraction(num, den)))


def test_numbers_in_words_and_separators():
    assert parse_number("0.69") == parse_number("69%") == parse_number("6.9e-1")
    assert parse_number("1,234") == 1234
    assert parse_number("the distance is 4") == 4
    assert parse_number("about 0.368, since (1-1/n)^n tends to 1/e") == 0.368
    with pytest.raises(AnswerFormatError):
        parse_number("no idea")
    with pytest.raises(AnswerFormatError):
        parse_number("1/0")


matrices = st.integers(1, 5).flatmap(lambda c: st.lists(st.lists(st.integers(-9, 9), min_size=c, max_size=c),
                                                         min_size=1, max_size=5))


@given(matrices, st.sampled_from(["\n", ";", "; "]), st.sampled_from([" ", ",", ", "]))
def test_matrices_round_trip_with_any_separators(m, row_sep, col_sep):
    text = row_sep.join(col_sep.join(str(v) for v in row) for row in m)
    assert parse_matrix(text) == [[float(v) for v in row] for row in m]
    assert parse_matrix("[" + text.replace(row_sep, "] [") + "]") == [[float(v) for v in row] for row in m]


def test_ragged_matrix_is_a_format_error():
    with pytest.raises(AnswerFormatError, match="ragged matrix"):
        parse_matrix("1 2\n3")


@given(st.lists(st.from_regex(r"D[1-9]", fullmatch=True), min_size=1, max_size=6, unique=True),
       st.sampled_from([", ", " > ", " ", "\n", " and "]))
def test_rankings_parse_with_any_separator(items, sep):
    assert parse_items(sep.join(items)) == [i.lower() for i in items]


def test_ranking_compares_the_top_k_in_order():
    assert compare("ranking", "D4, D3", ["D4", "D3", "D2"], k=2)[0]
    assert compare("ranking", "D4 > D3 > D1", ["D4", "D3", "D2"], k=2)[0]
    assert not compare("ranking", "D3, D4", ["D4", "D3"], k=2)[0]
    assert not compare("ranking", "D4", ["D4", "D3"], k=2)[0]
    assert compare("set", "c, a, b", ["a", "b", "c"])[0]
    assert compare("label", "Positive.", "positive")[0]
    assert compare("label", "pos", "positive", aliases={"pos": "positive"})[0]
    assert compare("bool", "yes", True)[0] and not compare("bool", "no", True)[0]


def test_stemming_makes_word_forms_meet():
    assert Answer("features scaled first").matches("feature scaling")
    assert not Answer("we scaled the features").matches("feature scaling")  # word order still counts
    assert Answer("Scales of features differ").matches("scale")
    assert stem_pattern("(?<!not )gradients vanish") == "(?<!not )gradient vanish"
    assert Answer("RÉGULARISATION helps").matches("regularisation")
    assert Answer("we normalise the inputs").matches("normalize the input")  # British and American spellings meet
    assert Answer("Regularization helps").matches("regularisation")


def _q(**kw) -> Question:
    base = dict(id="t/q", ref="1-Q1", bank="t", kind="concept", topics=("x",), prompt="p", answer="a",
                rubric=(RubricPoint("momentum", ("momentum",), 1.0), RubricPoint("adaptive", ("adaptive|per.parameter",), 3.0)))
    base.update(kw)
    return Question(**base)


def test_score_is_hit_weight_over_total_and_threshold_applies():
    q = _q()
    assert grade(q, "momentum").score == pytest.approx(0.25)
    assert not grade(q, "momentum").passed
    g = grade(q, "per-parameter adaptive steps")
    assert g.score == pytest.approx(0.75) and g.passed and g.misses == ("momentum",)
    assert not grade(_q(pass_mark=0.8), "adaptive").passed


def test_a_stated_misconception_costs_credit_but_a_refuted_one_does_not():
    q = _q(misconceptions=(Misconception(("weight decay",), "Adam has no built-in weight decay.", 0.5),))
    stated = grade(q, "Adam is momentum plus adaptive steps plus weight decay")
    assert stated.misconceptions == ("Adam has no built-in weight decay.",)
    assert stated.score == pytest.approx(0.5) and not stated.passed
    refuted = grade(q, "Adam is momentum plus adaptive steps. It is not weight decay.")
    assert refuted.misconceptions == () and refuted.score == 1.0


def test_empty_answer_scores_zero():
    assert grade(_q(), "   ").score == 0.0


def test_a_pattern_over_its_budget_on_the_points_own_text_is_a_located_fault(monkeypatch):
    """Crediting a negated match reads the point's own text with the pattern: a pattern over
    its time budget there is a bank fault at the point's line, not a traceback."""
    from drill.errors import BankError
    from drill.grading import concept
    from drill.grading.normalize import Overrun

    concept.negative_in_point.cache_clear()
    real = Answer.find

    def find(self, pattern):
        if self.text == "No perfect multicollinearity":
            raise Overrun("collinear")
        return real(self, pattern)

    monkeypatch.setattr(Answer, "find", find)
    point = RubricPoint("No perfect multicollinearity", ("collinear",), lines=(7,))
    q = _q(rubric=(point,), file="bank.yaml", line=3)
    with pytest.raises(BankError) as err:
        grade(q, "there is no collinearity")
    assert err.value.faults[0][:2] == ("bank.yaml", 7)
    concept.negative_in_point.cache_clear()


def test_only_pieces_holding_every_text_a_pattern_needs_are_searched(monkeypatch):
    """A match of ``increa\\w*.{0,40}gamma`` needs both "increa" and "gamma" in one piece: a
    piece with only one of them is never searched (most searches `drill validate` made were
    such), and the piece with both is."""
    from drill.grading import normalize

    searched = []
    real = normalize._search
    monkeypatch.setattr(normalize, "_search", lambda source, analysis, text, *rest: searched.append(text)
                        or real(source, analysis, text, *rest))
    answer = Answer("Gamma is large. We increase it. Increasing gamma overfits.")
    assert [m.text for m in answer.find(r"increa\w*.{0,40}gamma")] == ["Increasing gamma"]
    assert [text.strip() for text in searched] == ["increasing gamma overfits"]


def test_a_run_cut_short_by_a_busy_machine_is_tried_again_but_a_slow_pattern_is_an_overrun(monkeypatch):
    """The budget is wall-clock time: a timeout while this thread got no CPU is the machine's
    doing and is retried; a pattern that burns its budget in CPU is the bank's fault."""
    import time

    from drill.grading import normalize
    from drill.grading.normalize import Overrun

    calls = []
    real = Answer._find

    def idle_once(self, *args):
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError  # the deadline passed while another process had the CPU
        return real(self, *args)

    monkeypatch.setattr(Answer, "_find", idle_once)
    assert [m.text for m in Answer("adaptive steps").find("adaptive")] == ["adaptive"]
    assert len(calls) == 2

    def burn(self, *args):
        calls.append(1)
        end = time.thread_time() + normalize.BUDGET
        while time.thread_time() < end:
            pass
        raise TimeoutError

    calls.clear()
    monkeypatch.setattr(Answer, "_find", burn)
    with pytest.raises(Overrun):
        Answer("adaptive steps").find("adaptive")
    assert len(calls) == 2  # the first run gives no CPU reading to judge by; the second does
