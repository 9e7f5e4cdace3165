"""The checks of notebook 06 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import averaging as checks
from coursekit.solutions import averaging as ref


def _not_attempted(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check, solution", [
    (checks.check_average_snapshots, ref.average_snapshots),
    (checks.check_ema_coefficients, ref.ema_coefficients),
    (checks.check_permute_hidden, ref.permute_hidden),
])
def test_reference_solutions_pass_and_blank_exercises_say_todo(check, solution, capsys):
    assert check(solution).passed is True
    assert "[PASS]" in capsys.readouterr().out
    result = check(_not_attempted)
    assert result.passed is False and "[TODO]" in result.message


@pytest.mark.parametrize("scheme, decay", [("equal", None), ("linear", None),
                                           ("exponential", 0.6), ("exponential", 0.3)])
def test_average_snapshots_solution_agrees_with_coursekit_averaging(scheme, decay):
    from coursekit.averaging import average_weights, scheme_weights

    rng = np.random.default_rng(0)
    snaps = [[rng.normal(size=(2, 3)), rng.normal(size=3)] for _ in range(5)]
    coeffs = scheme_weights(5, scheme, decay=decay)
    for a, b in zip(ref.average_snapshots(snaps, scheme, decay), average_weights(snaps, coeffs),
                    strict=True):
        np.testing.assert_allclose(a, b)


def test_ema_coefficients_solution_is_what_averaged_model_computes():
    import torch
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    torch.manual_seed(0)
    net = torch.nn.Linear(3, 2)
    ema = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(0.7))
    seen = []
    for _ in range(6):
        with torch.no_grad():
            net.weight.normal_()
        ema.update_parameters(net)
        seen.append(net.weight.detach().clone().numpy())
    coeffs = ref.ema_coefficients(6, 0.7)
    np.testing.assert_allclose(np.tensordot(coeffs, np.stack(seen), axes=1),
                               ema.module.weight.detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(coeffs.sum(), 1.0)


def _combine(snaps, coeffs):
    """The weighted average of Keras-style weight lists with the given coefficients."""
    return [sum(c * np.asarray(s[j]) for c, s in zip(coeffs, snaps, strict=True))
            for j in range(len(snaps[0]))]


def _lin_raw(n):
    return np.arange(1, n + 1, dtype=float)


def _exp_raw(n, d):
    return d ** np.arange(n - 1, -1, -1, dtype=float)


def _coefficients(n, scheme, d):
    """Right coefficients, so that each mistake below changes one scheme only."""
    if scheme == "linear":
        return _lin_raw(n) / _lin_raw(n).sum()
    if scheme == "exponential":
        return _exp_raw(n, d) / _exp_raw(n, d).sum()
    return np.full(n, 1 / n)


def _mistake(**wrong_by_scheme):
    """A student function that gets the named schemes wrong (coefficients from a function of n,
    d) and the others right."""
    def student(snaps, scheme, decay=None):
        n = len(snaps)
        make = wrong_by_scheme.get(scheme)
        return _combine(snaps, make(n, decay) if make else _coefficients(n, scheme, decay))
    return student


def _average_in_place(snaps, scheme, decay=None):
    coeffs = _coefficients(len(snaps), scheme, decay)
    avg = snaps[0]
    for j in range(len(avg)):
        avg[j] *= coeffs[0]
        for c, s in zip(coeffs[1:], snaps[1:], strict=True):
            avg[j] += c * s[j]
    return avg


def _one_array(snaps, scheme, decay=None):
    return np.concatenate([np.ravel(a) for a in ref.average_snapshots(snaps, scheme, decay)])


def _averages_within_each_snapshot(snaps, scheme, decay=None):
    return [np.mean(s[0]) for s in snaps]


@pytest.mark.parametrize("wrong, phrase", [
    (_mistake(equal=lambda n, d: np.ones(n)), "you summed the snapshots"),
    (_mistake(equal=lambda n, d: np.eye(n)[-1]), "newest snapshot unchanged"),
    (_mistake(linear=lambda n, d: _lin_raw(n)), "linear coefficients do not sum to 1"),
    (_mistake(linear=lambda n, d: _lin_raw(n)[::-1] / _lin_raw(n).sum()), "order is reversed"),
    (_mistake(linear=lambda n, d: (_lin_raw(n) - 1) / max((_lin_raw(n) - 1).sum(), 1)),
     "oldest snapshot got weight 0"),
    (_mistake(linear=lambda n, d: np.full(n, 1 / n)), "with scheme 'linear'"),
    (_mistake(exponential=lambda n, d: _exp_raw(n, d)), "exponential coefficients do not sum"),
    (_mistake(exponential=lambda n, d: (1 - d) * _exp_raw(n, d)), "unnormalised EMA weights"),
    (_mistake(exponential=lambda n, d: _exp_raw(n, d)[::-1] / _exp_raw(n, d).sum()),
     "applied from the wrong end"),
    (_mistake(exponential=lambda n, d: _exp_raw(n, 1 - d) / _exp_raw(n, 1 - d).sum()),
     "not (1-decay)**k"),
    (_mistake(exponential=lambda n, d: np.full(n, 1 / n)), "with scheme 'exponential'"),
    (_average_in_place, "changed snapshot 0 of its input in place"),
    (_one_array, "returned one NumPy array"),
    (_averages_within_each_snapshot, "yours has 4 entries"),
    (lambda snaps, scheme, decay=None: None, "yours returned NoneType"),
    (_mistake(equal=lambda n, d: np.full(n, 0.2)), "wrong values"),
])
def test_average_snapshots_mistakes(wrong, phrase):
    result = checks.check_average_snapshots(wrong)
    assert result.passed is False and phrase in result.message


def _ema_k(n):
    return np.arange(n - 1, -1, -1, dtype=float)


def _swapped(n, d):
    c = d * (1 - d) ** _ema_k(n)
    c[0] = (1 - d) ** (n - 1)
    return c


def _off_by_one(n, d):
    c = ref.ema_coefficients(n, d)
    c[0] = d**n
    return c


@pytest.mark.parametrize("wrong, phrase", [
    (_swapped, "decay and 1 - decay are swapped"),
    (lambda n, d: (1 - d) * d ** _ema_k(n), "first-step copy is missing"),
    (lambda n, d: (1 - d) * d ** _ema_k(n) / (1 - d**n), "notebook 04's zero start"),
    (lambda n, d: ref.ema_coefficients(n, d)[::-1], "order is reversed"),
    (_off_by_one, "not decay**n"),
    (lambda n, d: d ** _ema_k(n) / (d ** _ema_k(n)).sum(), "section 3's exponential scheme"),
    (lambda n, d: np.full(n, 1 / n), "wrong values"),
    (lambda n, d: np.ones(n + 1) / (n + 1), "should have shape"),
])
def test_ema_coefficients_mistakes(wrong, phrase):
    result = checks.check_ema_coefficients(wrong)
    assert result.passed is False and phrase in result.message


def test_a_crash_in_student_code_is_reported():
    result = checks.check_ema_coefficients(lambda n, d: 1 / 0)
    assert result.passed is False and "ZeroDivisionError" in result.message


def test_checks_need_a_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_ema_coefficients(0.9)
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_average_snapshots("linear")


def _permute_in_place(weights, perm):
    W1, b1, W2, b2 = weights
    W1[:] = W1[:, perm]
    b1[:] = b1[perm]
    W2[:] = W2[perm, :]
    return [W1, b1, W2, b2]


def _replace_entries(weights, perm):
    weights[0], weights[1], weights[2] = weights[0][:, perm], weights[1][perm], weights[2][perm]
    return list(weights)


def _inv(perm):
    return np.argsort(perm)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda w, p: [w[0], w[1][p], w[2][p], w[3]], "permute the columns"),
    (lambda w, p: [w[0][:, _inv(p)], w[1][_inv(p)], w[2][_inv(p)], w[3]], "inverse permutation"),
    (lambda w, p: [w[0][:, p], w[1], w[2][p], w[3]], "bias must move"),
    (lambda w, p: [w[0][:, p], w[1][p], w[2], w[3]], "outgoing weights"),
    (lambda w, p: [w[0][:, p], w[1][p], w[2][_inv(p)], w[3]], "W2 was permuted with the inverse"),
    (lambda w, p: [w[0][:, p], w[1][p], w[2][p]], "yours has 3 entries"),
    (lambda w, p: None, "forget `return`"),
    (lambda w, p: np.concatenate([w[0][:, p].ravel(), w[1][p]]), "one NumPy array"),
    (lambda w, p: {"W1": w[0][:, p]}, "yours returned dict"),
    (_replace_entries, "you changed the list `weights`"),
    (lambda w, p: [w[0][:, p], w[1][p], w[2][p], 2 * w[3]], "wrong values"),
    (_permute_in_place, "changed the input array W1 in place"),
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
