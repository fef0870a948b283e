"""Claims, not keywords: polarity per clause and list item, opposites, evidence, examples."""

from __future__ import annotations

import json
import textwrap

import pytest
from typer.testing import CliRunner

from drill.bank import Misconception, Question, RubricPoint, bank_files, load_banks
from drill.cli import app
from drill.grading import grade
from drill.grading.normalize import Answer


def _q(rubric=(), misconceptions=(), **kw) -> Question:
    return Question(id="t/q", ref="1-Q1", bank="t", kind="concept", topics=("x",), prompt="p", answer="a",
                    rubric=tuple(rubric), misconceptions=tuple(misconceptions), **kw)


NORMAL = Misconception(("normally distributed (features|inputs)", "features (are|must be) normal"),
                       "Only the errors may need to be normal.")


def _verdicts(text: str, pattern: str) -> list[str]:
    return [m.verdict for m in Answer(text).find(pattern)]


def test_one_no_in_a_list_excuses_only_its_own_item():
    g = grade(_q([RubricPoint("linear", ("linear",))], [NORMAL]),
              "Linearity, no multicollinearity, and normally distributed features.")
    assert g.misconceptions == ("Only the errors may need to be normal.",)
    assert g.misconception_evidence == ("normally distributed features",)


@pytest.mark.parametrize("text, pattern, verdict", [
    ("Neither the features nor the target have to be normal", r"target.{0,20}normal", "negated"),
    ("The model does not overfit, nor does it underfit", "underfit", "negated"),
    ("The features need not be normal and the errors have to be normal", r"errors.{0,20}normal", "asserted"),
])
def test_nor_denies_the_item_it_introduces(text, pattern, verdict):
    """"nor" cuts a list item like "or" does, yet denies what follows it: a wrong belief after
    "nor" is the answerer rejecting it, not stating it."""
    assert _verdicts(text, pattern) == [verdict]


def test_cannot_simply_denies_as_cant_simply_does():
    """"not simply X" means "not only X", but "you cannot simply average the weights" denies
    averaging them, as "can't simply" always did."""
    assert _verdicts("You cannot simply average the weights", "average the weights") == ["negated"]
    assert _verdicts("You can't simply average the weights", "average the weights") == ["negated"]
    assert _verdicts("It is not simply a speed-up", "speed.up") == ["asserted"]


def test_a_negated_verb_governs_the_verbless_items_after_it():
    assert _verdicts("The features need not be normal, uncorrelated or scaled.", "scaled") == ["negated"]
    assert _verdicts("The loss hasn't improved for 5 epochs and restore the best checkpoint.", "restore") == ["asserted"]
    assert _verdicts("No outliers, and scaled inputs.", "scaled") == ["asserted"]


def test_a_negation_does_not_reach_past_a_new_verb_group():
    assert _verdicts("a block that isn't needed can just drive F to zero", "f to zero") == ["asserted"]
    assert _verdicts("it does not need normal features", "normal features") == ["negated"]


def test_what_goes_wrong_otherwise_does_not_report_the_claim_before_it():
    assert _verdicts("independent errors, otherwise standard errors are wrong", "independent errors") == ["asserted"]
    assert _verdicts("less of a problem than people think, because word2vec learns one vector per sense",
                     "one vector per sense") == ["asserted"]
    assert _verdicts("that the features are normal is a myth", "features are normal") == ["reported"]
    assert _verdicts("calling it unsupervised is simply wrong", "unsupervised") == ["reported"]
    assert _verdicts("It is not true that the features must be normal", "features must be normal") == ["reported"]
    assert _verdicts("It is true that the errors should be normal", "errors should be normal") == ["asserted"]


@pytest.mark.parametrize("pattern", ["doesn.t matter", "does ?n.?t matter", "doesn['’]t matter", "doesn[o\\W]t matter"])
def test_a_pattern_that_spells_n_t_matches_the_denial_it_describes(pattern):
    """"doesn.t matter" describes a denial: an answer that says it is asserting it."""
    assert _verdicts("the order of the features doesn't matter", pattern) == ["asserted"]


def test_a_negation_of_another_kind_than_the_pattern_spells_still_denies_it():
    """A pattern spelling "no need to clip" in one alternative does not excuse "does not" in
    another: "Adam does not remove the need for clipping" states no misconception."""
    pattern = r"adam.{0,20}removes? the need|no need to clip"
    assert _verdicts("Adam does not remove the need for clipping", pattern) == ["negated"]
    assert _verdicts("With Adam there is no need to clip", pattern) == ["asserted"]


@pytest.mark.parametrize("text, pattern", [
    ("Rare words are not really an issue for it", "rare words"),
    ("Exploration with a bandit is not advisable", "bandit"),
    ("A patience of several epochs only wastes compute", "patience"),
    ("Data leakage is not a realistic concern here", "leakage"),
    ("Scaling the inputs makes no difference", "scaling"),
    ("So memory is not really the issue", "memory"),
    ("Memory is no concern for full-batch training", "memory"),
    ("Stability is not a useful check for k-means", "stability"),
    ("Leakage is not something feature selection deals with", "leakage"),
    ("The dying-ReLU issue is not real in practice", "dying"),
    ("The staleness of the gradients does not affect convergence", "staleness"),
    ("Early stopping does not really apply to language models", "early stopping"),
    ("A product of per-feature posteriors P(y | xi) is not a valid formula", r"product.{0,30}posteriors"),
])
def test_a_denial_in_other_words_than_not_needed_dismisses_the_claim(text, pattern):
    assert _verdicts(text, pattern) == ["negated"]
    assert _verdicts("Data leakage is a real concern", "leakage") == ["asserted"]
    assert _verdicts("Memory is the main issue", "memory") == ["asserted"]
    assert _verdicts("Stability is a useful check", "stability") == ["asserted"]
    # a double negation asserts: what cannot be skipped is needed
    assert _verdicts("Scaling is not something you can skip", "scaling") == ["asserted"]
    # "does not hold" denies a theorem, and the claim that names it may include the denial
    assert _verdicts("The Gauss-Markov theorem does not hold without normality", "gauss.markov") == ["asserted"]


def test_a_non_prefix_negates_the_word_it_is_on():
    """"non-positive" denies "positive": a misconception "the pre-activation is positive" must not
    fire on the correct definition of a dead unit; a pattern that spells the prefix matches it."""
    assert _verdicts("its pre-activation is non-positive for every input", r"pre.?activation is.{0,10}positive") == ["negated"]
    assert _verdicts("k-means fails on non-convex clusters", "convex") == ["negated"]
    assert _verdicts("k-means fails on non-convex clusters", "non.?convex") == ["asserted"]
    assert _verdicts("a non linear model and a nonlinear one", "linear model") == ["asserted"]
    # The prefix denies its own word, not the verb after it: this answer's claim is wrong and
    # stated ("the hard-margin SVM returns the line with the fewest errors").
    assert _verdicts("on non-separable data it simply returns the line with the fewest errors",
                     "returns the line") == ["asserted"]
    assert _verdicts("on non-separable data the hard margin returns the line with the fewest errors",
                     r"hard margin.{0,30}fewest errors") == ["asserted"]


def test_but_ends_a_negation_and_a_report():
    # "X ... but are wrong if ..." says when X fails; it does not call X a myth.
    assert _verdicts("Non-parametric methods (histograms, KDE) are the cheap, data-efficient option "
                     "but are wrong if the shape is wrong", "data.efficient") == ["asserted"]
    assert _verdicts("That kernels need no scaling is wrong", "need no scaling") == ["reported"]
    assert _verdicts("It is not the training loss but the validation loss.", "validation loss") == ["asserted"]
    assert _verdicts("People often think features must be normal, but errors must be normal.",
                     "must be normal") == ["reported", "asserted"]


@pytest.mark.parametrize("text", [
    "A common myth is that the features are normal.",
    "Many people think the features must be normal.",
    "It is wrong to say that the features are normal.",
    "That the features are normal is a myth.",
    "The features are not normal.",
])
def test_a_reported_or_negated_misconception_costs_nothing(text):
    assert grade(_q([RubricPoint("errors", ("errors",))], [NORMAL]), text).misconceptions == ()


def test_naive_or_assumes_do_not_excuse_a_wrong_belief():
    calibrated = Misconception(("gives calibrated probabilities",), "Naive Bayes is badly calibrated.")
    q = _q([RubricPoint("independence", ("independen",))], [calibrated])
    g = grade(q, "Naive Bayes assumes independent features and gives calibrated probabilities.")
    assert g.misconceptions == ("Naive Bayes is badly calibrated.",)


def test_a_point_is_not_credited_where_the_answer_negates_it():
    q = _q([RubricPoint("use a kernel", ("kernel",)), RubricPoint("soft margin", ("soft margin",))])
    assert grade(q, "You do not need a kernel; keep a soft margin.").hits == ("soft margin",)


def test_a_point_stated_negatively_accepts_a_negated_match():
    q = _q([RubricPoint("No perfect multicollinearity", ("collinear",)), RubricPoint("x", ("linear",))])
    assert "No perfect multicollinearity" in grade(q, "no multicollinearity, linearity").hits


def test_an_asserted_opposite_withholds_the_point_and_shows_its_correction():
    point = RubricPoint("The hard margin is infeasible", ("hard.?margin",), opposite=("hard.?margin (works|is fine)",),
                        correction="No hard margin exists here.", penalty=0.25)
    q = _q([point, RubricPoint("kernel", ("kernel",))])
    g = grade(q, "A hard margin works fine, with a kernel.")
    assert g.hits == ("kernel",)
    assert g.misconceptions == ("No hard margin exists here.",)
    assert g.score == pytest.approx(0.5 - 0.25)
    assert grade(q, "A hard margin is infeasible; use a kernel.").hits == ("The hard margin is infeasible", "kernel")


def test_a_negated_claim_of_a_point_with_a_correction_is_a_misconception():
    point = RubricPoint("Scale the features", ("scal",), correction="Scaling matters for gradient descent.")
    g = grade(_q([point, RubricPoint("x", ("zig",))]), "You never need to scale; it zig-zags anyway.")
    assert g.misconceptions == ("Scaling matters for gradient descent.",)


def test_evidence_is_the_answers_own_words_for_each_hit():
    q = _q([RubricPoint("momentum", ("momentum",)), RubricPoint("adaptive", ("adaptive",))])
    g = grade(q, "Adam uses Momentum, and adaptive steps per parameter.")
    assert g.evidence == ("Adam uses Momentum", "adaptive steps per parameter")


def test_a_pattern_does_not_join_two_items_of_a_list():
    q = _q([RubricPoint("normal errors", ("errors?.{0,40}normal",)), RubricPoint("x", ("x",))])
    assert grade(q, "independent errors, and normally distributed features").hits == ()
    assert grade(q, "errors that are normally distributed").hits == ("normal errors",)


# --- the two answers of issue 14, against the built-in bank ------------------------------

BUILTIN = {q.ref: q for b in load_banks(bank_files()) for q in b.questions}


def test_normal_features_are_flagged_in_a_list_with_no_multicollinearity():
    g = grade(BUILTIN["8.1.2-Q1"], "Linearity of the relationship, independent errors, constant variance of errors "
                                   "(homoscedasticity), no multicollinearity, and normally distributed features.")
    assert not g.passed
    assert any("need not be normal" in c for c in g.misconceptions)
    assert "Normality is about the errors and only needed for exact tests and intervals" not in g.hits


def test_the_kernel_trick_claimed_for_a_linear_svm_earns_neither_point():
    g = grade(BUILTIN["8.1.2-Q14-iv"], "A hard margin linear SVM works fine here since the SVM automatically maps "
                                       "data to a higher dimension with the kernel trick, so it will find a circle "
                                       "boundary.")
    assert not g.passed
    assert not any("kernel" in h.lower() or "hard margin" in h.lower() for h in g.hits)


# --- through the CLI ----------------------------------------------------------------------

BANK = textwrap.dedent("""\
    version: 1
    bank: extra
    title: Extra
    questions:
      - id: bias-variance
        ref: 7.1-Q1
        topic: [theory]
        kind: concept
        prompt: What does increasing k in kNN do to bias and variance?
        answer: It raises the bias and lowers the variance.
        rubric:
          - point: bias goes up
            match: ['bias (goes up|increases|rises)', 'more bias', 'higher bias']
            opposite: ['bias (goes down|decreases|falls)', 'less bias', 'lower bias']
            correction: A larger k averages more neighbours, so the bias rises.
          - point: variance goes down
            match: ['variance (goes down|decreases|falls)', 'less variance', 'lower variance']
        examples:
          good:
            - "more bias, less variance"
          near:
            - "less bias, less variance"
            - "more bias and less variance"
          partial: ["more bias"]
        hints: ["What happens with k = n?"]
    """)


def test_check_json_has_evidence_beside_hits(tmp_path):
    (tmp_path / "extra.yaml").write_text(BANK, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "7.1-Q1", "--bank-dir", str(tmp_path), "--json",
                                      "--answer", "Less bias. The variance goes down."])
    out = json.loads(result.stdout)
    assert out["hits"] == ["variance goes down"] and out["evidence"] == ["The variance goes down"]
    assert out["misconceptions"] == ["A larger k averages more neighbours, so the bias rises."]
    assert out["misconception_evidence"] == ["Less bias"]
    assert result.exit_code == 1


def test_check_shows_the_evidence_under_each_hit(tmp_path):
    (tmp_path / "extra.yaml").write_text(BANK, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "7.1-Q1", "--bank-dir", str(tmp_path),
                                      "--answer", "Higher bias overall; the variance goes down"])
    lines = result.stdout.splitlines()
    assert lines[1].strip() == "✓ bias goes up" and lines[2].strip() == "“Higher bias overall”"


def test_validate_reports_each_example_the_question_grades_wrongly_at_its_line(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text(BANK, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    faults = result.stderr.strip().splitlines()
    assert len(faults) == 1
    line = BANK.splitlines().index('        - "more bias and less variance"') + 1
    assert faults[0].startswith(f"{path}:{line}: extra/bias-variance: near example passes (score 1.00")


@pytest.mark.parametrize("text, pattern, verdict", [
    ("Without scaling the features the optimiser zig-zags", "zig", "asserted"),
    ("Train without dropout", "dropout", "negated"),
    ("It is not only slow but also unstable", "slow", "asserted"),
    ("No matter the scale, the optimum is the same", "optimum", "asserted"),
    ("Whether or not you regularise, scale the features", "scale the features", "asserted"),
    ("Use L2 rather than L1", "l1", "negated"),
    ("Use L2 rather than L1", "l2", "asserted"),
])
def test_what_a_negation_reaches(text, pattern, verdict):
    assert _verdicts(text, pattern) == [verdict]


@pytest.mark.parametrize("text, pattern, verdict", [
    ("If you don't scale, gradient descent zig-zags", "zig", "asserted"),
    ("Without scaling, GD zig-zags", "zig", "asserted"),
    ("Features don't have to be normal, only the errors", "errors", "asserted"),
    ("The model doesn't need dropout, weight decay or augmentation", "augmentation", "negated"),
    # Without "or" the items after a negated verb are claims of their own, not denied with it.
    ("ReLU doesn't saturate for x > 0, sparse activations, cheap to compute", "sparse activations", "asserted"),
    ("Features need not be normal, uncorrelated, or you could scale them anyway", "uncorrelated", "asserted"),
    ("Features need not be normal, uncorrelated, scaled or centred", "uncorrelated", "negated"),
])
def test_what_a_negated_verb_governs(text, pattern, verdict):
    assert _verdicts(text, pattern) == [verdict]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = st.sampled_from(["not", "no", "and", "or", "but", ",", ".", ";", ":", "\n", "- ", "e.g.", "É", "ß", "n't",
                          "errors", "normal", "features", "kernel", "hard margin", "works fine", "  ", "1/e", "(", ")"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_WORDS, st.text(max_size=6)), max_size=40).map(" ".join))
def test_any_answer_grades_with_evidence_parallel_to_hits(text):
    for ref in ("8.1.2-Q1", "8.1.2-Q14-iv"):
        g = grade(BUILTIN[ref], text)
        assert 0.0 <= g.score <= 1.0
        assert len(g.evidence) == len(g.hits) and len(g.misconception_evidence) == len(g.misconceptions)
        assert all(e and e in text for e in g.evidence + g.misconception_evidence)


def test_a_sentence_ending_in_a_contraction_or_a_one_letter_word_ends_there():
    """Engine issue 7: the "t" of "doesn't." read as an abbreviation joined two sentences."""
    pattern = r"(ln|layer ?norm\w*)[^.;]{0,30}(standard|default|used) in cnns"
    assert Answer("BN needs batches and LN doesn't. BN is standard in CNNs, LN in transformers").find(pattern) == []
    assert Answer("Take option a. It is standard in CNNs").find(r"option a.{0,30}standard") == []
    # a dotted abbreviation still does not end a sentence
    assert Answer("the gradient w.r.t. the weights vanishes").states(r"gradient.{0,30}vanish")


@pytest.mark.parametrize("text, pattern, verdict", [
    ("Stability across seeds is irrelevant", "stability", "negated"),
    ("Feature scaling is not needed for logistic regression", "scaling", "negated"),
    ("The order of the words doesn't really matter", "order", "negated"),
    ("Heteroscedasticity is harmless for inference", "heterosced", "negated"),
    ("Stability across seeds is important", "stability", "asserted"),
    ("Leaky units keep a flat region, so they don't help", "flat region", "asserted"),
    ("Scaling matters; the intercept is irrelevant", "scaling", "asserted"),
    ("The zero-mean-error condition is not really something to worry about", "zero.mean", "negated"),
    ("What the business wants should not influence k", "business", "negated"),
    ("Pretrained embeddings do not really add anything here", "pretrained", "negated"),
    ("Fine-tuning a pretrained LM is not an option", "fine.tun", "negated"),
    ("Perplexity is a fluency score unrelated to likelihood", "likelihood", "negated"),
    ("Starting with an underfitting model tells you little", "underfitting model", "negated"),
    ("Starting with an underfitting model tells you where the floor is", "underfitting model", "asserted"),
    ("Starting with a model that underfits gives no information", "underfits", "negated"),
    ("Accuracy on cluster ids is meaningless", "accuracy", "negated"),
    ("Matching cluster 0 to class 0 makes no sense", "cluster 0 to class 0", "negated"),
    ("Accuracy gives a useful summary", "accuracy", "asserted"),
    ("Switching to subword units actually makes things worse", "subword", "negated"),
    ("Label smoothing does not work here", "label smoothing", "negated"),
    ("Label smoothing works here", "label smoothing", "asserted"),
])
def test_a_predicate_that_dismisses_the_claim_negates_it(text, pattern, verdict):
    """"X is irrelevant" denies X as surely as "X is not"; a dismissal after "so" or in
    another clause belongs to a new claim."""
    assert _verdicts(text, pattern) == [verdict]


@pytest.mark.parametrize("text, pattern, verdict", [
    ("Trees do not need scaling - splits are monotone in each feature", "splits", "asserted"),
    ("Gradients do not vanish -> training converges", "converges", "asserted"),
    ("Gradients do not vanish -> training converges", "vanish", "negated"),
    ("A common myth is that deeper is always better, so depth is tuned on validation", "tuned on validation",
     "asserted"),
    ("A common myth is that deeper is always better, so depth is tuned on validation", "always better", "reported"),
    ("It is wrong to say L1 is smooth, thus it is solved with subgradients", "subgradients", "asserted"),
])
def test_dashes_arrows_and_consequences_start_a_new_claim(text, pattern, verdict):
    """Notes written as "a - b -> c" or "x, so y" hold several claims: a negation or a report
    of the first reaches none of the others."""
    assert _verdicts(text, pattern) == [verdict]


@pytest.mark.parametrize("text, pattern, verdict", [
    ("ReLU does not saturate for positive inputs", r"relu.{0,60}saturat", "negated"),
    ("ReLU never saturates for positive inputs", r"relu.{0,60}saturat", "negated"),
    ("Sigmoid, not ReLU, saturates", r"sigmoid.{0,30}saturat", "asserted"),
    ("Noise: none vs high vs moderate", r"noise.{0,40}moderate", "asserted"),
    ("ReLU does not saturate for positive inputs", r"relu (does not|doesn't) saturat", "asserted"),
])
def test_a_negation_among_the_matched_words_denies_a_pattern_that_names_none(text, pattern, verdict):
    """A gap in a pattern may swallow a "not": the match then says the opposite of the pattern,
    unless the pattern spells the negation itself."""
    assert _verdicts(text, pattern) == [verdict]


def test_a_misconception_that_spells_a_negation_still_fires():
    myth = Misconception((r"(doesn't|does not|no) need (feature )?scaling",), "Scaling matters for gradient descent.")
    g = grade(_q([RubricPoint("linear", ("linear",))], [myth]), "It is linear, so it does not need feature scaling.")
    assert g.misconceptions == ("Scaling matters for gradient descent.",)


def test_words_that_state_a_misconception_earn_no_point():
    """One clause cannot both earn a ✓ and state the wrong belief it contains."""
    scale = RubricPoint("Inverted dropout rescales by 1/p during training", (r"divid\w* .{0,30}\bby p\b",))
    when = RubricPoint("Nothing is dropped at test time", ("nothing is dropped",))
    myth = Misconception((r"divid\w* .{0,40}at test time",), "Inverted dropout rescales during training only.")
    q = _q([scale, when], [myth])
    wrong = grade(q, "Nothing is dropped; inverted dropout divides the activations by p at test time.")
    assert wrong.hits == ("Nothing is dropped at test time",)
    assert wrong.misconceptions == ("Inverted dropout rescales during training only.",)
    right = grade(q, "Inverted dropout divides the kept activations by p during training; nothing is dropped.")
    assert right.hits == ("Inverted dropout rescales by 1/p during training", "Nothing is dropped at test time")
    assert right.misconceptions == ()


def test_the_claim_that_states_a_misconception_earns_no_point_for_other_words_in_it():
    """A ✓ must not quote a wrong claim: "independent models" sits in the claim that gets
    bagging's sampling wrong, so it earns nothing there; as a claim of its own it does."""
    independent = RubricPoint("Bagging trains independent learners", (r"independent (models|learners)",))
    average = RubricPoint("and averages them", (r"averag",))
    myth = Misconception((r"without replacement",), "Bagging draws bootstrap samples, with replacement.")
    q = _q([independent, average], [myth])
    wrong = grade(q, "Bagging trains independent models on disjoint chunks drawn without replacement. "
                     "Their predictions are averaged.")
    assert wrong.hits == ("and averages them",)
    assert wrong.misconceptions == ("Bagging draws bootstrap samples, with replacement.",)
    apart = grade(q, "Bagging trains independent models and averages them. The samples are drawn without replacement.")
    assert apart.hits == ("Bagging trains independent learners", "and averages them")
    assert apart.misconceptions == ("Bagging draws bootstrap samples, with replacement.",)


@pytest.mark.parametrize("art", ["`" + "-" * 30 + "." * 30, "'" * 40 + "not " * 5, "-" * 40 + " n't " * 3])
def test_ascii_art_around_a_match_is_read_in_linear_time(art):
    """A plot or divider typed into an answer (runs of dashes, dots, quotes) once made the check
    for a dismissing predicate split each run in exponentially many ways, so a correct answer
    with an ASCII loss curve stopped with a pattern fault (or hung)."""
    text = f"low learning rate: slow decrease\n |    {art}   (low: slow, almost linear)"
    g = grade(_q([RubricPoint("slow", ("slow",))]), text)
    assert g.passed and g.hits == ("slow",)
    assert _verdicts(f"scaling matters {art}", "scaling") == ["asserted"]
    assert _verdicts(f"{art}\nscaling is irrelevant", "scaling") == ["negated"]
