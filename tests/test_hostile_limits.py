"""Issue 15, cases 5 and 6: every solver checks its declared size limits before the work, and
what drill reads from a file or stdin is bounded: one `drill: ...` line and exit 2, or a
correct result, quickly and in little memory."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drill.cli import app

runner = CliRunner()


def _refused(args: list[str], message: str, **kwargs) -> None:  # noqa: ANN003
    result = runner.invoke(app, args, **kwargs)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("drill: ") and message in line, line


def _mapping(tmp_path: Path, **values: str) -> str:
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    return str(path)


def test_activations_alpha_out_of_range():
    _refused(["solve", "activations", "--alpha", "1e308"], "alpha must be at most 1, got 1e+308")


def test_naive_bayes_alpha_out_of_range():
    _refused(["solve", "naive-bayes", "--alpha", "1e308"], "alpha must be a number > 0 and at most 1e+06")


def test_adjacency_with_a_hundred_thousand_nodes_is_refused_before_allocating(tmp_path):
    edges = ",".join(f"n{i}-n{i + 1}" for i in range(100_000))
    _refused(["solve", "adjacency", "--input", _mapping(tmp_path, edges=edges)],
             "adjacency: the graph has 100,001 nodes; at most 400")


def test_isomorphism_checks_its_cap_first(tmp_path):
    path = ",".join(f"n{i}-n{i + 1}" for i in range(5000))
    _refused(["solve", "isomorphism", "--input", _mapping(tmp_path, g1=path, g2=path)],
             "isomorphism: g1: the graph has 5,001 nodes; at most 400")


def test_conv_and_depthwise_sizes():
    _refused(["solve", "conv", "--shape", "10000000x2x2"], "each size must be at most 1,000,000")
    _refused(["solve", "conv", "--layers", "conv3x3s1p1c" + "9" * 5000], "a spec has at most 80")
    _refused(["solve", "depthwise", "--c-in", "99999999999"], "c_in = 99,999,999,999 is above the limit")


def test_levenshtein_long_words_are_fast_and_small(tmp_path):
    rng = random.Random(1)
    words = {k: "".join(rng.choice("abc") for _ in range(3000)) for k in ("word1", "word2")}
    result = runner.invoke(app, ["solve", "levenshtein", "--input", _mapping(tmp_path, **words), "--json"])
    assert result.exit_code == 0
    assert len(result.stdout) < 500_000  # was 98 MB: no 9-million-cell table
    data = json.loads(result.stdout)
    assert data["distance"] == sum(not op.startswith("keep") for op in data["script"])
    assert {"distance", "script", "steps", "inputs"} <= set(data)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_input_files_are_bounded():
    _refused(["solve", "tfidf", "--docs", "/dev/zero"], "/dev/zero:1: line longer than 1,000,000 characters")
    _refused(["solve", "naive-bayes", "--train", "/dev/zero"], "/dev/zero:1: line longer than 1,000,000")
    _refused(["solve", "tfidf", "--input", "/dev/zero"], "/dev/zero: more than 16 MB")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_check_reads_an_answer_file_with_a_bound():
    _refused(["check", "8.2.1-Q9", "/dev/zero"], "/dev/zero: more than 16 MB")


@pytest.mark.parametrize("answer", ["9" * 400, "9" * 400 + "/7", "9" * 5000 + "/3", "1e400"])
def test_a_huge_number_as_an_answer_is_a_wrong_answer_with_a_reason(answer):
    result = runner.invoke(app, ["check", "8.2.1-Q9", "--answer", answer])
    assert result.exit_code == 1, result.output
    assert "too large to compare" in result.stdout and "Traceback" not in result.output
    piped = runner.invoke(app, ["quiz", "--id", "8.2.1-Q9", "--no-record", "--json"], input=answer + "\n---\n")
    assert piped.exit_code == 0 and json.loads(piped.stdout)["passed"] is False


def test_check_timeout_must_be_finite(tmp_path):
    answer = Path(__file__).parent / "fixtures" / "code" / "backprop_correct.py"
    for value in ("inf", "nan", "1e308"):
        _refused(["check", "8.3-Q3-i", str(answer), "--timeout", value], "timeout must be positive and at most 3600")


def test_interview_minutes_nan():
    _refused(["interview", "--minutes", "nan"], "--minutes must be a number from 1 to 240, got nan")


@pytest.mark.parametrize("args,message", [
    (["interview", "--minutes", "inf"], "Invalid value for '--minutes': inf is not in the range 1<=x<=240"),
    (["bogus"], "No such command 'bogus'"),
    (["--bogus"], "No such option: --bogus"),
    (["solve", "tfidf", "--top", "x"], "'x' is not a valid int"),
    (["show"], "Missing argument 'question'"),
])
def test_usage_errors_are_one_line_too(args, message):
    _refused(args, message)


def test_every_solver_declares_its_size_limits():
    import solvers

    for name in solvers.REGISTRY:
        module = solvers.load(name)
        limits = [k for k, v in vars(module).items() if k.startswith("MAX_") and isinstance(v, (int, float))]
        assert limits, f"solver {name} declares no MAX_* size limit"


def test_a_concept_answer_longer_than_any_interview_answer_is_not_graded(tmp_path):
    """Grading time grows with the answer: a pasted file of megabytes is refused with its reason."""
    from drill.grading import MAX_CONCEPT_ANSWER

    sentence = "Bias grows with k while variance falls, since more neighbours are averaged. "
    fits = (sentence * (MAX_CONCEPT_ANSWER // len(sentence) + 1))[:MAX_CONCEPT_ANSWER]
    graded = runner.invoke(app, ["check", "classical-ml/knn-k-effect", "--answer", fits, "--json"])
    assert "message" not in json.loads(graded.stdout)
    answer = tmp_path / "pasted.txt"
    answer.write_text(fits + "x", encoding="utf-8")
    result = runner.invoke(app, ["check", "classical-ml/knn-k-effect", str(answer)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"not graded: {MAX_CONCEPT_ANSWER + 1:,} characters; a concept answer is graded up to" in result.stdout
    piped = runner.invoke(app, ["quiz", "--id", "classical-ml/knn-k-effect", "--no-record", "--json"],
                          input=fits + "x\n---\n")
    record = json.loads(piped.stdout)
    assert (piped.exit_code, record["passed"], record["message"].startswith("not graded")) == (0, False, True)

    examples = tmp_path / "long.yaml"
    examples.write_text(f"questions:\n  - id: classical-ml/knn-k-effect\n    examples:\n      near: ['{'y' * 60_000}']\n",
                        encoding="utf-8")
    result = runner.invoke(app, ["validate", "--examples", str(examples)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{examples}:4: classical-ml/knn-k-effect: near example is not graded (60,000 characters")
