"""Weight penalties (L2, L1, max-norm) and inverted dropout, as the textbook formulas (notebook 03).

Each function is the formula in a line or two, so a notebook can show it next to what PyTorch
and Keras do. The batched trainer that notebook 03 runs its experiments with lives in
:mod:`coursekit.experiments`.
"""

from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["l2_penalty", "l2_gradient", "l1_penalty", "l1_gradient", "max_norm", "dropout"]


def l2_penalty(params, lam: float) -> float:
    """``(lam/2)·Σ‖W‖²`` over the arrays in ``params`` (a dict or a list of arrays, any shapes).

    Pass only the weights you want to regularise: biases are usually left out. The factor 1/2
    makes the gradient ``lam·W`` (see :func:`l2_gradient`).

    >>> l2_penalty({"W1": np.array([3.0, 4.0])}, lam=0.1)
    1.25
    """
    weights, lam = _validate.penalty(params, lam)
    return 0.5 * lam * sum(float(np.sum(w**2)) for w in weights)


def l2_gradient(W, lam: float) -> np.ndarray:
    """Gradient of ``(lam/2)·‖W‖²`` with respect to ``W`` (any shape): ``lam·W``, same shape."""
    W, lam = _validate.penalty(W, lam, one_array=True)
    return lam * W


def l1_penalty(params, lam: float) -> float:
    """``lam·Σ|W|`` over the arrays in ``params`` (a dict or a list of arrays)."""
    weights, lam = _validate.penalty(params, lam)
    return lam * sum(float(np.sum(np.abs(w))) for w in weights)


def l1_gradient(W, lam: float) -> np.ndarray:
    """(Sub)gradient of ``lam·Σ|W|``: ``lam·sign(W)`` (0 where W is exactly 0), same shape as W.

    Unlike L2 its size does not depend on how large the weight is: every step pushes a weight
    towards zero by the same amount. Plain (sub)gradient steps with it still give no exact zeros
    (a small weight jumps back and forth across 0); the exact zeros of the Lasso come from the
    proximal step, which shrinks each weight by ``lr·lam`` and stops at 0.

    >>> l1_gradient(np.array([-2.0, 0.0, 0.5]), lam=0.1)
    array([-0.1,  0. ,  0.1])
    """
    W, lam = _validate.penalty(W, lam, one_array=True)
    return lam * np.sign(W)


def max_norm(W, c: float, *, axis: int = 0) -> np.ndarray:
    """Project ``W`` so that every column (``axis=0``) has L2 norm at most ``c``; return a copy.

    Inputs: W (n_in, n_out) or (n,), ``c > 0``. Returns an array of W's shape. ``axis=0``
    limits the incoming weight vector of each unit (Keras's ``MaxNorm(c, axis=0)``). Columns
    already inside the ball are unchanged.
    """
    W, c, axis = _validate.max_norm(W, c, axis)
    norms = np.sqrt(np.sum(W**2, axis=axis, keepdims=True))
    return W * np.minimum(1.0, c / np.maximum(norms, np.finfo(W.dtype).tiny))


def dropout(x, rate: float, *, training: bool = True, rng=None) -> np.ndarray:
    """Inverted dropout: zero each entry with probability ``rate``, scale survivors by 1/(1-rate).

    Inputs: ``x`` any shape; ``rate`` in [0, 1), the probability to *drop* (PyTorch's ``p``,
    Keras's ``rate``; TF1's ``keep_prob`` is ``1 - rate``); ``rng``: None, an int seed or a
    ``numpy.random.Generator`` (the same seed gives the same mask).
    Returns an array of x's shape and dtype whose expectation equals ``x``, so nothing needs
    rescaling at test time. ``rate=0`` or ``training=False`` returns ``x`` itself, unchanged.

    >>> dropout(np.ones(4), 0.5, rng=0)
    array([2., 0., 0., 0.])
    """
    x, rate, training, rng = _validate.dropout(x, rate, training, rng)
    if rate == 0 or not training:
        return x
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype, copy=False)
