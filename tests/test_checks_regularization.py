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
                      (checks.check_inverted_dropout, ref.inverted_dropout)]:
        result = check(fn)
        assert result.passed is True, result.message
        assert "[PASS]" in capsys.readouterr().out


def test_checks_report_an_unattempted_exercise_as_todo(capsys):
    def todo(*args, **kwargs):
        raise NotImplementedError

    for check in (checks.check_l2_update, checks.check_vanilla_dropout,
                  checks.check_inverted_dropout):
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


def _inverted(keep_rule, train_scale, eval_scale):
    def fn(x, rate, rng, training=True):
        if not training:
            return x * eval_scale(rate)
        return x * keep_rule(rng.random(x.shape), rate) * train_scale(rate)
    return fn


drop = lambda u, r: u >= r  # noqa: E731
inv = lambda r: 1 / (1 - r)  # noqa: E731


def _rate_zero_still_draws(x, rate, rng, training=True):
    if not training:
        return x
    return (x * (rng.random(x.shape) >= rate) / (1 - rate)).astype(np.float32)


@pytest.mark.parametrize("wrong, phrase", [
    (_inverted(lambda u, r: u >= 1 - r, inv, one), "dropped with the keep probability"),
    (_inverted(lambda u, r: u < r, inv, one), "dropped with the keep probability"),
    (_inverted(drop, one, one), "are not scaled"),
    (_inverted(drop, lambda r: 1 - r, one), "do not multiply"),
    (_inverted(drop, lambda r: 1 / r, one), "not by rate"),
    (_inverted(drop, inv, lambda r: 1 - r), "scaling at the wrong time"),
    (_inverted(drop, inv, inv), "scaling at the wrong time"),
    (_rate_zero_still_draws, "return x exactly"),
])
def test_inverted_dropout_check_names_the_mistake(wrong, phrase, capsys):
    result = _message(checks.check_inverted_dropout, wrong, capsys)
    assert result.passed is False
    assert phrase in result.message


def test_inverted_dropout_check_rejects_dropping_at_evaluation(capsys):
    def fn(x, rate, rng, training=True):
        return x * (rng.random(x.shape) >= rate) / (1 - rate)   # ignores `training`

    result = _message(checks.check_inverted_dropout, fn, capsys)
    assert result.passed is False and "evaluation mode" in result.message


@pytest.mark.parametrize("check", [checks.check_l2_update, checks.check_vanilla_dropout,
                                   checks.check_inverted_dropout])
def test_checks_need_a_function(check):
    with pytest.raises(TypeError, match="pass your function"):
        check(3.0)
