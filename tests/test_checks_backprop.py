"""The checks of notebook 01 accept the reference solutions and name each typical mistake.

Further right and wrong answers, with the pattern their message must match, are in
tests/corpus_backprop.py (run by tests/test_check_corpus.py).
"""

import numpy as np
import pytest

from coursekit.checks import backprop as checks
from coursekit.gradcheck import relative_error
from coursekit.solutions import backprop as ref


def _not_attempted(*args):
    raise NotImplementedError


def _bug(step, expression=None):
    """The first seed's network whose planted bug is in ``step`` (and is ``expression``)."""
    for seed in range(2000):
        buggy = checks.network_with_a_bug(seed)
        if buggy._wrong[0] == step and expression in (None, buggy._wrong[1]):
            return buggy
    raise AssertionError(f"no seed plants {step} = {expression}")


_RIGHT1 = checks.BACKWARD_STEPS["delta1"][0]      # the fix of a planted delta1 bug


def _bug_case(step):
    buggy = _bug(step)
    params, X, y = checks._three_layer_data()
    return buggy, params, X, y, ref.gradient_check(buggy, checks._copy(params), X, y)


def test_every_check_accepts_its_reference_solution(capsys):
    assert checks.check_backward(ref.backward).passed
    assert checks.check_gradient_check(ref.gradient_check).passed
    assert checks.check_sigmoid_bce(ref.sigmoid_bce).passed
    assert checks.check_sigmoid_bce(ref.sigmoid_bce, ref.gradient_check).passed
    assert checks.check_affine_backward(ref.affine_backward).passed
    assert checks.check_relu_backward(ref.relu_backward).passed
    assert checks.check_tanh_derivative(ref.tanh_derivative).passed
    assert checks.check_softmax_cross_entropy(ref.softmax_cross_entropy).passed
    assert checks.check_two_layer_net(ref.two_layer_net).passed
    buggy, params, X, y, errors = _bug_case("delta1")
    assert checks.check_planted_bug("delta1", errors, buggy, params, X, y, _RIGHT1).passed
    assert capsys.readouterr().out.count("[PASS]") == 10


@pytest.mark.parametrize("check", [checks.check_backward, checks.check_gradient_check,
                                   checks.check_sigmoid_bce, checks.check_affine_backward,
                                   checks.check_relu_backward, checks.check_softmax_cross_entropy,
                                   checks.check_two_layer_net, checks.check_tanh_derivative])
def test_unattempted_exercise_says_todo(check, capsys):
    result = check(_not_attempted)
    assert not result.passed and "[TODO]" in result.message
    assert "[TODO]" in capsys.readouterr().out


def test_check_rejects_a_non_function():
    for check in (checks.check_backward, checks.check_gradient_check, checks.check_relu_backward,
                  checks.check_tanh_derivative):
        with pytest.raises(TypeError, match="pass your function itself"):
            check(np.zeros(3))


# ---- Exercise 1: the backward pass -------------------------------------------------------------
def test_the_reference_backward_is_the_networks_and_coursekits():
    from coursekit.nn import MLP

    params, X, y = checks._three_layer_data()
    grads = ref.backward(params, checks._forward(params, X), y)
    _, planted_free = checks._three_layer_net(params, X, y)
    net = MLP([2, 8, 8, 3], activation="tanh")
    net.params = checks._copy(params)
    _, mlp_grads = net.loss_and_grads(X, y)
    assert max(relative_error(grads[k], mlp_grads[k]) for k in grads) < 1e-13
    assert max(relative_error(planted_free[k], mlp_grads[k]) for k in grads) < 1e-13


@pytest.mark.parametrize("step, expression",
                         [(s, e) for table in (checks._PLANTED, checks._NAMED_ONLY)
                          for s, wrongs in table.items() for e, _ in wrongs])
def test_backward_names_every_typical_wrong_line(step, expression):
    def student(params, cache, y):
        return checks._three_layer_net(params, cache["X"], y, (step, expression))[1]

    result = checks.check_backward(student)
    assert not result.passed and result.mistake == f"{step}: {expression}", result.message
    assert f"{step} = {expression}" in result.message


def _backward_returning(change):
    def student(params, cache, y):
        grads = ref.backward(params, cache, y)
        change(grads, len(y))
        return grads
    return student


@pytest.mark.parametrize("change, mistake, phrase", [
    (lambda g, n: g.update(W3=g["W3"] * n), "times N", "dW3 is N times too large"),
    (lambda g, n: g.update(W2=g["W2"] / n), "over N", "dW2 is N times too small"),
    (lambda g, n: g.update(b2=g["b2"][None, :]), "keepdims", "without keepdims=True"),
    (lambda g, n: g.update(W1=g["W1"].T), "transposed", "dW1 is transposed"),
    (lambda g, n: g.update(W3=g["W3"].astype(np.float32)), "float32", "compute in float64"),
    (lambda g, n: g.pop("b3"), "keys", "must have the keys of params"),
    (lambda g, n: g.update(b1=-g["b1"]), "sign", "db1 has the wrong sign"),
])
def test_backward_names_other_mistakes(change, mistake, phrase):
    result = checks.check_backward(_backward_returning(change))
    assert not result.passed and result.mistake == mistake and phrase in result.message, \
        result.message


@pytest.mark.parametrize("step, expression, phrase", [
    ("delta1", "(delta2 @ W2.T) * (1 - a1)**2",
     "dW3, db3, dW2 and db2 right, dW1 and db1 wrong: look at delta1, the one quantity"),
    ("delta2", "(delta3 @ W3.T) * 2 * (1 - a2**2)",
     "dW3 and db3 right, dW2, db2, dW1 and db1 wrong: look at delta2"),
    ("delta3", "1.5 * (p - onehot) / N", "all six gradients wrong: look at delta3"),
    ("dW1", "X.T @ delta1 + 0.01", "db1 right, dW1 wrong: look at the line of dW1 itself"),
])
def test_backward_locates_an_undeclared_mistake(step, expression, phrase):
    def student(params, cache, y):
        return checks._three_layer_net(params, cache["X"], y, (step, expression))[1]

    result = checks.check_backward(student)
    assert not result.passed and result.mistake == f"first wrong: {step}", result.message
    assert phrase in result.message and "wrong values" in result.message, result.message


def test_backward_with_two_undeclared_mistakes_starts_with_the_first():
    def student(params, cache, y):
        grads = ref.backward(params, cache, y)
        return {**grads, "b3": grads["b3"] + 0.01, "W1": grads["W1"] + 0.01}

    result = checks.check_backward(student)
    assert not result.passed and result.mistake == "first wrong: db3", result.message
    assert "db3 and dW1 wrong: start with db3, the first wrong one" in result.message


def test_tanh_applied_to_an_activation_is_named_at_its_delta():
    # the review's answer: tanh applied again to the saved activation, in delta2 or in delta1
    for step, a in (("delta2", "a2"), ("delta1", "a1")):
        def student(params, cache, y, step=step, a=a):
            expression = checks.BACKWARD_STEPS[step][0].replace(f"(1 - {a}**2)",
                                                                 f"(1 - np.tanh({a})**2)")
            return checks._three_layer_net(params, cache["X"], y, (step, expression))[1]

        result = checks.check_backward(student)
        assert not result.passed and result.mistake.startswith(f"{step}: "), result.message
        assert f"applies tanh to {a}" in result.message and "expected" not in result.message


def test_named_only_lines_are_never_planted():
    planted = {checks.network_with_a_bug(seed)._wrong[1] for seed in range(300)}
    assert not planted & {e for wrongs in checks._NAMED_ONLY.values() for e, _ in wrongs}


def test_backward_must_leave_the_cache_alone():
    def in_place(params, cache, y):
        delta3 = cache["probs"]
        delta3[np.arange(len(y)), y] -= 1           # changes the cached probabilities
        return ref.backward(params, {**cache, "probs": delta3 + np.eye(3)[y]}, y)

    result = checks.check_backward(in_place)
    assert not result.passed and result.mistake == "changed cache"
    result = checks.check_backward(lambda params, cache, y: tuple(ref.backward(params, cache,
                                                                               y).values()))
    assert not result.passed and result.mistake == "not a dict"


def test_backward_accepts_torch_tensors_in_float64():
    torch = pytest.importorskip("torch")
    result = checks.check_backward(lambda params, cache, y: {
        k: torch.tensor(g) for k, g in ref.backward(params, cache, y).items()})
    assert result.passed, result.message


# ---- Exercise 2: gradient_check ----------------------------------------------------------------
def _gradient_check(error=relative_error, step=None, numerator=None, copy=False, restore=True,
                    names=None, dtype=None, indices=np.ndindex):
    """A gradient check built from its parts, each of which a test replaces by a mistake."""
    def check(net_fn, params, X, y, h=1e-5):
        h = step if step is not None else h
        if dtype is not None:                     # works on float32 copies of the weights
            params = {k: v.astype(dtype) for k, v in params.items()}
        _, grads = net_fn(params, X, y)
        base = net_fn(params, X, y)[0]
        errors = {}
        for name in names or params:
            p = params[name].copy() if copy else params[name]
            numerical = np.zeros(p.shape)
            for i in indices(p.shape):
                old = p[i]
                p[i] = old + h
                plus = net_fn(params, X, y)[0]
                p[i] = old - h
                minus = net_fn(params, X, y)[0]
                if restore:
                    p[i] = old
                numerical[i] = (numerator or (lambda pl, mi, b, h: (pl - mi) / (2 * h)))(
                    plus, minus, base, h)
            errors[name] = error(np.asarray(grads[name], dtype=float), numerical)
        return errors
    return check


def _elementwise(a, n):
    with np.errstate(invalid="ignore"):
        return float((np.abs(a - n) / np.maximum(np.abs(a), np.abs(n))).max())


def _norms_only(a, n):
    return abs(np.linalg.norm(a) - np.linalg.norm(n)) / max(np.linalg.norm(a), np.linalg.norm(n))


def _first_entry_only(a, n):
    return abs(a.flat[0] - n.flat[0]) / max(abs(a.flat[0]), abs(n.flat[0]))


def _sorted_values(a, n):
    return relative_error(np.sort(a.ravel()), np.sort(n.ravel()))


@pytest.mark.parametrize("student, mistake, phrase", [
    (_gradient_check(copy=True), "perturbed a copy", "the loss never saw the perturbation"),
    (_gradient_check(restore=False), "not restored", "params['W1'] was changed"),
    (_gradient_check(step=1e-5), "ignores h", "ignores its argument h"),
    (_gradient_check(error=lambda a, n: float(np.abs(a - n).max())), "absolute error",
     "depends on the units"),
    (_gradient_check(numerator=lambda pl, mi, b, h: (pl - b) / h), "forward difference",
     "one-sided difference"),
    (_gradient_check(numerator=lambda pl, mi, b, h: (pl - mi) / h), "divide by h",
     "divide their difference by 2h"),
    (_gradient_check(numerator=lambda pl, mi, b, h: (pl - b) / (2 * h)), "second loss at w",
     "half the true one"),
    (_gradient_check(numerator=lambda pl, mi, b, h: (pl - mi) / 2 * h), "precedence",
     "(a - b) / 2 * h divides by 2 and\nthen multiplies by h".replace("\n", " ")),
    (_gradient_check(numerator=lambda pl, mi, b, h: (pl - mi) / 2e-5), "mixed steps",
     "use the given h both to perturb"),
    (_gradient_check(error=_elementwise), "nan", "0/0 where both gradients are 0"),
    (_gradient_check(error=lambda a, n: float((np.abs(a - n) / np.maximum(
        np.maximum(np.abs(a), np.abs(n)), 1e-12)).max())), "elementwise", "large on a tiny entry"),
    (_gradient_check(error=_norms_only), "blind", "sign of one entry of b2's gradient flipped"),
    (_gradient_check(error=_first_entry_only), "blind", "sign of one entry of b2's gradient"),
    (_gradient_check(error=_sorted_values), "blind", "two entries of W1's gradient swapped"),
    (_gradient_check(error=lambda a, n: 0.0), "blind", "W2 gradient is 1.5 times too large"),
    (_gradient_check(names=("W1", "b1", "W2", "b2")), "fixed names",
     "loop over the names in params itself"),
    (_gradient_check(dtype=np.float32), "values", "expected below 1e-7"),
    (_gradient_check(indices=lambda shape: range(shape[0])), "whole rows",
     "`for i in range(len(p))` perturbs a row at a time"),
    (lambda net_fn, params, X, y, h=1e-5: [0.0] * 4, "not a dict", "return a dict"),
    (_gradient_check(error=lambda a, n: np.allclose(a, n)), "boolean",
     "returned True or False for W1"),
    (_gradient_check(error=lambda a, n: relative_error(a, n) < 1e-7), "boolean",
     "a verdict (np.allclose or a comparison), not an error"),
])
def test_gradient_check_mistakes(student, mistake, phrase):
    with np.errstate(all="ignore"):
        result = checks.check_gradient_check(student)
    assert not result.passed and result.mistake == mistake and phrase in result.message, \
        result.message


@pytest.mark.parametrize("student", [
    _gradient_check(),
    _gradient_check(error=lambda a, n: np.linalg.norm(a - n) / max(np.linalg.norm(a),
                                                                    np.linalg.norm(n))),
    _gradient_check(error=lambda a, n: np.linalg.norm(a - n) / (np.linalg.norm(a)
                                                                 + np.linalg.norm(n))),
])
def test_gradient_check_accepts_natural_correct_forms(student):
    assert checks.check_gradient_check(student).passed


def test_gradient_check_rejects_the_library_shortcut():
    # the one-line answer a reviewer found: the library's numerical_gradient skips the loop
    from coursekit.gradcheck import numerical_gradient

    def shortcut(net_fn, params, X, y, h=1e-5):
        grads = net_fn(params, X, y)[1]
        return {k: relative_error(grads[k], numerical_gradient(
            lambda _: net_fn(params, X, y)[0], params[k], h)) for k in params}

    def nested(net_fn, params, X, y, h=1e-5):
        def numeric(k):
            return numerical_gradient(lambda _: net_fn(params, X, y)[0], params[k], h)
        return {k: relative_error(net_fn(params, X, y)[1][k], numeric(k)) for k in params}

    for student in (shortcut, nested):
        result = checks.check_gradient_check(student)
        assert not result.passed and result.mistake == "library shortcut", result.message
        assert "the loop it hides is the exercise" in result.message


def test_gradient_check_accepts_a_restore_that_is_off_by_rounding():
    def arithmetic(net_fn, params, X, y, h=1e-5):
        _, grads = net_fn(params, X, y)
        errors = {}
        for name, p in params.items():
            numerical = np.zeros(p.shape)
            for i in np.ndindex(p.shape):
                p[i] += h
                plus = net_fn(params, X, y)[0]
                p[i] -= 2 * h
                minus = net_fn(params, X, y)[0]
                p[i] += h                       # back only up to rounding
                numerical[i] = (plus - minus) / (2 * h)
            errors[name] = relative_error(grads[name], numerical)
        return errors

    assert checks.check_gradient_check(arithmetic).passed


def test_the_checks_network_is_away_from_relu_kinks():
    params, X, _ = checks._net_data()
    assert np.abs(X @ params["W1"] + params["b1"]).min() > 1e-3


def test_checks_buggy_networks_keep_their_bug_away_from_zero():
    params, X, y = checks._net_data()
    _, grads = ref.two_layer_net(params, X, y)
    for name, _, net in checks._BUGGY_NETS:
        errors = ref.gradient_check(net, checks._copy(params), X, y)
        assert errors[name] > 0.1 and max(e for k, e in errors.items() if k != name) < 1e-8
    for name, _, net in checks._BUGGY_NETS[1:]:          # the sign flip and the swap
        wrong = net(params, X, y)[1][name]
        assert wrong.flat[0] == grads[name].flat[0]       # first entry intact
        assert np.isclose(np.linalg.norm(wrong), np.linalg.norm(grads[name]))   # same norm


# ---- Exercise 3: the planted bug ---------------------------------------------------------------
@pytest.mark.parametrize("step", list(checks._PLANTED))
def test_every_planted_bug_spoils_exactly_what_its_step_feeds(step):
    """On the check's data and on the notebook's (section 1's weights, 5 samples), every wrong
    expression spoils exactly the gradients its quantity feeds, with a wide margin."""
    from coursekit.data import blobs
    from coursekit.nn import MLP

    X_train, y_train, _, _ = blobs()
    X_train = (X_train - X_train.mean(axis=0)) / X_train.std(axis=0)
    notebook = (MLP([2, 8, 8, 3], activation="tanh", init="xavier_normal", seed=0).params,
                X_train[:5], y_train[:5])
    for params, X, y in (checks._three_layer_data(), notebook):
        for expression, _ in checks._PLANTED[step]:
            def net(p, X_, y_, wrong=(step, expression)):
                return checks._three_layer_net(p, X_, y_, wrong)
            errors = ref.gradient_check(net, checks._copy(params), X, y)
            feeds = checks.BACKWARD_STEPS[step][1]
            assert min(errors[k] for k in feeds) > 1e-2, expression
            assert max((errors[k] for k in errors if k not in feeds), default=0) < 1e-8


def test_the_steps_feed_different_sets_of_parameters():
    feeds = [frozenset(f) for _, f in checks.BACKWARD_STEPS.values()]
    assert len(set(feeds)) == len(feeds)


def test_the_bug_is_drawn_once_per_session_and_from_a_seed():
    drawn = {checks.network_with_a_bug(seed)._wrong for seed in range(300)}
    assert {step for step, _ in drawn} == set(checks.BACKWARD_STEPS)
    assert checks.network_with_a_bug(7)._wrong == checks.network_with_a_bug(7)._wrong
    assert checks.network_with_a_bug().seed == checks.network_with_a_bug().seed


@pytest.mark.parametrize("answer, mark, phrase", [
    ("delta1", "[PASS]", "The bug: delta1 = "),
    ("δ_1", "[PASS]", "The bug: delta1 = "),
    ("delta1 no fix", "[TODO]", "buggy_net computes it as"),
    ("db1", "[FAIL]", "db1 feeds only b1, but your errors show W1 wrong too"),
    ("delta2", "[FAIL]", "would spoil W2, b2, W1, b1, but your errors show only W1, b1"),
    ("dW3", "[FAIL]", "dW3 feeds W3, but your errors show W1, b1 wrong"),
    ("W1", "[FAIL]", "name one quantity of the backward pass"),
    (None, "[TODO]", "Set suspect to its name"),
])
def test_planted_bug_answers_print_the_students_errors(answer, mark, phrase, capsys):
    buggy, params, X, y, errors = _bug_case("delta1")
    fix = None if answer is None or answer.endswith("no fix") else _RIGHT1
    answer = answer.removesuffix(" no fix") if answer else answer
    checks.check_planted_bug(answer, errors, buggy, params, X, y, fix)
    out = capsys.readouterr().out
    assert mark in out and phrase in out, out
    if mark != "[PASS]" and "computes it as" not in phrase:
        assert "W1 " in out and "(wrong)" in out and "W3 below 1e-7" in out, out


def test_planted_bug_todo_before_any_evidence(capsys):
    buggy, params, X, y, _ = _bug_case("delta1")
    result = checks.check_planted_bug(None, None, buggy, params, X, y)
    assert not result.passed and result.mistake == "todo"
    assert "set errors3 to what your gradient_check returns" in capsys.readouterr().out


def test_planted_bug_dw_for_a_delta(capsys):
    buggy, params, X, y, errors = _bug_case("dW2")
    checks.check_planted_bug("delta2", errors, buggy, params, X, y)
    assert "a wrong delta2 would spoil W2, b2, W1, b1, but your errors show only W2" in \
        capsys.readouterr().out


def test_planted_bug_compares_the_pattern_not_the_numbers(capsys):
    buggy, params, X, y, errors = _bug_case("delta1")            # W1 and b1 wrong
    for honest in (
            _gradient_check(error=lambda a, n: np.linalg.norm(a - n) / (np.linalg.norm(a)
                                                                         + np.linalg.norm(n))),
            _gradient_check(error=lambda a, n: float((np.abs(a - n) / np.maximum(
                np.maximum(np.abs(a), np.abs(n)), 1e-12)).max()))):
        evidence = honest(buggy, checks._copy(params), X, y)
        assert checks.check_planted_bug("delta1", evidence, buggy, params, X, y, _RIGHT1).passed
    scaled = {k: 10 * v for k, v in errors.items()}              # other numbers, same pattern
    assert checks.check_planted_bug("delta1", scaled, buggy, params, X, y, _RIGHT1).passed
    stale = _bug_case("dW2")[4]                                   # another draw's errors
    result = checks.check_planted_bug("dW2", stale, buggy, params, X, y)
    assert not result.passed and result.mistake == "other evidence"
    assert "your errors mark W2 wrong, but" in result.message and "compute errors3 again" in \
        result.message
    capsys.readouterr()


def test_planted_bug_draws_mostly_deltas():
    drawn = [checks.network_with_a_bug(seed)._wrong[0] for seed in range(600)]
    assert 0.55 < np.mean([step.startswith("delta") for step in drawn]) < 0.8


@pytest.mark.parametrize("step", list(checks._PLANTED))
def test_planted_bug_fix_names_each_wrong_expression_and_accepts_the_right_one(step, capsys):
    buggy, params, X, y, errors = _bug_case(step)
    right = checks.BACKWARD_STEPS[step][0]
    assert checks.check_planted_bug(step, errors, buggy, params, X, y, right).passed
    for expression, what in checks._PLANTED[step]:
        result = checks.check_planted_bug(step, errors, buggy, params, X, y, expression)
        assert not result.passed and what in result.message, result.message
    capsys.readouterr()


def test_planted_bug_fix_other_forms(capsys):
    buggy, params, X, y, errors = _bug_case("delta2")
    for right in ("(delta3 @ W3.T) * (1 - np.tanh(z2)**2)", " delta3.dot(W3.T) * (1 - a2 * a2) "):
        assert checks.check_planted_bug("delta2", errors, buggy, params, X, y, right).passed
    result = checks.check_planted_bug("delta2", errors, buggy, params, X, y, "delta3 @ W3.T * 2")
    assert result.mistake == "fix still wrong" and "still marks W1, b1, W2, b2 wrong" in \
        result.message
    result = checks.check_planted_bug("delta2", errors, buggy, params, X, y, "(delta3 @ W3.T")
    assert result.mistake == "fix error" and "could not be computed" in result.message
    result = checks.check_planted_bug("delta2", errors, buggy, params, X, y, 0.5)
    assert result.mistake == "fix type"
    buggy, params, X, y, errors = _bug_case("db2")
    result = checks.check_planted_bug("db2", errors, buggy, params, X, y, "delta2.sum()")
    assert result.mistake == "fix shape" and "the shape ()" in result.message and "(8,)" in \
        result.message
    capsys.readouterr()


def test_planted_bug_rejects_missing_or_broken_evidence(capsys):
    buggy, params, X, y, errors = _bug_case("delta1")
    result = checks.check_planted_bug("delta1", None, buggy, params, X, y)
    assert not result.passed and "pass the evidence too" in result.message
    result = checks.check_planted_bug("delta1", {"W1": 0.1}, buggy, params, X, y)
    assert not result.passed and result.mistake == "no evidence"
    result = checks.check_planted_bug("delta1", {**errors, "W1": float("nan")}, buggy, params, X, y)
    assert not result.passed and "0/0" in result.message
    capsys.readouterr()


def test_planted_bug_takes_a_name_and_the_drawn_network():
    buggy, params, X, y, errors = _bug_case("dW1")
    with pytest.raises(TypeError, match="suspect must be the name of a quantity"):
        checks.check_planted_bug(ref.two_layer_net, errors, buggy, params, X, y)
    with pytest.raises(TypeError, match="network_with_a_bug"):
        checks.check_planted_bug("dW1", errors, ref.two_layer_net, params, X, y)
    with pytest.raises(TypeError, match="seed must be a whole number"):
        checks.network_with_a_bug("seven")
    with pytest.raises(TypeError, match="params must be a dict with the keys W1, b1, W2, b2, W3"):
        buggy({"W1": np.ones((2, 3))}, X, y)


# ---- Going further: sigmoid + binary cross-entropy ---------------------------------------------
def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _bce_with(dz_of):
    """The right loss with a wrong dz = dz_of(p, y, z, n)."""
    def student(z, y):
        loss, _ = ref.sigmoid_bce(z, y)
        return loss, dz_of(_sigmoid(z), y, z, len(z))
    return student


def _bce_naive(z, y):
    p = _sigmoid(z)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), (p - y) / len(z)


def _bce_summed(z, y):
    loss, dz = ref.sigmoid_bce(z, y)
    return loss * len(z), dz * len(z)


def _bce_epsilon(z, y):
    p = _sigmoid(z)
    return -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)), (p - y) / len(z)


def _bce_per_sample(z, y):
    loss, dz = ref.sigmoid_bce(z, y)
    return np.full(len(z), loss), dz


def _bce_one_term(z, y):
    _, dz = ref.sigmoid_bce(z, y)
    return -np.mean(y * np.log(_sigmoid(z))), dz


@pytest.mark.parametrize("student, phrase", [
    (_bce_with(lambda p, y, z, n: p - y), "dz is N times too large"),
    (_bce_with(lambda p, y, z, n: (y - p) / n), "dz has the wrong sign"),
    (_bce_with(lambda p, y, z, n: p / n), "the part that comes from the label y is missing"),
    (_bce_with(lambda p, y, z, n: -(y / p - (1 - y) / (1 - p)) / n), "that is dL/dp"),
    (_bce_with(lambda p, y, z, n: (p - y) * p * (1 - p) / n), "extra factor p(1 - p)"),
    (_bce_with(lambda p, y, z, n: (z - y) / n), "uses the logit z"),
    (_bce_with(lambda p, y, z, n: ((p - y) / n).astype(np.float32)), "compute in float64"),
    (_bce_summed, "loss is N times too large"),
    (_bce_one_term, "only the y·log(p) term"),
    (_bce_per_sample, "the loss must be one number"),
    (_bce_naive, "np.logaddexp"),
    (_bce_epsilon, "caps it"),
    (lambda z, y: ref.sigmoid_bce(z, y)[1], "return two things"),
])
def test_sigmoid_bce_mistakes(student, phrase):
    with np.errstate(all="ignore"):
        result = checks.check_sigmoid_bce(student, ref.gradient_check)
    assert not result.passed and phrase in result.message, result.message


def test_sigmoid_bce_reports_the_students_own_gradient_check():
    result = checks.check_sigmoid_bce(_bce_with(lambda p, y, z, n: p - y), ref.gradient_check)
    assert "your gradient_check of your loss flags this dz too" in result.message


@pytest.mark.parametrize("student", [
    lambda z, y: list(ref.sigmoid_bce(z, y)),
    lambda z, y: (np.mean(np.logaddexp(0, z) - y * z), (np.exp(-np.logaddexp(0, -z)) - y) / len(z)),
    lambda z, y: (np.float64(ref.sigmoid_bce(z, y)[0]), ref.sigmoid_bce(z, y)[1]),
])
def test_sigmoid_bce_accepts_natural_correct_forms(student):
    assert checks.check_sigmoid_bce(student, ref.gradient_check).passed


def _torch_bce(dtype):
    def student(z, y):
        import torch

        zt = torch.tensor(z, dtype=dtype, requires_grad=True)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            zt, torch.tensor(y, dtype=dtype))
        loss.backward()
        return loss.item() if dtype == torch.float64 else loss.detach(), zt.grad
    return student


def test_sigmoid_bce_accepts_torch_in_float64_and_names_float32_without_blaming_dz():
    torch = pytest.importorskip("torch")
    assert checks.check_sigmoid_bce(_torch_bce(torch.float64), ref.gradient_check).passed
    result = checks.check_sigmoid_bce(_torch_bce(torch.float32), ref.gradient_check)
    assert not result.passed and result.mistake == "float32"
    assert "gradient_check" not in result.message and "disagrees" not in result.message

    def with_graph(z, y):
        loss, dz = _torch_bce(torch.float64)(z, y)
        return torch.tensor(loss, requires_grad=True), dz
    result = checks.check_sigmoid_bce(with_graph)
    assert not result.passed and "requires grad" in result.message


# ---- Going further: the building blocks of a two-layer ReLU network ----------------------------
@pytest.mark.parametrize("student, phrase", [
    (lambda d, x, W: (d @ W.T, (x.T @ d).T, d.sum(0)), "dW is transposed"),
    (lambda d, x, W: (d @ W.T, x.T @ d / len(x), d.sum(0)), "dW is N times too small"),
    (lambda d, x, W: (d @ W.T, x.T @ d * len(x), d.sum(0)), "dW is N times too large"),
    (lambda d, x, W: (d @ W.T / len(x), x.T @ d, d.sum(0)), "dx is N times too small"),
    (lambda d, x, W: (d @ W.T, x.T @ d, d), "db must have b's shape"),
    (lambda d, x, W: (d @ W.T, x.T @ d, d.sum(0, keepdims=True)), "without keepdims=True"),
    (lambda d, x, W: (d @ W.T, x.T @ d, d.mean(0)), "db is N times too small"),
    (lambda d, x, W: (d @ W, x.T @ d, d.sum(0)), "x is (N, D), W is (D, H)"),
    (lambda d, x, W: (d @ W.T, x.T @ d), "return three arrays"),
    (lambda d, x, W: (-(d @ W.T), x.T @ d, d.sum(0)),
     "dx has the wrong sign: your result is the negative of the expected one"),
    (lambda d, x, W: [g.astype(np.float32) for g in (d @ W.T, x.T @ d, d.sum(0))],
     "compute in float64"),
])
def test_affine_backward_mistakes(student, phrase):
    result = checks.check_affine_backward(student)
    assert not result.passed and phrase in result.message, result.message


@pytest.mark.parametrize("student, phrase", [
    (lambda d, z: (z > 0).astype(float), "you returned the mask"),
    (lambda d, z: d * z, "not by z itself"),
    (lambda d, z: np.maximum(d, 0), "not from the sign of dout"),
    (lambda d, z: d * (z >= 0), "at z = 0 use the derivative 0"),
    (lambda d, z: (d * (z > 0)).astype(np.float32), "compute in float64"),
])
def test_relu_backward_mistakes(student, phrase):
    result = checks.check_relu_backward(student)
    assert not result.passed and phrase in result.message


def _softmax_with(loss_of=None, grad_of=None):
    def student(logits, y):
        loss, grad = ref.softmax_cross_entropy(logits, y)
        shifted = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        return (loss_of(p, y, loss) if loss_of else loss), (grad_of(p, y, grad) if grad_of
                                                             else grad)
    return student


def _naive_softmax(logits, y):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    g = p.copy()
    g[np.arange(len(y)), y] -= 1
    return -np.log(p[np.arange(len(y)), y]).mean(), g / len(y)


def _whole_columns(p, y, grad):
    d = p.copy()
    d[:, y] -= 1
    return d / len(y)


@pytest.mark.parametrize("student, phrase", [
    (_naive_softmax, "subtract each row's maximum"),
    (_softmax_with(loss_of=lambda p, y, loss: loss * len(y),
                   grad_of=lambda p, y, g: g * len(y)), "take the mean over the batch"),
    (_softmax_with(grad_of=lambda p, y, g: p / len(y)), "subtract 1 at the true class"),
    (_softmax_with(loss_of=lambda p, y, loss: -np.log(p[np.arange(len(y)), y]).mean()),
     "log-sum-exp"),
    (_softmax_with(loss_of=lambda p, y, loss: -np.log(p[np.arange(len(y)), y] + 1e-12).mean()),
     "added inside the log (or a clipped p) caps it"),
    (_softmax_with(loss_of=lambda p, y, loss: -np.log(p[np.arange(len(y)), y] + 1e-300).mean()),
     "added inside the log (or a clipped p) caps it"),
    (_softmax_with(grad_of=_whole_columns), "d[:, y] -= 1 subtracts 1 in whole columns"),
    (_softmax_with(loss_of=lambda p, y, loss: -np.log(p[:, y]).mean()),
     "log_probs[:, y] picks an N x N block"),
    (_softmax_with(grad_of=lambda p, y, g: -g), "dlogits has the wrong sign"),
    (_softmax_with(grad_of=lambda p, y, g: g.astype(np.float32)), "compute in float64"),
])
def test_softmax_mistakes(student, phrase):
    with np.errstate(all="ignore"):
        result = checks.check_softmax_cross_entropy(student)
    assert not result.passed and phrase in result.message, result.message


def test_softmax_and_two_layer_net_accept_a_list():
    assert checks.check_softmax_cross_entropy(
        lambda logits, y: list(ref.softmax_cross_entropy(logits, y))).passed
    assert checks.check_two_layer_net(lambda p, X, y: list(ref.two_layer_net(p, X, y))).passed


def _net_with(change):
    def student(params, X, y):
        loss, grads = ref.two_layer_net(params, X, y)
        z1 = X @ params["W1"] + params["b1"]
        a1 = np.maximum(z1, 0)
        _, dlogits = ref.softmax_cross_entropy(a1 @ params["W2"] + params["b2"], y)
        da1 = dlogits @ params["W2"].T
        change(grads, X, z1, dlogits, da1, params)
        return loss, grads
    return student


@pytest.mark.parametrize("student, phrase", [
    (_net_with(lambda g, X, z1, d, da1, p: g.update(W1=X.T @ da1)), "dW1 skips the ReLU"),
    (_net_with(lambda g, X, z1, d, da1, p: g.update(W2=z1.T @ d)), "not the pre-activation z1"),
    (_net_with(lambda g, X, z1, d, da1, p: g.update(W1=X.T @ (da1 * (da1 > 0)))),
     "mask must come from z1"),
    (_net_with(lambda g, X, z1, d, da1, p: g.update(b1=da1.sum(axis=0))), "db1 skips the ReLU"),
    (_net_with(lambda g, X, z1, d, da1, p: p["W1"].__isub__(0.1)), "must not update weights"),
    (_net_with(lambda g, X, z1, d, da1, p: g.pop("b2")), "grads must have the keys W1, b1, W2, b2"),
    (_net_with(lambda g, X, z1, d, da1, p: g.update(W1=-g["W1"])),
     "W1's gradient has the wrong sign"),
    (_net_with(lambda g, X, z1, d, da1, p: g.update(W2=g["W2"].astype(np.float32))),
     "compute in float64"),
    (lambda params, X, y: ref.two_layer_net(params, X, y)[1], "return two things"),
])
def test_two_layer_net_mistakes(student, phrase):
    result = checks.check_two_layer_net(student)
    assert not result.passed and phrase in result.message, result.message


def test_two_layer_net_names_a_broken_building_block():
    def uses_a_broken_block(params, X, y):
        raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0")

    result = checks.check_two_layer_net(uses_a_broken_block)
    assert "run the checks of the building blocks first" in result.message


def test_check_result_is_falsey_on_failure_and_displays_nothing():
    result = checks.run_checks("demo", lambda: None, [lambda fn: "wrong"])
    assert not result and result.message == "[FAIL] demo: wrong"
    assert result._ipython_display_() is None


# ---- classes found in real student code (tests/corpus_backprop.py cites them) ---------------
@pytest.mark.parametrize("student, mistake, phrase", [
    (lambda d, z: d * ((z > 0) & (z < 6)), "relu6", "ReLU6"),
    (lambda d, z: np.where(z > 0, d, 0.01 * d), "leaky", "leaky ReLU"),
])
def test_relu_backward_names_other_activations(student, mistake, phrase):
    result = checks.check_relu_backward(student)
    assert not result.passed and result.mistake == mistake and phrase in result.message


@pytest.mark.parametrize("form", range(4))
def test_softmax_names_the_column_block_in_every_written_form(form):
    def student(logits, y):
        return (checks._column_block_losses(logits, y)[form],
                ref.softmax_cross_entropy(logits, y)[1])

    result = checks.check_softmax_cross_entropy(student)
    assert not result.passed and result.mistake == "[:, y] block", result.message


def test_two_layer_net_names_a_forward_pass_without_the_relu():
    def student(params, X, y):
        loss, grads = ref.two_layer_net(params, X, y)
        z1 = X @ params["W1"] + params["b1"]
        return ref.softmax_cross_entropy(z1 @ params["W2"] + params["b2"], y)[0], grads

    result = checks.check_two_layer_net(student)
    assert not result.passed and result.mistake == "no relu forward"


def test_gradient_check_names_one_number_for_every_parameter():
    def one_number(net_fn, params, X, y, h=1e-5):
        errors = ref.gradient_check(net_fn, params, X, y, h)
        worst = max(float(e) for e in errors.values())
        return {name: worst for name in params}

    result = checks.check_gradient_check(one_number)
    assert not result.passed and result.mistake == "one number"
    assert "same error" in result.message


@pytest.mark.parametrize("check, student", [
    (checks.check_softmax_cross_entropy, _naive_softmax),
    (checks.check_softmax_cross_entropy,
     _softmax_with(loss_of=lambda p, y, loss: -np.log(p[np.arange(len(y)), y]).mean())),
])
def test_large_logit_messages_carry_their_cause(check, student):
    with np.errstate(all="ignore"):
        result = check(student)
    assert not result.passed and result.mistake in ("overflow", "log of 0")


# ---- Warm-up: the derivative of tanh ------------------------------------------------------------
@pytest.mark.parametrize("student", [
    lambda a: 1 - a**2, lambda a: (1 - a) * (1 + a), lambda a: 1 / np.cosh(np.arctanh(a)) ** 2,
    lambda a: [1 - v * v for v in a],
])
def test_tanh_derivative_accepts_every_natural_form(student):
    assert checks.check_tanh_derivative(student).passed


@pytest.mark.parametrize("student, phrase", [
    (lambda a: 1 - np.tanh(a) ** 2, "a is already tanh(z)"),
    (lambda a: 1 / np.cosh(a) ** 2, "a is already tanh(z)"),
    (lambda a: a * (1 - a), "derivative of the sigmoid"),
    (lambda a: 1 - a, "its derivative is even"),
    (lambda a: 1 + a**2, "falls towards 0"),
    (lambda a: a**2 - 1, "wrong sign"),
    (lambda a: (1 - a**2).astype(np.float32), "compute in float64"),
])
def test_tanh_derivative_names_each_mistake(student, phrase):
    result = checks.check_tanh_derivative(student)
    assert not result.passed and phrase in result.message, result.message


def test_planted_bug_fix_may_use_len_and_y_but_not_a_fixed_batch_size(capsys):
    buggy, params, X, y, errors = _bug_case("delta3")
    for right in ("(p - onehot) / len(y)", "(p - np.eye(3)[y]) / N"):
        assert checks.check_planted_bug("delta3", errors, buggy, params, X, y, right).passed
    result = checks.check_planted_bug("delta3", errors, buggy, params, X, y,
                                      f"(p - onehot) / {len(y)}")
    assert result.mistake == "fix batch size" and "not a number" in result.message
    capsys.readouterr()
