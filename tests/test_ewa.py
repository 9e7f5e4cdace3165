"""Tests of coursekit.ewa: the EWA recursion, its unrolled weights, bias correction, bad input."""

import numpy as np
import pytest

from coursekit.ewa import effective_window, ewa, ewa_weights


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
def test_ewa_equals_the_weighted_sum_of_its_weights(rng, beta):
    x = rng.normal(size=40)
    v = ewa(x, beta)
    for t in (1, 2, 7, 40):
        direct = ewa_weights(beta, t) @ x[:t][::-1]
        assert v[t - 1] == pytest.approx(direct, rel=1e-12, abs=1e-14)


def test_ewa_recursion_first_steps_by_hand():
    v = ewa([1.0, 2.0, 4.0], 0.5)
    # v1 = 0.5*1, v2 = 0.5*0.5 + 0.5*2, v3 = 0.5*1.25 + 0.5*4
    np.testing.assert_allclose(v, [0.5, 1.25, 2.625])


def test_ewa_works_elementwise_along_time_axis(rng):
    x = rng.normal(size=(25, 3, 2))
    v = ewa(x, 0.8)
    assert v.shape == x.shape
    np.testing.assert_allclose(v[:, 1, 0], ewa(x[:, 1, 0], 0.8))


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.999])
def test_bias_correction_makes_a_constant_exact_from_step_one(beta):
    const = np.full(30, 3.7)
    corrected = ewa(const, beta, bias_correction=True)
    np.testing.assert_allclose(corrected, 3.7, rtol=1e-12)
    raw = ewa(const, beta)
    assert raw[0] == pytest.approx((1 - beta) * 3.7)  # the pull towards v0 = 0
    np.testing.assert_allclose(raw, 3.7 * (1 - beta ** np.arange(1, 31)))


def test_weights_sum_and_window():
    w = ewa_weights(0.9, 10)
    assert w[0] == pytest.approx(0.1) and w[1] == pytest.approx(0.09)
    assert w.sum() == pytest.approx(1 - 0.9**10)
    assert ewa_weights(0.9, 2000).sum() == pytest.approx(1.0)
    assert effective_window(0.9) == pytest.approx(10.0)
    assert effective_window(0.98) == pytest.approx(50.0)
    assert effective_window(0.0) == 1.0


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, float("nan")])
def test_ewa_rejects_beta_outside_unit_interval(beta):
    with pytest.raises(ValueError, match="beta"):
        ewa([1.0, 2.0], beta)


def test_ewa_rejects_bad_values():
    with pytest.raises(ValueError, match="values"):
        ewa([], 0.9)
    with pytest.raises(ValueError, match="values"):
        ewa(3.0, 0.9)
    assert np.isnan(ewa([1.0, np.nan], 0.9)[1])      # NaN and inf pass through, as in a
    assert np.isinf(ewa([1.0, np.inf], 0.9)[1])      # diverging run's loss curve
    with pytest.raises(TypeError, match="values"):
        ewa(["a", "b"], 0.9)
    with pytest.raises(TypeError, match="beta"):
        ewa([1.0], "0.9")
    with pytest.raises(TypeError, match="bias_correction"):
        ewa([1.0], 0.9, bias_correction="yes")


def test_ewa_weights_rejects_bad_input():
    with pytest.raises(ValueError, match="beta"):
        ewa_weights(1.0, 5)
    with pytest.raises(ValueError, match="n"):
        ewa_weights(0.9, 0)
    with pytest.raises(TypeError, match="n"):
        ewa_weights(0.9, 2.5)


def test_effective_window_rejects_bad_beta():
    with pytest.raises(ValueError, match="beta"):
        effective_window(1.0)
    with pytest.raises(ValueError, match="beta"):
        effective_window(-0.5)
