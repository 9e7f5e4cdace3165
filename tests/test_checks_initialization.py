"""The checks of notebook 02 accept the reference solutions and name each typical mistake."""

import math

import numpy as np
import pytest

from coursekit.checks import initialization as ci
from coursekit.solutions import initialization as ref


def _not_attempted(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check", [ci.check_he_std, ci.check_conv_fans, ci.check_he_normal])
def test_unattempted_exercise_says_todo(check, capsys):
    result = check(_not_attempted)
    assert result.passed is False and "[TODO]" in result.message
    assert "[TODO]" in capsys.readouterr().out


@pytest.mark.parametrize("check", [ci.check_he_std, ci.check_conv_fans, ci.check_he_normal])
def test_checks_reject_non_callables(check):
    with pytest.raises(TypeError, match="pass your function"):
        check(42)


# ---------------------------------------------------------------- he_std

def test_he_std_accepts_reference():
    result = ci.check_he_std(ref.he_std)
    assert result.passed is True and "[PASS]" in result.message


@pytest.mark.parametrize("wrong,phrase", [
    (lambda fi, fo: math.sqrt(2 / fo), "you used fan_out"),
    (lambda fi, fo: 2 / fi, "that is the variance 2/fan_in"),
    (lambda fi, fo: 2 / fo, "variance computed with fan_out"),
    (lambda fi, fo: math.sqrt(1 / fi), "LeCun"),
    (lambda fi, fo: math.sqrt(2 / (fi + fo)), "Xavier/Glorot"),
    (lambda fi, fo: math.sqrt(2) / fi, "square root must cover the whole fraction"),
    (lambda fi, fo: 0.1, "wrong values"),
    (lambda fi, fo: (0.1, 0.2), "return one number"),
    (lambda fi, fo: 1 / 0, "ZeroDivisionError"),
])
def test_he_std_rejects_typical_mistakes(wrong, phrase):
    result = ci.check_he_std(wrong)
    assert result.passed is False
    assert phrase in result.message


# ---------------------------------------------------------------- conv_fans

def test_conv_fans_accepts_reference():
    assert ci.check_conv_fans(ref.conv_fans).passed is True
    assert ci.check_conv_fans(lambda s: list(ref.conv_fans(s))).passed is True


@pytest.mark.parametrize("wrong,phrase", [
    (lambda s: (s[2], s[3]), "forgot the kernel's receptive field"),
    (lambda s: (s[0] * s[1] * s[3], s[0] * s[1] * s[2]), "swapped"),
    (lambda s: (s[1] * s[2] * s[3], s[0] * s[2] * s[3]), "PyTorch's (out, in, kh, kw) order"),
    (lambda s: (math.prod(s), math.prod(s)), "total number of weights"),
    (lambda s: s[0] * s[1] * s[2], "tuple of two integers"),
    (lambda s: (s[0] * s[2], s[0] * s[3]), "wrong values"),
])
def test_conv_fans_rejects_typical_mistakes(wrong, phrase):
    result = ci.check_conv_fans(wrong)
    assert result.passed is False
    assert phrase in result.message


# ---------------------------------------------------------------- he_normal

def test_he_normal_accepts_reference():
    assert ci.check_he_normal(ref.he_normal).passed is True


def _fan_in(shape):
    return shape[-2] * math.prod(shape[:-2])


def _fan_out(shape):
    return shape[-1] * math.prod(shape[:-2])


@pytest.mark.parametrize("wrong,phrase", [
    (lambda s, rng: rng.normal(0, 2 / _fan_in(s), size=s), "used the variance 2/fan_in"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / _fan_out(s)), size=s), "sqrt(2/fan_out)"),
    (lambda s, rng: rng.normal(0, math.sqrt(1 / _fan_in(s)), size=s), "LeCun"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / s[-2]), size=s), "receptive field"),
    (lambda s, rng: rng.normal(size=s), "look like N(0, 1)"),
    (lambda s, rng: rng.uniform(-1, 1, size=s) * math.sqrt(6 / _fan_in(s)), "uniform"),
    (lambda s, rng: np.random.default_rng().normal(0, math.sqrt(2 / _fan_in(s)), size=s),
     "draw the numbers with the rng you are given"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / _fan_in(s)), size=s[::-1]), "requested shape"),
    (lambda s, rng: rng.integers(0, 2, size=s), "must be floats"),
    (lambda s, rng: rng.normal(0, math.sqrt(2 / _fan_in(s)), size=s).tolist(), "NumPy array"),
    (lambda s, rng: 1 + rng.normal(0, math.sqrt(2 / _fan_in(s)), size=s), "mean 0"),
    (lambda s, rng: rng.normal(0, 0.3, size=s), "expected sqrt(2/fan_in)"),
])
def test_he_normal_rejects_typical_mistakes(wrong, phrase):
    result = ci.check_he_normal(wrong)
    assert result.passed is False
    assert phrase in result.message, result.message


@pytest.mark.parametrize("fn,args,expected", [
    (ref.he_std, (200, 50), math.sqrt(0.01)),
    (ref.conv_fans, ((3, 3, 16, 32),), (144, 288)),
])
def test_reference_solutions_values(fn, args, expected):
    assert fn(*args) == pytest.approx(expected)


def test_reference_he_normal_std():
    w = ref.he_normal((3, 3, 64, 128), np.random.default_rng(0))
    assert w.shape == (3, 3, 64, 128)
    assert w.std() == pytest.approx(math.sqrt(2 / 576), rel=0.02)
