"""The checks of notebook 06 accept the reference solutions and name each typical mistake."""

import re

import corpus_averaging
import numpy as np
import pytest

from check_corpus import RIGHT
from coursekit.checks import averaging as checks
from coursekit.solutions import averaging as ref


def _not_attempted(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check, solution", [
    (checks.check_average_snapshots, ref.average_snapshots),
    (checks.check_choose_ema, ref.choose_ema),
    (checks.check_match_hidden_units, ref.match_hidden_units),
])
def test_reference_solutions_pass_and_blank_exercises_say_todo(check, solution, capsys):
    assert check(solution).passed is True
    assert "[PASS]" in capsys.readouterr().out
    result = check(_not_attempted)
    assert result.passed is False and "[TODO]" in result.message


@pytest.mark.parametrize("scheme, decay", [("equal", None), ("linear", None),
                                           ("exponential", 0.6), ("exponential", 0.3)])
def test_average_snapshots_solution_agrees_with_coursekit_averaging(scheme, decay):
    from coursekit.averaging import average_weights, scheme_weights

    rng = np.random.default_rng(0)
    snaps = [[rng.normal(size=(2, 3)), rng.normal(size=3)] for _ in range(5)]
    coeffs = scheme_weights(5, scheme, decay=decay)
    for a, b in zip(ref.average_snapshots(snaps, scheme, decay), average_weights(snaps, coeffs),
                    strict=True):
        np.testing.assert_allclose(a, b)


def _combine(snaps, coeffs):
    """The weighted average of Keras-style weight lists with the given coefficients."""
    return [sum(c * np.asarray(s[j]) for c, s in zip(coeffs, snaps, strict=True))
            for j in range(len(snaps[0]))]


def _lin_raw(n):
    return np.arange(1, n + 1, dtype=float)


def _exp_raw(n, d):
    return d ** np.arange(n - 1, -1, -1, dtype=float)


def _coefficients(n, scheme, d):
    """Right coefficients, so that each mistake below changes one scheme only."""
    if scheme == "linear":
        return _lin_raw(n) / _lin_raw(n).sum()
    if scheme == "exponential":
        return _exp_raw(n, d) / _exp_raw(n, d).sum()
    return np.full(n, 1 / n)


def _mistake(**wrong_by_scheme):
    """A student function that gets the named schemes wrong (coefficients from a function of n,
    d) and the others right."""
    def student(snaps, scheme, decay=None):
        n = len(snaps)
        make = wrong_by_scheme.get(scheme)
        return _combine(snaps, make(n, decay) if make else _coefficients(n, scheme, decay))
    return student


def _average_in_place(snaps, scheme, decay=None):
    coeffs = _coefficients(len(snaps), scheme, decay)
    avg = snaps[0]
    for j in range(len(avg)):
        avg[j] *= coeffs[0]
        for c, s in zip(coeffs[1:], snaps[1:], strict=True):
            avg[j] += c * s[j]
    return avg


def _one_array(snaps, scheme, decay=None):
    return np.concatenate([np.ravel(a) for a in ref.average_snapshots(snaps, scheme, decay)])


def _averages_within_each_snapshot(snaps, scheme, decay=None):
    return [np.mean(s[0]) for s in snaps]


@pytest.mark.parametrize("wrong, phrase", [
    (_mistake(equal=lambda n, d: np.ones(n)), "you summed the snapshots"),
    (_mistake(equal=lambda n, d: np.eye(n)[-1]), "newest snapshot unchanged"),
    (_mistake(linear=lambda n, d: _lin_raw(n)), "linear coefficients do not sum to 1"),
    (_mistake(linear=lambda n, d: _lin_raw(n)[::-1] / _lin_raw(n).sum()), "order is reversed"),
    (_mistake(linear=lambda n, d: (_lin_raw(n) - 1) / max((_lin_raw(n) - 1).sum(), 1)),
     "oldest snapshot got weight 0"),
    (_mistake(linear=lambda n, d: np.full(n, 1 / n)), "with scheme 'linear'"),
    (_mistake(exponential=lambda n, d: _exp_raw(n, d)), "exponential coefficients do not sum"),
    (_mistake(exponential=lambda n, d: (1 - d) * _exp_raw(n, d)), "unnormalised EMA weights"),
    (_mistake(exponential=lambda n, d: _exp_raw(n, d)[::-1] / _exp_raw(n, d).sum()),
     "applied from the wrong end"),
    (_mistake(exponential=lambda n, d: _exp_raw(n, 1 - d) / _exp_raw(n, 1 - d).sum()),
     "not (1-decay)**k"),
    (_mistake(exponential=lambda n, d: np.full(n, 1 / n)), "with scheme 'exponential'"),
    (_mistake(exponential=lambda n, d: np.r_[d ** (n - 1),
                                             (1 - d) * d ** np.arange(n - 2, -1, -1)]),
     "started from a copy of the oldest snapshot"),
    (_average_in_place, "changed snapshot 0 of its input in place"),
    (_one_array, "returned one NumPy array"),
    (_averages_within_each_snapshot, "yours has 4 entries"),
    (lambda snaps, scheme, decay=None: None, "returned None: is a `return` statement missing"),
    (_mistake(equal=lambda n, d: np.full(n, 0.2)), "right proportions but sum to 0.8"),
    (lambda snaps, scheme, decay=None: snaps[0] if len(snaps) == 1
     else ref.average_snapshots(snaps, scheme, decay), "returned the snapshot you were given"),
    (lambda snaps, scheme, decay=None: list(snaps[0]) if len(snaps) == 1
     else ref.average_snapshots(snaps, scheme, decay), "returned the snapshot you were given"),
])
def test_average_snapshots_mistakes(wrong, phrase):
    result = checks.check_average_snapshots(wrong)
    assert result.passed is False and phrase in result.message


def test_choose_ema_solution_computes_what_averaged_model_holds():
    """The reference's EMA (copy start) is AveragedModel's with get_ema_multi_avg_fn, buffers
    included (use_buffers=True), and its test loss is evaluated once, for the chosen decay."""
    import torch
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2)).double()
    emas = {d: AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(d), use_buffers=True)
            for d in (0.7, 0.9)}
    rows = []
    for _ in range(6):
        with torch.no_grad():
            for p in net.parameters():
                p.normal_()
        net(torch.randn(8, 3, dtype=torch.float64))       # moves BatchNorm's running statistics
        for ema in emas.values():
            ema.update_parameters(net)
        rows.append(np.concatenate([t.detach().numpy().ravel() for t in
                                    [*net.parameters(), net[1].running_mean, net[1].running_var]]))
    target = np.concatenate([t.detach().numpy().ravel() for t in
                             [*emas[0.9].module.parameters(), emas[0.9].module[1].running_mean,
                              emas[0.9].module[1].running_var]])
    tests = []
    decay, ema, test = ref.choose_ema(np.array(rows), [0.7, 0.9],
                                      lambda w: float(np.sum((w - target) ** 2)),
                                      lambda w: tests.append(w) or 1.5)
    assert decay == 0.9 and test == 1.5 and len(tests) == 1
    np.testing.assert_allclose(ema, target, rtol=1e-12)


@pytest.mark.parametrize("answer", [a for a in corpus_averaging.ENTRIES
                                    if a.check == "check_choose_ema"],
                         ids=lambda a: a.mistake)
def test_choose_ema_accepts_correct_forms_and_names_each_mistake(answer):
    result = checks.check_choose_ema(answer.fn)
    if answer.mistake == RIGHT:
        assert result.passed, result.message
    else:
        assert not result.passed and re.search(answer.names, result.message), result.message


def test_choose_ema_fixtures_separate_the_choices():
    """In every fixture the validation choice differs from the test choice, with a margin, so a
    choice made on the test set cannot pass by accident."""
    from coursekit.checks.averaging import _ema_fixture, _ema_variants

    for seed, T, decays in ((0, 30, (0.6, 0.8, 0.9, 0.95)), (29, 12, (0.7, 0.9)),
                            (7, 30, (0.95, 0.9, 0.8, 0.6))):
        trajectory, decays, val_point, test_point = _ema_fixture(seed, T, decays)
        emas = [_ema_variants(trajectory, d)[0] for d in decays]
        val = np.array([np.sum((e - val_point) ** 2) for e in emas])
        test = np.array([np.sum((e - test_point) ** 2) for e in emas])
        assert val.argmin() != test.argmin()
        for losses in (val, test):
            ordered = np.sort(losses)
            assert ordered[1] - ordered[0] > 0.03 * ordered[0]


def test_a_crash_in_student_code_is_reported():
    result = checks.check_choose_ema(lambda trajectory, decays, val, test: 1 / 0)
    assert result.passed is False and "ZeroDivisionError" in result.message


def test_checks_need_a_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_choose_ema(0.9)
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_average_snapshots("linear")


def _units(w, parts=(0, 1, 2)):
    cols = {0: w[0].T, 1: w[1][:, None], 2: w[2]}
    return np.hstack([cols[p] for p in parts])


def _solve(score, maximize=True):
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(score, maximize=maximize)
    return rows, cols


def _matcher(parts=(0, 1, 2), maximize=True, answer="cols"):
    """A weight matcher with one typical mistake: which parts describe a unit, the solver's
    direction, and which array of the solver's answer is returned."""
    def student(wa, wb):
        rows, cols = _solve(_units(wa, parts) @ _units(wb, parts).T, maximize)
        return {"cols": cols[np.argsort(rows)], "rows": rows,
                "inverse": rows[np.argsort(cols)]}[answer]
    return student


def _greedy(wa, wb):
    return np.argmax(_units(wa) @ _units(wb).T, axis=1)


def _not_transposed(wa, wb):   # units taken as the rows of W1: one entry per input
    rows, cols = _solve(wa[0] @ wb[0].T)
    return cols


def _features(wa, wb):         # the score compares the numbers describing a unit
    rows, cols = _solve(_units(wa).T @ _units(wb))
    return cols


def _match_in_place(wa, wb):
    wb[0] *= 1.0001
    return ref.match_hidden_units(wa, wb)


@pytest.mark.parametrize("wrong, phrase", [
    (_matcher(maximize=False), "as small as possible"),
    (_matcher(answer="inverse"), "inverse permutation"),
    (_matcher(parts=(0,)), "incoming weights (W1) only"),
    (_matcher(parts=(0, 1)), "left out the outgoing weights"),
    (_matcher(parts=(0, 2)), "left out the biases"),
    (_matcher(answer="rows"), "the row numbers"),
    (_not_transposed, "returned 2 numbers"),
    (_features, "returned 6 numbers"),
    (_greedy, "not a permutation"),
    (_match_in_place, "changed the weights you were given in place"),
    (lambda wa, wb: None, "returned None"),
])
def test_match_hidden_units_mistakes(wrong, phrase):
    result = checks.check_match_hidden_units(wrong)
    assert result.passed is False and phrase in result.message


def test_match_hidden_units_solution_agrees_with_coursekit_alignment():
    from coursekit import alignment

    for seed in range(5):
        rng = np.random.default_rng(seed)
        a, b = ([rng.normal(size=(2, 9)), rng.normal(size=9), rng.normal(size=(9, 3)),
                 rng.normal(size=3)] for _ in range(2))
        np.testing.assert_array_equal(ref.match_hidden_units(a, b),
                                      alignment.match_hidden_units(a, b))


def test_match_hidden_units_check_messages_hand_out_no_code():
    wrong = [_matcher(maximize=False), _matcher(answer="inverse"), _matcher(parts=(0,)),
             _matcher(answer="rows"), _greedy, _not_transposed]
    for fn in wrong:
        message = checks.check_match_hidden_units(fn).message
        for code in ("maximize=True", "linear_sum_assignment(", "argsort", "[:, perm]", ".T"):
            assert code not in message, (code, message)


def test_match_hidden_units_check_needs_a_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_match_hidden_units([0, 1, 2])



# ----------------------------------------------- mistakes named by their class (issue 23)
def _weighted(make):
    """An average_snapshots whose coefficients are make(n, scheme, decay), oldest first."""
    def student(snaps, scheme, decay=None):
        c = make(len(snaps), scheme, decay)
        return [sum(ci * s[j] for ci, s in zip(c, snaps, strict=True))
                for j in range(len(snaps[0]))]
    return student


@pytest.mark.parametrize("wrong, phrase, mistake", [
    # any weighted sum of the snapshots is recognised by its coefficients
    (_weighted(lambda n, s, d: np.full(n, 1 / 10)), "sum to 0.4", "not normalised"),
    (_weighted(lambda n, s, d: np.full(n, 1 / 10)), "come out scaled by 0.4, too small",
     "not normalised"),
    (_weighted(lambda n, s, d: np.full(n, 1 / 2)), "come out 2 times too large",
     "not normalised"),
    (_weighted(lambda n, s, d: _coefficients(n, s, d)[::-1] if s == "exponential"
               else _coefficients(n, s, d)), "wrong end", "reversed"),
    (_weighted(lambda n, s, d: np.exp(-np.arange(n - 1, -1, -1) / 2) / np.exp(
        -np.arange(n - 1, -1, -1) / 2).sum() if s == "exponential" else _coefficients(n, s, d)),
     "ignore the argument decay", "ignored decay"),
    # the form of the answer
    (lambda snaps, scheme, decay=None: [[row for row in a] for a in
                                        ref.average_snapshots(snaps, scheme, decay)],
     "set_weights, which needs arrays", "nested lists"),
    (lambda snaps, scheme, decay=None: [__import__("torch").as_tensor(a) for a in
                                        ref.average_snapshots(snaps, scheme, decay)],
     "torch tensor", "tensor"),
    (lambda snaps, scheme, decay=None: np.mean(np.array(snaps), axis=0),
     "cannot stack arrays of different shapes", "ragged stack"),
])
def test_average_snapshots_names_the_class_of_mistake(wrong, phrase, mistake):
    result = checks.check_average_snapshots(wrong)
    assert not result.passed and phrase in result.message and result.mistake == mistake, \
        result.message


def test_average_snapshots_accepts_an_object_array_of_arrays():
    def object_mean(snaps, scheme, decay=None):
        out = np.empty(len(snaps[0]), dtype=object)
        out[:] = ref.average_snapshots(snaps, scheme, decay)
        return out

    assert checks.check_average_snapshots(object_mean).passed


def _ema_chooser(ema_fn):
    def student(trajectory, decays, val_loss, test_loss):
        emas = [ema_fn(np.asarray(trajectory, dtype=float), d) for d in decays]
        i = int(np.argmin([val_loss(e) for e in emas]))
        return decays[i], emas[i], test_loss(emas[i])
    return student


def _ema_steps(decay_at, start=None, rows=slice(1, None)):
    """An EMA with decay_at(t, decay) at update t (t = 0 for row 1), from a copy of row 0."""
    def ema(t, d):
        e = t[0].copy() if start is None else start(t)
        for step, row in enumerate(t[rows]):
            dt = decay_at(step, d)
            e = dt * e + (1 - dt) * row
        return e
    return ema


@pytest.mark.parametrize("ema_fn, mistake", [
    (_ema_steps(lambda t, d: min(d, (1 + t) / (10 + t))), "warm-up"),
    (_ema_steps(lambda t, d: min(1 - 1 / (t + 1), d)), "warm-up"),
    (lambda t, d: t[-round(1 / (1 - d)):].mean(axis=0), "window"),
    (_ema_steps(lambda t, d: d, rows=slice(1, None, 2)), "skipped rows"),
    (_ema_steps(lambda t, d: d ** 2), "other decay"),
    (_ema_steps(lambda t, d: d, start=lambda t: 0.5 * t[0]), "start"),
    (lambda t, d: t[0].copy(), "never updated"),
    # seeded with row 1 (a NumPy EMA started from traj[1]): row 0 gets no weight
    (lambda t, d: _ema_steps(lambda s, d: d)(t[1:], d), "row 0 dropped"),
    (lambda t, d: d * t[0] + (1 - d) * t[-1], "not stored"),
])
def test_choose_ema_names_the_class_of_a_wrong_ema(ema_fn, mistake):
    result = checks.check_choose_ema(_ema_chooser(ema_fn))
    assert not result.passed and result.mistake == mistake, result.message


def _assign(score, maximize=True):
    from scipy.optimize import linear_sum_assignment

    return linear_sum_assignment(score, maximize=maximize)[1]


def _full(w):
    return np.hstack([w[0].T, w[1][:, None], w[2]])


@pytest.mark.parametrize("wrong, mistake", [
    (lambda wa, wb: _assign(np.abs(_full(wa)[:, None] - _full(wb)[None]).sum(axis=2), False),
     "L1 distance"),
    (lambda wa, wb: _assign((_full(wa) / np.linalg.norm(_full(wa), axis=1, keepdims=True))
                            @ (_full(wb) / np.linalg.norm(_full(wb), axis=1,
                                                          keepdims=True)).T), "cosine"),
    (lambda wa, wb: np.eye(len(wa[1]))[ref.match_hidden_units(wa, wb)], "matrix"),
])
def test_match_hidden_units_names_the_score_and_the_form(wrong, mistake):
    result = checks.check_match_hidden_units(wrong)
    assert not result.passed and result.mistake == mistake, result.message


def test_match_hidden_units_accepts_the_smallest_squared_distance():
    def by_distance(wa, wb):
        return _assign(((_full(wa)[:, None] - _full(wb)[None]) ** 2).sum(axis=2), False)

    assert checks.check_match_hidden_units(by_distance).passed


def test_choose_ema_names_a_choice_on_test_without_validation():
    """Choosing by test_loss alone (val_loss never called) is named as the leak it is."""
    def on_test_only(trajectory, decays, val_loss, test_loss):
        best = None
        for decay in decays:
            ema = np.array(trajectory[0], dtype=float)
            for row in trajectory[1:]:
                ema = decay * ema + (1 - decay) * row
            loss = test_loss(ema)
            if best is None or loss < best[0]:
                best = (loss, decay, ema)
        return best[1], best[2], best[0]

    result = checks.check_choose_ema(on_test_only)
    assert not result.passed and result.mistake == "chose on test", result.message
    assert "never called val_loss" in result.message and "optimistic" in result.message


def _averaged_model_ema(skip_row_0):
    """An EMA with torch's AveragedModel; skip_row_0: the constructor taken as the first update
    (update_parameters called for rows 1..T-1 only)."""
    torch = pytest.importorskip("torch")
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    def ema(t, d):
        model = torch.nn.Linear(t.shape[1], 1, bias=False).double()
        with torch.no_grad():
            model.weight.copy_(torch.as_tensor(t[0])[None])
        averaged = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(d))
        for row in t[1:] if skip_row_0 else t:
            with torch.no_grad():
                model.weight.copy_(torch.as_tensor(row)[None])
            averaged.update_parameters(model)
        return averaged.module.weight.detach().numpy()[0].copy()
    return ema


def test_choose_ema_accepts_averaged_model_used_for_every_row():
    assert checks.check_choose_ema(_ema_chooser(_averaged_model_ema(False))).passed


def test_choose_ema_says_row_0_got_no_weight_when_the_constructor_is_taken_as_an_update():
    result = checks.check_choose_ema(_ema_chooser(_averaged_model_ema(True)))
    assert not result.passed and result.mistake == "row 0 dropped", result.message
    assert "row 0 got no weight" in result.message and "warm-up" not in result.message
    assert "constructor is not an update" in result.message


def test_ema_coefficients_with_row_0_dropped_are_not_called_a_warm_up():
    # the fallback that reads coefficients (the probe) names it too, not as a warm-up
    from coursekit.checks.averaging import _ema_coefficient_problem

    T, d = 12, 0.8
    right = np.array([d ** (T - 1)] + [(1 - d) * d ** (T - 1 - k) for k in range(1, T)])
    dropped = np.array([0.0, d ** (T - 2)] + [(1 - d) * d ** (T - 1 - k) for k in range(2, T)])
    problem = _ema_coefficient_problem(dropped, right, d)
    assert problem.mistake == "row 0 dropped" and "row 0 got no weight" in problem
    # a warm-up whose first decay is 0 (1 - 1/(t+1)) stays a warm-up
    decays = [min(1 - 1 / (t + 1), d) for t in range(T - 1)]
    c, kept = np.zeros(T), 1.0
    for k in range(T - 1, 0, -1):
        c[k] = kept * (1 - decays[k - 1])
        kept *= decays[k - 1]
    c[0] = kept
    assert _ema_coefficient_problem(c, right, d).mistake == "warm-up"
