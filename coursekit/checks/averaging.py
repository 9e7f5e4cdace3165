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
    by_n = {n: [[rng.normal(size=(2, 3)), rng.normal(size=3)] for _ in range(n)]
            for n in (4, 2, 7)}
    snaps = by_n[4]

    def combine(coeffs, j, snaps):
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
                "the oldest snapshot got weight 0: the linear weights count from 1, not from "
                "0": (raw - 1) / (raw - 1).sum(),
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

    def test_case(scheme, decay=None, n=4):
        snaps = by_n[n]

        def test(fn):
            given = [[a.copy() for a in snap] for snap in snaps]
            call = f"average_snapshots({n} snapshots, {scheme!r}, {decay})"
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
            expected = ref.average_snapshots(snaps, scheme, decay)
            for j, name in enumerate(("W", "b")):
                wrong = {msg: combine(c, j, snaps)
                         for msg, c in mistakes(n, scheme, decay).items()}
                problem = compare(f"{call}[{j}] (the averaged {name})", got[j], expected[j],
                                  mistakes=wrong)
                if problem:
                    return problem
            return None
        return test

    def test_one_snapshot(fn):
        given = [[a.copy() for a in snaps[0]]]
        got = fn(given, "linear", None)
        if got is given[0] or (isinstance(got, (list, tuple)) and any(
                g is a for g, a in zip(got, given[0], strict=False))):
            return ("with one snapshot, average_snapshots returned the snapshot you were given "
                    "(the same list or the same arrays), not a new weight list: a caller who "
                    "later changes the average would change the snapshot too")
        problem = _snapshot_problem("average_snapshots([one snapshot], 'linear')", got, 2)
        return problem or compare("the average of a single snapshot (it must be that snapshot)",
                                  got[0], snaps[0][0])

    return run_checks("average_snapshots", student_fn,
                      [test_case("equal"), test_case("linear"), test_case("exponential", 0.6),
                       test_case("equal", n=7), test_case("linear", n=7),
                       test_case("exponential", 0.9, n=7), test_case("linear", n=2),
                       test_case("exponential", 0.3, n=2), test_one_snapshot],
                      hint="snapshots is a list of weight lists, oldest first; compute the n "
                           "coefficients, then average each array across the snapshots")


def check_ema_coefficients(student_fn):
    """Exercise: ``ema_coefficients(n, decay)`` -> the weight ``AveragedModel`` with an EMA of
    ``decay`` gives each of n snapshots, oldest first (the first update copies)."""

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
                "the first-step copy is missing: your coefficients are those of an average "
                "that starts from zeros, so they do not sum to 1. AveragedModel's first update "
                "copies the weights: where does the weight that the zeros would have had "
                "end up?": zero_start,
                "that is notebook 04's zero start with bias correction (the same numbers as "
                "section 3's exponential scheme): it spreads the missing weight over all the "
                "snapshots, whereas AveragedModel starts from a copy":
                    zero_start / zero_start.sum(),
                "the order is reversed: oldest first, so the newest snapshot (the last entry) "
                "gets 1 - decay": expected[::-1],
                "the oldest snapshot is discounted once too often: the copy is the first of "
                "the n updates, so count how many later updates discount it": off_by_one,
            })
        return test

    return run_checks("ema_coefficients", student_fn,
                      [test_case(10, 0.8), test_case(4, 0.9), test_case(1, 0.7)],
                      hint="return n numbers, oldest snapshot first; unroll the update "
                           "average = decay·average + (1-decay)·new from a copy of the first")


def _units(weights, parts=("W1", "b1", "W2")):
    """One row per hidden unit of ``[W1, b1, W2, b2]``: the chosen parts side by side."""
    W1, b1, W2, _ = (np.asarray(w, dtype=float) for w in weights)
    columns = {"W1": W1.T, "b1": b1[:, None], "W2": W2}
    return np.concatenate([columns[p] for p in parts], axis=1)


def _assignment(similarity, maximize=True):
    """The solver's pairing as a permutation: entry i is the column paired with row i."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(similarity, maximize=maximize)
    return cols[np.argsort(rows)]


def check_match_hidden_units(student_fn):
    """Exercise: ``match_hidden_units(weights_a, weights_b)`` -> the permutation of B's hidden
    units that lines them up with A's (weight matching), as ``coursekit.alignment`` computes it."""
    from .. import alignment

    rng = np.random.default_rng(16)
    h = 7  # differs from the number of numbers that describe a unit (2 + 1 + 3 = 6)

    def network():  # biases as large as the weights of a unit together, so that they count
        return [rng.normal(size=(2, h)), 2 * rng.normal(size=h), rng.normal(size=(h, 3)),
                rng.normal(size=3)]

    a, b_other = network(), network()
    shuffle = rng.permutation(h)
    b_shuffled = [w + 0.3 * rng.normal(size=w.shape) for w in alignment.permute_hidden(a, shuffle)]

    def mistakes(wa, wb):
        """Permutations that typical mistakes produce, by message."""
        right = alignment.match_hidden_units(wa, wb)
        full = _units(wa) @ _units(wb).T
        return {
            "your pairing makes the total similarity as small as possible: weight matching "
            "looks for the pairing with the largest total (the solver minimises unless told "
            "otherwise)": _assignment(full, maximize=False),
            "that is the inverse permutation: entry i must be the unit of B that moves to "
            "position i, i.e. the partner of A's unit i (rows of your matrix are A's units?)":
                np.argsort(right),
            "you described each unit by its incoming weights (W1) only: a unit is also its "
            "bias and its outgoing weights, all of which move with it":
                _assignment(_units(wa, ("W1",)) @ _units(wb, ("W1",)).T),
            "you left out the outgoing weights (W2): they move with the unit too":
                _assignment(_units(wa, ("W1", "b1")) @ _units(wb, ("W1", "b1")).T),
            "you left out the biases (b1): a unit's bias moves with it too":
                _assignment(_units(wa, ("W1", "W2")) @ _units(wb, ("W1", "W2")).T),
            "you returned the first array of the solver's answer (the row numbers 0, 1, 2, "
            "...): the pairing is in the other one": np.arange(h),
        }

    def test_case(wa, wb, what):
        def test(fn):
            given_a, given_b = [w.copy() for w in wa], [w.copy() for w in wb]
            got = fn(given_a, given_b)
            if not all(np.array_equal(x, y) for x, y in zip(given_a + given_b, wa + wb,
                                                            strict=True)):
                return ("you changed the weights you were given in place: the caller still "
                        "needs both networks as they were")
            if got is None:
                return "match_hidden_units returned None: did you forget to return the permutation?"
            got = np.asarray(got).reshape(-1)
            call = f"match_hidden_units({what})"
            if len(got) != h:
                if len(got) in (2, 6):
                    return (f"{call} returned {len(got)} numbers but the networks have {h} "
                            f"hidden units: your similarity matrix compares the inputs or the "
                            f"numbers that describe a unit, not the units. In W1 (n_in, h) the "
                            f"hidden units are the columns, in W2 (h, n_out) the rows")
                return (f"{call} must return one entry per hidden unit ({h}), yours has "
                        f"{len(got)}")
            if sorted(np.round(got).astype(int).tolist()) != list(range(h)):
                return (f"{call} returned {got.tolist()}, which is not a permutation of "
                        f"0..{h - 1}: some unit of B is paired with two units of A (picking "
                        "each unit's best partner on its own does that); solve the one-to-one "
                        "assignment")
            return compare(call, got, alignment.match_hidden_units(wa, wb),
                           mistakes=mistakes(wa, wb), atol=1e-9)
        return test

    def test_recovers_shuffle(fn):
        got = np.asarray(fn([w.copy() for w in a], [w.copy() for w in alignment.permute_hidden(
            a, shuffle)])).reshape(-1)
        aligned = alignment.permute_hidden(alignment.permute_hidden(a, shuffle), got) \
            if sorted(got.tolist()) == list(range(h)) else None
        if aligned is None or not all(np.allclose(x, y) for x, y in zip(aligned, a, strict=True)):
            return ("B is A with its hidden units shuffled, so permuting B with your answer "
                    "must give A back exactly, and it does not")
        return None

    return run_checks("match_hidden_units", student_fn,
                      [test_case(a, b_other, "two unrelated networks"),
                       test_case(a, b_shuffled, "A and a noisy shuffle of A"),
                       test_recovers_shuffle],
                      hint="weights are [W1 (n_in, h), b1 (h,), W2 (h, n_out), b2]; build an "
                           "(h, h) matrix of scores between A's and B's units, then solve the "
                           "assignment")
