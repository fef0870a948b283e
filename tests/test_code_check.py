"""Code answers: run in a sandboxed child, judged against the reference, every failure reported."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import numpy as np
import pytest

from drill.code_runner import CodeReport, check_code
from drill.code_tasks import BACKPROP_PROMPT, DROPOUT_PROMPT, TASKS, get_task
from drill.errors import InputError, NotFoundError

FIXTURES = Path(__file__).parent / "fixtures" / "code"


def _check(task: str, name: str, **kwargs) -> CodeReport:
    return check_code(task, FIXTURES / name, seed=kwargs.pop("seed", 11), **kwargs)


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name[:-3], FIXTURES / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("task, name", [("backprop", "backprop_correct.py"), ("dropout", "dropout_correct.py"),
                                        ("dropout", "dropout_binomial.py")])
def test_a_correct_answer_passes_every_case(task, name):
    report = _check(task, name, cases=4)
    assert (report.status, report.passed, report.score, report.error) == ("passed", True, 1.0, None)
    assert [c.passed for c in report.cases] == [True] * 4
    json.dumps(report.to_json())


def test_db1_not_summed_over_the_batch_fails_with_a_shape_message():
    report = _check("backprop", "backprop_db1_not_summed.py")
    assert (report.status, report.passed, report.score) == ("failed", False, 0.0)
    case = report.cases[0]
    assert "db1 has shape" in case.message and "summed over the batch" in case.message
    assert np.shape(case.expected["db1"]) == (len(case.inputs["b1"]),)
    assert np.shape(case.received["db1"]) == (len(case.inputs["X"]), len(case.inputs["b1"]))


def test_db2_from_the_wrong_tensor_fails_showing_expected_and_received():
    report = _check("backprop", "backprop_db2_wrong_tensor.py")
    assert not report.passed and report.error is None
    case = report.cases[0]
    assert case.message.startswith("db2 is wrong")
    dout = np.array(case.inputs["dout"])
    np.testing.assert_allclose(case.expected["db2"], dout.sum(axis=0))
    assert not np.allclose(case.received["db2"], case.expected["db2"])


def test_dropout_without_the_1_over_keep_scaling_fails():
    report = _check("dropout", "dropout_no_scaling.py")
    assert report.status == "failed" and report.score == 0.0
    assert all("not scaled by 1/keep" in c.message for c in report.cases)
    assert "x / keep" in report.cases[0].expected and "out" in report.cases[0].received


def test_an_endless_loop_is_stopped_and_reported_as_a_timeout():
    start = time.monotonic()
    report = _check("backprop", "loops_forever.py", timeout=2)
    assert time.monotonic() - start < 6
    assert report.status == "timeout" and not report.passed
    assert "time limit" in report.error and "2 s" in report.error
    assert all(c.message.startswith("not run: time limit") for c in report.cases)


def test_unbounded_allocation_hits_the_memory_limit():
    report = _check("backprop", "allocates_forever.py", memory_mb=300)
    assert report.status == "memory" and not report.passed
    assert "300 MB" in report.error


def test_a_syntax_error_is_reported_with_its_line():
    report = _check("backprop", "syntax_error.py")
    assert report.status == "syntax" and report.score == 0.0
    assert "syntax_error.py" in report.error and "line 4" in report.error and "SyntaxError" in report.error


def test_a_missing_function_is_named():
    report = _check("backprop", "missing_backward.py")
    assert report.status == "missing"
    assert report.error.startswith("missing function(s): backward;")


def test_a_broken_return_contract_is_explained_without_a_traceback():
    report = _check("backprop", "forward_returns_array.py")
    assert report.cases[0].message == "forward should return (out, cache), got ndarray"


def test_an_exception_shows_only_the_users_own_frames():
    report = _check("backprop", "raises_in_backward.py")
    message = report.cases[0].message
    assert "raises_in_backward.py\", line 12, in backward" in message
    assert "ValueError: matmul" in message
    assert "<string>" not in message and "def run" not in message  # no harness frames


def test_a_hard_exit_is_a_crash_not_an_error_in_drill():
    report = _check("backprop", "exits_hard.py")
    assert report.status == "crash" and "exit code 3" in report.error


def test_the_answer_cannot_see_drills_state(monkeypatch, tmp_path):
    monkeypatch.setenv("DRILL_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("DRILL_BANKS", str(tmp_path / "banks"))
    report = _check("backprop", "reads_drill_home.py")
    assert report.status == "import"
    assert "KeyError: 'DRILL_HOME'" in report.error and "reads_drill_home.py\", line 4" in report.error


def test_writing_to_home_and_printing_stay_in_the_sandbox(monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    report = _check("backprop", "writes_home.py")
    assert report.passed  # its prints on stdout do not confuse the result
    assert list(home.iterdir()) == [] and not (tmp_path / "drill-leak.txt").exists()


def test_a_thread_left_running_does_not_turn_a_pass_into_a_timeout():
    start = time.monotonic()
    report = _check("backprop", "leaves_a_thread.py", timeout=5)
    assert report.passed and time.monotonic() - start < 5  # the thread sleeps for 60 s


def test_cases_are_reproducible_from_the_seed():
    first = _check("backprop", "backprop_correct.py", seed=5, cases=2)
    again = _check("backprop", "backprop_correct.py", seed=5, cases=2)
    other = _check("backprop", "backprop_correct.py", seed=6, cases=2)
    assert [c.inputs for c in first.cases] == [c.inputs for c in again.cases]
    assert [c.inputs for c in first.cases] != [c.inputs for c in other.cases]
    fresh = check_code("backprop", FIXTURES / "backprop_correct.py", cases=1)
    assert isinstance(fresh.seed, int) and fresh.to_json()["seed"] == fresh.seed


def test_usage_errors_are_drill_errors(tmp_path):
    with pytest.raises(NotFoundError, match="known tasks: backprop, dropout"):
        check_code("attention", FIXTURES / "backprop_correct.py")
    with pytest.raises(InputError, match="cannot read"):
        check_code("backprop", tmp_path / "nope.py")
    with pytest.raises(InputError, match="cases"):
        check_code("backprop", FIXTURES / "backprop_correct.py", cases=0)
    with pytest.raises(InputError, match="memory_mb"):
        check_code("backprop", FIXTURES / "backprop_correct.py", memory_mb=10)
    with pytest.raises(InputError, match="timeout"):
        check_code("backprop", FIXTURES / "backprop_correct.py", timeout=0)


def test_case_reports_have_the_keys_grading_reads():
    data = _check("backprop", "backprop_db2_wrong_tensor.py", cases=1).cases[0].to_json()
    assert data["name"] == "case 1" and data["passed"] is False
    assert set(data) == {"name", "passed", "message", "inputs", "expected", "received"}


# --- the judges alone, on many random cases, without a child process ----------------------


def _backprop_outputs(module, case):
    out, cache = module.forward(*(case[k] for k in ("X", "W1", "b1", "W2", "b2")))
    return dict(zip(("out", "dX", "dW1", "db1", "dW2", "db2"), (out, *module.backward(case["dout"], cache))))


def _dropout_outputs(forward, backward, case):
    keep, seed = float(case["keep"]), int(case["rng_seed"])
    out, mask = forward(case["x"], keep, True, np.random.default_rng(seed))
    return {
        "out": out, "mask": np.asarray(mask, dtype=float), "dx": backward(case["dout"], mask),
        "big_out": forward(case["big"], keep, True, np.random.default_rng(seed + 1))[0],
        "test_out": forward(case["x"], keep, False, np.random.default_rng(seed + 2))[0],
    }


@pytest.mark.parametrize("seed", range(40))
def test_the_backprop_judge_accepts_a_correct_answer_and_rejects_wrong_ones(seed):
    task, case = TASKS["backprop"], TASKS["backprop"].make_case(np.random.default_rng(seed))
    assert len({case["X"].shape[0], case["X"].shape[1], case["b1"].size, case["b2"].size}) == 4
    assert task.judge(case, _backprop_outputs(_module("backprop_correct.py"), case)).passed
    verdict = task.judge(case, _backprop_outputs(_module("backprop_db2_wrong_tensor.py"), case))
    assert not verdict.passed and "db2" in verdict.message


@pytest.mark.parametrize("seed", range(40))
def test_the_dropout_judge_accepts_any_correct_sampler_and_rejects_wrong_contracts(seed):
    task, case = TASKS["dropout"], TASKS["dropout"].make_case(np.random.default_rng(seed))
    correct = _module("dropout_correct.py")
    assert task.judge(case, _dropout_outputs(correct.dropout_forward, correct.dropout_backward, case)).passed

    def boolean_mask(x, keep, train, rng):
        if not train:
            return x, None
        kept = rng.random(x.shape) < keep
        return x * kept / keep, kept

    verdict = task.judge(case, _dropout_outputs(boolean_mask, lambda dout, m: dout * m, case))
    assert "return the scaled mask" in verdict.message

    def classic_test_time(x, keep, train, rng):  # scales at test time instead of training time
        return correct.dropout_forward(x, keep, True, rng) if train else (x * keep, None)

    verdict = task.judge(case, _dropout_outputs(classic_test_time, correct.dropout_backward, case))
    assert "train=False" in verdict.message

    def keep_as_drop_rate(x, keep, train, rng):
        return correct.dropout_forward(x, 1 - keep, train, rng) if train else (x, None)

    verdict = task.judge(case, _dropout_outputs(keep_as_drop_rate, correct.dropout_backward, case))
    assert not verdict.passed


def test_prompts_state_the_contract_the_checker_enforces():
    assert get_task("backprop").prompt is BACKPROP_PROMPT and get_task("dropout").prompt is DROPOUT_PROMPT
    for task in TASKS.values():
        assert all(f"`{name}(" in task.prompt for name in task.functions)
    assert "0 (dropped) or 1/keep (kept)" in DROPOUT_PROMPT and "dout * mask" in DROPOUT_PROMPT
    assert "(dX, dW1, db1, dW2, db2)" in BACKPROP_PROMPT
