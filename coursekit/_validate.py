"""Argument checks shared by the public functions.

Every public function of coursekit checks its input with these, so a student who passes the
wrong thing gets a message that names the argument, says what was expected and what came,
instead of a broadcasting error from deep inside NumPy.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def float_array(value, name: str, *, ndim: int | Iterable[int] | None = None) -> np.ndarray:
    """Return ``value`` as a floating-point ndarray (float arrays are returned as they are).

    Raises TypeError for non-numeric input and ValueError for the wrong number of dimensions
    or non-finite entries.
    """
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} must be a numeric array, got {_describe(value)}") from err
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a numeric array, got {_describe(value)}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def labels(value, name: str, *, n_classes: int, n_samples: int | None = None) -> np.ndarray:
    """Return integer class labels in ``[0, n_classes)`` as a 1-D int64 array."""
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr))):
            raise TypeError(f"{name} must hold integer class indices, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} labels but the input has {n_samples} rows")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{name} must lie in [0, {n_classes - 1}] for {n_classes} classes, "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return arr


def choice(value, name: str, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise list the valid ones."""
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def real(value, name: str, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """Return ``value`` as a float, checking that it is a finite real number in the range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must lie in {left}{lo}, {hi}{right}, got {value}")
    return value


def positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` if it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_describe(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def rng(value, name: str = "rng") -> np.random.Generator:
    """Accept None, an int seed or a numpy Generator; return a Generator."""
    if value is None or (isinstance(value, numbers.Integral) and not isinstance(value, bool)):
        return np.random.default_rng(value)
    if isinstance(value, np.random.Generator):
        return value
    raise TypeError(f"{name} must be None, an int seed or a numpy.random.Generator, "
                    f"got {_describe(value)}")
