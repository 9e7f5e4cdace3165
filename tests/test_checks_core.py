"""checks/_core.py: the pass line's grammar, the sign-flip message and the TODO message."""

import numpy as np
import pytest

from coursekit.checks import _core


def test_one_test_is_singular_and_several_are_plural(capsys):
    assert _core.run_checks("one", abs, [lambda fn: None]).message == "[PASS] one: 1 test passed."
    assert _core.run_checks("two", abs, [lambda fn: None] * 2).message == (
        "[PASS] two: all 2 tests passed.")
    assert "all 1 tests" not in capsys.readouterr().out


@pytest.mark.parametrize("expected", [np.array([1.0, -2.0, 0.5]), np.array(3.0),
                                      np.array([[0.0, 1e-3], [-4.0, 0.0]])])
def test_a_sign_flip_is_named(expected):
    message = _core.compare("dW", -expected, expected)
    assert message == ("dW has the wrong sign: your result is the negative of the expected one "
                       "(check which term is subtracted from which)")


def test_other_wrong_values_keep_the_generic_message():
    message = _core.compare("dW", np.array([1.0, 2.0]), np.array([1.0, 2.5]))
    assert message.startswith("dW has the right shape but wrong values")
    assert "negative" not in message and message.mistake == "values"


def test_all_zero_expected_is_not_a_sign_flip():
    assert _core.compare("db", np.ones(3), np.zeros(3)).startswith("db has the right shape")


def test_a_named_mistake_wins_over_the_sign_message():
    expected = np.array([1.0, -2.0])
    assert _core.compare("g", -expected, expected, mistakes={"named": -expected}) == "named"


def test_a_custom_todo_message_is_marked_todo(capsys):
    def not_yet(fn):
        raise NotImplementedError

    result = _core.run_checks("answer", abs, [not_yet], todo="set the answer first")
    assert not result.passed and result.message == "[TODO] answer: set the answer first"
    assert "[TODO]" in capsys.readouterr().out


def test_a_wrong_number_is_described_without_giving_the_expected_value_away():
    # a student could paste the expected value back into their answer: a single number gets
    # only the direction and the size of its error
    message = _core.compare("loss", np.array(1.01), np.array(1.0))
    assert message == ("loss = 1.01 is not right: it is a little too large (within 10 %; a "
                       "right answer agrees to 1e-06)")
    for got, phrase in [(3e-6, "more than 10 times too large"), (5e-8, "2 to 10 times too "
                        "large"), (1.5e-8, "too small, by less than a factor of 2"),
                        (-3e-8, "wrong sign")]:
        message = _core.compare("std", got, 2.33885e-8)
        assert phrase in message and "2.33885" not in message and "2.34" not in message, message


def test_the_generic_message_points_at_the_worst_entry_and_never_contradicts_itself():
    # a tiny expected entry fails the elementwise test while the largest relative error of the
    # whole array is small: the message names that entry and its own tolerance
    expected = np.array([1000.0, 1e-6])
    message = _core.compare("g", expected + np.array([0.0, 1e-6]), expected)
    assert message == ("g has the right shape but wrong values: 2e-06 at index (1,) where 1e-06 "
                       "is expected (a right answer is within 1e-09)")


def test_use_gives_the_checked_function_only_once_it_passes(capsys):
    def reference(x):
        return x

    def student(x):
        return x

    def unfinished(x):
        raise NotImplementedError

    passed = _core.run_checks("f", student, [lambda fn: None])
    failed = _core.run_checks("f", student, [lambda fn: "wrong"])
    todo = _core.run_checks("f", unfinished, [lambda fn: fn(1)])
    assert passed.use(reference) is student and passed.using == "your f"
    for result in (failed, todo):
        assert result.use(reference) is reference and result.using == "the reference solution"
    answer = _core._report("planted bug", True, "right")   # a check of an answer, not a function
    assert answer.use(reference) is reference and answer.using == "the reference solution"
    with pytest.raises(TypeError, match="reference must be the reference solution's function"):
        passed.use("f")


def test_named_mistakes_carry_their_id_through_to_the_result(capsys):
    expected = np.array([1.0, 2.0])
    mistakes = [_core.Mistake("doubled", "you doubled it", 2 * expected)]
    problem = _core.compare("x", 2 * expected, expected, mistakes=mistakes)
    assert problem == "you doubled it" and problem.mistake == "doubled"
    result = _core.run_checks("f", abs, [lambda fn: problem])
    assert not result.passed and result.mistake == "doubled"
    legacy = _core.compare("x", 2 * expected, expected, mistakes={"you doubled it": 2 * expected})
    assert legacy == "you doubled it" and legacy.mistake == "named"


@pytest.mark.parametrize("got", [np.array([1.0, 2.0], dtype=np.float32), [1.0, 2.0], (1.0, 2.0)])
def test_float32_lists_and_tuples_are_compared_as_numbers(got):
    assert _core.compare("x", got, np.array([1.0, 2.0]) + 1e-7) is None


def test_a_float32_answer_is_compared_at_float32_precision_unless_the_lesson_says_otherwise():
    got = np.array([1.0, 2.0], dtype=np.float32)
    assert _core.compare("x", got, np.array([1.00001, 2.0])) is None
    problem = _core.compare("x", got, np.array([1.0, 2.0]), allow_float32=False)
    assert problem.mistake == "float32" and "float64" in problem


def test_torch_tensors_are_compared():
    torch = pytest.importorskip("torch")
    got = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True) * 1
    assert _core.compare("x", got, np.array([1.0, 2.0])) is None


def test_none_and_nan_are_named(capsys):
    assert _core.compare("dW", None, np.ones(2)).mistake == "none"
    problem = _core.compare("dW", np.array([np.nan, 1.0]), np.ones(2))
    assert problem.mistake == "nan" and "1 of 2 entries" in problem

    def test_unpacks(fn):
        dx, dw = fn(1.0)      # the check's own code fails on what came back
        return None

    result = _core.run_checks("f", lambda x: None, [test_unpacks])
    assert result.mistake == "none" and "returned None" in result.message


def test_an_unfinished_helper_is_named_not_shown_as_todo(capsys):
    def helper(x):
        raise NotImplementedError

    def student(x):
        return helper(x) + 1

    result = _core.run_checks("f", student, [lambda fn: fn(1)])
    assert not result.passed and result.mistake == "helper unfinished"
    assert "`helper`" in result.message and "[FAIL]" in result.message


def test_a_float_returned_where_an_index_is_needed_is_named(capsys):
    def uses_as_index(fn):
        perm = fn()
        np.arange(3)[perm]
        return None

    result = _core.run_checks("perm", lambda: np.array([2.0, 0.0, 1.0]), [uses_as_index])
    assert result.mistake == "float index" and "whole numbers" in result.message


def test_an_error_in_the_students_code_points_at_their_line(capsys):
    def student(x):
        return x / 0

    result = _core.run_checks("f", student, [lambda fn: fn(1)])
    assert result.mistake == "raised" and "ZeroDivisionError" in result.message
    assert "(at `return x / 0`)" in result.message


def test_a_function_that_runs_too_long_is_stopped(capsys):
    def forever(x):
        while True:
            x += 1

    result = _core.run_checks("f", forever, [lambda fn: fn(0)], time_limit=0.3)
    assert result.mistake == "timeout" and "more than 0.3 s" in result.message


def test_prints_are_captured_and_counted(capsys):
    def chatty(x):
        for i in range(1000):
            print(i)
        return x

    passed = _core.run_checks("f", chatty, [lambda fn: None if fn(1) == 1 else "wrong"])
    failed = _core.run_checks("f", chatty, [lambda fn: "wrong" if fn(1) == 1 else None])
    out = capsys.readouterr().out
    assert "999" not in out and passed.passed and "printed 1,000 lines" in passed.message
    assert "printed 1,000 lines" in failed.message


def test_assert_passes_is_silent_and_raises_with_the_message(capsys):
    _core.assert_passes(_core.run_checks, "f", abs, [lambda fn: None])
    with pytest.raises(AssertionError, match="wrong"):
        _core.assert_passes(_core.run_checks, "f", abs, [lambda fn: "wrong"])
    assert capsys.readouterr().out == ""


def test_the_generic_message_prints_enough_digits_to_show_the_difference():
    message = _core.compare("x", np.array([1.0584730, 0.0]), np.array([1.0584680, 0.0]))
    assert "1.058473 at index (0,) where 1.058468 is expected" in message


def test_a_function_with_the_wrong_parameters_is_named(capsys):
    result = _core.run_checks("f", lambda x: x, [lambda fn: fn(1, 2)])
    assert result.mistake == "signature" and "parameters" in result.message
    assert "returned" not in result.message
