"""Checks for the exercises of notebook 06 (averaging the weights of saved models)."""

from __future__ import annotations

import numpy as np

from ..solutions import averaging as ref
from ._core import compare, run_checks


def _as_vector(result):
    return np.asarray(result, dtype=float).reshape(-1)


def check_linear_weights(student_fn):
    """Exercise: ``linear_weights(n)`` -> coefficients ∝ 1..n, oldest first, summing to 1."""

    def test_n(n):
        def test(fn):
            expected = ref.linear_weights(n)
            raw = np.arange(1, n + 1, dtype=float)
            return compare(f"linear_weights({n})", _as_vector(fn(n)), expected, mistakes={
                "the coefficients do not sum to 1: divide 1, 2, ..., n by their sum, otherwise "
                "the averaged weights are n(n+1)/2 times too large": raw,
                "the order is reversed: the list is oldest -> newest, and the newest snapshot "
                "(the last one) must get the largest weight n": expected[::-1],
                "the oldest snapshot got weight 0: use 1, 2, ..., n (np.arange(1, n + 1)), not "
                "0, 1, ..., n-1": (raw - 1) / max((raw - 1).sum(), 1e-12),
                "these are equal weights 1/n: the linear scheme gives snapshot i a weight "
                "proportional to i": np.full(n, 1 / n),
            })
        return test

    return run_checks("linear_weights", student_fn, [test_n(1), test_n(4), test_n(10)],
                      hint="return a 1-D array of n numbers, oldest snapshot first")


def check_exponential_weights(student_fn):
    """Exercise: ``exponential_weights(n, decay)`` ∝ decay**k from the newest, summing to 1."""

    def test_case(n, decay):
        def test(fn):
            expected = ref.exponential_weights(n, decay)
            raw = decay ** np.arange(n - 1, -1, -1, dtype=float)
            return compare(f"exponential_weights({n}, {decay})", _as_vector(fn(n, decay)),
                           expected, mistakes={
                "the coefficients do not sum to 1: divide decay**k by its sum": raw,
                "the decay is applied from the wrong end: the newest snapshot (the last one) has "
                "k = 0 and the largest weight, the oldest has k = n-1": expected[::-1],
                "unnormalised EMA weights (1-decay)·decay**k do not sum to 1 for a finite n: "
                "divide by the sum": (1 - decay) * raw,
                "use decay**k, not (1-decay)**k: decay is the factor each step back in time":
                    (1 - decay) ** np.arange(n - 1, -1, -1) / ((1 - decay) **
                                                            np.arange(n - 1, -1, -1)).sum(),
            })
        return test

    return run_checks("exponential_weights", student_fn,
                      [test_case(5, 0.5), test_case(10, 0.9), test_case(3, 0.2)],
                      hint="k = n-1 for the oldest snapshot down to k = 0 for the newest")


def check_ema_update(student_fn):
    """Exercise: ``ema_update(average, new, decay)`` -> ``decay·average + (1-decay)·new``."""
    rng = np.random.default_rng(6)
    average, new = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))

    def test_one_step(fn):
        a, b = average.copy(), new.copy()
        got = fn(a, b, 0.9)
        if not (np.array_equal(a, average) and np.array_equal(b, new)):
            return ("you changed an input in place (e.g. `average *= decay`): return a new "
                    "array, the caller may still need the old one")
        expected = ref.ema_update(average, new, 0.9)
        return compare("ema_update(average, new, 0.9)", got, expected, mistakes={
            "decay is applied to the wrong term: the *old average* keeps the fraction decay, "
            "the new weights get only (1 - decay)": 0.1 * average + 0.9 * new,
            "the new weights need the factor (1 - decay): decay·average + new makes the "
            "weights grow without bound": 0.9 * average + new,
            "that is a plain mean of the two: with decay 0.9 the new weights should count "
            "only 10%": 0.5 * (average + new),
        })

    def test_recursion(fn):
        """Applied over a sequence, starting from the first value, it equals the unrolled sum."""
        values = [np.array([1.0, -2.0]), np.array([3.0, 0.0]), np.array([5.0, 4.0])]
        avg = values[0]
        for v in values[1:]:
            avg = fn(avg, v, 0.5)
        # unrolled: 0.25·x0 + 0.25·x1 + 0.5·x2
        return compare("three EMA steps with decay 0.5", avg,
                       0.25 * values[0] + 0.25 * values[1] + 0.5 * values[2])

    return run_checks("ema_update", student_fn, [test_one_step, test_recursion],
                      hint="average and new are arrays of the same shape; return an array")


def _mlp(weights, X):
    """Softmax-free forward pass of a one-hidden-layer ReLU MLP in Keras layout."""
    W1, b1, W2, b2 = (np.asarray(w, dtype=float) for w in weights)
    return np.maximum(X @ W1 + b1, 0) @ W2 + b2


def check_permute_hidden(student_fn):
    """Exercise: ``permute_hidden(weights, perm)`` -> the same network with renumbered units."""
    rng = np.random.default_rng(15)
    weights = [rng.normal(size=(2, 6)), rng.normal(size=6), rng.normal(size=(6, 3)),
               rng.normal(size=3)]
    perm = np.array([3, 0, 5, 1, 4, 2])
    inverse = np.argsort(perm)
    X = rng.normal(size=(8, 2))

    def test(fn):
        given = [w.copy() for w in weights]
        got = fn(given, perm.copy())
        if not isinstance(got, (list, tuple)) or len(got) != 4:
            return "return a list of four arrays, [W1, b1, W2, b2], in that order"
        expected = ref.permute_hidden(weights, perm)
        W1, b1, W2, b2 = weights
        names = ("W1", "b1", "W2", "b2")
        wrong = {
            "W1": {"the rows of W1 belong to the inputs, its columns to the hidden units: "
                   "permute the columns, W1[:, perm]": W1,
                   "that is the inverse permutation: new unit i is old unit perm[i], so index "
                   "with perm itself, W1[:, perm]": W1[:, inverse]},
            "b1": {"each hidden unit's bias must move with the unit: b1[perm]": b1,
                   "b1 was permuted with the inverse permutation: use b1[perm]": b1[inverse]},
            "W2": {"the outgoing weights (rows of W2) must move with their units too, "
                   "otherwise unit i sends its output along another unit's weights: W2[perm, :]":
                       W2,
                   "W2 was permuted with the inverse permutation: use W2[perm, :]": W2[inverse]},
            "b2": {},
        }
        for name, g, e in zip(names, got, expected, strict=True):
            problem = compare(name, g, e, mistakes=wrong[name])
            if problem:
                return problem
        if not all(np.array_equal(a, b) for a, b in zip(given, weights, strict=True)):
            return "you changed the input arrays in place: build new arrays"
        if not np.allclose(_mlp(got, X), _mlp(weights, X)):
            return "the permuted network computes a different function"
        return None

    def test_identity(fn):
        got = fn([w.copy() for w in weights], np.arange(6))
        return compare("permute_hidden with the identity permutation, W1", got[0], weights[0])

    return run_checks("permute_hidden", student_fn, [test, test_identity],
                      hint="weights is [W1 (n_in, h), b1 (h,), W2 (h, n_out), b2]; index the "
                           "hidden-unit axis of each array with perm")
