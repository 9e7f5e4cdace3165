"""The checks of notebook 01 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import backprop as checks
from coursekit.solutions import backprop as ref


def _not_attempted(*args):
    raise NotImplementedError


def test_every_check_accepts_its_reference_solution(capsys):
    assert checks.check_affine_backward(ref.affine_backward).passed
    assert checks.check_relu_backward(ref.relu_backward).passed
    assert checks.check_softmax_cross_entropy(ref.softmax_cross_entropy).passed
    assert checks.check_centered_difference(ref.centered_difference).passed
    assert capsys.readouterr().out.count("[PASS]") == 4


@pytest.mark.parametrize("check", [checks.check_affine_backward, checks.check_relu_backward,
                                   checks.check_softmax_cross_entropy,
                                   checks.check_centered_difference])
def test_unattempted_exercise_says_todo(check, capsys):
    result = check(_not_attempted)
    assert not result.passed and "[TODO]" in result.message
    assert "[TODO]" in capsys.readouterr().out


@pytest.mark.parametrize("student, phrase", [
    (lambda d, x, W: (d @ W.T, (x.T @ d).T, d.sum(0)), "dW is transposed"),
    (lambda d, x, W: (d @ W.T, x.T @ d / len(x), d.sum(0)), "dW is N times too small"),
    (lambda d, x, W: (d @ W.T, x.T @ d, d), "db must have b's shape"),
    (lambda d, x, W: (d @ W.T, x.T @ d, d.mean(0)), "db is N times too small"),
    (lambda d, x, W: (d @ W, x.T @ d, d.sum(0)), "x is (N, D), W is (D, H)"),
    (lambda d, x, W: (d @ W.T, x.T @ d), "return three arrays"),
])
def test_affine_backward_mistakes(student, phrase):
    result = checks.check_affine_backward(student)
    assert not result.passed and phrase in result.message


@pytest.mark.parametrize("student, phrase", [
    (lambda d, z: (z > 0).astype(float), "you returned the mask"),
    (lambda d, z: d * z, "not by z itself"),
    (lambda d, z: np.maximum(d, 0), "not from the sign of dout"),
    (lambda d, z: d * (z >= 0), "at z = 0 use the derivative 0"),
])
def test_relu_backward_mistakes(student, phrase):
    result = checks.check_relu_backward(student)
    assert not result.passed and phrase in result.message


def _naive_softmax(logits, y):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    n = len(y)
    g = p.copy()
    g[np.arange(n), y] -= 1
    return -np.log(p[np.arange(n), y]).mean(), g / n


def _summed_loss(logits, y):
    loss, grad = ref.softmax_cross_entropy(logits, y)
    return loss * len(y), grad * len(y)


def _no_onehot(logits, y):
    loss, _ = ref.softmax_cross_entropy(logits, y)
    p = np.exp(logits - logits.max(1, keepdims=True))
    return loss, p / p.sum(1, keepdims=True) / len(y)


@pytest.mark.parametrize("student, phrase", [
    (_naive_softmax, "subtract each row's maximum"),
    (_summed_loss, "take the mean over the batch"),
    (_no_onehot, "subtract 1 at the true class"),
])
def test_softmax_mistakes(student, phrase):
    with np.errstate(all="ignore"):
        result = checks.check_softmax_cross_entropy(student)
    assert not result.passed and phrase in result.message


def _forward(f, x, h=1e-5):
    from coursekit.checks.backprop import _forward_difference

    return _forward_difference(f, x, h)


def _by_h(f, x, h=1e-5):
    return 2 * ref.centered_difference(f, x, h)


def _no_restore(f, x, h=1e-5):
    grad = ref.centered_difference(f, x, h)
    x += h
    return grad


@pytest.mark.parametrize("student, phrase", [
    (_forward, "forward difference"), (_by_h, "divide by 2h"), (_no_restore, "x was changed"),
])
def test_centered_difference_mistakes(student, phrase):
    result = checks.check_centered_difference(student)
    assert not result.passed and phrase in result.message


def test_check_rejects_a_non_function():
    with pytest.raises(TypeError, match="pass your function itself"):
        checks.check_relu_backward(np.zeros(3))


def test_check_result_is_falsey_on_failure_and_displays_nothing():
    result = checks.run_checks("demo", lambda: None, [lambda fn: "wrong"])
    assert not result and result.message == "[FAIL] demo: wrong"
    assert result._ipython_display_() is None
