"""Reference solutions to the exercises of notebook 06 (averaging the weights of saved models).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import numpy as np


def average_snapshots(snapshots, scheme="equal", decay=None):
    """Weighted average of Keras weight lists, oldest snapshot first.

    Inputs: ``snapshots``, a list of n weight lists (each ``model.get_weights()``: arrays of the
    same shapes in every snapshot); ``scheme`` ``"equal"`` (every snapshot alike), ``"linear"``
    (proportional to 1, 2, ..., n, the newest counting most) or ``"exponential"`` (proportional
    to ``decay**k``, k steps back from the newest). Returns: a new weight list of the same
    shapes, ``sum_i c_i * snapshots[i][j]`` for every array j, with coefficients summing to 1.
    """
    n = len(snapshots)
    if scheme == "equal":
        raw = np.ones(n)
    elif scheme == "linear":
        raw = np.arange(1, n + 1, dtype=float)
    else:
        raw = decay ** np.arange(n - 1, -1, -1, dtype=float)
    c = raw / raw.sum()
    return [sum(c_i * np.asarray(snap[j]) for c_i, snap in zip(c, snapshots, strict=True))
            for j in range(len(snapshots[0]))]


def ema_coefficients(n, decay):
    """The weight of each of n snapshots in an EMA that starts from a copy of the first one.

    That is what ``AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))`` computes
    after n calls of ``update_parameters``: the first call copies, every later one does
    ``average = decay·average + (1-decay)·new``. Unrolled, the snapshot k steps back from the
    newest gets ``(1-decay)·decay**k``, except the oldest, which keeps ``decay**(n-1)``. Returns
    shape ``(n,)``, oldest first, summing to 1.
    """
    coeffs = (1 - decay) * decay ** np.arange(n - 1, -1, -1, dtype=float)
    coeffs[0] = decay ** (n - 1)
    return coeffs


def permute_hidden(weights, perm):
    """Renumber the hidden units of ``[W1 (n_in, h), b1 (h,), W2 (h, n_out), b2 (n_out,)]``.

    New unit ``i`` is old unit ``perm[i]``: the columns of ``W1``, the entries of ``b1`` and the
    rows of ``W2`` move together, so the network computes the same function. Returns a new list.
    """
    W1, b1, W2, b2 = weights
    return [W1[:, perm], b1[perm], W2[perm, :], b2.copy()]
