"""list, show, validate and check through the CLI, with real bank files."""

from __future__ import annotations

import json
import os
import sys
import textwrap

import pexpect
import pytest
from hypothesis import given, settings
from typer.testing import CliRunner

from drill.cli import app
from mutations import edits as bank_edits, mutate

runner = CliRunner()

GOOD = textwrap.dedent("""\
    version: 1
    bank: extra
    title: Extra
    questions:
      - id: bias-variance
        ref: 7.1-Q1
        topic: [theory]
        kind: concept
        prompt: What does increasing k in kNN do to bias?
        answer: It raises the bias and lowers the variance.
        rubric:
          - point: bias goes up
            match: ['bias (goes up|increases|rises)', 'more bias', 'higher bias']
          - point: variance goes down
            match: ['variance (goes down|decreases|falls)', 'less variance', 'lower variance']
        examples: {good: ["more bias, less variance"], bad: ["nothing changes"]}
        hints: ["What happens with k = n?"]
    """)


def invoke(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_list_json_has_the_documented_keys(mini_banks):
    result = invoke("list", "--bank", "mini", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["mini/gd-update", "mini/edit-distance", "mini/pick-relu"]
    assert set(rows[0]) == {"id", "ref", "bank", "kind", "topics", "prompt"}


def test_list_filters_by_kind_topic_and_glob(mini_banks):
    by_kind = json.loads(invoke("list", "--bank", "mini", "--kind", "choice", "--json").stdout)
    assert [r["id"] for r in by_kind] == ["mini/pick-relu"]
    by_topic = json.loads(invoke("list", "--topic", "strings", "--bank", "mini", "--json").stdout)
    assert [r["ref"] for r in by_topic] == ["9.9-Q2"]
    by_glob = json.loads(invoke("list", "--id", "9.9-Q[13]", "--json").stdout)
    assert [r["ref"] for r in by_glob] == ["9.9-Q1", "9.9-Q3"]


def test_list_table_shows_ids_and_refs(mini_banks):
    result = invoke("list", "--bank", "mini")
    assert result.exit_code == 0
    assert "mini/gd-update" in result.stdout and "9.9-Q2" in result.stdout


def test_unknown_bank_filter_is_exit_2(mini_banks):
    result = invoke("list", "--bank", "nope")
    assert result.exit_code == 2
    assert "no bank named 'nope'" in result.stderr


def test_show_by_ref_and_json(mini_banks):
    result = invoke("show", "9.9-Q1", "--json")
    data = json.loads(result.stdout)
    assert data["id"] == "mini/gd-update"
    assert set(data) >= {"id", "ref", "bank", "kind", "topics", "prompt", "answer", "rubric", "hints"}
    shown = invoke("show", "mini/gd-update", "--answer")
    assert "Model answer" in shown.stdout and "learning rate scales the step" in shown.stdout


def test_show_unknown_id_suggests_close_ones(mini_banks):
    result = invoke("show", "mini/gd-updat")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("drill: no question with id or ref 'mini/gd-updat'; did you mean mini/gd-update")


def test_validate_clean_files_prints_summary(tmp_path):
    path = write(tmp_path, "extra.yaml", GOOD)
    result = invoke("validate", str(path))
    assert result.exit_code == 0
    assert "1 question in 1 bank: all valid." in result.stdout


def test_validate_reports_every_fault_with_file_and_line(tmp_path):
    bad = GOOD.replace("kind: concept", "kind: essay").replace("match: ['bias", "match: ['(bias")
    bad = bad.replace("hints:", "colour: red\n    hints:")
    path = write(tmp_path, "bad.yaml", bad)
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert f"{path}:8: extra/bias-variance: unknown kind 'essay' (expected one of concept, exercise, choice, code, card)" in lines
    assert any(line.startswith(f"{path}:13: extra/bias-variance: rubric pattern") and "does not compile" in line
               for line in lines)
    assert f"{path}:17: unknown key 'colour'" in lines


def test_an_ambiguous_pattern_is_a_fault_not_a_python_warning(tmp_path):
    path = write(tmp_path, "amb.yaml", GOOD.replace("match: ['bias", "match: ['[[]ambiguous-set-xyz]', 'bias"))
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:13: extra/bias-variance: rubric pattern '[[]ambiguous-set-xyz]' is ambiguous" in result.stderr
    assert "FutureWarning" not in result.stderr


def test_validate_yaml_syntax_error_names_line(tmp_path):
    path = write(tmp_path, "broken.yaml", GOOD.replace("title: Extra", "title: [Extra"))
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:")
    assert "YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_missing_answer_weight_and_solver(tmp_path):
    text = GOOD.replace("    answer: It raises the bias and lowers the variance.\n", "")
    text = text.replace("      - point: variance goes down", "      - point: variance goes down\n        weight: 0")
    text += textwrap.indent(textwrap.dedent("""\
      - id: ex
        ref: 7.1-Q2
        kind: exercise
        prompt: p
        answer: a
        solver: nosuch
        expect: {field: x, as: number}
        hints: [h]
    """), "  ")
    path = write(tmp_path, "x.yaml", text)
    err = invoke("validate", str(path)).stderr
    assert "extra/bias-variance: missing answer" in err
    assert "rubric weight must be a positive number, got 0" in err
    assert "extra/ex: unknown solver 'nosuch'" in err


def test_duplicate_ids_across_banks_and_any_command_fails(tmp_path, monkeypatch):
    a = write(tmp_path, "a.yaml", GOOD)
    b = write(tmp_path, "b.yaml", GOOD.replace("7.1-Q1", "7.1-Q9"))
    result = invoke("validate", str(a), str(b))
    assert result.exit_code == 2
    assert f"{b}:5: duplicate id extra/bias-variance (first at {a}:5)" in result.stderr
    monkeypatch.setenv("DRILL_BANKS", str(tmp_path))
    listed = invoke("list")
    assert listed.exit_code == 2
    assert "duplicate id extra/bias-variance" in listed.stderr


def test_bank_dir_option_adds_banks(tmp_path):
    write(tmp_path, "extra.yaml", GOOD)
    result = invoke("list", "--bank-dir", str(tmp_path), "--bank", "extra", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["extra/bias-variance"]


def test_missing_bank_dir_is_exit_2(tmp_path):
    result = invoke("list", "--bank-dir", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "no such bank file or directory" in result.stderr


def test_non_utf8_bank_is_reported(tmp_path):
    (tmp_path / "latin.yaml").write_bytes(GOOD.encode() + b"# caf\xe9\n")
    result = invoke("validate", str(tmp_path / "latin.yaml"))
    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr


def test_check_concept_pass_fail_and_json(mini_banks):
    ok = invoke("check", "9.9-Q1", "--answer", "go against the gradient, scaled by the learning rate")
    assert ok.exit_code == 0 and "PASSED" in ok.stdout
    wrong = invoke("check", "9.9-Q1", "--json", "--answer", "move in the direction of the gradient")
    assert wrong.exit_code == 1
    data = json.loads(wrong.stdout)
    assert set(data) >= {"id", "ref", "kind", "score", "passed", "hits", "misses", "misconceptions"}
    assert data["passed"] is False
    assert data["misconceptions"] == ["Descent moves against the gradient; following it climbs the loss."]


def test_check_exercise_from_file_and_stdin(mini_banks, tmp_path):
    path = write(tmp_path, "answer.txt", "3\n")
    assert invoke("check", "mini/edit-distance", str(path)).exit_code == 0
    result = invoke("check", "mini/edit-distance", "-", "--json", input="4\n")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["expected"] == 3
    piped = invoke("check", "mini/edit-distance", input="3\n")  # no FILE: the pipe is the answer
    assert piped.exit_code == 0


def test_check_in_a_terminal_without_an_answer_says_how_to_give_one(mini_banks, drill_home):
    env = {**os.environ, "DRILL_HOME": str(drill_home), "DRILL_BANKS": str(mini_banks)}
    child = pexpect.spawn(sys.executable, ["-m", "drill", "check", "mini/edit-distance"], env=env,
                          encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)  # never waits for typing that nothing asked for
    child.close()
    assert "give the answer as a FILE argument, - for stdin, or --answer TEXT" in child.before
    assert child.exitstatus == 2


def test_check_choice_by_letter_or_text(mini_banks):
    assert invoke("check", "mini/pick-relu", "-a", "b").exit_code == 0
    assert invoke("check", "mini/pick-relu", "-a", "relu").exit_code == 0
    assert invoke("check", "mini/pick-relu", "-a", "a").exit_code == 1


def test_check_bad_input_is_exit_2(mini_banks, tmp_path):
    assert invoke("check", "9.9-Q1").exit_code == 2
    missing = invoke("check", "9.9-Q1", str(tmp_path / "none.txt"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe")
    assert "not UTF-8" in invoke("check", "9.9-Q1", str(tmp_path / "bin.txt")).stderr


def test_check_runs_a_code_answer_file(tmp_path):
    from pathlib import Path

    code = Path(__file__).parent / "fixtures" / "code"
    ok = invoke("check", "8.3-Q3-ii", str(code / "dropout_correct.py"), "--json")
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert data["passed"] is True and data["kind"] == "code" and data["cases"]
    bad = invoke("check", "8.3-Q3-ii", str(code / "dropout_no_scaling.py"))
    assert bad.exit_code == 1
    assert "NOT PASSED" in bad.stdout
    looping = invoke("check", "8.3-Q3-i", str(code / "loops_forever.py"), "--timeout", "2", "--json")
    assert looping.exit_code == 1
    assert "time" in json.loads(looping.stdout)["message"].lower()
    assert invoke("check", "8.3-Q3-i", str(tmp_path / "nope.py")).exit_code == 2


def test_a_weight_no_float_holds_is_a_located_fault(tmp_path):
    # A number of 400 digits is an int to YAML, and float() of it overflows.
    text = GOOD.replace("        match: ['variance", "        weight: " + "9" * 400 + "\n        match: ['variance")
    path = write(tmp_path, "huge.yaml", text)
    result = invoke("validate", str(path))
    assert result.exit_code == 2  # a traceback would be exit 1
    assert result.stderr.startswith(f"{path}:15: extra/bias-variance: rubric weight must be a positive number, got 999")


def test_wrongly_typed_fields_are_one_fault_each_with_a_line(tmp_path):
    text = GOOD.replace("    topic: [theory]\n", "    topic: {a: 1}\n")
    text = text.replace("        match: ['variance", "        weight: .nan\n        match: ['variance")
    text += "  - just a string\n  - id: q2\n    ref: 7.1-Q2\n    prompt: p\n    answer: a\n    rubric: oops\n    hints: [h]\n"
    path = write(tmp_path, "typed.yaml", text)
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert f"{path}:7: extra/bias-variance: topic must be a text or a list of texts" in lines
    assert any("rubric weight must be a positive number, got nan" in line for line in lines)
    assert f"{path}:4: each question must be a mapping, got 'just a string'" in lines
    assert f"{path}:24: extra/q2: rubric must be a list of entries" in lines
    assert not any(line.split(":")[1] == "0" for line in lines)


def test_feedback_wraps_each_point_under_its_text_not_its_mark():
    result = runner.invoke(app, ["check", "nlp/lstm-motivation", "--answer", "gates"], env={"COLUMNS": "44"})
    lines = [line.rstrip() for line in result.stdout.splitlines()[1:] if line.strip()]
    assert any(line.lstrip().startswith("✗") for line in lines)
    for line in lines:
        mark, _, text = line.lstrip().partition(" ")
        if mark not in ("✓", "✗", "!"):  # a continuation: indented past the marks
            assert line.startswith(" " * 4) and not line[4].isspace(), line


def test_list_in_a_pipe_shows_whole_first_paragraphs_and_a_terminal_width_cuts_lines():
    from drill.index import load_catalog
    from drill.view.listing import question_lines

    questions = list(load_catalog().questions)
    piped = invoke("list").stdout
    for q in questions:
        first = " ".join(q.prompt.strip().split("\n\n")[0].split())
        assert first in piped  # grep finds any words of the question's opening paragraph
    for width in (80, 120, 160):  # topics are dropped at 80 columns, cut at 120
        lines = list(question_lines(questions, width=width))
        assert all(len(line) <= width for line in lines)
        assert sum("…" in line for line in lines) > len(questions) // 2
    assert "topics" not in next(question_lines(questions, width=80))
    assert "topics" in next(question_lines(questions, width=160))


_TOKENS = ["", "- ", ": ", "[", "]", "{", "}", "'", '"', "null", "~", "1e400", "-1", ".nan", ".inf", "[1, 2]",
           "{a: 1}", "|", "&a", "*a", "!!python/object:os.system", "\t", "? ", "---", "..."]


@settings(max_examples=150, deadline=None)
@given(bank_edits(_TOKENS, 200))
def test_a_damaged_bank_gives_faults_with_lines_never_an_exception(edits):
    from drill.bank import parse_bank_text

    bank, faults = parse_bank_text(mutate(GOOD, edits), "f.yaml")
    assert bank is not None or faults
    for file, line, message in faults:
        assert file == "f.yaml" and isinstance(line, int) and message and "\n" not in message


def test_a_missing_bank_file_is_named_without_a_line_number(tmp_path):
    result = invoke("validate", str(tmp_path / "nosuch.yaml"))
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nosuch.yaml'}: no such bank file or directory\n"


def test_quiz_or_interview_with_filters_that_match_nothing_is_exit_2():
    """A mistyped topic must not look like an empty, successful session to a script."""
    for command in ("quiz", "interview"):
        result = invoke(command, "--topic", "no-such-topic", "--kind", "concept", input="")
        assert result.exit_code == 2, command
        assert result.stderr == "drill: no question matches --topic no-such-topic --kind concept " \
                                "(drill list shows ids, topics and kinds)\n"


def test_validating_one_file_checks_its_refs_against_the_banks_it_will_load_with(tmp_path):
    """A file valid on its own but reusing a built-in ref would stop every later command."""
    write(tmp_path, "extra.yaml", GOOD.replace("ref: 7.1-Q1", "ref: 8.3-Q1"))
    result = invoke("validate", str(tmp_path / "extra.yaml"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'extra.yaml'}:5: duplicate ref 8.3-Q1 (first at " in result.stderr
    assert "training.yaml" in result.stderr
    assert invoke("validate", str(write(tmp_path, "extra.yaml", GOOD))).exit_code == 0


def test_validate_in_worker_processes_reports_what_one_process_reports(tmp_path, monkeypatch, process_pools):
    import concurrent.futures

    import drill.validate

    files = [write(tmp_path, "a.yaml", GOOD),
             write(tmp_path, "b.yaml", GOOD.replace("7.1-Q1", "7.1-Q9")),  # the same id again
             write(tmp_path, "c.yaml", GOOD.replace("bank: extra", "bank: other")
                   .replace('bad: ["nothing changes"]', 'bad: ["more bias and less variance"]')),
             write(tmp_path, "d.yaml", "version: 1\nbank: [\n")]
    one_process = drill.validate.validate_files(files)
    monkeypatch.setattr(drill.validate, "PARALLEL_BYTES", 0)
    spread = drill.validate.validate_files(files)
    assert process_pools == [2]
    assert spread == one_process
    assert (spread.banks, spread.questions) == (3, 3)
    messages = [f"{file}:{line}: {message}" for file, line, message in spread.faults]
    assert any(m.startswith(f"{files[2]}:") and "bad example passes" in m for m in messages)
    assert f"{files[1]}:5: duplicate id extra/bias-variance (first at {files[0]}:5)" in messages
    assert any(m.startswith(f"{files[3]}:") for m in messages)

    for refusal in (OSError("no /dev/shm here"), NotImplementedError("system provides too few semaphores")):
        def no_processes(*a, refusal=refusal, **k):
            raise refusal

        monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
        assert drill.validate.validate_files(files) == one_process


def test_a_fault_found_in_a_worker_process_reaches_validate_as_found(tmp_path, monkeypatch, process_pools):
    """A pattern over its time budget is a BankError raised while grading examples; from a
    worker it must arrive as the same fault (it did not survive pickling, which broke the pool
    and made the parent grade every file again)."""
    import drill.validate
    from drill.errors import BankError

    def over_budget(bank):
        raise BankError([(bank.questions[0].file, 9, f"pattern took over 0.25 s in process {os.getpid()}")])

    files = [write(tmp_path, "a.yaml", GOOD), write(tmp_path, "b.yaml", GOOD.replace("bank: extra", "bank: other"))]
    monkeypatch.setattr(drill.validate, "example_faults", over_budget)
    monkeypatch.setattr(drill.validate, "PARALLEL_BYTES", 0)
    with pytest.raises(BankError) as raised:
        drill.validate.validate_files(files)
    assert process_pools == [2]
    (file, line, message), = raised.value.faults
    assert (file, line) == (str(files[0]), 9) and message.startswith("pattern took over 0.25 s")
    assert message != f"pattern took over 0.25 s in process {os.getpid()}"  # found by a worker, not again here


EXAMPLES = textwrap.dedent("""\
    # answers kept apart from the bank
    questions:
      - id: extra/bias-variance
        examples:
          good: ["Bias goes up, variance goes down."]
          near:
            - "Bias goes up and variance goes up too."
            - "Less bias, less variance."
      - id: 7.1-Q1
        examples: {partial: ["more bias"]}
    """)


def test_validate_grades_examples_files_against_the_banks_questions(tmp_path, monkeypatch, process_pools):
    import drill.validate

    bank = write(tmp_path, "extra.yaml", GOOD)
    (tmp_path / "corpus").mkdir()
    clean = write(tmp_path / "corpus", "clean.yaml", EXAMPLES)
    result = invoke("validate", str(bank), "--examples", str(tmp_path / "corpus"))
    assert result.exit_code == 0, result.output
    assert "1 question in 1 bank and 4 examples from 1 file: all valid." in result.stdout
    assert json.loads(invoke("validate", str(bank), "--examples", str(clean), "--json").stdout)["examples"] == 4

    wrong = write(tmp_path, "wrong.yaml", EXAMPLES.replace("Bias goes up and variance goes up too.",
                                                           "Bias goes up, and variance goes down.")
                  + "  - id: extra/no-such-question\n    examples: {good: [\"x\"]}\n")
    result = invoke("validate", str(bank), "--examples", str(wrong))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{wrong}:7: extra/bias-variance: near example passes (score 1.00; hits bias goes up")
    assert lines[1].startswith(f"{wrong}:11: no question with id or ref 'extra/no-such-question'; ")
    assert len(lines) == 2

    monkeypatch.setattr(drill.validate, "PARALLEL_BYTES", 0)  # a file per worker: the same report
    spread = drill.validate.validate_files([bank], examples=[clean, wrong])
    assert process_pools == [2]  # the one bank file is checked here, the two examples files in workers
    monkeypatch.setattr(drill.validate, "PARALLEL_BYTES", 10**9)
    assert drill.validate.validate_files([bank], examples=[clean, wrong]) == spread
    assert spread.examples == 4 + 4 and len(spread.faults) == 2


def test_validate_examples_files_that_cannot_be_read_say_where(tmp_path):
    bank = write(tmp_path, "extra.yaml", GOOD)
    result = invoke("validate", str(bank), "--examples", str(tmp_path / "missing.yaml"))
    assert (result.exit_code, result.stderr) == (2, f"{tmp_path / 'missing.yaml'}: no such examples file or directory\n")
    bad = write(tmp_path, "bad.yaml", "questions:\n  - id: extra/bias-variance\n    examples: {fine: [x]}\n"
                "    note: hi\n  - just text\nextra: 1\n")
    result = invoke("validate", str(bank), "--examples", str(bad))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{bad}:6: unknown key 'extra' (an examples file has only 'questions')",
        f"{bad}:4: extra/bias-variance: unknown key 'note' (expected id and examples)",
        f"{bad}:3: extra/bias-variance: examples must be a mapping with lists good, bad, near, partial",
        f"{bad}:1: each entry needs the id (or ref) of a question",
    ]
    aliased = write(tmp_path, "alias.yaml", "questions:\n  - id: extra/bias-variance\n    examples:\n"
                    "      good: &a [\"\\x1b[2Jmore bias\"]\n      bad: *a\n")
    result = invoke("validate", str(bank), "--examples", str(aliased))
    assert (result.exit_code, result.stderr) == (2, f"{aliased}:4: YAML: aliases (*name) are not allowed: write the value out\n")
    exercise = write(tmp_path, "ex.yaml", "questions:\n  - id: nlp/tfidf-ranking\n    examples: {good: [x]}\n")
    result = invoke("validate", str(bank), "--examples", str(exercise))
    assert result.stderr == f"{exercise}:2: nlp/tfidf-ranking is not a concept question (exercise): only concept answers are graded\n"
    broken = write(tmp_path, "broken.yaml", GOOD.replace("kind: concept", "kind: essay"))
    result = invoke("validate", str(broken), "--examples", str(exercise))  # the banks' faults first, alone
    assert result.exit_code == 2 and result.stderr.splitlines() == [
        f"{broken}:8: extra/bias-variance: unknown kind 'essay' (expected one of concept, exercise, choice, code, card)"]
    assert "Traceback" not in result.output
