"""The checks of notebook 06 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import averaging as checks
from coursekit.solutions import averaging as ref


def _not_attempted(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check, solution", [
    (checks.check_linear_weights, ref.linear_weights),
    (checks.check_exponential_weights, ref.exponential_weights),
    (checks.check_ema_update, ref.ema_update),
    (checks.check_permute_hidden, ref.permute_hidden),
])
def test_reference_solutions_pass_and_blank_exercises_say_todo(check, solution, capsys):
    assert check(solution).passed is True
    assert "[PASS]" in capsys.readouterr().out
    result = check(_not_attempted)
    assert result.passed is False and "[TODO]" in result.message


def test_solutions_agree_with_coursekit_averaging():
    from coursekit.averaging import scheme_weights

    np.testing.assert_allclose(ref.linear_weights(7), scheme_weights(7, "linear"))
    np.testing.assert_allclose(ref.exponential_weights(7, 0.6),
                               scheme_weights(7, "exponential", decay=0.6))


@pytest.mark.parametrize("wrong, phrase", [
    (lambda n: np.arange(1, n + 1), "do not sum to 1"),
    (lambda n: ref.linear_weights(n)[::-1], "order is reversed"),
    (lambda n: np.arange(n) / max(np.arange(n).sum(), 1), "oldest snapshot got weight 0"),
    (lambda n: np.full(n, 1 / n), "equal weights"),
    (lambda n: np.ones(n + 1) / (n + 1), "should have shape"),
])
def test_linear_weights_mistakes(wrong, phrase):
    result = checks.check_linear_weights(wrong)
    assert result.passed is False and phrase in result.message


def _exp_raw(n, d):
    return d ** np.arange(n - 1, -1, -1, dtype=float)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda n, d: _exp_raw(n, d), "do not sum to 1"),
    (lambda n, d: ref.exponential_weights(n, d)[::-1], "applied from the wrong end"),
    (lambda n, d: (1 - d) * _exp_raw(n, d), "unnormalised EMA weights"),
    (lambda n, d: _exp_raw(n, 1 - d) / _exp_raw(n, 1 - d).sum(), "not (1-decay)**k"),
    (lambda n, d: np.zeros(n), "wrong values"),
])
def test_exponential_weights_mistakes(wrong, phrase):
    result = checks.check_exponential_weights(wrong)
    assert result.passed is False and phrase in result.message


def _in_place(average, new, decay):
    average *= decay
    average += (1 - decay) * new
    return average


@pytest.mark.parametrize("wrong, phrase", [
    (_in_place, "changed an input in place"),
    (lambda a, b, d: (1 - d) * a + d * b, "decay is applied to the wrong term"),
    (lambda a, b, d: d * a + b, "need the factor (1 - decay)"),
    (lambda a, b, d: (a + b) / 2, "plain mean"),
    (lambda a, b, d: d * a, "wrong values"),
])
def test_ema_update_mistakes(wrong, phrase):
    result = checks.check_ema_update(wrong)
    assert result.passed is False and phrase in result.message


def test_a_crash_in_student_code_is_reported():
    result = checks.check_linear_weights(lambda n: 1 / 0)
    assert result.passed is False and "ZeroDivisionError" in result.message


def test_checks_need_a_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_ema_update(0.9)
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_linear_weights("linear")
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_exponential_weights(None)


def _permute_in_place(weights, perm):
    W1, b1, W2, b2 = weights
    W1[:] = W1[:, perm]
    b1[:] = b1[perm]
    W2[:] = W2[perm, :]
    return [W1, b1, W2, b2]


def _inv(perm):
    return np.argsort(perm)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda w, p: [w[0], w[1][p], w[2][p], w[3]], "permute the columns"),
    (lambda w, p: [w[0][:, _inv(p)], w[1][_inv(p)], w[2][_inv(p)], w[3]], "inverse permutation"),
    (lambda w, p: [w[0][:, p], w[1], w[2][p], w[3]], "bias must move"),
    (lambda w, p: [w[0][:, p], w[1][p], w[2], w[3]], "outgoing weights"),
    (lambda w, p: [w[0][:, p], w[1][p], w[2][_inv(p)], w[3]], "W2 was permuted with the inverse"),
    (lambda w, p: [w[0][:, p], w[1][p], w[2][p]], "list of four arrays"),
    (lambda w, p: [w[0][:, p], w[1][p], w[2][p], 2 * w[3]], "wrong values"),
    (_permute_in_place, "in place"),
])
def test_permute_hidden_mistakes(wrong, phrase):
    result = checks.check_permute_hidden(wrong)
    assert result.passed is False and phrase in result.message


def test_permute_hidden_matches_coursekit_alignment():
    from coursekit import alignment

    rng = np.random.default_rng(0)
    w = [rng.normal(size=(2, 5)), rng.normal(size=5), rng.normal(size=(5, 3)), rng.normal(size=3)]
    perm = rng.permutation(5)
    for a, b in zip(ref.permute_hidden(w, perm), alignment.permute_hidden(w, perm), strict=True):
        np.testing.assert_array_equal(a, b)


def test_permute_hidden_check_needs_a_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_permute_hidden([0, 1, 2])
