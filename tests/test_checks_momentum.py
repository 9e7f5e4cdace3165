"""The checks of notebook 04 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import momentum as checks
from coursekit.solutions import momentum as sol


def _not_done(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check,fn", [(checks.check_ewa_corrected, sol.ewa_corrected),
                                      (checks.check_momentum_step, sol.momentum_step),
                                      (checks.check_adam_step, sol.adam_step)])
def test_checks_accept_the_reference_and_report_not_attempted(check, fn, capsys):
    assert check(fn).passed is True
    assert "[PASS]" in capsys.readouterr().out
    result = check(_not_done)
    assert result.passed is False and "not attempted" in result.message


def _ewa(values, beta, new, old, power=None, first=False):
    out, v = [], 0.0
    for t, x in enumerate(values, start=1):
        v = x if first and t == 1 else old * v + new * x
        out.append(v / (1 - beta ** power(t)) if power else v)
    return np.array(out)


@pytest.mark.parametrize("wrong,phrase", [
    (lambda x, b: _ewa(x, b, 1 - b, b), "no bias correction"),
    (lambda x, b: _ewa(x, b, b, 1 - b, lambda t: t), "wrong term"),
    (lambda x, b: _ewa(x, b, b, 1 - b), "wrong term (and the bias correction is missing)"),
    (lambda x, b: _ewa(x, b, 1 - b, b, lambda t: t + 1), "off by one"),
    (lambda x, b: _ewa(x, b, 1 - b, b, first=True), "started the average at the first value"),
    (lambda x, b: -sol.ewa_corrected(x, b), "wrong values"),
    (lambda x, b: sol.ewa_corrected(x, b)[:-1], "shape"),
])
def test_ewa_check_names_the_mistake(wrong, phrase):
    result = checks.check_ewa_corrected(wrong)
    assert result.passed is False
    assert phrase in result.message


def test_ewa_check_rejects_a_fix_that_only_works_for_one_sequence():
    result = checks.check_ewa_corrected(lambda x, b: np.full(len(x), 2.0))
    assert result.passed is False


def _step(kind):
    def fn(x, buf, grad, lr, beta):
        if kind == "dampened":
            new = beta * buf + (1 - beta) * grad
            return x - lr * new, new
        if kind == "swapped":
            new = (1 - beta) * buf + grad
            return x - lr * new, new
        if kind == "keras":
            new = beta * buf - lr * grad
            return x + new, new
        if kind == "stale_buf":
            return x - lr * (beta * buf + grad), buf
        new = beta * buf + grad
        if kind == "sign":
            return x + lr * new, new
        if kind == "grad_only":
            return x - lr * grad, new
        if kind == "old_buf":
            return x - lr * buf, new
        if kind == "one_output":
            return x - lr * new
        raise AssertionError(kind)
    return fn


@pytest.mark.parametrize("kind,phrase", [
    ("dampened", "EWA form"), ("swapped", "wrong term"), ("keras", "Keras"),
    ("stale_buf", "returned the old buffer"), ("sign", "wrong sign"),
    ("grad_only", "gradient alone"), ("old_buf", "old buffer: update the buffer first"),
    ("one_output", "return two arrays"),
])
def test_momentum_check_names_the_mistake(kind, phrase):
    result = checks.check_momentum_step(_step(kind))
    assert result.passed is False
    assert phrase in result.message


def _adam(kind):
    def fn(x, m, v, grad, t, lr, b1, b2, eps):
        m = (1 - b1) * m + b1 * grad if kind == "m_swapped" else b1 * m + (1 - b1) * grad
        if kind == "v_swapped":
            v = (1 - b2) * v + b2 * grad**2
        elif kind == "v_not_squared":
            v = b2 * v + (1 - b2) * grad
        else:
            v = b2 * v + (1 - b2) * grad**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        if kind == "no_correction":
            return x - lr * m / (np.sqrt(v) + eps), m, v
        if kind == "m_only":
            return x - lr * m_hat / (np.sqrt(v) + eps), m, v
        if kind == "sign":
            return x + lr * m_hat / (np.sqrt(v_hat) + eps), m, v
        if kind == "no_sqrt":
            return x - lr * m_hat / (v_hat + eps), m, v
        return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    return fn


@pytest.mark.parametrize("kind,phrase", [
    ("m_swapped", "new_m: (1 - beta1) is on the wrong term"),
    ("v_swapped", "new_v: (1 - beta2) is on the wrong term"),
    ("v_not_squared", "squared gradients"),
    ("no_correction", "no bias correction"),
    ("m_only", "only m is bias-corrected"),
    ("sign", "wrong sign"),
    ("no_sqrt", "square root"),
])
def test_adam_check_names_the_mistake(kind, phrase):
    result = checks.check_adam_step(_adam(kind))
    assert result.passed is False
    assert phrase in result.message


def test_checks_reject_a_non_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_ewa_corrected(None)
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_momentum_step(3)
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_adam_step("adam_step")


def test_check_reports_an_error_raised_by_the_student():
    def broken(values, beta):
        return values @ np.ones((3, 3))

    result = checks.check_ewa_corrected(broken)
    assert result.passed is False and "raised ValueError" in result.message
