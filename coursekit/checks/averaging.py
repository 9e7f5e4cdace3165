"""Checks for the exercises of notebook 06 (averaging the weights of saved models)."""

from __future__ import annotations

import numpy as np

from ..solutions import averaging as ref
from ._core import compare, run_checks


def _as_vector(result):
    return np.asarray(result, dtype=float).reshape(-1)


def _snapshot_problem(name, got, n_arrays):
    """Why ``got`` is not a weight list of ``n_arrays`` arrays, or None if it is one."""
    if isinstance(got, np.ndarray):
        return (f"{name} returned one NumPy array of shape {got.shape}: return a list with one "
                f"array per entry of a snapshot (here {n_arrays}: [W, b]), each averaged on "
                "its own")
    if not isinstance(got, (list, tuple)):
        return (f"{name} must return a list of {n_arrays} arrays (one per entry of a snapshot), "
                f"yours returned {type(got).__name__}")
    if len(got) != n_arrays:
        return (f"{name} must return a list of {n_arrays} arrays, one per entry of a snapshot "
                f"([W, b] here), yours has {len(got)} entries: average array by array, across "
                "the snapshots, not across the arrays of one snapshot")
    return None


def check_average_snapshots(student_fn):
    """Exercise: ``average_snapshots(snapshots, scheme, decay)`` -> the weighted average weight
    list, with equal, linear (∝ 1..n) or exponential (∝ decay**k from the newest) coefficients."""
    rng = np.random.default_rng(6)
    snaps = [[rng.normal(size=(2, 3)), rng.normal(size=3)] for _ in range(4)]

    def combine(coeffs, j):
        return sum(c * snap[j] for c, snap in zip(coeffs, snaps, strict=True))

    def mistakes(n, scheme, decay):
        """Coefficient vectors (oldest first) of typical mistakes, by message."""
        newest_only = np.eye(n)[-1]
        if scheme == "equal":
            return {
                "you summed the snapshots: the equal average divides the sum by n "
                "(coefficients 1/n), otherwise the weights are n times too large": np.ones(n),
                "that is the newest snapshot unchanged: average all n snapshots": newest_only,
            }
        if scheme == "linear":
            raw = np.arange(1, n + 1, dtype=float)
            return {
                "the linear coefficients do not sum to 1: divide 1, 2, ..., n by their sum, "
                "otherwise the averaged weights are n(n+1)/2 times too large": raw,
                "the order is reversed: the list is oldest -> newest, and the newest snapshot "
                "(the last one) must get the largest weight n": raw[::-1] / raw.sum(),
                "the oldest snapshot got weight 0: use 1, 2, ..., n (np.arange(1, n + 1)), not "
                "0, 1, ..., n-1": (raw - 1) / (raw - 1).sum(),
                "these are equal weights 1/n: with scheme 'linear', snapshot i (counting from 1, "
                "oldest first) gets a weight proportional to i": np.full(n, 1 / n),
                "that is the newest snapshot unchanged: average all n snapshots": newest_only,
            }
        raw = decay ** np.arange(n - 1, -1, -1, dtype=float)
        swapped = (1 - decay) ** np.arange(n - 1, -1, -1, dtype=float)
        return {
            "the exponential coefficients do not sum to 1: divide decay**k by its sum": raw,
            "unnormalised EMA weights (1-decay)·decay**k do not sum to 1 for a finite n: "
            "divide by the sum": (1 - decay) * raw,
            "the decay is applied from the wrong end: the newest snapshot (the last one) has "
            "k = 0 and the largest weight, the oldest has k = n-1": raw[::-1] / raw.sum(),
            "use decay**k, not (1-decay)**k: decay is the factor each step back in time":
                swapped / swapped.sum(),
            "these are equal weights 1/n: with scheme 'exponential', the snapshot k steps back "
            "from the newest gets a weight proportional to decay**k": np.full(n, 1 / n),
            "that is the newest snapshot unchanged: average all n snapshots": newest_only,
        }

    def test_case(scheme, decay=None):
        def test(fn):
            given = [[a.copy() for a in snap] for snap in snaps]
            call = f"average_snapshots(snapshots, {scheme!r}, {decay})"
            got = fn(given, scheme, decay)
            changed = [i for i, (snap, orig) in enumerate(zip(given, snaps, strict=True))
                       if len(snap) != len(orig) or not all(
                           np.array_equal(a, b) for a, b in zip(snap, orig, strict=True))]
            if changed:
                return (f"{call} changed snapshot {changed[0]} of its input in place (e.g. "
                        "`avg = snapshots[0]` and then `avg[j] += ...`): build new arrays, the "
                        "caller still needs every snapshot")
            problem = _snapshot_problem(call, got, len(snaps[0]))
            if problem:
                return problem
            n = len(snaps)
            expected = ref.average_snapshots(snaps, scheme, decay)
            for j, name in enumerate(("W", "b")):
                wrong = {msg: combine(c, j) for msg, c in mistakes(n, scheme, decay).items()}
                problem = compare(f"{call}[{j}] (the averaged {name})", got[j], expected[j],
                                  mistakes=wrong)
                if problem:
                    return problem
            return None
        return test

    def test_one_snapshot(fn):
        got = fn([[a.copy() for a in snaps[0]]], "linear", None)
        problem = _snapshot_problem("average_snapshots([one snapshot], 'linear')", got, 2)
        return problem or compare("the average of a single snapshot (it must be that snapshot)",
                                  got[0], snaps[0][0])

    return run_checks("average_snapshots", student_fn,
                      [test_case("equal"), test_case("linear"), test_case("exponential", 0.6),
                       test_one_snapshot],
                      hint="snapshots is a list of weight lists, oldest first; compute the n "
                           "coefficients, then average each array across the snapshots")


def check_ema_coefficients(student_fn):
    """Exercise: ``ema_coefficients(n, decay)`` -> the weight ``AveragedModel`` with an EMA of
    ``decay`` gives each of n snapshots: ``decay**(n-1)`` for the oldest (the first update copies),
    ``(1-decay)·decay**k`` for the snapshot k steps back from the newest."""

    def test_case(n, decay):
        def test(fn):
            expected = ref.ema_coefficients(n, decay)
            k = np.arange(n - 1, -1, -1, dtype=float)
            zero_start = (1 - decay) * decay**k
            swapped = decay * (1 - decay) ** k
            swapped[0] = (1 - decay) ** (n - 1)
            off_by_one = expected.copy()
            off_by_one[0] = decay**n
            return compare(f"ema_coefficients({n}, {decay})", _as_vector(fn(n, decay)), expected,
                           mistakes={
                "decay and 1 - decay are swapped: at each update the old average keeps the "
                "fraction decay and the new snapshot gets only 1 - decay": swapped,
                "the first-step copy is missing: AveragedModel's first update copies the "
                "weights instead of mixing them with zeros, so the oldest snapshot keeps "
                "decay**(n-1), and the coefficients sum to 1": zero_start,
                "that is notebook 04's zero start with bias correction (every weight divided "
                "by 1 - decay**n; the same numbers as section 3's exponential scheme, "
                "decay**k / sum): AveragedModel starts from a copy instead, which puts all the "
                "missing weight on the oldest snapshot": zero_start / zero_start.sum(),
                "the order is reversed: oldest first, so the newest snapshot (the last entry) "
                "gets 1 - decay": expected[::-1],
                "the oldest snapshot's weight is decay**(n-1), not decay**n: the copy is the "
                "first of the n updates, so only n-1 later updates discount it": off_by_one,
            })
        return test

    return run_checks("ema_coefficients", student_fn,
                      [test_case(10, 0.8), test_case(4, 0.9), test_case(1, 0.7)],
                      hint="return n numbers, oldest snapshot first; unroll the update "
                           "average = decay·average + (1-decay)·new from a copy of the first")


def _mlp(weights, X):
    """Softmax-free forward pass of a one-hidden-layer ReLU MLP in Keras layout."""
    W1, b1, W2, b2 = (np.asarray(w, dtype=float) for w in weights)
    return np.maximum(X @ W1 + b1, 0) @ W2 + b2


def _permuted_list_problem(got):
    """Why ``got`` is not a list of four entries [W1, b1, W2, b2], or None."""
    if got is None:
        return ("permute_hidden returned None: did you forget `return`? It must return a new "
                "list [W1, b1, W2, b2]")
    if isinstance(got, np.ndarray):
        return (f"permute_hidden returned one NumPy array of shape {got.shape}: return a list "
                "of four arrays [W1, b1, W2, b2], in that order")
    if not isinstance(got, (list, tuple)):
        return (f"permute_hidden must return a list of four arrays [W1, b1, W2, b2], yours "
                f"returned {type(got).__name__}")
    if len(got) != 4:
        return (f"permute_hidden must return a list of four arrays [W1, b1, W2, b2], yours has "
                f"{len(got)} entries: keep every array, including b2 (unchanged)")
    return None


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
        originals = list(given)             # the array objects the caller's list holds
        got = fn(given, perm.copy())
        if len(given) != 4 or any(g is not o for g, o in zip(given, originals, strict=False)):
            return ("you changed the list `weights` you were given (an entry replaced, e.g. "
                    "`weights[0] = ...`, or one added or removed): the caller's list must keep "
                    "its original four arrays; build and return a new list")
        for name, g, w in zip(("W1", "b1", "W2", "b2"), given, weights, strict=True):
            if not np.array_equal(g, w):
                return (f"you changed the input array {name} in place (e.g. `{name}[:] = ...` "
                        f"or `{name} += ...`): the caller still needs the original weights; "
                        "index with perm, which makes new arrays")
        problem = _permuted_list_problem(got)
        if problem:
            return problem
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
        if not np.allclose(_mlp(got, X), _mlp(weights, X)):
            return "the permuted network computes a different function"
        return None

    def test_identity(fn):
        got = fn([w.copy() for w in weights], np.arange(6))
        return _permuted_list_problem(got) or compare(
            "permute_hidden with the identity permutation, W1", got[0], weights[0])

    return run_checks("permute_hidden", student_fn, [test, test_identity],
                      hint="weights is [W1 (n_in, h), b1 (h,), W2 (h, n_out), b2]; index the "
                           "hidden-unit axis of each array with perm")
