"""The checks of notebook 03 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import regularization as checks
from coursekit.solutions import regularization as ref


def _message(check, fn, capsys):
    result = check(fn)
    capsys.readouterr()
    return result


def test_checks_accept_the_reference_solutions(capsys):
    for check, fn in [(checks.check_l2_update, ref.l2_update),
                      (checks.check_vanilla_dropout, ref.vanilla_dropout),
                      (checks.check_dropout_forward, ref.dropout_forward),
                      (checks.check_dropout_backward, ref.dropout_backward)]:
        result = check(fn)
        assert result.passed is True, result.message
        assert "[PASS]" in capsys.readouterr().out


def test_checks_report_an_unattempted_exercise_as_todo(capsys):
    def todo(*args, **kwargs):
        raise NotImplementedError

    for check in (checks.check_l2_update, checks.check_vanilla_dropout,
                  checks.check_dropout_forward, checks.check_dropout_backward):
        result = check(todo)
        assert result.passed is False and "[TODO]" in result.message


@pytest.mark.parametrize("wrong, phrase", [
    (lambda w, g, lr, lam: (1 + lr * lam) * w - lr * g, "wrong sign"),
    (lambda w, g, lr, lam: (1 - lam) * w - lr * g, "missing the learning rate"),
    (lambda w, g, lr, lam: (1 - 2 * lr * lam) * w - lr * g, "twice too strong"),
    (lambda w, g, lr, lam: (1 - lr * lam / 2) * w - lr * g, "half as strong"),
    (lambda w, g, lr, lam: (1 - lr * lam) * (w - lr * g), "data-gradient step too"),
    (lambda w, g, lr, lam: (1 - lr * lam) * w, "data-loss step is missing"),
    (lambda w, g, lr, lam: (1 - lr * lam) * w + lr * g, "goes uphill"),
    (lambda w, g, lr, lam: w - lr * lam * np.sign(w) - lr * g, "L1 update"),
    (lambda w, g, lr, lam: w - lr * g, "wrong values"),
])
def test_l2_update_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_l2_update, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message


def _vanilla(keep_rule, train_scale, test_scale):
    def fn(x, keep_prob, rng, training=True):
        if not training:
            return x * test_scale(keep_prob)
        return x * keep_rule(rng.random(x.shape), keep_prob) * train_scale(keep_prob)
    return fn


def _np_random_mask(x, keep_prob, rng, training=True):
    if not training:
        return x * keep_prob
    return x * (np.random.random(x.shape) < keep_prob)  # noqa: NPY002 - the mistake


def _in_place(x, keep_prob, rng, training=True):
    if not training:
        return x * keep_prob
    x *= rng.random(x.shape) < keep_prob
    return x


one = lambda p: 1.0  # noqa: E731
keep = lambda u, p: u < p  # noqa: E731


@pytest.mark.parametrize("wrong, phrase", [
    (_vanilla(lambda u, p: u < 1 - p, one, lambda p: p), "probability to KEEP"),
    (_vanilla(keep, lambda p: 1 / p, lambda p: p), "that is inverted dropout"),
    (_vanilla(keep, lambda p: p, lambda p: p), "belongs to test time"),
    (_vanilla(keep, one, one), "multiply x by keep_prob"),
    (_vanilla(keep, one, lambda p: 1 / p), "do not divide"),
    (_vanilla(lambda u, p: u < 0.5, one, lambda p: p), "about 80% should"),
    (_np_random_mask, "rng argument"),
    (_in_place, "changed in place"),
])
def test_vanilla_dropout_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_vanilla_dropout, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message


@pytest.mark.parametrize("check", [checks.check_l2_update, checks.check_vanilla_dropout])
def test_checks_need_a_function(check):
    with pytest.raises(TypeError, match="pass your function"):
        check(3.0)


# ---------------------------------------------------------------- dropout forward and backward

def _forward(keep_rule, scale, *, mask_out=lambda keep: keep, eval_same=True):
    def fn(x, rate, rng, training=True):
        if not training or rate == 0:
            return (x if eval_same else x * (1 - rate)), np.ones(x.shape, dtype=bool)
        keep = keep_rule(rng.random(x.shape), rate)
        return x * keep * scale(rate), mask_out(keep)
    return fn


_drop = lambda u, r: u >= r  # noqa: E731
_inv = lambda r: 1 / (1 - r)  # noqa: E731


@pytest.mark.parametrize("wrong, phrase", [
    (lambda x, rate, rng, training=True: x * (rng.random(x.shape) >= rate) / (1 - rate),
     "return a pair (out, keep)"),
    (_forward(lambda u, r: u < r, _inv), "dropped with the keep probability"),
    (_forward(_drop, lambda r: 1.0), "are not scaled"),
    (_forward(_drop, lambda r: 1 - r), "do not multiply"),
    (_forward(_drop, _inv, mask_out=lambda keep: ~keep), "keep is inverted"),
    (_forward(_drop, _inv, mask_out=lambda keep: keep / 0.7), "not the scaled factors"),
    (_forward(_drop, _inv, mask_out=lambda keep: np.roll(keep, 1)), "not the one you used"),
    (_forward(_drop, _inv, eval_same=False), "out must be x exactly"),
])
def test_dropout_forward_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_dropout_forward, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message, result.message


def _fresh_mask(dout, keep, rate):
    return dout * (np.random.default_rng().random(dout.shape) >= rate) / (1 - rate)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda dout, keep, rate: dout * keep, "not scaled"),
    (lambda dout, keep, rate: dout * keep * (1 - rate), "not by (1 - rate)"),
    (lambda dout, keep, rate: dout * keep / rate, "not by rate"),
    (lambda dout, keep, rate: dout * ~keep / (1 - rate), "where keep is False"),
    (lambda dout, keep, rate: dout / (1 - rate), "the mask is missing"),
    (lambda dout, keep, rate: dout, "returned dout unchanged"),
    (_fresh_mask, "never draw a new one"),
    (lambda dout, keep, rate: 2 * dout * keep / (1 - rate), "wrong values"),
])
def test_dropout_backward_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_dropout_backward, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message, result.message


def test_dropout_backward_is_the_gradient_with_a_fixed_mask():
    from coursekit.gradcheck import numerical_gradient, relative_error

    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    out, keep = ref.dropout_forward(x, 0.5, np.random.default_rng(1))
    assert np.array_equal(out != 0, keep)
    numeric = numerical_gradient(lambda x_: float(np.sum(dout * x_ * keep / 0.5)), x.copy())
    assert relative_error(ref.dropout_backward(dout, keep, 0.5), numeric) < 1e-9


def test_dropout_checks_reject_a_non_function():
    with pytest.raises(TypeError, match="student_fn"):
        checks.check_dropout_forward(0.5)
    with pytest.raises(TypeError, match="student_fn"):
        checks.check_dropout_backward("dout * keep")


# ---------------------------------------------------------------- Adam + L2 vs AdamW step

def test_adam_step_reference_matches_torch():
    import torch

    h, c = np.array([0.1, 1.0, 10.0]), np.array([2.0, -3.0, 1.0])
    for decoupled, opt_class in [(False, torch.optim.Adam), (True, torch.optim.AdamW)]:
        p = torch.tensor([1.5, 1.0, -1.0], dtype=torch.float64, requires_grad=True)
        opt = opt_class([p], lr=0.1, weight_decay=0.2)
        w, m, v = np.array([1.5, 1.0, -1.0]), np.zeros(3), np.zeros(3)
        for t in range(1, 6):
            g = h * (w - c)
            p.grad = torch.tensor(g)
            opt.step()
            w, m, v = ref.adam_step(w, g, m, v, t, lr=0.1, lam=0.2, decoupled=decoupled)
        np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-12, atol=1e-14)


def _adam(decoupled_rule, *, correction=True, square=True, lr_in_decay=True, after=False):
    def fn(w, g, m, v, t, *, lr, lam, decoupled):
        dec = decoupled_rule(decoupled)
        if dec and not after:
            w = w * (1 - (lr if lr_in_decay else 1) * lam)
        elif not dec:
            g = g + lam * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * (g**2 if square else g)
        m_hat = m / (1 - 0.9**t) if correction else m
        v_hat = v / (1 - 0.999**t) if correction else v
        w = w - lr * m_hat / (np.sqrt(np.abs(v_hat)) + 1e-8)
        if dec and after:
            w = w * (1 - lr * lam)
        return w, m, v
    return fn


@pytest.mark.parametrize("wrong, phrase", [
    (_adam(lambda d: not d), "swapped"),
    (_adam(lambda d: False), "AdamW (decoupled=True): coupled and decoupled are swapped"),
    (_adam(lambda d: d, correction=False), "bias correction is missing"),
    (_adam(lambda d: d, square=False), "squared"),
    (_adam(lambda d: d, lr_in_decay=False), "multiplied by the learning rate"),
    (_adam(lambda d: d, after=True), "before the Adam step"),
    (lambda w, g, m, v, t, **kw: w - 0.1 * g, "return the three arrays"),
])
def test_adam_step_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_adam_step, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message, result.message


def test_adam_step_check_accepts_reference_rejects_non_function(capsys):
    assert _message(checks.check_adam_step, ref.adam_step, capsys).passed is True
    todo = _message(checks.check_adam_step, lambda *a, **k: (_ for _ in ()).throw(
        NotImplementedError), capsys)
    assert "[TODO]" in todo.message
    with pytest.raises(TypeError, match="student_fn"):
        checks.check_adam_step("adamw")
