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
    (lambda x, b: -sol.ewa_corrected(x, b), "wrong sign: your result is the negative"),
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


# Gaps closed after the December 2026 review: each new message has a test, and each check runs
# several test vectors, so a function right for one case only fails.

def _ewa_fed_back(values, beta):
    out, v = [], 0.0
    for t, x in enumerate(values, start=1):
        v = (beta * v + (1 - beta) * x) / (1 - beta**t)  # corrected value fed back
        out.append(v)
    return np.array(out)


def test_ewa_check_names_the_corrected_value_fed_back():
    result = checks.check_ewa_corrected(_ewa_fed_back)
    assert result.passed is False
    assert "fed the corrected value back into the recursion" in result.message


def test_ewa_check_uses_several_sequences():
    def only_beta_08(values, beta):
        return sol.ewa_corrected(values, 0.8)  # ignores beta: right for the first case only

    result = checks.check_ewa_corrected(only_beta_08)
    assert result.passed is False and "beta = 0.5" in result.message


def test_momentum_check_names_a_swapped_return_order():
    def swapped(x, buf, grad, lr, beta):
        new_x, new_buf = sol.momentum_step(x, buf, grad, lr, beta)
        return new_buf, new_x

    result = checks.check_momentum_step(swapped)
    assert result.passed is False
    assert "you returned (new_buf, new_x)" in result.message


def test_momentum_check_uses_several_vectors():
    def hard_coded_lr(x, buf, grad, lr, beta):
        return sol.momentum_step(x, buf, grad, 0.1, beta)  # right only for lr = 0.1

    assert checks.check_momentum_step(hard_coded_lr).passed is False


@pytest.mark.parametrize("shift,phrase", [(1, "you used t + 1"), (-1, "you used t - 1")])
def test_adam_check_names_t_off_by_one(shift, phrase):
    def off_by_one(x, m, v, grad, t, lr, b1, b2, eps):
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        s = t + shift
        return x - lr * (m / (1 - b1**s)) / (np.sqrt(v / (1 - b2**s)) + eps), m, v

    result = checks.check_adam_step(off_by_one)
    assert result.passed is False
    assert phrase in result.message


def test_adam_check_uses_several_vectors():
    def ignores_eps(x, m, v, grad, t, lr, b1, b2, eps):
        return sol.adam_step(x, m, v, grad, t, lr, b1, b2, 1e-8)  # right only for eps = 1e-8

    result = checks.check_adam_step(ignores_eps)
    assert result.passed is False and "t = 10" in result.message


# Second round of the review: the tuned-momentum exercise and the epsilon placements in Adam.

def test_tuned_momentum_check_accepts_the_reference_and_a_list():
    assert checks.check_tuned_momentum(sol.tuned_momentum).passed
    assert checks.check_tuned_momentum(lambda a, b: list(sol.tuned_momentum(a, b))).passed
    assert checks.check_tuned_momentum(_not_done).passed is False


def _tuned(kind):
    def fn(lam_min, lam_max):
        kappa = lam_max / lam_min
        rate = (kappa**0.5 - 1) / (kappa**0.5 + 1)
        beta = rate if kind == "beta_is_rate" else rate**2
        lr_torch = (2 / (lam_min**0.5 + lam_max**0.5)) ** 2
        lr = {"torch_lr": lr_torch, "wrong_way": lr_torch * (1 - beta),
              "gd_lr": 2 / (lam_min + lam_max)}.get(kind, lr_torch / (1 - beta))
        speedup = np.log(rate) / np.log((kappa - 1) / (kappa + 1))
        speedup = {"inverted": 1 / speedup, "kappa": kappa,
                   "rates": ((kappa - 1) / (kappa + 1)) / rate}.get(kind, speedup)
        if kind == "two_outputs":
            return lr, beta
        return lr, beta, speedup
    return fn


@pytest.mark.parametrize("kind,phrase", [
    ("beta_is_rate", "beta is the rate"), ("torch_lr", "that is PyTorch's learning rate"),
    ("wrong_way", "converted the wrong way"), ("gd_lr", "gradient descent's best step"),
    ("inverted", "upside down"), ("kappa", "speedup of kappa"),
    ("rates", "compares the rates themselves"), ("two_outputs", "return three numbers"),
])
def test_tuned_momentum_check_names_the_mistake(kind, phrase):
    result = checks.check_tuned_momentum(_tuned(kind))
    assert result.passed is False
    assert phrase in result.message


def _adam2(kind):
    def fn(x, m, v, grad, t, lr, b1, b2, eps):
        new_m = b1 * m + (1 - b1) * grad
        new_v = b2 * v + (1 - b2) * grad**2
        m_hat, v_hat = new_m / (1 - b1**t), new_v / (1 - b2**t)
        if kind == "eps_inside":
            return x - lr * m_hat / np.sqrt(v_hat + eps), new_m, new_v
        if kind == "keras_eps":
            return (x - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * new_m / (np.sqrt(new_v) + eps),
                    new_m, new_v)
        if kind == "no_eps":
            return x - lr * m_hat / np.sqrt(v_hat), new_m, new_v
        if kind == "old_state":
            old_m, old_v = m / (1 - b1**t), v / (1 - b2**t)
            return x - lr * old_m / (np.sqrt(old_v) + eps), new_m, new_v
        if kind == "v_only":
            return x - lr * new_m / (np.sqrt(v_hat) + eps), new_m, new_v
        step = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        if kind == "returns_m_hat":
            return step, m_hat, new_v
        if kind == "returns_v_hat":
            return step, new_m, v_hat
        raise AssertionError(kind)
    return fn


@pytest.mark.parametrize("make,kind,phrase", [
    (_adam, "m_swapped", "new_m: (1 - beta1) is on the wrong term"),
    (_adam, "v_swapped", "new_v: (1 - beta2) is on the wrong term"),
    (_adam, "v_not_squared", "squared gradients"),
    (_adam, "no_correction", "no bias correction"),
    (_adam, "m_only", "only m is bias-corrected"),
    (_adam, "sign", "wrong sign"),
    (_adam, "no_sqrt", "square root"),
    (_adam2, "eps_inside", "eps is inside the square root"),
    (_adam2, "keras_eps", "Keras's placement"),
    (_adam2, "no_eps", "eps is missing"),
    (_adam2, "old_state", "the step used the old m and v"),
    (_adam2, "v_only", "only v is bias-corrected"),
    (_adam2, "returns_m_hat", "bias-corrected m_hat as the new m"),
    (_adam2, "returns_v_hat", "bias-corrected v_hat as the new v"),
])
def test_adam_check_names_the_mistake(make, kind, phrase):
    result = checks.check_adam_step(make(kind))
    assert result.passed is False
    assert phrase in result.message


def test_momentum_check_accepts_a_list_of_two_arrays():
    assert checks.check_momentum_step(lambda *a: list(sol.momentum_step(*a))).passed is True


def _ewa_t_from_zero(values, beta):
    out, v = [], 0.0
    for t, x in enumerate(values):  # t = 0, 1, ...: the first correction divides by zero
        v = beta * v + (1 - beta) * x
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(np.float64(v) / (1 - np.float64(beta) ** t))
    return np.array(out)


def _ewa_t_from_zero_python(values, beta):
    out, v = [], 0.0
    for t, x in enumerate(values):
        v = beta * v + (1 - beta) * float(x)
        out.append(v / (1 - float(beta) ** t))  # ZeroDivisionError at t = 0
    return out


@pytest.mark.parametrize("fn", [_ewa_t_from_zero, _ewa_t_from_zero_python])
def test_ewa_check_names_t_counted_from_zero(fn):
    result = checks.check_ewa_corrected(fn)
    assert result.passed is False
    assert "t starts at 1" in result.message
