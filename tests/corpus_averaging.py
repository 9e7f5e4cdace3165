"""Answers to the exercises of notebook 06 (averaging weights), right and wrong; see
check_corpus.py. The course's own variants come first (``source="variant"``), then answers
reduced from real public code (``source="real: ..."``). The right
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


# ============================================================ reduced from real public code
# Each function below reduces a published implementation to the exercise's signature, in the
# course's own code; the comment says what the original did.

# ------------------------------------------------------------------ exercise 1: average_snapshots


def average_np_average_layers(snapshots, scheme, decay=None):
    # real: Brownlee's weight-averaging tutorial (enuguru/aiandml chapter_26/04): for each layer,
    # stack that layer of every model and call np.average(axis=0, weights=...), which divides by
    # the sum of the weights itself
    n = len(snapshots)
    if scheme == "equal":
        raw = [1.0] * n
    elif scheme == "linear":
        raw = [i for i in range(1, n + 1)]
    else:
        raw = [decay ** (n - i) for i in range(1, n + 1)]
    averaged = []
    for layer in range(len(snapshots[0])):
        stacked = np.array([snap[layer] for snap in snapshots])
        averaged.append(np.average(stacked, axis=0, weights=raw))
    return averaged


def average_tutorial_linear_unreversed(snapshots, scheme, decay=None):
    # real: the same tutorial's linear scheme (chapter_26/06) builds weights i/n for i = n..1,
    # largest first, for a list it had reversed to newest first; here the list is oldest first
    n = len(snapshots)
    if scheme == "linear":
        raw = [i / n for i in range(n, 0, -1)]
    elif scheme == "equal":
        raw = [1.0] * n
    else:
        raw = [decay ** (n - 1 - i) for i in range(n)]
    return [np.average(np.array([s[j] for s in snapshots]), axis=0, weights=raw)
            for j in range(len(snapshots[0]))]


def average_tutorial_exponential_unreversed(snapshots, scheme, decay=None):
    # real: the tutorial's exponential scheme (chapter_26/07) gives the first model the largest
    # weight, exp(-i/alpha) for i = 1..n, again for a newest-first list; kept for oldest first
    n = len(snapshots)
    if scheme == "exponential":
        raw = [decay ** i for i in range(1, n + 1)]
    elif scheme == "linear":
        raw = list(range(1, n + 1))
    else:
        raw = [1.0] * n
    return [np.average(np.array([s[j] for s in snapshots]), axis=0, weights=raw)
            for j in range(len(snapshots[0]))]


def _scheme(n, scheme, decay):
    raw = {"equal": np.ones(n), "linear": np.arange(1.0, n + 1)}.get(scheme)
    if raw is None:
        raw = decay ** np.arange(n - 1, -1, -1.0)
    return raw / raw.sum()


def average_rows_as_lists(snapshots, scheme, decay=None):
    # real: graykode/modelaverage modelaverage/average.py zips the models' arrays, then zips
    # again over their rows and averages row by row, keeping each layer as a list of rows
    c = _scheme(len(snapshots), scheme, decay)
    out = []
    for arrays in zip(*snapshots, strict=False):
        rows_of = zip(*arrays, strict=False)
        out.append([sum(ci * row for ci, row in zip(c, rows, strict=False)) for rows in rows_of])
    return out


def average_rows_wrapped(snapshots, scheme, decay=None):
    # real: alpha-unito/federated-learning Server/model_utils.py, the same row-by-row average
    # wrapped in np.array, so that every layer is an array again
    c = _scheme(len(snapshots), scheme, decay)
    out = []
    for arrays in zip(*snapshots, strict=False):
        rows_of = zip(*arrays, strict=False)
        out.append(np.array([sum(ci * row for ci, row in zip(c, rows, strict=False))
                             for rows in rows_of]))
    return out


def average_fixed_divisor_last_only(snapshots, scheme, decay=None):
    # real: PrivPkt/PrivPkt Federated_Averaging.py sums every layer over the models, then divides
    # by a hard-coded 10 at the wrong indentation: only the last layer is divided
    c = _scheme(len(snapshots), scheme, decay) * len(snapshots)
    joint = [0] * len(snapshots[0])
    for ci, snap in zip(c, snapshots, strict=False):
        for i in range(len(snap)):
            joint[i] = joint[i] + ci * snap[i]
    joint[-1] = joint[-1] / 10
    return joint


def average_first_as_accumulator(snapshots, scheme, decay=None):
    # real: wangmengzhi/Lightweight-Transducer avg_model.py keeps the first checkpoint's tensors
    # as the running sum (`avg[k] = v`, then `avg[k] += v`), so the first checkpoint changes
    c = _scheme(len(snapshots), scheme, decay)
    avg = snapshots[0]
    for j in range(len(avg)):
        avg[j] *= c[0]
    for ci, snap in zip(c[1:], snapshots[1:], strict=False):
        for j in range(len(avg)):
            avg[j] += ci * snap[j]
    return avg


def average_into_first_list(snapshots, scheme, decay=None):
    # seen in a public Keras script whose repository the search did not name (the tutorial's
    # model_weight_ensemble with `model = members[0]` in place of clone_model, so the average
    # is written into the first member), hence counted as a variant: the averaged arrays are
    # stored into the first snapshot's list
    c = _scheme(len(snapshots), scheme, decay)
    out = snapshots[0]
    for j in range(len(out)):
        out[j] = sum(ci * s[j] for ci, s in zip(c, snapshots, strict=False))
    return out


def average_np_add_lists(snapshots, scheme, decay=None):
    # real: ameya-salankar/pychain server_method.py adds whole weight lists with np.add(m, a),
    # which must turn a list of differently shaped arrays into one array, then divides
    c = _scheme(len(snapshots), scheme, decay)
    m = [ci * 0 for ci in snapshots[0]]
    for ci, snap in zip(c, snapshots, strict=False):
        m = np.add(m, [ci * a for a in snap])
    return list(m)


def average_zeros_accumulator(snapshots, scheme, decay=None):
    # real: rpi-nsl/TDCD node/utilities/utils.py sums the clients into np.zeros(shape) and
    # divides by their number; here per array, with the scheme's coefficients
    c = _scheme(len(snapshots), scheme, decay)
    out = []
    for j in range(len(snapshots[0])):
        total = np.zeros(np.shape(snapshots[0][j]))
        for ci, snap in zip(c, snapshots, strict=False):
            total += ci * snap[j]
        out.append(total)
    return out


def average_clone_then_add(snapshots, scheme, decay=None):
    # real: mervessenturk/atmt_shannon assignment3/task2/scripts/average_checkpoints_fixed.py
    # clones the first state, adds the others in place, divides at the end
    c = _scheme(len(snapshots), scheme, decay)
    avg = [c[0] * a.copy() for a in snapshots[0]]
    for ci, snap in zip(c[1:], snapshots[1:], strict=False):
        for j in range(len(avg)):
            avg[j] += ci * snap[j]
    return avg


def average_torch_stack_mean(snapshots, scheme, decay=None):
    # real: brookejoseph/FederatedLearning fedavg.py stacks each parameter of every client with
    # torch.stack and takes .mean(0); weighted here, and back to NumPy for Keras
    import torch

    c = torch.as_tensor(_scheme(len(snapshots), scheme, decay))
    out = []
    for j in range(len(snapshots[0])):
        stacked = torch.stack([torch.as_tensor(s[j]) for s in snapshots])
        out.append((c.reshape(-1, *[1] * (stacked.dim() - 1)) * stacked).sum(0).numpy())
    return out


# --------------------------------------------------------------------- exercise 2: choose_ema


def _pick(emas, decays, val_loss, test_loss):
    i = int(np.argmin([val_loss(e) for e in emas]))
    return decays[i], emas[i], test_loss(emas[i])


def choose_ema_shadow_dict(trajectory, decays, val_loss, test_loss):
    # real: alpinedev51/gap src/gap/ema.py: the shadow starts as a clone of the weights, then
    # shadow = (1 - decay) * param + decay * shadow after each step
    emas = []
    for decay in decays:
        shadow = np.array(trajectory[0], dtype=float).copy()
        for param in trajectory[1:]:
            shadow = (1.0 - decay) * param + decay * shadow
        emas.append(shadow)
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_in_place_mul_add(trajectory, decays, val_loss, test_loss):
    # real: jhammarstedt/SLN-on-Sound helpers.py WeightExponentialMovingAverage: ema.mul_(alpha)
    # then ema.add_(param * (1 - alpha)), on a separate copy of the model
    emas = []
    for alpha in decays:
        ema = np.array(trajectory[0], dtype=float)
        for param in trajectory[1:]:
            ema *= alpha
            ema += param * (1 - alpha)
        emas.append(ema)
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_lerp_tau(trajectory, decays, val_loss, test_loss):
    # real: cc299792458/mobile-manipulation-rl-sim2real concept/rl/utils.py: target.lerp_(p, tau)
    # with tau the small fraction 1 - decay
    import torch

    rows = torch.as_tensor(np.asarray(trajectory, dtype=float))
    emas = []
    for decay in decays:
        target = rows[0].clone()
        for p in rows[1:]:
            target.lerp_(p, 1 - decay)
        emas.append(target.numpy())
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_mu(trajectory, decays, val_loss, test_loss):
    # real: stefaanhessmann/forschungsprojekt Code/Models/SchNet/ema.py: register a clone, then
    # new = (1 - mu) * x + mu * shadow with mu the decay
    emas = []
    for mu in decays:
        shadow = np.asarray(trajectory[0], dtype=float).copy()
        for x in trajectory[1:]:
            shadow = ((1.0 - mu) * x + mu * shadow).copy()
        emas.append(shadow)
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_loop_variable(trajectory, decays, val_loss, test_loss):
    # real: Adenialzz/SimpleImageGeneration Diffusers/ddpm/ddpm/ema.py assigns the blended
    # value to the loop variable (`ema_params = update_average(old, new)`), so the EMA model
    # never changes
    emas = []
    for decay in decays:
        ema = [np.array(trajectory[0], dtype=float)]
        for new in trajectory[1:]:
            for ema_param in ema:
                ema_param = ema_param * decay + (1 - decay) * new
        emas.append(ema[0])
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_shadow_not_stored(trajectory, decays, val_loss, test_loss):
    # real: liamheng/Annotation-free-Medical-Image-Enhancement util/EMA.py returns
    # mu * x + (1 - mu) * shadow with the line that stores it back commented out
    emas = []
    for decay in decays:
        shadow = np.array(trajectory[0], dtype=float)
        new_average = shadow
        for x in trajectory[1:]:
            new_average = (1 - decay) * x + decay * shadow
        emas.append(new_average)
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_step_warmup(trajectory, decays, val_loss, test_loss):
    # real: Haoyu-Xie/PRCL generalframeworks/networks/ema.py: decay = min(1 - 1/(step + 1),
    # alpha), so the first updates are a plain running mean
    emas = []
    for alpha in decays:
        ema = np.array(trajectory[0], dtype=float)
        for step, param in enumerate(trajectory[1:]):
            d = min(1 - 1 / (step + 1), alpha)
            ema = d * ema + (1 - d) * param
        emas.append(ema)
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_num_updates_warmup(trajectory, decays, val_loss, test_loss):
    # real: chrischute/squad util.py (the CS224n SQuAD starter code) class EMA: decay =
    # min(decay, (1 + num_updates) / (10 + num_updates)), TensorFlow's num_updates warm-up
    emas = []
    for decay in decays:
        shadow = np.array(trajectory[0], dtype=float)
        for num_updates, param in enumerate(trajectory[1:]):
            d = min(decay, (1.0 + num_updates) / (10.0 + num_updates))
            shadow = (1.0 - d) * param + d * shadow
        emas.append(shadow)
    return _pick(emas, decays, val_loss, test_loss)


# ------------------------------------------------------------ exercise 3: match_hidden_units


def match_l1_incoming(wa, wb):
    # real: quintenroets/revnets src/revnets/standardization/align.py: torch.cdist(..., p=1)
    # between the units' incoming weights, minimised, the second array of the solution
    from scipy.optimize import linear_sum_assignment

    ia, ib = np.asarray(wa[0]).T, np.asarray(wb[0]).T
    distances = np.abs(ia[:, None, :] - ib[None, :, :]).sum(axis=2)
    return linear_sum_assignment(distances)[1]


def match_greedy_free(wa, wb):
    # real: Ethyros-AI/ModelCypher src/modelcypher/core/domain/geometry/permutation_aligner.py
    # ("greedy assignment: O(N^2) instead of O(N^3) Hungarian"): each unit of A in turn takes
    # its most similar unit of B that is still free
    def units(w):
        return np.hstack([np.asarray(w[0]).T, np.asarray(w[1])[:, None], np.asarray(w[2])])

    score = units(wa) @ units(wb).T
    taken, perm = set(), []
    for i in range(len(score)):
        order = np.argsort(-score[i])
        j = next(int(k) for k in order if int(k) not in taken)
        taken.add(j)
        perm.append(j)
    return np.array(perm)


REAL = "real: "
ENTRIES += [
    Answer("check_average_snapshots", average_np_average_layers, RIGHT,
           REAL + "enuguru/aiandml deep_learning_and_neural_networks/better_deep_learning/code/"
           "chapter_26/04_avg_model_weights.py"),
    Answer("check_average_snapshots", average_tutorial_linear_unreversed,
           "linear weights for a newest-first list", REAL + "enuguru/aiandml "
           "deep_learning_and_neural_networks/better_deep_learning/code/chapter_26/"
           "06_linear_weighted_ensemble.py", names=r"order is reversed"),
    Answer("check_average_snapshots", average_tutorial_exponential_unreversed,
           "exponential weights for a newest-first list", REAL + "enuguru/aiandml "
           "deep_learning_and_neural_networks/better_deep_learning/code/chapter_26/"
           "07_exp_weighted_ensemble.py", names=r"wrong end|order is reversed"),
    Answer("check_average_snapshots", average_rows_as_lists, "layers as lists of rows",
           REAL + "graykode/modelaverage modelaverage/average.py",
           names=r"not an array.*set_weights"),
    Answer("check_average_snapshots", average_rows_wrapped, RIGHT,
           REAL + "alpha-unito/federated-learning Server/model_utils.py"),
    Answer("check_average_snapshots", average_fixed_divisor_last_only,
           "summed; a fixed divisor on the last array only",
           REAL + "PrivPkt/PrivPkt Federated_Averaging.py", names=r"summed|sum to"),
    Answer("check_average_snapshots", average_first_as_accumulator,
           "first snapshot as the accumulator", REAL + "wangmengzhi/Lightweight-Transducer "
           "avg_model.py", names=r"in place"),
    Answer("check_average_snapshots", average_into_first_list, "average written into snapshot 0",
           "variant", names=r"in place"),
    Answer("check_average_snapshots", average_np_add_lists, "np.add of ragged weight lists",
           REAL + "ameya-salankar/pychain server_method.py", names=r"cannot stack"),
    Answer("check_average_snapshots", average_zeros_accumulator, RIGHT,
           REAL + "rpi-nsl/TDCD node/utilities/utils.py"),
    Answer("check_average_snapshots", average_clone_then_add, RIGHT,
           REAL + "mervessenturk/atmt_shannon assignment3/task2/scripts/"
           "average_checkpoints_fixed.py"),
    Answer("check_average_snapshots", average_torch_stack_mean, RIGHT,
           REAL + "brookejoseph/FederatedLearning fedavg.py"),
    Answer("check_choose_ema", choose_ema_shadow_dict, RIGHT,
           REAL + "alpinedev51/gap src/gap/ema.py"),
    Answer("check_choose_ema", choose_ema_in_place_mul_add, RIGHT,
           REAL + "jhammarstedt/SLN-on-Sound helpers.py"),
    Answer("check_choose_ema", choose_ema_lerp_tau, RIGHT,
           REAL + "cc299792458/mobile-manipulation-rl-sim2real concept/rl/utils.py"),
    Answer("check_choose_ema", choose_ema_mu, RIGHT,
           REAL + "stefaanhessmann/forschungsprojekt Code/Models/SchNet/ema.py"),
    Answer("check_choose_ema", choose_ema_loop_variable, "EMA never updated",
           REAL + "Adenialzz/SimpleImageGeneration Diffusers/ddpm/ddpm/ema.py",
           names=r"never updated"),
    Answer("check_choose_ema", choose_ema_shadow_not_stored, "blend never stored",
           REAL + "liamheng/Annotation-free-Medical-Image-Enhancement util/EMA.py",
           names=r"never stored"),
    Answer("check_choose_ema", choose_ema_step_warmup, "warm-up 1 - 1/(t+1)",
           REAL + "Haoyu-Xie/PRCL generalframeworks/networks/ema.py", names=r"warm-up"),
    Answer("check_choose_ema", choose_ema_num_updates_warmup, "warm-up (1+t)/(10+t)",
           REAL + "chrischute/squad util.py", names=r"warm-up"),
    Answer("check_match_hidden_units", match_l1_incoming, "L1 distance of incoming weights",
           REAL + "quintenroets/revnets src/revnets/standardization/align.py",
           names=r"incoming weights \(W1\) only|L1 distance"),
    Answer("check_match_hidden_units", match_greedy_free, "greedy one-to-one",
           REAL + "Ethyros-AI/ModelCypher src/modelcypher/core/domain/geometry/"
           "permutation_aligner.py", names=r"greedily"),
]


# ------------------------------------------------ variants: torch.optim.swa_utils, NumPy/torch


def choose_ema_averaged_model(trajectory, decays, val_loss, test_loss):
    # the notebook's own tool: AveragedModel with get_ema_multi_avg_fn, one per decay
    import torch
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    rows = torch.as_tensor(np.asarray(trajectory, dtype=float))
    holder = torch.nn.Module()
    holder.w = torch.nn.Parameter(rows[0].clone())
    results = []
    for d in decays:
        ema = AveragedModel(holder, multi_avg_fn=get_ema_multi_avg_fn(d))
        for row in rows:
            with torch.no_grad():
                holder.w.copy_(row)
            ema.update_parameters(holder)
        w = ema.module.w.detach().clone()
        results.append((val_loss(w), d, w))
    _, d, w = min(results, key=lambda r: r[0])
    return d, w.numpy(), test_loss(w)


def choose_ema_get_ema_avg_fn(trajectory, decays, val_loss, test_loss):
    # the single-tensor form, get_ema_avg_fn(decay)(averaged, current, num_averaged)
    import torch
    from torch.optim.swa_utils import get_ema_avg_fn

    rows = torch.as_tensor(np.asarray(trajectory, dtype=float))
    emas = []
    for d in decays:
        fn, ema = get_ema_avg_fn(d), rows[0].clone()
        for n, row in enumerate(rows[1:], start=1):
            ema = fn(ema, row, torch.tensor(n))
        emas.append(ema.numpy())
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_swa_default(trajectory, decays, val_loss, test_loss):
    # AveragedModel without avg_fn or multi_avg_fn: the equal running average (SWA)
    emas = []
    for _d in decays:
        avg = np.array(trajectory[0], dtype=float)
        for n, row in enumerate(trajectory[1:], start=1):
            avg = avg + (row - avg) / (n + 1)
        emas.append(avg)
    return _pick(emas, decays, val_loss, test_loss)


def average_torch_tensors(snapshots, scheme, decay=None):
    # a torch answer that forgets to convert back: tensors, not arrays
    import torch

    c = _scheme(len(snapshots), scheme, decay)
    return [sum(float(ci) * torch.as_tensor(s[j]) for ci, s in zip(c, snapshots, strict=False))
            for j in range(len(snapshots[0]))]


def average_object_array(snapshots, scheme, decay=None):
    # np.average over an object array of weight lists: an object array of averaged arrays
    c = _scheme(len(snapshots), scheme, decay)
    stacked = np.empty((len(snapshots), len(snapshots[0])), dtype=object)
    for i, snap in enumerate(snapshots):
        for j, a in enumerate(snap):
            stacked[i, j] = a
    return np.average(stacked, axis=0, weights=c)


ENTRIES += [
    Answer("check_choose_ema", choose_ema_averaged_model, RIGHT, "variant"),
    Answer("check_choose_ema", choose_ema_get_ema_avg_fn, RIGHT, "variant"),
    Answer("check_choose_ema", choose_ema_swa_default, "AveragedModel's default (SWA)", "variant",
           names=r"equal average.*without an avg_fn"),
    Answer("check_average_snapshots", average_torch_tensors, "torch tensors, not arrays",
           "variant", names=r"torch tensor"),
    Answer("check_average_snapshots", average_object_array, RIGHT, "variant"),
]


def match_float_permutation(wa, wb):
    # the permutation built in a float array (np.zeros(h), then filled): an index that fails
    from scipy.optimize import linear_sum_assignment

    def units(w):
        return np.hstack([np.asarray(w[0]).T, np.asarray(w[1])[:, None], np.asarray(w[2])])

    rows, cols = linear_sum_assignment(units(wa) @ units(wb).T, maximize=True)
    perm = np.zeros(len(rows))
    perm[rows] = cols
    return perm


def match_torch_list(wa, wb):
    # torch throughout, returned as a Python list
    import torch
    from scipy.optimize import linear_sum_assignment

    def units(w):
        w1, b1, w2 = (torch.as_tensor(np.asarray(x)) for x in w[:3])
        return torch.cat([w1.T, b1[:, None], w2], dim=1)

    score = (units(wa) @ units(wb).T).numpy()
    rows, cols = linear_sum_assignment(-score)
    return [int(c) for _, c in sorted(zip(rows, cols, strict=False))]


ENTRIES += [
    Answer("check_match_hidden_units", match_float_permutation, "float permutation", "variant",
           names=r"floats.*astype\(int\)"),
    Answer("check_match_hidden_units", match_torch_list, RIGHT, "variant"),
]


def average_first_add_then_div(snapshots, scheme, decay=None):
    # real: hfxunlp/transformer tools/average_model.py loads the first model as the running sum,
    # rsm[k].add_(v) for every other model, then v.div_(n) in place; here the first snapshot
    c = _scheme(len(snapshots), scheme, decay) * len(snapshots)
    rsm = snapshots[0]
    for j in range(len(rsm)):
        np.multiply(rsm[j], c[0], out=rsm[j])
    for ci, snap in zip(c[1:], snapshots[1:], strict=False):
        for j in range(len(rsm)):
            np.add(rsm[j], ci * snap[j], out=rsm[j])
    for v in rsm:
        np.divide(v, len(snapshots), out=v)
    return rsm


def choose_ema_update_average(trajectory, decays, val_loss, test_loss):
    # real: lucidrains/stylegan2-pytorch stylegan2_pytorch/gan/ema/EMA.py: update_average(old,
    # new) = old * beta + (1 - beta) * new, the first call returning new itself
    emas = []
    for beta in decays:
        old = None
        for new in np.asarray(trajectory, dtype=float):
            old = new.copy() if old is None else old * beta + (1 - beta) * new
        emas.append(old)
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_register_update(trajectory, decays, val_loss, test_loss):
    # real: Tin-Hoang/humanfaces-diffusion-generation diffusion_models/utils/ema.py: register a
    # detached clone, then shadow = decay * shadow + (1 - decay) * param at each update
    emas = []
    for decay in decays:
        shadow = {"w": np.array(trajectory[0], dtype=float)}
        for param in trajectory[1:]:
            shadow["w"] = decay * shadow["w"] + (1.0 - decay) * param
        emas.append(shadow["w"])
    return _pick(emas, decays, val_loss, test_loss)


ENTRIES += [
    Answer("check_average_snapshots", average_first_add_then_div, "first model as the sum",
           REAL + "hfxunlp/transformer tools/average_model.py", names=r"in place"),
    Answer("check_choose_ema", choose_ema_update_average, RIGHT,
           REAL + "lucidrains/stylegan2-pytorch stylegan2_pytorch/gan/ema/EMA.py"),
    Answer("check_choose_ema", choose_ema_register_update, RIGHT,
           REAL + "Tin-Hoang/humanfaces-diffusion-generation diffusion_models/utils/ema.py"),
]


def choose_ema_not_restarted(trajectory, decays, val_loss, test_loss):
    # one running EMA for all the candidates: started once, before the loop over the decays
    rows = np.asarray(trajectory, dtype=float)
    ema, emas = rows[0].copy(), []
    for d in decays:
        for row in rows[1:]:
            ema = d * ema + (1 - d) * row
        emas.append(ema.copy())
    return _pick(emas, decays, val_loss, test_loss)


def choose_ema_history(trajectory, decays, val_loss, test_loss):
    # keeps the EMA after every step and returns that whole history
    rows = np.asarray(trajectory, dtype=float)
    best = None
    for d in decays:
        history = [rows[0].copy()]
        for row in rows[1:]:
            history.append(d * history[-1] + (1 - d) * row)
        loss = val_loss(history[-1])
        if best is None or loss < best[0]:
            best = (loss, d, np.array(history))
    return best[1], best[2], test_loss(best[2][-1])


def choose_ema_order(trajectory, decays, val_loss, test_loss):
    d, ema, test = choose_ema_loop(trajectory, decays, val_loss, test_loss)
    return ema, d, test


ENTRIES += [
    Answer("check_choose_ema", choose_ema_not_restarted, "EMA not restarted per decay", "variant",
           names=r"not restarted"),
    Answer("check_choose_ema", choose_ema_history, "whole EMA history returned", "variant",
           names=r"one row per step"),
    Answer("check_choose_ema", choose_ema_order, "(ema, decay, test) order", "variant",
           names=r"in the order"),
]
