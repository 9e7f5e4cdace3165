"""L2 penalty, its gradient, and (inverted) dropout."""

from __future__ import annotations

import numpy as np

from . import _validate


def l2_penalty(params, lam: float) -> float:
    """``(lam/2)·Σ‖W‖²`` over the arrays in ``params`` (a dict or a list of arrays).

    Pass only the weights you want to regularise: biases are usually left out.
    """
    lam = _validate.real(lam, "lam", low=0)
    if isinstance(params, dict):
        arrays = params.values()
    elif isinstance(params, (list, tuple)):
        arrays = params
    else:
        raise TypeError(f"params must be a dict or a list of arrays, got {type(params).__name__}")
    total = sum(float(np.sum(_validate.float_array(w, "params entry") ** 2)) for w in arrays)
    return 0.5 * lam * total


def l2_gradient(W, lam: float) -> np.ndarray:
    """Gradient of ``(lam/2)·‖W‖²`` with respect to ``W``: ``lam·W``."""
    lam = _validate.real(lam, "lam", low=0)
    return lam * _validate.float_array(W, "W")


def dropout(x, rate: float, *, training: bool = True, rng=None) -> np.ndarray:
    """Inverted dropout: zero each entry with probability ``rate``, scale survivors by 1/(1-rate).

    The expectation of the output equals ``x``, so nothing needs rescaling at test time.
    ``rate=0`` or ``training=False`` returns ``x`` itself, unchanged. ``rate`` is the
    probability to *drop* (PyTorch's ``p``, Keras's ``rate``); TF1's ``keep_prob`` is ``1 - rate``.
    """
    rate = _validate.real(rate, "rate", low=0, high=1, high_open=True)
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be True or False, got {training!r}")
    x = _validate.float_array(x, "x")
    if rate == 0 or not training:
        return x
    keep = _validate.rng(rng).random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype, copy=False)
