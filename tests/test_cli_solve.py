"""`drill solve` through the CLI: listing, JSON contracts, inputs from files and stdin, bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import solvers
from drill.cli import app

runner = CliRunner()


def solve(*args, input=None):
    return runner.invoke(app, ["solve", *args], input=input)


def test_solve_alone_lists_every_solver_with_a_summary():
    result = solve()
    assert result.exit_code == 0
    for name in solvers.REGISTRY:
        assert name in result.stdout
    assert json.loads(solve("--json").stdout).keys() == solvers.REGISTRY.keys()


@pytest.mark.parametrize("name", sorted(solvers.REGISTRY))
def test_every_solver_solves_the_book_example_with_steps_and_json(name):
    shown = solve(name)
    assert shown.exit_code == 0, shown.output
    assert "Answer" in shown.stdout
    data = json.loads(solve(name, "--json").stdout)
    assert {"steps", "inputs"} <= set(data)
    quiet = solve(name, "--no-steps")
    assert quiet.exit_code == 0 and len(quiet.stdout) < len(shown.stdout)


def test_json_contracts_of_the_first_solvers():
    tfidf = json.loads(solve("tfidf", "--json").stdout)
    assert [r["doc"] for r in tfidf["ranking"][:2]] == ["D4", "D3"]
    assert set(tfidf["ranking"][0]) == {"doc", "score"}
    nb = json.loads(solve("naive-bayes", "--json").stdout)
    assert nb["label"] == "positive" and set(nb["probabilities"]) == {"positive", "negative"}
    adj = json.loads(solve("adjacency", "--edges", "A-B,B-C", "--undirected", "--json").stdout)
    assert adj["nodes"] == ["A", "B", "C"] and adj["matrix"] == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    iso = json.loads(solve("isomorphism", "--g1", "A-B,B-C", "--g2", "x-y,y-z", "--json").stdout)
    assert iso["isomorphic"] is True and iso["mapping"]["B"] == "y"
    lev = json.loads(solve("levenshtein", "doctor", "bottle", "--json").stdout)
    assert lev["distance"] == 4


def test_tfidf_docs_file_and_repeated_doc_give_the_same_ranking(tmp_path):
    docs = ["the cat sat on the mat", "the dog sat", "cats and dogs"]
    path = tmp_path / "docs.txt"
    path.write_text("\n".join(docs) + "\n", encoding="utf-8")
    from_file = json.loads(solve("tfidf", "--docs", str(path), "--query", "cat sat", "--json").stdout)
    from_opts = json.loads(solve("tfidf", *sum((["--doc", d] for d in docs), []), "--query", "cat sat",
                                 "--json").stdout)
    assert from_file["ranking"] == from_opts["ranking"]
    assert from_file["ranking"][0]["doc"] == "D1"


def test_inputs_from_a_yaml_file_and_from_stdin(tmp_path):
    path = tmp_path / "in.yaml"
    path.write_text("word1: kitten\nword2: sitting\n", encoding="utf-8")
    assert json.loads(solve("levenshtein", "--input", str(path), "--json").stdout)["distance"] == 3
    piped = solve("depthwise", "--input", "-", "--json", input='{"c-in": 32, "c-out": 64, "k": 3}')
    data = json.loads(piped.stdout)
    assert data["standard_params"] == 3 * 3 * 32 * 64


@pytest.mark.parametrize("args,stdin,message", [
    (["tfidf", "--docs", "{missing}"], None, "no such file"),
    (["tfidf", "--docs", "{latin1}"], None, "not UTF-8"),
    (["tfidf", "--docs", "{empty}"], None, ""),
    (["tfidf", "--query", "zebra quagga"], None, ""),
    (["tfidf", "--docs", "{docs}", "--doc", "x"], None, "not both"),
    (["tfidf", "--tf", "cubic"], None, "tf"),
    (["naive-bayes", "--train", "{badtrain}"], None, ""),
    (["naive-bayes", "--example", "no colon here"], None, ""),
    (["adjacency", "--edges", "A-B,,C-D"], None, ""),
    (["adjacency", "--edges", "A--B"], None, ""),
    (["adjacency", "--edges", "A-B:x"], None, ""),
    (["isomorphism", "--g1", "A-"], None, ""),
    (["levenshtein", "only-one"], None, "two words"),
    (["conv", "--layers", "conv3x3s0c8"], None, "stride"),
    (["depthwise", "--input", "-"], "[1, 2", "not valid YAML"),
    (["depthwise", "--input", "-"], "- a list", "mapping"),
    (["levenshtein", "--input", "-"], "colour: red", "takes no input 'colour'"),
    (["backprop", "--keep", "0"], None, ""),
    (["activations", "--points", "1,x"], None, "--points"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, stdin, message):
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9 au lait\n")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "docs.txt").write_text("a b\n", encoding="utf-8")
    (tmp_path / "badtrain.txt").write_text("positive\tgood day\nthis line has no tab\n", encoding="utf-8")
    paths = {k: str(tmp_path / f"{k}.txt") for k in ("missing", "latin1", "empty", "docs", "badtrain")}
    result = solve(*[a.format(**paths) for a in args], input=stdin)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("drill: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_a_large_corpus_is_recorded_by_file_name_and_can_be_solved_again(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("\n".join(f"doc {i} about cats and item{i % 7}" for i in range(150)) + "\n", encoding="utf-8")
    first = json.loads(solve("tfidf", "--docs", str(path), "--query", "item3 cats", "--top", "3", "--json").stdout)
    assert first["inputs"]["docs"] == str(path)
    again_input = tmp_path / "again.json"
    again_input.write_text(json.dumps(first["inputs"]), encoding="utf-8")
    again = json.loads(solve("tfidf", "--input", str(again_input), "--json").stdout)
    assert again["ranking"] == first["ranking"]


def test_documents_and_training_examples_from_stdin():
    piped = json.loads(solve("tfidf", "--docs", "-", "--query", "cat", "--json", input="the cat sat\nthe dog ran\n").stdout)
    assert [r["doc"] for r in piped["ranking"]] == ["D1", "D2"]
    nb = solve("naive-bayes", "--train", "-", "--query", "great fun", "--json",
               input="positive\tgreat fun\nnegative\tawful day\n")
    assert json.loads(nb.stdout)["label"] == "positive"
    bad = solve("naive-bayes", "--train", "-", input="positive great fun\n")
    assert bad.exit_code == 2 and bad.stderr.startswith("drill: stdin: ")


def test_user_text_that_looks_like_markup_prints_as_typed():
    shown = solve("adjacency", "--edges", "[b]x-y,y-[red]z")
    assert shown.exit_code == 0, shown.output
    table = shown.stdout.split("Adjacency matrix", 1)[1]  # the node names as row and column labels
    assert table.count("[b]x") >= 2 and table.count("[red]z") >= 2


def test_solve_help_lists_every_solver_and_an_unknown_one_is_bad_input():
    listing = solve("--help")
    for name in solvers.REGISTRY:
        assert name in listing.stdout
    assert solve("nope").exit_code == 2
