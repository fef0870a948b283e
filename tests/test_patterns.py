"""Patterns: phrases by default in version 2 banks, faults for patterns that must not run, a time
budget on matching, and `check --explain`."""

from __future__ import annotations

import json
import textwrap
import time

import pytest
from typer.testing import CliRunner

from drill.cli import app
from drill.grading.normalize import Answer
from drill.patterns import fold_pattern, phrase, problems, stem_pattern

runner = CliRunner()


def _bank(version: int, rubric: str, extra: str = "") -> str:
    return textwrap.dedent("""\
        version: {version}
        bank: extra
        title: Extra
        questions:
          - id: scaling
            ref: 7.1-Q1
            topic: [theory]
            kind: concept
            prompt: Why scale features?
            answer: Gradient descent zig-zags without feature scaling.
            rubric:
        {rubric}
            hints: ["What shape are the contours?"]
        {extra}""").format(version=version, rubric=textwrap.indent(textwrap.dedent(rubric), " " * 6),
                           extra=textwrap.indent(textwrap.dedent(extra), " " * 2))


def _validate(tmp_path, text: str):
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    return path, result


def test_a_non_space_class_survives_folding_and_stemming():
    assert fold_pattern(r"\S+ \W \B \D Scaling") == r"\S+ \W \B \D scaling"
    assert stem_pattern(r"\S+ Scaling\b") == r"\S+ scale\b"
    assert Answer("x-y").matches(r"x\S")
    assert not Answer("x y").matches(r"x\S")


def test_a_word_with_an_optional_last_letter_keeps_its_meaning_when_stemmed():
    # Stemmed letter by letter, `wins?` became `win?`, which matched the "wi" of "with".
    assert not Answer("Train it with care").matches(r"\bwins?")
    assert Answer("Adam wins early").matches(r"\bwins?") and Answer("SGD will win").matches(r"\bwins?")
    # A lookahead after the word stays where it was written: "target than" is not a match.
    assert not Answer("a higher-variance target than labels").matches(r"variance targets?(?!\s+than)")
    assert Answer("a higher-variance target, so").matches(r"variance targets?(?!\s+than)")
    assert stem_pattern("colou?r") == "colou?r"  # an optional letter inside a word: left as written


def test_a_guard_against_n_t_holds_on_the_stemmed_view_too():
    # The stemmed view reads "doesn't" as "doesnt": a guard spelled n.t used to stop the match
    # on the plain view only, and the stemmed view read "doesn't do well" as "does well".
    guarded = r"linear svm(?:(?!\bnot\b|n.t\b)[^.;]){0,20}\bdoes (fine|well)"
    assert not Answer("A linear SVM doesn't do well here").matches(guarded)
    assert not Answer("A linear SVM isn't going to do well").matches(r"svm(?:(?!n.t\b).){0,30}do well")
    assert not Answer("the SVM doesn't help").matches(r"(?<!doesn.t )\bhelp")
    assert Answer("A linear SVM does well here").matches(guarded)
    # The banks spell the apostrophe in several ways; each guard holds on both views.
    assert not Answer("A linear SVM doesn't do well").matches(r"svm(?:(?!n['’]t\b).){0,30}do well")
    assert not Answer("A linear SVM won't do well").matches(r"svm(?:(?!n[o\W]t\b).){0,30}do well")
    assert not Answer("A linear SVM can't do well").matches(r"svm(?:(?!n.?t\b).){0,30}do well")
    assert not Answer("you can't help it").matches(r"(?<!can['’]t )\bhelp")
    # Outside a guard the pattern is left as written: the plain view has the apostrophe, and the
    # stemmed view, which drops punctuation, must not find "isn't): removal" as "isnt remov".
    assert stem_pattern(r"isn.t removed") == r"isn.t remov"
    assert not Answer("negations (not, don't/isn't): removal flips them").matches(r"(never|isn.t) (removed|dropped)")


def test_a_phrase_matches_whole_words_in_any_form_and_spacing():
    assert Answer("We scaled the  Features first").matches(phrase("scale the features"))
    assert not Answer("rescaled").matches(phrase("scale"))  # whole words only
    assert Answer("a soft margin").matches(phrase("soft-margin")) and Answer("softmargin").matches(phrase("soft-margin"))
    assert Answer("gradients tend to vanish").matches(phrase("gradient ... vanish"))
    assert phrase("1/e (the limit)") == r"\b1/e\s+\(the\s+limit\)"


@pytest.mark.parametrize("pattern, fault", [
    (r"a{4294967296}", "does not compile"),
    ("(" * 2000 + "a" + ")" * 2000, "nested too deeply"),
    (r"(\w+\s?)*x", "repeats a part that itself repeats"),
    (r"(a+)+", "repeats a part that itself repeats"),
    ("\bbias\b", "control character U+0008"),
    ("(unclosed", "does not compile"),
])
def test_a_pattern_that_must_not_run_is_a_located_fault_found_fast(tmp_path, pattern, fault):
    text = _bank(1, """\
        - point: bias
          match: ['bias',
                  PATTERN]
        """).replace("PATTERN", json.dumps(pattern))
    start = time.monotonic()
    path, result = _validate(tmp_path, text)
    assert time.monotonic() - start < 5
    assert result.exit_code == 2
    line = 1 + next(i for i, s in enumerate(text.splitlines()) if json.dumps(pattern)[:20] in s)
    assert result.stderr.startswith(f"{path}:{line}: extra/scaling: rubric pattern ")
    assert fault in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bounded_repeats_and_phrase_gaps_are_not_faults():
    assert problems(r"(\w+\s){0,5}x") == [] and problems(r"(?:ab|cd)+") == [] and problems(r".{0,40}y") == []
    assert problems(phrase("gradient ... vanish")) == []


def test_a_pattern_over_its_time_budget_is_a_located_fault_not_a_hang(tmp_path):
    text = _bank(1, """\
        - point: bias
          match: ['bias',
                  '(a|aa)+$']
        """)
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    result = runner.invoke(app, ["check", "7.1-Q1", "--bank-dir", str(path), "--answer", "a" * 40 + "x"])
    assert time.monotonic() - start < 5
    assert result.exit_code == 2
    line = 1 + next(i for i, s in enumerate(text.splitlines()) if "(a|aa)" in s)
    assert result.stderr.startswith(f"{path}:{line}: extra/scaling: pattern '(a|aa)+$' took over")


def test_a_quiz_stopped_by_a_slow_pattern_keeps_its_summary(tmp_path):
    second = """\
        - id: second
          ref: 7.1-Q2
          topic: [theory]
          kind: concept
          prompt: Anything?
          answer: bias
          rubric:
            - point: bias
              match: ['bias', '(a|aa)+$']
          hints: ["h"]
        """
    path = tmp_path / "extra.yaml"
    path.write_text(_bank(1, "- point: bias\n  match: ['bias']\n", second), encoding="utf-8")
    result = runner.invoke(app, ["quiz", "--bank-dir", str(path), "--bank", "extra", "--seed", "1"],
                           input="bias\n---\n" + "a" * 40 + "x\n---\n")
    assert result.exit_code == 2
    assert "1 answered" in result.stdout
    assert "took over" in result.stderr


def test_version_2_reads_phrases_and_re_prefixed_regexes(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text(_bank(2, """\
        - point: zig-zag
          match: ['zig-zag', 're:oscillat\\w*']
        - point: scaling
          match: ['feature scaling']
        """), encoding="utf-8")
    def check(answer: str) -> dict:
        r = runner.invoke(app, ["check", "7.1-Q1", "--bank-dir", str(path), "--json", "--answer", answer])
        return json.loads(r.stdout)
    assert check("It oscillates; scaled features help")["hits"] == ["zig-zag"]
    assert check("it zigzags, so scale features: Feature Scaling")["hits"] == ["zig-zag", "scaling"]
    assert check("the (zig-zag) path")["hits"] == ["zig-zag"]
    assert check("scaling features")["hits"] == []  # a phrase keeps its word order
    assert check("featurexscaling")["hits"] == []  # and is words, not a regex


def test_version_1_keeps_reading_regexes(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text(_bank(1, "- point: scaling\n  match: ['feature.scaling']\n"), encoding="utf-8")
    r = runner.invoke(app, ["check", "7.1-Q1", "--bank-dir", str(path), "--json", "--answer", "feature-scaling"])
    assert json.loads(r.stdout)["hits"] == ["scaling"]


def test_new_bank_writes_version_2_and_validates(tmp_path):
    result = runner.invoke(app, ["new", "bank", "mine", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = next(tmp_path.glob("*.yaml"))
    assert "version: 2" in path.read_text(encoding="utf-8")
    check = runner.invoke(app, ["validate", str(path)])
    assert check.exit_code == 0, check.output


def test_explain_shows_each_pattern_view_text_and_verdict(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text(_bank(1, """\
        - point: zig-zag
          match: ['zig.?zag', 'oscillat']
        - point: scaling
          match: ['feature scaling']
          opposite: ['scaling (is|does) (useless|nothing)']
        """), encoding="utf-8")
    args = ["check", "7.1-Q1", "--bank-dir", str(path), "--explain", "--answer",
            "It does not oscillate. Features scaled first; it zig-zags otherwise."]
    text = runner.invoke(app, args).stdout
    assert "'oscillat'" in text and "negated" in text
    assert "'feature scaling'" in text and "stemmed" in text and "Features scaled" in text
    out = json.loads(runner.invoke(app, args + ["--json"]).stdout)
    checks = out["explain"]
    zig = next(c for c in checks if c["label"] == "zig-zag" and c["kind"] == "point")
    assert zig["outcome"] == "hit"
    assert {(m["pattern"], m["verdict"]) for m in zig["matches"]} == {("oscillat", "negated"), ("zig.?zag", "asserted")}
    scaling = next(c for c in checks if c["label"] == "scaling" and c["kind"] == "point")
    assert scaling["matches"][0]["view"] == "stemmed" and scaling["matches"][0]["text"] == "Features scaled"
    assert any(c["kind"] == "opposite" and c["outcome"] == "not stated" for c in checks)


def test_a_pattern_that_needs_text_across_a_sentence_end_is_a_fault():
    assert "can never match" in problems(r"errors\. they")[0]
    assert "can never match" in problems("bias, and variance")[0]
    assert problems("bias and variance") == []


@pytest.mark.parametrize("pattern", [r"a.*b.*c.*d", r"(\w+)\s(\w+)\s(\w+)z", r"(?:(?!q).)*x"])
def test_a_long_hostile_answer_is_graded_or_faulted_in_bounded_time(tmp_path, pattern):
    path = tmp_path / "extra.yaml"
    path.write_text(_bank(1, f"- point: p\n  match: ['bias', {json.dumps(pattern)}]\n"), encoding="utf-8")
    runner.invoke(app, ["list", "--bank-dir", str(path)])  # index the banks first: the limit is the answer's
    for answer in ("a" * 20000, "ab " * 7000, "word " * 4000):
        start = time.monotonic()
        result = runner.invoke(app, ["check", "7.1-Q1", "--bank-dir", str(path), "--answer", answer])
        assert time.monotonic() - start < 5
        assert result.exit_code in (1, 2)
        assert result.exit_code == 1 or "took over" in result.stderr


def test_a_loaded_question_grades_without_parsing_or_stemming_a_pattern_again(monkeypatch):
    """The index pickles whole questions: the plans made while the bank loaded travel with
    them, so the first answer to a question compiles its patterns and nothing more."""
    import pickle

    from drill import patterns
    from drill.bank import parse_bank_text
    from drill.grading import grade

    bank, faults = parse_bank_text(_bank(2, """\
        - point: zig-zag
          match: ['zig-zag', 're:oscillat\\w*']
          opposite: ['straight path']
        - point: scaling
          match: ['feature scaling']
        """), "extra.yaml")
    assert faults == []
    question = pickle.loads(pickle.dumps(bank.questions[0]))
    assert [p.pattern for p in question.rubric[0].plans] == [*question.rubric[0].match, *question.rubric[0].opposite]

    def no_parsing(*args, **kwargs):
        raise AssertionError("a pattern was parsed or stemmed while grading")

    monkeypatch.setattr(patterns, "_parse", no_parsing)
    monkeypatch.setattr(patterns, "stem_pattern", no_parsing)
    monkeypatch.setattr(patterns, "plan", no_parsing)
    patterns.analyse.cache_clear()
    g = grade(question, "Unscaled features make it oscillate; use Feature Scaling.")
    assert g.hits == ("zig-zag", "scaling")


def test_a_phrase_matches_irregular_forms_of_its_verbs():
    assert Answer("as the threshold rises, recall goes down").matches(phrase("recall go down"))
    assert Answer("the validation loss fell, then rose").matches(phrase("loss falls"))
    assert Answer("it has converged").matches(phrase("have converged"))


def test_a_phrase_gap_does_not_reach_past_a_contrast():
    """A new user's "not applied ... test" credited "not applied during training but at test time"."""
    gap = phrase("not applied ... test")
    assert not Answer("Dropout is not applied during training but at test time").matches(gap)
    assert Answer("Dropout is not applied at test time").matches(gap)


def test_explain_shows_phrases_as_written_on_one_line_each_when_piped(tmp_path):
    """A bank author reads back their own phrase, not the regex made of it, and a long
    pattern is not folded in the middle when the output goes to a pipe or a file."""
    long_phrase = "gradient descent ... zig-zags across the narrow valley of an ill-conditioned loss surface"
    path = tmp_path / "extra.yaml"
    path.write_text(_bank(2, f"""\
        - point: zig-zag
          match: ['{long_phrase}', 're:oscillat\\w*']
        """), encoding="utf-8")
    args = ["check", "7.1-Q1", "--bank-dir", str(path), "--explain", "--answer", "It oscillates."]
    text = runner.invoke(app, args, env={"COLUMNS": "60"}).stdout
    assert f"'{long_phrase}'" in text.splitlines()[1]
    assert "'re:oscillat\\w*'" in text and "\\s+" not in text
    point = json.loads(runner.invoke(app, args + ["--json"]).stdout)["explain"][0]
    assert point["written"] == [long_phrase, "re:oscillat\\w*"]
    assert point["patterns"][1] == "oscillat\\w*"


def test_a_crossed_out_sign_keeps_its_meaning():
    """Folding drops accents; "≠" must not lose its slash and read as "="."""
    assert not Answer("L2 ≠ weight decay in Adam").matches(r"l2 = weight decay")
    assert Answer("L2 ≠ weight decay in Adam").matches(r"l2 != weight decay")
    assert Answer("café ≠ cafe").matches(r"cafe != cafe")


def test_a_tempered_gap_is_bounded_by_its_ends_plus_its_lookaround_steps():
    """``(?:(?!not).){0,40}`` tries the rest of the pattern from at most 41 ends and runs its
    lookahead once per step: the bound adds the two. Multiplying them put nearly every guarded
    pattern in the slow-to-compile engine, and the bound still holds on a text built to make
    it backtrack."""
    import time

    from drill.patterns import analyse, compiled_re, within

    guarded = r"relu(?:(?!\b(?:not|never|no|without|cannot)\b).){0,40}saturat\w*"
    cost = analyse(guarded).cost
    assert within(cost, 300, 20)
    worst = "relu " * 400  # every start opens the gap, no end ever closes it
    assert within(cost, len(worst), 5)
    start = time.thread_time()
    assert compiled_re(guarded).search(worst) is None
    assert time.thread_time() - start < 0.25
    assert analyse(guarded.replace("(?:(?!", "((?!")).cost == cost  # a capturing group changes nothing
    assert analyse(r"(?:\w+\s?)*x").cost is None  # nested repeats stay unbounded


def test_alternatives_that_cannot_match_at_one_place_do_not_add_up():
    """Branches with different literal starts never match together, an optional part adds one
    way, and a word run followed by a space ends in one place even inside a group: bounding
    them as a sum sent most bank patterns to the slow-to-compile engine. The bound still holds
    on texts built to make the pattern backtrack."""
    import time

    from drill.patterns import analyse, compiled_re, within

    assert analyse(r"(stride|step) (of )?(16|8|64|224)\b").cost == (0, 0, 2.0)
    assert analyse(r"(increa\w*|decrea\w*) (the )?gamma").cost == (0, 0, 2.0)
    assert analyse(r"(learn|learning|learned)x").cost == (0, 0, 2.0)  # "learn" with "learning" or "learned"
    assert analyse(r"(\w+|ab)x").cost == (0, 1, 2.0)  # a branch with no literal start meets every other
    assert analyse(r"(a|ab|abc|b|bc)x").cost == (0, 0, 3.0)  # "a", "ab" and "abc" can all start at one place
    assert analyse(r"(ab\d|ab|c|cd)x").cost == (0, 0, 2.0)  # two branches with one literal start both count
    pattern = r"(stride|step|strides)[^.;]{0,40}(16|8|64|160)(total|sum)?[^.;]{0,40}(overall|all)"
    cost = analyse(pattern).cost
    assert within(cost, 70, 20) and not within(cost, 100, 20)
    for worst in ("stride 16 " * 30, "strides 160total steps " * 17, "step 8 stride 64sum " * 18):
        start = time.thread_time()
        assert compiled_re(pattern).search(worst[:70]) is None
        assert time.thread_time() - start < 0.25


def test_a_lookbehind_sees_its_whole_sentence_across_a_comma_and():
    # ", and" starts a new piece, so that a negation before it does not deny what follows; a
    # guard on what comes before must still see the sentence, or "add a radius feature, and
    # k-means will separate the ring" reads as a claim that plain k-means separates it.
    claim = r"(?<!\bradius feature\b[^.;]{0,60})k.?means will separate the ring"
    assert not Answer("Add a radius feature r, scaled to unit variance, and k-means will separate the ring").matches(claim)
    assert not Answer("Add a radius feature r, scaled, and k-means will separate the rings").matches(claim)  # stemmed view
    assert Answer("Use the raw coordinates, and k-means will separate the ring").matches(claim)
    # A lookbehind that names the subject reaches it too: "sigmoid ..., and maximum slope 1".
    about_sigmoid = r"(?<=\bsigmoid\b[^.;]{0,60})max\w* slope (of )?1\b"
    assert Answer("The sigmoid saturates at both ends, and maximum slope 1 at zero").matches(about_sigmoid)
    assert Answer("The sigmoid saturates at both ends, and the maximal slopes of 1 sit at zero").matches(about_sigmoid)  # stemmed view
    assert not Answer("Tanh saturates at both ends, and maximum slope 1 at zero").matches(about_sigmoid)
    # The guard sees no further than the sentence; an anchored pattern keeps its piece start.
    assert Answer("Add a radius feature. Then k-means will separate the ring").matches(claim)
    anchored = r"^ and (?<!radius feature, and )k.?means will"
    assert Answer("Add a radius feature, and k-means will separate the ring").matches(anchored)


def test_a_fraction_stays_one_word_in_the_stemmed_view():
    # The stemmed view keeps words only; it used to read "1/4" as "1 4", so a pattern for "at
    # most 1" that refuses a following "/4" still matched there, and "the sigmoid's derivative is
    # at most 1/4" (the model answer's own words) was read as a claim of 1.
    at_most_one = r"derivatives? (is |are )?at most 1\b(?![./]\d)"
    assert not Answer("the sigmoid's derivatives are at most 1/4").matches(at_most_one)
    assert Answer("the sigmoid's derivatives are at most 1").matches(at_most_one)
