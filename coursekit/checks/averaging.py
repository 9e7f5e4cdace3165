"""Checks for the exercises of notebook 06 (averaging the weights of saved models)."""

from __future__ import annotations

import numpy as np

from ..solutions import averaging as ref
from ._core import Mistake, Problem, _as_array, _describe, compare, run_checks


def _as_vector(result):
    return np.asarray(result, dtype=float).reshape(-1)


def _entries(got, n_arrays):
    """``got`` as a list of entries when it is a weight list (a list, a tuple or a NumPy object
    array of arrays, as ``np.mean(np.array(snaps, dtype=object), axis=0)`` gives), else None."""
    if isinstance(got, np.ndarray) and got.dtype == object and got.ndim == 1:
        return list(got)
    if isinstance(got, (list, tuple)):
        return list(got)
    return None


def _snapshot_problem(name, got, n_arrays):
    """Why ``got`` is not a weight list of ``n_arrays`` arrays, or None if it is one."""
    if got is None:
        return Problem(f"{name} returned None: is a `return` statement missing?", "none")
    entries = _entries(got, n_arrays)
    if entries is None and isinstance(got, np.ndarray):
        return Problem(f"{name} returned one NumPy array of shape {got.shape}: return a list "
                       f"with one array per entry of a snapshot (here {n_arrays}: [W, b]), each "
                       "averaged on its own", "one array")
    if entries is None:
        return Problem(f"{name} must return a list of {n_arrays} arrays (one per entry of a "
                       f"snapshot), yours returned {type(got).__name__}", "return form")
    if len(entries) != n_arrays:
        return Problem(f"{name} must return a list of {n_arrays} arrays, one per entry of a "
                       f"snapshot ([W, b] here), yours has {len(entries)} entries: average array "
                       "by array, across the snapshots, not across the arrays of one snapshot",
                       "length")
    for j, entry in enumerate(entries):
        if entry is None:
            return Problem(f"entry {j} of what {name} returned is None: every array of the "
                           "weight list needs its average", "none")
        if hasattr(entry, "detach"):
            return Problem(f"entry {j} of what {name} returned is a torch tensor: return NumPy "
                           "arrays (the exercise uses NumPy only; .numpy() converts). The next "
                           "cells compute X @ W with NumPy, which cannot multiply by a tensor",
                           "tensor")
        if isinstance(entry, (list, tuple)):
            return Problem(f"entry {j} of what {name} returned is a {type(entry).__name__} "
                           f"(e.g. of rows), not an array: return one NumPy array per entry "
                           f"(np.array(...) or np.mean(np.stack(...), axis=0)). The next cell "
                           f"passes your list to Keras's set_weights, which needs arrays",
                           "nested lists")
    return None


def _coefficients_of(got, arrays):
    """The coefficients c (oldest first) with got ≈ sum_i c_i arrays[i], or None where ``got``
    is not such a combination (or the arrays are too few numbers to tell)."""
    A = np.stack([np.asarray(a, dtype=float).reshape(-1) for a in arrays], axis=1)  # (size, n)
    y = np.asarray(got, dtype=float).reshape(-1)
    if y.shape[0] != A.shape[0] or A.shape[0] < A.shape[1] or not np.all(np.isfinite(y)):
        return None
    c, *_ = np.linalg.lstsq(A, y, rcond=None)
    if np.linalg.norm(A @ c - y) > 1e-6 * (1 + np.linalg.norm(y)):
        return None
    return c


def _show(c):
    return "[" + ", ".join(f"{x:.3g}" for x in c) + "]"


def _coefficient_problem(name, c, right, scheme):
    """Name what is wrong with coefficients ``c`` (oldest first) where ``right`` is expected."""
    total = float(np.sum(c))
    if abs(total - 1) > 1e-6:
        if abs(total) > 1e-12 and np.allclose(c / total, right, rtol=1e-6, atol=1e-9):
            size = (f"{total:.4g} times too large" if total > 1 else
                    f"scaled by {total:.4g}" + (", too small" if total > 0 else ""))
            return Problem(f"{name}: your coefficients have the right proportions but sum to "
                           f"{total:.4g}, not 1, so the weights come out {size}: divide by "
                           f"their sum (for the equal scheme, by len(snapshots), not a fixed "
                           f"number)", "not normalised")
        return Problem(f"{name} weights the snapshots (oldest first) by {_show(c)}, which sum "
                       f"to {total:.4g}, not 1; scheme {scheme!r} needs {_show(right)}",
                       "coefficients")
    if np.allclose(c, right[::-1], rtol=1e-6, atol=1e-9):
        return Problem(f"{name}: the order is reversed: the list is oldest -> newest, so the "
                       f"newest snapshot (the last one) gets the largest weight; yours gives "
                       f"it {c[-1]:.3g}", "reversed")
    return Problem(f"{name} weights the snapshots (oldest first) by {_show(c)}; scheme "
                   f"{scheme!r} needs {_show(right)}", "coefficients")


def _copy_start(n, decay):
    """Coefficients (oldest first) of the EMA recursion started from a copy of the oldest."""
    c = (1 - decay) * decay ** np.arange(n - 1, -1, -1, dtype=float)
    c[0] = decay ** (n - 1)
    return c


def check_average_snapshots(student_fn):
    """Exercise: ``average_snapshots(snapshots, scheme, decay)`` -> the weighted average weight
    list, with equal, linear (∝ 1..n) or exponential (∝ decay**k from the newest) coefficients."""
    rng = np.random.default_rng(6)
    # W has more numbers than there are snapshots: a wrong answer that is still a weighted sum
    # of the snapshots reveals its coefficients, which name the mistake
    by_n = {n: [[rng.normal(size=(3, 4)), rng.normal(size=4)] for _ in range(n)]
            for n in (4, 2, 7)}
    snaps = by_n[4]

    def combine(coeffs, j, snaps):
        return sum(c * snap[j] for c, snap in zip(coeffs, snaps, strict=True))

    def mistakes(n, scheme, decay):
        """Coefficient vectors (oldest first) of typical mistakes, as Mistake entries."""
        newest_only = Mistake("newest only", "that is the newest snapshot unchanged: average all "
                              "n snapshots", np.eye(n)[-1])
        if scheme == "equal":
            return [
                Mistake("summed", "you summed the snapshots: the equal average divides the sum "
                        "by n (coefficients 1/n), otherwise the weights are n times too large",
                        np.ones(n)),
                newest_only,
            ]
        if scheme == "linear":
            raw = np.arange(1, n + 1, dtype=float)
            return [
                Mistake("not normalised", "the linear coefficients do not sum to 1: divide 1, "
                        "2, ..., n by their sum, otherwise the averaged weights are n(n+1)/2 "
                        "times too large", raw),
                Mistake("reversed", "the order is reversed: the list is oldest -> newest, and "
                        "the newest snapshot (the last one) must get the largest weight n",
                        raw[::-1] / raw.sum()),
                Mistake("from zero", "the oldest snapshot got weight 0: the linear weights "
                        "count from 1, not from 0", (raw - 1) / (raw - 1).sum()),
                Mistake("equal for linear", "these are equal weights 1/n: with scheme "
                        "'linear', snapshot i (counting from 1, oldest first) gets a weight "
                        "proportional to i", np.full(n, 1 / n)),
                newest_only,
            ]
        raw = decay ** np.arange(n - 1, -1, -1, dtype=float)
        swapped = (1 - decay) ** np.arange(n - 1, -1, -1, dtype=float)
        tutorial = np.exp(-np.arange(n - 1, -1, -1, dtype=float) / 2)
        return [
            Mistake("ignored decay", f"your coefficients fall by the tutorial's fixed factor "
                    f"e^(-1/2) = 0.607 per step back and ignore the argument decay (here "
                    f"{decay}): each step back multiplies the coefficient by decay",
                    tutorial / tutorial.sum()),
            Mistake("not normalised", "the exponential coefficients do not sum to 1: divide "
                    "decay**k by its sum", raw),
            Mistake("ema weights", "unnormalised EMA weights (1-decay)·decay**k do not sum to 1 "
                    "for a finite n: divide by the sum", (1 - decay) * raw),
            Mistake("copy-start EMA", "that is the running EMA started from a copy of the oldest "
                    "snapshot (ema = decay·ema + (1 - decay)·snapshot, as AveragedModel does): "
                    "the oldest snapshot keeps decay**(n-1), far more than its share. The "
                    "exponential scheme gives snapshot k steps back decay**k and divides by "
                    "the sum", _copy_start(n, decay)),
            Mistake("reversed", "the decay is applied from the wrong end: the newest snapshot "
                    "(the last one) has k = 0 and the largest weight, the oldest has k = n-1",
                    raw[::-1] / raw.sum()),
            Mistake("1 - decay", "use decay**k, not (1-decay)**k: decay is the factor each step "
                    "back in time", swapped / swapped.sum()),
            Mistake("equal for exponential", "these are equal weights 1/n: with scheme "
                    "'exponential', the snapshot k steps back from the newest gets a weight "
                    "proportional to decay**k", np.full(n, 1 / n)),
            newest_only,
        ]

    def test_case(scheme, decay=None, n=4):
        snaps = by_n[n]

        def test(fn):
            given = [[a.copy() for a in snap] for snap in snaps]
            call = f"average_snapshots({n} snapshots, {scheme!r}, {decay})"
            try:
                got = fn(given, scheme, decay)
            except ValueError as err:
                if "inhomogeneous" not in str(err) and "sequence" not in str(err):
                    raise
                return Problem(f"{call} raised ValueError ({str(err)[:90]}...): np.array of a "
                               "list of weight lists cannot stack arrays of different shapes "
                               "(W and b). Stack array j of every snapshot, for each j: "
                               "np.stack([snap[j] for snap in snapshots])", "ragged stack")
            changed = [i for i, (snap, orig) in enumerate(zip(given, snaps, strict=True))
                       if len(snap) != len(orig) or not all(
                           np.array_equal(a, b) for a, b in zip(snap, orig, strict=True))]
            if changed:
                return Problem(f"{call} changed snapshot {changed[0]} of its input in place "
                               "(e.g. `avg = snapshots[0]` and then `avg[j] += ...` or "
                               "`avg[j] = ...`): build new arrays in a new list, the caller "
                               "still needs every snapshot", "in place")
            problem = _snapshot_problem(call, got, len(snaps[0]))
            if problem:
                return problem
            got = _entries(got, len(snaps[0]))
            expected = ref.average_snapshots(snaps, scheme, decay)
            right = np.asarray(_coefficients(n, scheme, decay))
            for j, name in enumerate(("W", "b")):
                wrong = [Mistake(m.id, m.message, combine(m.wrong, j, snaps))
                         for m in mistakes(n, scheme, decay)]
                label = f"{call}[{j}] (the averaged {name})"
                problem = compare(label, got[j], expected[j], mistakes=wrong)
                if problem and problem.mistake in ("values", "sign"):
                    try:
                        c = _coefficients_of(_as_array(got[j]), [snap[j] for snap in snaps])
                    except (TypeError, ValueError):
                        c = None
                    if c is not None:
                        return _coefficient_problem(label, c, right, scheme)
                if problem:
                    return problem
            return None
        return test

    def test_one_snapshot(fn):
        given = [[a.copy() for a in snaps[0]]]
        got = fn(given, "linear", None)
        if got is given[0] or (isinstance(got, (list, tuple)) and any(
                g is a for g, a in zip(got, given[0], strict=False))):
            return Problem("with one snapshot, average_snapshots returned the snapshot you were "
                           "given (the same list or the same arrays), not a new weight list: a "
                           "caller who later changes the average would change the snapshot too",
                           "aliased")
        problem = _snapshot_problem("average_snapshots([one snapshot], 'linear')", got, 2)
        return problem or compare("the average of a single snapshot (it must be that snapshot)",
                                  _entries(got, 2)[0], snaps[0][0])

    return run_checks("average_snapshots", student_fn,
                      [test_case("equal"), test_case("linear"), test_case("exponential", 0.6),
                       test_case("equal", n=7), test_case("linear", n=7),
                       test_case("exponential", 0.9, n=7), test_case("linear", n=2),
                       test_case("exponential", 0.3, n=2), test_one_snapshot],
                      hint="snapshots is a list of weight lists, oldest first; compute the n "
                           "coefficients, then average each array across the snapshots")


def _coefficients(n, scheme, decay):
    """The right coefficients (oldest first) of ``scheme`` for n snapshots."""
    if scheme == "equal":
        raw = np.ones(n)
    elif scheme == "linear":
        raw = np.arange(1, n + 1, dtype=float)
    else:
        raw = decay ** np.arange(n - 1, -1, -1, dtype=float)
    return raw / raw.sum()


_ROW0_DROPPED = ("row 0 got no weight: your EMA starts from a copy of row 1 and blends in the "
                 "later rows, so the first weights never enter. AveragedModel's constructor is "
                 "not an update: its first update_parameters call copies the weights it is "
                 "given, so call update_parameters for every row, row 0 included (in NumPy: "
                 "start from a copy of row 0, then blend in rows 1..T-1)")


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
        Mistake("row 0 dropped", f"for decay {decay:g} {_ROW0_DROPPED}",
                run(trajectory[1:], decay)),
        Mistake("last left out", "the last row is left out: the EMA must include the newest "
                "weights (loop over every row after the first)", run(trajectory[:-1], decay)),
        Mistake("equal average", "that is the equal average of all rows (what AveragedModel "
                "computes without an avg_fn or multi_avg_fn: SWA): an EMA weights the row k "
                "steps back from the newest by (1 - decay)·decay**k",
                trajectory.mean(axis=0)),
        *([Mistake("window", f"that is the plain mean of the last {k} rows: an equal average "
                   "over a window, but 1/(1 - decay) is only the rough length of an EMA's "
                   "memory. AveragedModel weights every row, the newest by 1 - decay and each "
                   "step back a factor decay less, from a copy of row 0 on",
                   trajectory[-k:].mean(axis=0))]
          if 1 < (k := round(1 / (1 - decay))) < T else []),
        Mistake("last iterate", "that is the last row of the trajectory, the final weights "
                "unchanged: return the EMA of the rows", trajectory[-1].copy()),
        Mistake("never updated", "that is row 0, the first weights: your EMA was never "
                "updated. The blend must be stored back each step (`ema = decay * ema + ...`; "
                "assigning to a loop variable or a copy changes nothing)", trajectory[0].copy()),
        Mistake("not stored", "that is decay·(row 0) + (1 - decay)·(last row): each update "
                "blends the new row with the start, not with the running average, because the "
                "result of the blend is never stored back into ema",
                decay * trajectory[0] + (1 - decay) * trajectory[-1]),
    ]


def _ema_probe_problem(fn, decays, seed=5, T=12):
    """Run ``fn`` on a trajectory with more weights than steps, whose EMA reveals the
    coefficient the student's EMA gives each row, and name what differs from AveragedModel's;
    None when no cause can be told."""
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(T, T + 6))
    point = rng.normal(size=T + 6)

    def loss(w):
        w = np.asarray(w.detach() if hasattr(w, "detach") else w, dtype=float).reshape(-1)
        return float(np.sum((w - point) ** 2))

    got = fn(rows.copy(), list(decays), loss, loss)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return None
    decay, ema = got[0], got[1]
    try:
        decay = float(np.asarray(decay.detach() if hasattr(decay, "detach") else decay))
    except (TypeError, ValueError):
        return None
    match = [d for d in decays if np.isclose(d, decay, rtol=1e-6, atol=0)]
    if not match:
        return None
    d = match[0]
    try:
        c = _coefficients_of(_as_array(ema), list(rows))
    except (TypeError, ValueError):     # not numbers: the caller's own message stands
        return None
    if c is None:
        return None
    right = np.array([d ** (T - 1)] + [(1 - d) * d ** (T - 1 - k) for k in range(1, T)])
    if np.allclose(c, right, atol=1e-6):
        return None
    return _ema_coefficient_problem(c, right, d)


def _implied_decays(c):
    """The decay of each update (rows 1..T-1) of an EMA that gives row k the coefficient c[k]
    after a copy of row 0, and the weight row 0 keeps, or None where c is not such an EMA."""
    T, kept, decays = len(c), 1.0, np.full(len(c) - 1, np.nan)
    for k in range(T - 1, 0, -1):
        if kept < 1e-9:
            return (decays, 0.0) if np.allclose(c[:k + 1], 0, atol=1e-8) else None
        decays[k - 1] = 1 - c[k] / kept
        kept *= decays[k - 1]
    if np.any(decays < -1e-6) or np.any(decays > 1 + 1e-6):
        return None
    return decays, kept


def _ema_coefficient_problem(c, right, d):
    """Name how the coefficients c (oldest row first) of a student's EMA with decay d differ
    from AveragedModel's (``right``)."""
    T = len(c)
    total = float(np.sum(c))
    window = np.flatnonzero(np.abs(c) > 1e-12)
    if (1 < len(window) == round(1 / (1 - d)) < T and window[-1] == T - 1
            and np.allclose(c[window], 1 / len(window))):
        return Problem(f"for decay {d:g} your EMA is the plain mean of the last {len(window)} "
                       f"rows: an equal average "
                       f"over a window, but 1/(1 - decay) is only the rough length of an EMA's "
                       f"memory. "
                       f"AveragedModel weights every row, the newest by 1 - decay and each step "
                       f"back a factor decay less, from a copy of row 0 on", "window")
    implied = _implied_decays(c)
    if implied is not None:
        decays, kept = implied
        known = decays[~np.isnan(decays)]
        if np.allclose(known, d, atol=1e-6):
            return Problem(f"for decay {d:g} every update of your EMA is right, but row 0 gets "
                           f"{c[0]:.3g} where a copy of row 0 keeps decay**(T-1) = "
                           f"{right[0]:.3g} (your weights sum to {total:.4g}): start from a "
                           f"copy of row 0", "start")
        if (abs(c[0]) < 1e-9 and not np.any(np.isnan(decays)) and abs(decays[0]) < 1e-6
                and np.allclose(decays[1:], d, atol=1e-6)):
            return Problem(f"for decay {d:g} {_ROW0_DROPPED}", "row 0 dropped")
        skipped = np.flatnonzero(np.isclose(decays, 1, atol=1e-9)) + 1
        if len(skipped) and np.allclose(np.delete(known, skipped - 1), d, atol=1e-6):
            return Problem(f"for decay {d:g} rows {', '.join(map(str, skipped[:4]))}"
                           f"{', ...' if len(skipped) > 4 else ''} got weight 0: your EMA "
                           "skips steps. AveragedModel blends in every row after the first",
                           "skipped rows")
        if len(known) and np.allclose(known, known[-1], atol=1e-6):
            return Problem(f"for decay {d:g} your EMA updates with decay {known[-1]:.4g} at "
                           f"every step, not {d:g}: ema = decay·ema + (1 - decay)·row with "
                           "the chosen decay itself", "other decay")
        if len(known) > 2 and np.all(np.diff(known) > -1e-6) and known[-1] <= d + 1e-6:
            shown = ", ".join(f"{round(float(x), 4):g}" for x in known[:3])
            return Problem(f"for decay {d:g} your EMA's decay changes from step to step "
                           f"({shown}, ... up to {known[-1]:.3g} at the last step): a warm-up "
                           "such as min(decay, (1+t)/(10+t)). AveragedModel uses the same "
                           "decay at every update, from a copy of row 0 on", "warm-up")
    if abs(total - 1) > 1e-6:
        return Problem(f"for decay {d:g} your EMA weights the last three rows (newest last) by "
                       f"{_show(c[-3:])} and all {T} rows together by {total:.4g}, not 1: an "
                       f"average's weights sum to 1 (AveragedModel starts from a copy of row 0, "
                       f"then blends with decay·ema + (1 - decay)·row)", "coefficients")
    return Problem(f"for decay {d:g} your EMA weights the last three rows (newest last) by "
                   f"{_show(c[-3:])}; AveragedModel's weights them by {_show(right[-3:])}: the "
                   f"newest row gets 1 - decay, each step back a factor decay less, and row 0 "
                   f"what is left, decay**(T-1)", "coefficients")


def _carried_ema(trajectory, decays, upto):
    """The EMA for decays[upto] when one running EMA goes on from candidate to candidate (it is
    started from row 0 once, before the loop over the decays)."""
    ema = trajectory[0].copy()
    for d in decays[:upto + 1]:
        for row in trajectory[1:]:
            ema = d * ema + (1 - d) * row
    return ema


def _wrong_order(got, n_weights, decays):
    """Whether (decay, ema, test) came back in another order: the weight vector not second,
    or a candidate decay in another place than the first."""
    values = []
    for v in got:
        try:
            values.append(np.asarray(v.detach() if hasattr(v, "detach") else v, dtype=float))
        except (TypeError, ValueError):
            return False
    sizes = [v.size for v in values]
    if sorted(sizes) != [1, 1, n_weights] or n_weights == 1:
        return False
    if sizes[1] == 1:
        return True
    def candidate(v):
        return any(np.isclose(float(v), d, rtol=1e-6, atol=0) for d in decays)
    return not candidate(values[0]) and candidate(values[2])


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
            if not calls["val"] and len(calls["test"]) > 1:
                return Problem("you chose the decay with test_loss and never called val_loss: "
                               "a decay picked for its test loss makes that test loss an "
                               "optimistic estimate. Choose with val_loss, then call test_loss "
                               "once, for the chosen EMA", "chose on test")
            if not calls["val"]:
                return Problem("your function never called val_loss: compute each decay's EMA "
                               "and choose the one with the lowest validation loss", "no val")
            if isinstance(decay, (int, np.integer)) and not isinstance(decay, bool) \
                    and 0 <= decay < len(decays_):
                return Problem(f"you returned {decay}, the position of the decay in the list: "
                               f"return the decay itself, decays[{decay}] = {decays_[decay]}",
                               "index")
            if _wrong_order(got, trajectory.shape[1], decays_):
                return Problem("your three values are in the wrong order: "
                               "return (decay, ema, test), the chosen decay, its EMA weights, "
                               "then their test loss", "order")
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
            mistakes = mistakes + [Mistake(
                "not restarted", "your EMA is not restarted for each decay: it goes on from "
                "the previous candidate's final EMA. Start every decay from a fresh copy of "
                "row 0 (inside the loop over the decays)",
                _carried_ema(trajectory, decays_, decays_.index(match[0])))]
            if np.shape(ema) == trajectory.shape:
                return Problem(f"your EMA has shape {trajectory.shape}, one row per step: "
                               f"return only the final EMA, the weights after the last row, "
                               f"shape ({trajectory.shape[1]},)", "history")
            if np.ndim(ema) == 1 and np.size(ema) == T and T != trajectory.shape[1]:
                return Problem(f"your EMA has {T} numbers, one per step: you averaged over the "
                               f"parameters. Average over time (the rows): the EMA is one "
                               f"weight vector of shape ({trajectory.shape[1]},)", "wrong axis")
            problem = compare(f"the EMA you returned for decay {decay:g}", ema, right,
                              mistakes=mistakes)
            if problem and problem.mistake in ("values", "sign"):
                problem = _ema_probe_problem(fn, decays_) or problem
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


def _greedy_in_order(score):
    """Each row in turn takes its best column still free."""
    free, perm = set(range(score.shape[1])), []
    for row in score:
        j = max(free, key=lambda k: row[k])
        perm.append(j)
        free.remove(j)
    return np.array(perm)


def _greedy_largest_first(score):
    """The largest remaining entry first, then its row and column are taken."""
    score = np.array(score, dtype=float)
    perm = np.zeros(len(score), dtype=int)
    for _ in range(len(score)):
        i, j = np.unravel_index(np.argmax(score), score.shape)
        perm[i] = j
        score[i, :] = -np.inf
        score[:, j] = -np.inf
    return perm


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

    def scaled_network(rng):  # units of very different sizes: cosine, L1 and dot disagree
        scale = np.exp(rng.normal(size=h))
        return [rng.normal(size=(2, h)) * scale, 2 * rng.normal(size=h) * scale,
                rng.normal(size=(h, 3)) * scale[:, None], rng.normal(size=3)]

    tell = np.random.default_rng(80)   # a pair on which every mistake below pairs differently
    tell_apart = (scaled_network(tell), scaled_network(tell))

    def mistakes(wa, wb):
        """Permutations that typical mistakes produce, as Mistake entries: the wrong direction
        or readout of the solver, and each description of a unit with each score."""
        right = alignment.match_hidden_units(wa, wb)
        described = [(("W1", "b1", "W2"), None),
                     (("W1",), ("W1 only", "you described each unit by its incoming weights "
                                "(W1) only: a unit is also its bias and its outgoing weights, "
                                "all of which move with it")),
                     (("W1", "b1"), ("no W2", "you left out the outgoing weights (W2): they "
                                     "move with the unit too")),
                     (("W1", "W2"), ("no b1", "you left out the biases (b1): a unit's bias "
                                     "moves with it too"))]
        scores = [("dot", None),
                  ("l1", ("L1 distance", "you paired units by the L1 distance (sum of |a - b|, "
                          "cdist with p=1): weight matching scores a pair by the dot product "
                          "of the two units, the same pairing as the smallest squared "
                          "distance")),
                  ("cosine", ("cosine", "you paired units by the cosine of their angle (each "
                              "unit normalised): weight matching scores by the plain dot "
                              "product, so a unit's size counts too"))]
        found = [
            Mistake("minimised", "your pairing makes the total similarity as small as possible: "
                    "weight matching looks for the pairing with the largest total (the solver "
                    "minimises unless told otherwise: read its options)",
                    _assignment(_units(wa) @ _units(wb).T, maximize=False)),
            Mistake("inverse", "that is the inverse permutation: entry i must be the unit of B "
                    "that moves to position i, i.e. the partner of A's unit i (rows of your "
                    "matrix are A's units?)", np.argsort(right)),
        ]
        for parts, part in described:
            ua, ub = _units(wa, parts), _units(wb, parts)
            for score, how in scores:
                if part is None and how is None:
                    continue
                if score == "dot":
                    perm = _assignment(ua @ ub.T)
                elif score == "l1":
                    perm = _assignment(np.abs(ua[:, None, :] - ub[None, :, :]).sum(axis=2),
                                       maximize=False)
                else:
                    na = ua / np.linalg.norm(ua, axis=1, keepdims=True)
                    nb = ub / np.linalg.norm(ub, axis=1, keepdims=True)
                    perm = _assignment(na @ nb.T)
                ids = [x[0] for x in (part, how) if x]
                text = " Also: ".join(x[1] for x in (part, how) if x)
                found.append(Mistake(" + ".join(ids), text, perm))
        score = _units(wa) @ _units(wb).T
        found += [Mistake("greedy", "you paired the units greedily, each unit of A in turn "
                          "taking the best partner still free: that is one-to-one but not the "
                          "pairing with the largest total score; solve the assignment problem "
                          "as a whole", _greedy_in_order(score)),
                  Mistake("greedy", "you paired the units greedily, the largest remaining score "
                          "first: that is one-to-one but not the pairing with the largest "
                          "total score; solve the assignment problem as a whole",
                          _greedy_largest_first(score))]
        found.append(Mistake("row numbers", "you returned the first array of the solver's "
                             "answer (the row numbers 0, 1, 2, ...): the pairing is in the "
                             "other one", np.arange(h)))
        return found

    def test_case(wa, wb, what, other=None):
        def test(fn):
            given_a, given_b = [w.copy() for w in wa], [w.copy() for w in wb]
            got = fn(given_a, given_b)
            if not all(np.array_equal(x, y) for x, y in zip(given_a + given_b, wa + wb,
                                                            strict=True)):
                return Problem("you changed the weights you were given in place: the caller "
                               "still needs both networks as they were", "in place")
            if got is None:
                return Problem("match_hidden_units returned None: did you forget to return the "
                               "permutation?", "none")
            got = _as_array(got)
            if got.ndim == 2 and got.shape == (h, h) and np.all(np.isin(got, (0, 1))) \
                    and np.all(got.sum(axis=0) == 1) and np.all(got.sum(axis=1) == 1):
                return Problem(f"match_hidden_units({what}) returned an {h} × {h} permutation "
                               "matrix: return the permutation as a vector of h unit numbers, "
                               "perm[i] = the unit of B paired with A's unit i (the column of "
                               "the 1 in row i)", "matrix")
            got = got.reshape(-1)
            call = f"match_hidden_units({what})"
            if len(got) != h:
                if len(got) in (2, 3, 6):
                    return Problem(f"{call} returned {len(got)} numbers but the networks have "
                                   f"{h} hidden units: your similarity matrix compares the "
                                   f"inputs or the numbers that describe a unit, not the units. "
                                   f"In W1 (n_in, h) the hidden units are the columns, in W2 "
                                   f"(h, n_out) the rows", "not units")
                return Problem(f"{call} must return one entry per hidden unit ({h}), yours has "
                               f"{len(got)}", "length")
            if got.dtype.kind not in "iu":
                whole = got.dtype.kind == "f" and np.all(np.isfinite(got)) \
                    and np.array_equal(got, np.round(got))
                if not whole:
                    return Problem(f"{call} returned {got.tolist()}, not unit numbers: return "
                                   "whole numbers 0..h-1", "not a permutation")
                return Problem(f"{call} returned floats ({got.dtype}): the permutation is used "
                               "as an index (new unit i is old unit perm[i]), which must be "
                               "whole numbers of an integer type: convert with .astype(int)",
                               "float index")
            if sorted(got.tolist()) != list(range(h)):
                return Problem(f"{call} returned {got.tolist()}, which is not a permutation of "
                               f"0..{h - 1}: some unit of B is paired with two units of A "
                               "(picking each unit's best partner on its own does that); solve "
                               "the one-to-one assignment", "not a permutation")
            right = alignment.match_hidden_units(wa, wb)
            found = mistakes(wa, wb)
            hits = [k for k, m in enumerate(found) if np.array_equal(got, m.wrong)
                    and not np.array_equal(m.wrong, right)]
            if len(hits) > 1 and other is not None:   # two mistakes pair these units alike:
                oa, ob = other                         # the other pair of networks tells them
                got2 = _as_array(fn([w.copy() for w in oa], [w.copy() for w in ob])).reshape(-1)
                found2 = mistakes(oa, ob)
                agree = [k for k in hits if np.array_equal(got2, found2[k].wrong)]
                hits = agree or hits
            if hits:
                return Problem(found[hits[0]].message, found[hits[0]].id)
            return compare(call, got, right, atol=1e-9)
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
                      [test_case(a, b_other, "two unrelated networks", tell_apart),
                       test_case(a, b_shuffled, "A and a noisy shuffle of A", tell_apart),
                       test_recovers_shuffle],
                      hint="weights are [W1 (n_in, h), b1 (h,), W2 (h, n_out), b2]; build an "
                           "(h, h) matrix of scores between A's and B's units, then solve the "
                           "assignment")
