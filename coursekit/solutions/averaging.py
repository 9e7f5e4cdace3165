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


def choose_ema(trajectory, decays, val_loss, test_loss):
    """Choose an EMA's decay on validation data, then report its test loss once.

    Inputs: ``trajectory``, shape ``(T, P)``: the weights after each of T training steps, oldest
    first; ``decays``, the candidate decays; ``val_loss(weights)`` and ``test_loss(weights)``,
    the loss of a weight vector of shape ``(P,)`` on the validation and on the test data.
    For each decay, the EMA is what ``AveragedModel(model,
    multi_avg_fn=get_ema_multi_avg_fn(decay))`` holds after T updates: a copy of the first row,
    then ``ema = decay·ema + (1 - decay)·row`` for every later row. Returns ``(decay, ema,
    test)``: the decay whose EMA has the lowest validation loss, that EMA, and its test loss,
    the only call of ``test_loss``.
    """
    trajectory = np.asarray(trajectory, dtype=float)
    best = None
    for decay in decays:
        ema = trajectory[0].copy()
        for weights in trajectory[1:]:
            ema = decay * ema + (1 - decay) * weights
        loss = val_loss(ema)
        if best is None or loss < best[0]:
            best = (loss, decay, ema)
    _, decay, ema = best
    return decay, ema, test_loss(ema)


def match_hidden_units(weights_a, weights_b):
    """Weight matching: the permutation of B's hidden units that best lines them up with A's.

    Inputs: two weight lists ``[W1 (n_in, h), b1 (h,), W2 (h, n_out), b2]``. Each hidden unit is
    described by its column of ``W1``, its bias and its row of ``W2``; the score of the pair
    (A's unit i, B's unit j) is the dot product of their descriptions. Returns ``perm``, shape
    ``(h,)``: B's unit ``perm[i]`` is paired with A's unit ``i``, and the pairing has the largest
    total score (``permute_hidden(weights_b, perm)`` then lines B up with A).
    """
    from scipy.optimize import linear_sum_assignment

    def units(weights):  # (h, n_in + 1 + n_out): one row per hidden unit
        W1, b1, W2, _ = (np.asarray(w, dtype=float) for w in weights)
        return np.hstack([W1.T, b1[:, None], W2])

    score = units(weights_a) @ units(weights_b).T     # (h, h): rows A's units, columns B's
    rows, cols = linear_sum_assignment(score, maximize=True)
    return cols[np.argsort(rows)]
