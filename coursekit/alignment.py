"""Interpolating between two networks, and aligning the hidden units of one to the other.

Notebook 06 uses this for the question "can I average two separately trained networks?".
A one-hidden-layer MLP in Keras layout, ``[W1 (n_in, h), b1 (h,), W2 (h, n_out), b2 (n_out,)]``,
computes the same function after any reordering of its ``h`` hidden units, as long as the
columns of ``W1``, the entries of ``b1`` and the rows of ``W2`` move together. Two runs from
different seeds learn similar units in different orders; *weight matching* finds the order of
one run that best lines up with the other (a linear assignment problem, solved exactly by
``scipy.optimize.linear_sum_assignment``), after which their average is a sensible network.
"""

from __future__ import annotations

import numpy as np

__all__ = ["interpolate", "permute_hidden", "match_hidden_units"]


def interpolate(weights_a, weights_b, t: float) -> list[np.ndarray]:
    """The point ``(1 - t)·A + t·B`` on the straight line between two weight lists.

    Inputs: two lists of arrays with the same shapes (e.g. Keras ``get_weights()``), ``t`` in
    [0, 1] (0 gives A, 1 gives B). Returns: a new list of arrays.
    """
    if len(weights_a) != len(weights_b):
        raise ValueError(f"the weight lists differ in length: {len(weights_a)} vs {len(weights_b)}")
    return [(1 - t) * np.asarray(a) + t * np.asarray(b)
            for a, b in zip(weights_a, weights_b, strict=True)]


def permute_hidden(weights, perm) -> list[np.ndarray]:
    """Reorder the hidden units of ``[W1, b1, W2, b2]``: new unit ``i`` is old unit ``perm[i]``.

    Inputs: Keras-layout weights ``W1 (n_in, h)``, ``b1 (h,)``, ``W2 (h, n_out)``, ``b2``;
    ``perm``, a permutation of ``0 .. h-1``. Returns: a new list; the network's function is
    unchanged (only the numbering of the hidden units differs).
    """
    W1, b1, W2, b2 = (np.asarray(w) for w in weights)
    perm = np.asarray(perm)
    if sorted(perm.tolist()) != list(range(W1.shape[1])):
        raise ValueError(f"perm must be a permutation of 0..{W1.shape[1] - 1}, got {perm!r}")
    return [W1[:, perm], b1[perm], W2[perm, :], b2.copy()]


def match_hidden_units(weights_a, weights_b) -> np.ndarray:
    """The permutation of B's hidden units that best lines them up with A's (weight matching).

    Each hidden unit is described by everything attached to it: its column of ``W1``, its bias
    and its row of ``W2``. We maximise the sum over units of the dot products between A's unit
    ``i`` and B's unit ``perm[i]``. Returns ``perm`` for ``permute_hidden(weights_b, perm)``.
    """
    from scipy.optimize import linear_sum_assignment

    shapes_a, shapes_b = [np.shape(w) for w in weights_a], [np.shape(w) for w in weights_b]
    if shapes_a != shapes_b:
        raise ValueError(f"the two networks must have the same shapes, "
                         f"got {shapes_a} and {shapes_b}")

    def units(w):  # one row per hidden unit: incoming weights, bias, outgoing weights
        W1, b1, W2, _ = (np.asarray(x, dtype=np.float64) for x in w)
        return np.concatenate([W1.T, b1[:, None], W2], axis=1)

    similarity = units(weights_a) @ units(weights_b).T  # (h, h): A's unit i vs B's unit j
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    return cols[np.argsort(rows)]
