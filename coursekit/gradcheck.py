"""Numerical gradients by centred differences, and the relative error used to compare them."""

from __future__ import annotations

import numpy as np

from . import _validate


def numerical_gradient(f, x, h: float = 1e-5) -> np.ndarray:
    """Centred-difference gradient of the scalar function ``f`` at ``x``.

    Each entry is ``(f(x + h·e_i) - f(x - h·e_i)) / (2h)``. ``x`` is changed in place while the
    function runs (so ``f`` may close over it, like a network's parameter array) and restored
    afterwards. Use float64: in float32 the difference of two nearly equal losses cancels.
    """
    if not callable(f):
        raise TypeError(f"f must be a function from the array to a float, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a floating-point numpy array (it is perturbed in place), "
                        f"got {type(x).__name__}" + (f" of dtype {x.dtype}"
                                                    if isinstance(x, np.ndarray) else ""))
    h = _validate.real(h, "h", low=0, low_open=True)
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


def relative_error(a, b) -> float:
    """``max|a - b| / max(max|a|, max|b|)``: 0 for identical arrays, about 1 for unrelated ones.

    Scaling by the larger of the two arrays' magnitudes makes the number independent of units;
    it is defined as 0 when both arrays are all zeros. Rough guide for float64 gradient checks:
    below 1e-7 good, 1e-4 to 1e-2 suspicious, above 1e-2 wrong.
    """
    a = _validate.float_array(a, "a")
    b = _validate.float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / scale)
