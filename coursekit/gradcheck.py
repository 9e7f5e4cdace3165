"""Numerical gradients by centred differences, and the relative error used to compare them."""

from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f, x, h: float = 1e-5) -> np.ndarray:
    """Centred-difference gradient of the scalar function ``f`` at ``x``.

    Each entry is ``(f(x + h·e_i) - f(x - h·e_i)) / (2h)``.

    Inputs
    ------
    f : function from the array ``x`` to a float (it may close over ``x``, like a network's
        parameter array: ``x`` is changed in place while this runs and restored afterwards)
    x : float ndarray, any shape; use float64: in float32 the two nearly equal losses cancel
    h : step, > 0

    Returns
    -------
    grad : array of x's shape

    >>> numerical_gradient(lambda v: float(np.sum(v**2)), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    h = _validate.numerical_gradient(f, x, h)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + h
        f_plus = f(x)
        x[idx] = original - h
        f_minus = f(x)
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(g, n) -> float:
    """``max|g - n| / max(max|g|, max|n|)``: 0 for identical arrays, about 1 for unrelated ones.

    Inputs: ``g``, the gradient to check (notebook 01: the backward pass's), and ``n``, the one
    it is compared with (there: the numerical gradient), of the same shape. Returns a float,
    defined as 0 when both arrays are all zeros. Scaling by the larger magnitude makes the
    number independent of units. This is the array-wide error: the largest discrepancy against
    the largest entry. In notebook 01's float64 checks (centred differences, h = 1e-5) right
    gradients score below 1e-7. A wrong entry adds only its own error over the largest entry,
    so an error confined to entries much smaller than the largest scores low (notebook 01: W1's
    smallest entry doubled scores 3e-4). The per-element test of ``np.allclose`` and
    ``torch.autograd.gradcheck``, ``|g_i - n_i| <= atol + rtol |n_i|`` for every entry, sees
    such errors down to ``atol``. CS231n's well-known bands grade another number, the
    elementwise ``|g_i - n_i| / max(|g_i|, |n_i|)``, which is larger on tiny entries; they do
    not apply here.

    >>> round(relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.5])), 6)
    0.2
    >>> g, n = np.array([100.0, 0.001]), np.array([100.0, 0.002])   # the small entry is 100 % off
    >>> print(f"{relative_error(g, n):.0e}", np.allclose(g, n))
    1e-05 False
    """
    g, n = _validate.same_shape(g, n, names=("g", "n"))
    scale = max(np.max(np.abs(g), initial=0.0), np.max(np.abs(n), initial=0.0))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(g - n)) / scale)
