"""Checks for the exercises of notebook 06 (averaging the weights of saved models)."""

from __future__ import annotations

import numpy as np

from ..solutions import averaging as ref
from ._core import Mistake, Problem, _describe, compare, run_checks


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


def _ema_variants(trajectory, decay):
    """The EMA of ``trajectory`` (T, P) at ``decay`` as AveragedModel computes it, and the results
    of typical mistakes, as ``(right, [Mistake, ...])``."""
    T = len(trajectory)

    def run(rows, d, start=None):
        ema = rows[0].copy() if start is None else start
        for row in (rows if start is not None else rows[1:]):
            ema = d * ema + (1 - d) * row
        return ema

    right = run(trajectory, decay)
    zero_start = run(trajectory, decay, start=np.zeros(trajectory.shape[1]))
    return right, [
        Mistake("swapped decay", "decay and 1 - decay are swapped: at each update the running "
                "average keeps the fraction decay of itself and the new row gets only "
                "1 - decay (decay 0.99 averages over about 100 steps)",
                run(trajectory, 1 - decay)),
        Mistake("zero start", "your EMA starts from zeros and is not corrected, so its "
                f"coefficients sum to 1 - decay**T (here {1 - decay ** T:.3f}), not 1: the "
                "weights are shrunk towards 0. AveragedModel starts from a copy of the first "
                "row", zero_start),
        Mistake("bias corrected", "that is a zero start with bias correction (notebook 04), a "
                "valid average, but not what AveragedModel computes: start from a copy of the "
                "first row, so the next cell can compare your EMA with AveragedModel's",
                zero_start / (1 - decay ** T)),
        Mistake("reversed", "the order is reversed: the trajectory is oldest first, so the "
                "newest row (the last one) must get the largest weight, 1 - decay",
                run(trajectory[::-1], decay)),
        Mistake("last left out", "the last row is left out: the EMA must include the newest "
                "weights (loop over every row after the first)", run(trajectory[:-1], decay)),
        Mistake("equal average", "that is the equal average of all rows: an EMA weights the row "
                "k steps back from the newest by (1 - decay)·decay**k",
                trajectory.mean(axis=0)),
        Mistake("last iterate", "that is the last row of the trajectory, the final weights "
                "unchanged: return the EMA of the rows", trajectory[-1].copy()),
    ]


def _ema_fixture(seed, T, decays):
    """A trajectory (T, 3) that descends and then bounces, and validation and test losses
    (squared distances to two nearby points) whose best decays differ."""
    rng = np.random.default_rng(seed)
    start, end = 3 * rng.normal(size=3), rng.normal(size=3)
    steps = np.arange(T)[:, None]
    trajectory = end + (start - end) * 0.85**steps + 0.6 * rng.normal(size=(T, 3))
    val_point, test_point = end + 0.3 * rng.normal(size=3), end + 0.3 * rng.normal(size=3)
    return trajectory, list(decays), val_point, test_point


def check_choose_ema(student_fn):
    """Exercise: ``choose_ema(trajectory, decays, val_loss, test_loss)`` -> ``(decay, ema,
    test)``: the EMA (AveragedModel's, copy start) whose decay has the lowest validation loss,
    and its test loss, evaluated once."""

    def test_case(seed, T, decays, container):
        def test(fn):
            trajectory, decays_, val_point, test_point = _ema_fixture(seed, T, decays)
            calls = {"val": [], "test": []}

            def loss(split, point):
                def evaluate(weights):
                    w = np.asarray(weights.detach() if hasattr(weights, "detach") else weights,
                                   dtype=float)
                    if w.size != point.size:
                        raise ValueError(f"{split}_loss takes the {point.size} weights of one "
                                         f"network (the shape of one row of the trajectory), "
                                         f"got shape {w.shape}: an EMA averages over time, "
                                         f"the rows, giving one weight vector per decay")
                    calls[split].append(w.reshape(-1).copy())
                    return float(np.sum((w.reshape(-1) - point) ** 2))
                return evaluate

            given = trajectory.copy()
            call = f"choose_ema(a trajectory of {T} steps, decays={decays_})"
            got = fn(given, container(decays_), loss("val", val_point), loss("test", test_point))
            if not np.array_equal(given, trajectory):
                return Problem(f"{call} changed the trajectory it was given: `ema = "
                               "trajectory[0]` shares its memory with the trajectory, so "
                               "`ema *= decay` or `ema += ...` overwrites the first row. Start "
                               "from trajectory[0].copy(), or write ema = decay * ema + ...",
                               "in place")
            if not isinstance(got, (tuple, list)) or len(got) != 3:
                return Problem(f"{call} must return three things, (decay, ema, test): the "
                               f"chosen decay, its EMA weights and their test loss; yours "
                               f"returned {_describe(got)}", "return form")
            decay, ema, test_value = got
            if not calls["val"]:
                return Problem("your function never called val_loss: compute each decay's EMA "
                               "and choose the one with the lowest validation loss", "no val")
            if isinstance(decay, (int, np.integer)) and not isinstance(decay, bool) \
                    and 0 <= decay < len(decays_):
                return Problem(f"you returned {decay}, the position of the decay in the list: "
                               f"return the decay itself, decays[{decay}] = {decays_[decay]}",
                               "index")
            try:
                decay = float(np.asarray(decay.detach() if hasattr(decay, "detach") else decay))
            except (TypeError, ValueError):
                return Problem(f"the decay you returned must be a number, got "
                               f"{_describe(decay)}", "return form")
            match = [d for d in decays_ if np.isclose(d, decay, rtol=1e-6, atol=0)]  # float32 too
            if not match:
                return Problem(f"the decay you returned, {decay:g}, is not one of the "
                               f"candidates {decays_}", "not a candidate")
            right, mistakes = _ema_variants(trajectory, match[0])
            if np.ndim(ema) == 1 and np.size(ema) == T and T != trajectory.shape[1]:
                return Problem(f"your EMA has {T} numbers, one per step: you averaged over the "
                               f"parameters. Average over time (the rows): the EMA is one "
                               f"weight vector of shape ({trajectory.shape[1]},)", "wrong axis")
            problem = compare(f"the EMA you returned for decay {decay:g}", ema, right,
                              mistakes=mistakes)
            if problem:
                return problem
            emas = [_ema_variants(trajectory, d)[0] for d in decays_]
            val = [float(np.sum((e - val_point) ** 2)) for e in emas]
            test = [float(np.sum((e - test_point) ** 2)) for e in emas]
            chosen = decays_.index(match[0])
            if len(calls["test"]) > 1:
                if chosen == int(np.argmin(test)) != int(np.argmin(val)):
                    return Problem("you chose the decay on the test set: choose on validation "
                                   "data only, then look at the test set once, for the chosen "
                                   "EMA. A decay picked for its test loss makes that test loss "
                                   "an optimistic estimate", "chose on test")
                return Problem(f"your function evaluated the test set {len(calls['test'])} "
                               "times: call test_loss once, for the chosen EMA only (a table "
                               "of test losses invites choosing by them)", "test many")
            if not calls["test"]:
                return Problem("your function never called test_loss: report the chosen EMA's "
                               "test loss, test_loss(ema)", "no test")
            if chosen != int(np.argmin(val)):
                if chosen == int(np.argmax(val)):
                    return Problem("you chose the decay with the highest validation loss: "
                                   "choose the lowest (a loss, not an accuracy)", "argmax")
                return Problem(f"decay {decay:g} is not the candidate with the lowest "
                               f"validation loss (that is {decays_[int(np.argmin(val))]}): "
                               "compare val_loss of every candidate's EMA", "choice")
            if not np.allclose(calls["test"][0], ema, rtol=1e-4, atol=1e-6):
                return Problem("the test loss you report is not that of the EMA you return: "
                               "call test_loss on the chosen EMA", "test of other")
            try:
                reported = float(np.asarray(test_value.detach() if hasattr(test_value, "detach")
                                            else test_value))
            except (TypeError, ValueError):
                return Problem(f"the test loss you return must be a number, got "
                               f"{_describe(test_value)}", "return form")
            if not np.isclose(reported, test[chosen], rtol=1e-4):
                return Problem(f"the third value you return, {reported:.6g}, is not what "
                               f"test_loss gave for the chosen EMA ({test[chosen]:.6g}): return "
                               "test_loss(ema) itself", "test value")
            return None
        return test

    return run_checks("choose_ema", student_fn,
                      [test_case(0, 30, (0.6, 0.8, 0.9, 0.95), list),
                       test_case(29, 12, (0.7, 0.9), tuple),
                       test_case(7, 30, (0.95, 0.9, 0.8, 0.6), list)],
                      hint="trajectory is an array (T, P), oldest row first; for each decay "
                           "start from a copy of row 0 and blend in rows 1..T-1, then call "
                           "val_loss on each EMA and test_loss once")


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
