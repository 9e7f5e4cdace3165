"""Reference solutions to the exercises of notebook 03 (L2 regularisation and dropout).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import numpy as np


def l2_update(w, grad, lr, lam):
    """One gradient-descent step on ``loss + (lam/2)·‖w‖²``: ``(1 - lr·lam)·w - lr·grad``.

    ``grad`` is the gradient of the data loss alone (without the penalty).
    """
    return (1 - lr * lam) * w - lr * grad


def vanilla_dropout(x, keep_prob, rng, training=True):
    """Original dropout (keep probability): keep entries with probability ``keep_prob`` during
    training, unscaled; at test time multiply everything by ``keep_prob``."""
    if not training:
        return x * keep_prob
    if keep_prob == 1:
        return x
    mask = rng.random(x.shape) < keep_prob
    return x * mask


def dropout_forward(x, rate, rng, training=True):
    """Inverted dropout, forward pass, keeping what the backward pass needs.

    Inputs: ``x`` an array, ``rate`` the drop probability in [0, 1), ``rng`` a NumPy Generator.
    Returns ``(out, keep)``: ``keep`` is the boolean mask of the surviving entries (all True in
    evaluation mode or with rate 0) and ``out = x * keep / (1 - rate)`` in training, ``x`` in
    evaluation.
    """
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= rate
    return x * keep / (1 - rate), keep


def dropout_backward(dout, keep, rate):
    """Backward pass of :func:`dropout_forward`: ``out = x·keep/(1 - rate)`` is linear in ``x``,
    so ``dL/dx = dL/dout · keep / (1 - rate)`` with the *same* mask as the forward pass."""
    return dout * keep / (1 - rate)


def adam_step(w, g, m, v, t, *, lr, lam, decoupled, b1=0.9, b2=0.999, eps=1e-8):
    """One step of Adam with L2 (``decoupled=False``, like ``torch.optim.Adam(weight_decay=lam)``)
    or of AdamW (``decoupled=True``, like ``torch.optim.AdamW(weight_decay=lam)``).

    Inputs: ``w``, ``g`` (the data gradient at ``w``), ``m``, ``v`` arrays of one shape; ``t`` the
    step number, starting at 1. Returns the new ``(w, m, v)``.
    """
    if decoupled:
        w = w * (1 - lr * lam)             # shrink the weight itself, outside Adam
    else:
        g = g + lam * w                    # L2: the decay is part of the gradient Adam rescales
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g**2
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
