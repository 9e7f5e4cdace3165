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
    assert "negative" not in message


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


def test_the_generic_message_says_how_close_a_right_answer_is():
    message = _core.compare("loss", np.array(1.01), np.array(1.0))
    assert message == ("loss has the right shape but wrong values (relative error 0.01, where a "
                       "right answer stays below 1e-06)")


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
