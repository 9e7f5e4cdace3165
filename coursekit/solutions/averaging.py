"""Reference solutions to the exercises of notebook 06 (averaging the weights of saved models).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import numpy as np


def linear_weights(n):
    """Coefficients of the linearly weighted average of ``n`` snapshots, oldest first.

    Proportional to 1, 2, ..., n (the newest counts most) and summing to 1; shape ``(n,)``.
    """
    raw = np.arange(1, n + 1, dtype=float)
    return raw / raw.sum()


def exponential_weights(n, decay):
    """Coefficients proportional to ``decay**k``, ``k`` counted back from the newest snapshot.

    Oldest first, summing to 1; shape ``(n,)``. The newest snapshot has ``k = 0``.
    """
    raw = decay ** np.arange(n - 1, -1, -1, dtype=float)
    return raw / raw.sum()


def ema_update(average, new, decay):
    """One step of an exponential moving average of weights: ``decay·average + (1-decay)·new``.

    Returns a new array (shape of ``average``); the inputs are left unchanged.
    """
    return decay * average + (1 - decay) * new


def permute_hidden(weights, perm):
    """Renumber the hidden units of ``[W1 (n_in, h), b1 (h,), W2 (h, n_out), b2 (n_out,)]``.

    New unit ``i`` is old unit ``perm[i]``: the columns of ``W1``, the entries of ``b1`` and the
    rows of ``W2`` move together, so the network computes the same function. Returns a new list.
    """
    W1, b1, W2, b2 = weights
    return [W1[:, perm], b1[perm], W2[perm, :], b2.copy()]
