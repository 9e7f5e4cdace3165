"""The checks of notebook 02 accept the reference solutions and name each typical mistake."""

import math

import numpy as np
import pytest

from coursekit.checks import initialization as ci
from coursekit.solutions import initialization as ref


def _not_attempted(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check", [ci.check_he_std, ci.check_conv_fans, ci.check_he_normal,
                                   ci.check_predict_std])
def test_unattempted_exercise_says_todo(check, capsys):
    result = check(_not_attempted)
    assert result.passed is False and "[TODO]" in result.message
    assert "[TODO]" in capsys.readouterr().out


@pytest.mark.parametrize("check", [ci.check_he_std, ci.check_conv_fans, ci.check_he_normal,
                                   ci.check_predict_std])
def test_checks_reject_non_callables(check):
    with pytest.raises(TypeError, match="pass your function"):
        check(42)


# ---------------------------------------------------------------- he_std

def test_he_std_accepts_reference():
    result = ci.check_he_std(ref.he_std)
    assert result.passed is True and "[PASS]" in result.message


def test_he_std_reference_matches_torch_gain_for_leaky_relu():
    torch = pytest.importorskip("torch")
    for slope in (0.0, 0.01, 0.2, 1.0):
        gain = torch.nn.init.calculate_gain("leaky_relu", slope)
        assert ref.he_std(300, 7, slope=slope) == pytest.approx(gain / math.sqrt(300), rel=1e-12)


@pytest.mark.parametrize("wrong,phrase", [
    (lambda fi, fo, slope=0.0: math.sqrt(2 / fi), "you ignored the slope"),
    (lambda fi, fo, slope=0.0: math.sqrt(2 / ((1 + slope) * fi)), "use 1 + a²"),
    (lambda fi, fo, slope=0.0: 2 / ((1 + slope**2) * fi) if slope else math.sqrt(2 / fi),
     "take the square root"),
    (lambda fi, fo: math.sqrt(2 / fi), "TypeError"),
])
def test_he_std_slope_mistakes(wrong, phrase):
    result = ci.check_he_std(wrong)
    assert result.passed is False
    assert phrase in result.message, result.message


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
    (lambda s, rng: rng.normal(0, math.sqrt(2 / s[0]), size=s), "not shape[0]"),
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


def test_he_normal_accepts_a_truncated_normal_with_the_right_variance():
    def truncated(shape, rng):  # Keras' HeNormal: N(0, 1) cut at ±2, rescaled to std sqrt(2/fan_in)
        x = rng.normal(size=4 * math.prod(shape))
        x = x[np.abs(x) < 2][:math.prod(shape)]
        return (x / 0.87962566 * math.sqrt(2 / _fan_in(shape))).reshape(shape)

    assert ci.check_he_normal(truncated).passed is True


def test_he_normal_wide_conv_mistake_is_not_reported_as_a_nonzero_mean():
    result = ci.check_he_normal(lambda s, rng: rng.normal(0, math.sqrt(2 / s[0]), size=s))
    assert "mean" not in result.message, result.message


def test_reference_he_normal_std():
    w = ref.he_normal((3, 3, 64, 128), np.random.default_rng(0))
    assert w.shape == (3, 3, 64, 128)
    assert w.std() == pytest.approx(math.sqrt(2 / 576), rel=0.02)


# ---------------------------------------------------------------- predict_std

def test_predict_std_accepts_reference_and_a_list():
    assert ci.check_predict_std(ref.predict_std).passed is True
    assert ci.check_predict_std(lambda w, v: list(ref.predict_std(w, v))).passed is True


def test_predict_std_reference_values():
    # He on square layers keeps Var(z) = 2; Xavier on 100/400 layers loses 0.64 per pair
    assert np.allclose(ref.predict_std([64] * 6, [2 / 64] * 5), math.sqrt(2))
    got = ref.predict_std([100, 400, 100], [4 / 500, 4 / 500])
    assert np.allclose(got ** 2, [0.8, 0.8 * 400 * 4 / 500 / 2])


def _stack(widths, variances, *, fan="in", half=0.5, half_first=False, root=True):
    q, m, out = 0.0, 1.0, []
    for k, var in enumerate(variances):
        n = widths[k] if fan == "in" else widths[k + 1]
        q = n * var * m * (half if (k == 0 and half_first) else 1.0)
        out.append(q)
        m = q * half
    out = np.array(out)
    return np.sqrt(out) if root else out


def _std_halved(widths, variances):
    out = [math.sqrt(widths[0] * variances[0])]
    for k in range(1, len(variances)):
        out.append(out[-1] * math.sqrt(widths[k] * variances[k]) / 2)
    return np.array(out)


@pytest.mark.parametrize("wrong,phrase", [
    (lambda w, v: _stack(w, v, fan="out"), "you used fan_out"),
    (lambda w, v: _stack(w, v, half=1.0), "you forgot the ReLU"),
    (lambda w, v: _stack(w, v, half_first=True), "the first layer gets no factor 1/2"),
    (lambda w, v: _stack(w, v, root=False), "those are variances"),
    (_std_halved, "you halved the standard deviation"),
    (lambda w, v: _stack(w, v, half=0.5 - 1 / (2 * math.pi)), "you used Var(relu(z))"),
    (lambda w, v: np.r_[1.0, ref.predict_std(w, v)], "leave out the input's std"),
    (lambda w, v: ref.predict_std(w, v)[-1], "not only one number"),
    (lambda w, v: ref.predict_std(w, v) * 1.3, "wrong values"),
    (lambda w, v: "big", "return an array"),
])
def test_predict_std_rejects_typical_mistakes(wrong, phrase):
    result = ci.check_predict_std(wrong)
    assert result.passed is False
    assert phrase in result.message, result.message


def test_he_fan_out_is_named_as_the_backward_variant():
    result = ci.check_he_std(lambda fi, fo: math.sqrt(2 / fo))
    assert 'mode="fan_out"' in result.message and "backward" in result.message
    w = ci.check_he_normal(
        lambda s, rng: rng.normal(0, math.sqrt(2 / (s[-1] * math.prod(s[:-2]))), size=s))
    assert 'mode="fan_out"' in w.message


def test_check_predict_std_rejects_a_non_function():
    with pytest.raises(TypeError, match="student_fn"):
        ci.check_predict_std([1.0, 2.0])
