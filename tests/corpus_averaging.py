"""Answers to the exercises of notebook 06 (averaging weights), right and wrong; see
check_corpus.py. All are the course's own variants so far (``source="variant"``). The right
ones are self-contained (NumPy as ``np``, other imports inside): test_exercise_downstream runs
them in the notebook's later cells."""

import numpy as np

from check_corpus import RIGHT, Answer

# ------------------------------------------------------------------ exercise 1: average_snapshots


def _coefficients(n, scheme, decay):
    if scheme == "equal":
        raw = np.ones(n)
    elif scheme == "linear":
        raw = np.arange(1, n + 1, dtype=float)
    else:
        raw = decay ** np.arange(n - 1, -1, -1, dtype=float)
    return raw / raw.sum()


def average_loops(snapshots, scheme, decay=None):
    n = len(snapshots)
    if scheme == "equal":
        raw = np.ones(n)
    elif scheme == "linear":
        raw = np.arange(1, n + 1, dtype=float)
    else:
        raw = np.array([decay ** (n - 1 - i) for i in range(n)])
    c = raw / raw.sum()
    out = []
    for j in range(len(snapshots[0])):
        total = np.zeros_like(snapshots[0][j], dtype=float)
        for c_i, snap in zip(c, snapshots, strict=True):
            total = total + c_i * snap[j]
        out.append(total)
    return out


def average_tensordot(snapshots, scheme, decay=None):
    n = len(snapshots)
    raw = {"equal": np.ones(n), "linear": np.arange(1.0, n + 1)}.get(scheme)
    if raw is None:
        raw = decay ** np.arange(n - 1, -1, -1.0)
    c = raw / raw.sum()
    return tuple(np.tensordot(c, np.stack([s[j] for s in snapshots]), axes=1)
                 for j in range(len(snapshots[0])))


def average_summed(snapshots, scheme, decay=None):
    raw = {"equal": np.ones(len(snapshots))}.get(scheme)
    c = raw if raw is not None else _coefficients(len(snapshots), scheme, decay)
    return [sum(c_i * s[j] for c_i, s in zip(c, snapshots, strict=True))
            for j in range(len(snapshots[0]))]


def average_linear_reversed(snapshots, scheme, decay=None):
    c = _coefficients(len(snapshots), scheme, decay)
    if scheme == "linear":
        c = c[::-1]
    return [sum(c_i * s[j] for c_i, s in zip(c, snapshots, strict=True))
            for j in range(len(snapshots[0]))]


def average_one_minus_decay(snapshots, scheme, decay=None):
    if scheme == "exponential":
        return average_loops(snapshots, scheme, 1 - decay)
    return average_loops(snapshots, scheme, decay)


def average_in_place(snapshots, scheme, decay=None):
    c = _coefficients(len(snapshots), scheme, decay)
    avg = snapshots[0]
    for j in range(len(avg)):
        avg[j] *= c[0]
        for c_i, snap in zip(c[1:], snapshots[1:], strict=True):
            avg[j] += c_i * snap[j]
    return avg


# --------------------------------------------------------------- exercise 2: choose_ema (new)


def _ema_loop(trajectory, decay):
    ema = np.array(trajectory[0], dtype=float)
    for row in trajectory[1:]:
        ema = decay * ema + (1 - decay) * row
    return ema


def choose_ema_loop(trajectory, decays, val_loss, test_loss):
    best_decay, best_loss, best_ema = None, np.inf, None
    for decay in decays:
        ema = np.array(trajectory[0], dtype=float)
        for row in trajectory[1:]:
            ema = decay * ema + (1 - decay) * row
        loss = val_loss(ema)
        if loss < best_loss:
            best_decay, best_loss, best_ema = decay, loss, ema
    return best_decay, best_ema, test_loss(best_ema)


def choose_ema_coefficients(trajectory, decays, val_loss, test_loss):
    # the EMA as one weighted sum: (1-d)·d**k for the row k steps back, d**(T-1) for the first
    trajectory = np.asarray(trajectory)
    T = len(trajectory)
    emas = {}
    for d in decays:
        c = (1 - d) * d ** np.arange(T - 1, -1, -1)
        c[0] = d ** (T - 1)
        emas[d] = c @ trajectory
    losses = [val_loss(emas[d]) for d in decays]
    best = decays[int(np.argmin(losses))]
    return best, emas[best], test_loss(emas[best])


def choose_ema_torch(trajectory, decays, val_loss, test_loss):
    import torch

    rows = torch.as_tensor(np.asarray(trajectory))
    scored = []
    for d in decays:
        ema = rows[0].clone()
        for row in rows[1:]:
            ema.lerp_(row, 1 - d)            # what get_ema_multi_avg_fn does
        scored.append((val_loss(ema), d, ema))
    _, d, ema = min(scored, key=lambda item: item[0])
    return d, ema, test_loss(ema)


def choose_ema_float32(trajectory, decays, val_loss, test_loss):
    rows = np.asarray(trajectory, dtype=np.float32)
    results = []
    for d in decays:
        ema = rows[0].copy()
        for row in rows[1:]:
            ema = np.float32(d) * ema + np.float32(1 - d) * row
        results.append((d, ema))
    d, ema = min(results, key=lambda r: val_loss(r[1]))
    return [d, ema, test_loss(ema)]


def choose_ema_lfilter(trajectory, decays, val_loss, test_loss):
    from scipy.signal import lfilter

    rows = np.asarray(trajectory)
    best = None
    for d in decays:
        filtered, _ = lfilter([1 - d], [1, -d], rows[1:], axis=0, zi=d * rows[:1])
        ema = filtered[-1] if len(rows) > 1 else rows[0]
        if best is None or val_loss(ema) < best[0]:
            best = (val_loss(ema), d, ema)
    return best[1], best[2], test_loss(best[2])


def _chooser(ema_fn):
    """A chooser that gets the protocol right and the EMA as ``ema_fn(trajectory, d)``."""
    def student(trajectory, decays, val_loss, test_loss):
        emas = [ema_fn(np.asarray(trajectory, dtype=float), d) for d in decays]
        i = int(np.argmin([val_loss(e) for e in emas]))
        return decays[i], emas[i], test_loss(emas[i])
    return student


def _ema_from(trajectory, decay, start):
    ema = start
    for row in trajectory:
        ema = decay * ema + (1 - decay) * row
    return ema


def choose_ema_in_place(trajectory, decays, val_loss, test_loss):
    best = None
    for d in decays:
        ema = trajectory[0]                  # shares memory with the trajectory
        for row in trajectory[1:]:
            ema *= d
            ema += (1 - d) * row
        loss = val_loss(ema)
        if best is None or loss < best[0]:
            best = (loss, d, ema.copy())
    return best[1], best[2], test_loss(best[2])


def choose_ema_on_test(trajectory, decays, val_loss, test_loss):
    emas = [_ema_loop(trajectory, d) for d in decays]
    tests = [test_loss(e) for e in emas]
    i = int(np.argmin(tests))
    val_loss(emas[i])
    return decays[i], emas[i], tests[i]


def choose_ema_test_table(trajectory, decays, val_loss, test_loss):
    emas = [_ema_loop(trajectory, d) for d in decays]
    vals, tests = [val_loss(e) for e in emas], [test_loss(e) for e in emas]
    i = int(np.argmin(vals))
    return decays[i], emas[i], tests[i]


def choose_ema_argmax(trajectory, decays, val_loss, test_loss):
    emas = [_ema_loop(trajectory, d) for d in decays]
    i = int(np.argmax([val_loss(e) for e in emas]))
    return decays[i], emas[i], test_loss(emas[i])


def choose_ema_index(trajectory, decays, val_loss, test_loss):
    emas = [_ema_loop(trajectory, d) for d in decays]
    i = int(np.argmin([val_loss(e) for e in emas]))
    return i, emas[i], test_loss(emas[i])


def choose_ema_test_of_last(trajectory, decays, val_loss, test_loss):
    emas = [_ema_loop(trajectory, d) for d in decays]
    i = int(np.argmin([val_loss(e) for e in emas]))
    return decays[i], emas[i], test_loss(np.asarray(trajectory)[-1])


def choose_ema_returns_val(trajectory, decays, val_loss, test_loss):
    emas = [_ema_loop(trajectory, d) for d in decays]
    vals = [val_loss(e) for e in emas]
    i = int(np.argmin(vals))
    return decays[i], emas[i], vals[i]


def choose_ema_two_values(trajectory, decays, val_loss, test_loss):
    emas = [_ema_loop(trajectory, d) for d in decays]
    i = int(np.argmin([val_loss(e) for e in emas]))
    return decays[i], emas[i]


def choose_ema_wrong_axis(trajectory, decays, val_loss, test_loss):
    rows = np.asarray(trajectory)
    best = None
    for d in decays:
        ema = rows[:, 0].copy()
        for j in range(1, rows.shape[1]):
            ema = d * ema + (1 - d) * rows[:, j]
        if best is None or val_loss(ema) < best[0]:
            best = (val_loss(ema), d, ema)
    return best[1], best[2], test_loss(best[2])


_SWAPPED = _chooser(lambda t, d: _ema_loop(t, 1 - d))
_ZERO = _chooser(lambda t, d: _ema_from(t, d, np.zeros(t.shape[1])))
_CORRECTED = _chooser(lambda t, d: _ema_from(t, d, np.zeros(t.shape[1])) / (1 - d ** len(t)))
_REVERSED = _chooser(lambda t, d: _ema_loop(t[::-1], d))
_LAST_OUT = _chooser(lambda t, d: _ema_loop(t[:-1], d))
_EQUAL = _chooser(lambda t, d: t.mean(axis=0))
_LAST = _chooser(lambda t, d: t[-1].copy())

# ---------------------------------------------------------- exercise 3: match_hidden_units


def _units(w, parts=(0, 1, 2)):
    cols = {0: np.asarray(w[0]).T, 1: np.asarray(w[1])[:, None], 2: np.asarray(w[2])}
    return np.hstack([cols[p] for p in parts])


def match_distance(wa, wb):
    # the smallest total squared distance: the same pairing as the largest total dot product
    from scipy.optimize import linear_sum_assignment

    def units(w):
        return np.hstack([np.asarray(w[0]).T, np.asarray(w[1])[:, None], np.asarray(w[2])])

    ua, ub = units(wa), units(wb)
    cost = ((ua[:, None, :] - ub[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    return cols[np.argsort(rows)]


def match_minimised_dot(wa, wb):
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(_units(wa) @ _units(wb).T)
    return cols


def match_w1_only(wa, wb):
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(_units(wa, (0,)) @ _units(wb, (0,)).T, maximize=True)
    return cols


def match_greedy(wa, wb):
    return np.argmax(_units(wa) @ _units(wb).T, axis=1)


ENTRIES = [
    Answer("check_average_snapshots", average_loops, RIGHT, "variant"),
    Answer("check_average_snapshots", average_tensordot, RIGHT, "variant"),
    Answer("check_average_snapshots", average_summed, "summed, not averaged", "variant",
           names=r"you summed the snapshots"),
    Answer("check_average_snapshots", average_linear_reversed, "linear order reversed",
           "variant", names=r"order is reversed"),
    Answer("check_average_snapshots", average_one_minus_decay, "1 - decay", "variant",
           names=r"not \(1-decay\)\*\*k"),
    Answer("check_average_snapshots", average_in_place, "in place", "variant",
           names=r"in place"),
    Answer("check_choose_ema", choose_ema_loop, RIGHT, "variant"),
    Answer("check_choose_ema", choose_ema_coefficients, RIGHT, "variant"),
    Answer("check_choose_ema", choose_ema_torch, RIGHT, "variant"),
    Answer("check_choose_ema", choose_ema_float32, RIGHT, "variant"),
    Answer("check_choose_ema", choose_ema_lfilter, RIGHT, "variant"),
    Answer("check_choose_ema", _SWAPPED, "decay and 1 - decay swapped", "variant",
           names=r"decay and 1 - decay are swapped"),
    Answer("check_choose_ema", _ZERO, "zero start, no correction", "variant",
           names=r"starts from zeros"),
    Answer("check_choose_ema", _CORRECTED, "zero start with bias correction", "variant",
           names=r"bias correction"),
    Answer("check_choose_ema", _REVERSED, "time reversed", "variant", names=r"order is reversed"),
    Answer("check_choose_ema", _LAST_OUT, "last row left out", "variant",
           names=r"last row is left out"),
    Answer("check_choose_ema", _EQUAL, "equal average", "variant", names=r"equal average"),
    Answer("check_choose_ema", _LAST, "last iterate", "variant", names=r"final weights"),
    Answer("check_choose_ema", choose_ema_in_place, "EMA aliases the trajectory", "variant",
           names=r"changed the trajectory"),
    Answer("check_choose_ema", choose_ema_on_test, "chose on the test set", "variant",
           names=r"chose the decay on the test set"),
    Answer("check_choose_ema", choose_ema_test_table, "test set for every candidate", "variant",
           names=r"evaluated the test set \d+ times"),
    Answer("check_choose_ema", choose_ema_argmax, "highest validation loss", "variant",
           names=r"highest validation loss"),
    Answer("check_choose_ema", choose_ema_index, "index, not decay", "variant",
           names=r"position of the decay"),
    Answer("check_choose_ema", choose_ema_test_of_last, "test of the last iterate", "variant",
           names=r"not that of the EMA you return"),
    Answer("check_choose_ema", choose_ema_returns_val, "validation loss reported as test",
           "variant", names=r"never called test_loss"),
    Answer("check_choose_ema", choose_ema_two_values, "no test result returned", "variant",
           names=r"must return three things"),
    Answer("check_choose_ema", choose_ema_wrong_axis, "EMA over the parameters", "variant",
           names=r"averages over time"),
    Answer("check_match_hidden_units", match_distance, RIGHT, "variant"),
    Answer("check_match_hidden_units", match_minimised_dot, "minimised the score", "variant",
           names=r"as small as possible"),
    Answer("check_match_hidden_units", match_w1_only, "W1 only", "variant",
           names=r"incoming weights \(W1\) only"),
    Answer("check_match_hidden_units", match_greedy, "greedy, not one-to-one", "variant",
           names=r"not a permutation"),
]
