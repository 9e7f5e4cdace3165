"""coursekit.gradcheck: centred differences and the relative error."""

import numpy as np
import pytest

from coursekit.gradcheck import numerical_gradient, relative_error


def test_numerical_gradient_of_a_cubic_is_accurate_and_restores_x():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    before = x.copy()
    grad = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    assert np.array_equal(x, before)
    assert relative_error(grad, 3 * before**2) < 1e-9


def test_centred_difference_error_shrinks_like_h_squared():
    x = np.array([1.0])
    f = lambda v: float(np.exp(v[0]))  # noqa: E731
    errors = [abs(numerical_gradient(f, x.copy(), h)[0] - np.e) for h in (1e-2, 1e-3)]
    assert errors[0] / errors[1] == pytest.approx(100, rel=0.05)


def test_float32_with_a_tiny_step_fails():
    """The lesson of notebook 01: float32 cancels, so the check breaks."""
    x = np.random.default_rng(0).normal(size=50).astype(np.float32)
    exact = 1 - np.tanh(x.astype(np.float64)) ** 2
    grad32 = numerical_gradient(lambda v: float(np.sum(np.tanh(v))), x, h=1e-7)
    grad64 = numerical_gradient(lambda v: float(np.sum(np.tanh(v))), x.astype(np.float64), h=1e-7)
    assert relative_error(grad32, exact) > 0.1
    assert relative_error(grad64, exact) < 1e-6


def test_relative_error_properties():
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a) == 0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0
    assert relative_error(a, a * (1 + 1e-6)) == pytest.approx(1e-6, rel=1e-3)
    assert relative_error(a, 1e6 * a) == pytest.approx(1, rel=1e-5)
    assert relative_error(a, -a) == pytest.approx(2)


def test_relative_error_is_symmetric_and_scale_free(rng):
    a, b = rng.normal(size=10), rng.normal(size=10)
    assert relative_error(a, b) == relative_error(b, a)
    assert relative_error(1e-8 * a, 1e-8 * b) == pytest.approx(relative_error(a, b))


def test_numerical_gradient_rejects_bad_input():
    with pytest.raises(TypeError, match="x must be a floating-point numpy array"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))
    with pytest.raises(TypeError, match="x must be a floating-point numpy array"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient(3.0, np.zeros(2))
    with pytest.raises(ValueError, match="h must lie in"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), h=0)


def test_relative_error_rejects_shape_mismatch_and_non_numbers():
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="g must be a numeric array"):
        relative_error("abc", np.zeros(3))
