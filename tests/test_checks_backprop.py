"""The checks of notebook 01 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import backprop as checks
from coursekit.gradcheck import relative_error
from coursekit.solutions import backprop as ref


def _not_attempted(*args):
    raise NotImplementedError


def test_every_check_accepts_its_reference_solution(capsys):
    assert checks.check_affine_backward(ref.affine_backward).passed
    assert checks.check_relu_backward(ref.relu_backward).passed
    assert checks.check_softmax_cross_entropy(ref.softmax_cross_entropy).passed
    assert checks.check_centered_difference(ref.centered_difference).passed
    assert checks.check_two_layer_net(ref.two_layer_net).passed
    assert checks.check_gradient_check(ref.gradient_check).passed
    assert checks.check_sigmoid_bce(ref.sigmoid_bce).passed
    assert checks.check_sigmoid_bce(ref.sigmoid_bce, ref.centered_difference).passed
    buggy = checks.network_with_a_bug(seed=4)
    params, X, y = checks._three_layer_data()
    errors = ref.gradient_check(buggy, params, X, y)
    assert checks.check_planted_bug(buggy._wrong[0], errors, buggy, params, X, y).passed
    assert capsys.readouterr().out.count("[PASS]") == 9


@pytest.mark.parametrize("check", [checks.check_affine_backward, checks.check_relu_backward,
                                   checks.check_softmax_cross_entropy,
                                   checks.check_centered_difference, checks.check_two_layer_net,
                                   checks.check_gradient_check, checks.check_sigmoid_bce])
def test_unattempted_exercise_says_todo(check, capsys):
    result = check(_not_attempted)
    assert not result.passed and "[TODO]" in result.message
    assert "[TODO]" in capsys.readouterr().out


@pytest.mark.parametrize("student, phrase", [
    (lambda d, x, W: (d @ W.T, (x.T @ d).T, d.sum(0)), "dW is transposed"),
    (lambda d, x, W: (d @ W.T, x.T @ d / len(x), d.sum(0)), "dW is N times too small"),
    (lambda d, x, W: (d @ W.T, x.T @ d, d), "db must have b's shape"),
    (lambda d, x, W: (d @ W.T, x.T @ d, d.mean(0)), "db is N times too small"),
    (lambda d, x, W: (d @ W, x.T @ d, d.sum(0)), "x is (N, D), W is (D, H)"),
    (lambda d, x, W: (d @ W.T, x.T @ d), "return three arrays"),
    (lambda d, x, W: (-(d @ W.T), x.T @ d, d.sum(0)),
     "dx has the wrong sign: your result is the negative of the expected one"),
    (lambda d, x, W: (d @ W.T, x.T @ d, -d.sum(0)), "db has the wrong sign"),
    (lambda d, x, W: [g.astype(np.float32) for g in (d @ W.T, x.T @ d, d.sum(0))],
     "compute in float64"),
])
def test_affine_backward_mistakes(student, phrase):
    result = checks.check_affine_backward(student)
    assert not result.passed and phrase in result.message


@pytest.mark.parametrize("student, phrase", [
    (lambda d, z: (z > 0).astype(float), "you returned the mask"),
    (lambda d, z: d * z, "not by z itself"),
    (lambda d, z: np.maximum(d, 0), "not from the sign of dout"),
    (lambda d, z: d * (z >= 0), "at z = 0 use the derivative 0"),
])
def test_relu_backward_mistakes(student, phrase):
    result = checks.check_relu_backward(student)
    assert not result.passed and phrase in result.message


def _naive_softmax(logits, y):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    n = len(y)
    g = p.copy()
    g[np.arange(n), y] -= 1
    return -np.log(p[np.arange(n), y]).mean(), g / n


def _summed_loss(logits, y):
    loss, grad = ref.softmax_cross_entropy(logits, y)
    return loss * len(y), grad * len(y)


def _no_onehot(logits, y):
    loss, _ = ref.softmax_cross_entropy(logits, y)
    p = np.exp(logits - logits.max(1, keepdims=True))
    return loss, p / p.sum(1, keepdims=True) / len(y)


def _max_subtracted_log_of_p(logits, y):
    """The common answer: subtract the max, form p, then -log p[y] (p[y] can underflow to 0)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = len(y)
    d = p.copy()
    d[np.arange(n), y] -= 1
    return -np.log(p[np.arange(n), y]).mean(), d / n


def _epsilon_in_the_log(logits, y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    _, grad = ref.softmax_cross_entropy(logits, y)
    return -np.log(p[np.arange(len(y)), y] + 1e-12).mean(), grad


def _whole_columns(logits, y):
    loss, _ = ref.softmax_cross_entropy(logits, y)
    p = np.exp(logits - logits.max(1, keepdims=True))
    d = p / p.sum(1, keepdims=True)
    d[:, y] -= 1
    return loss, d / len(y)


def _block_loss(logits, y):
    _, grad = ref.softmax_cross_entropy(logits, y)
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return -np.log(p[:, y]).mean(), grad


def _flipped_gradient(logits, y):
    loss, grad = ref.softmax_cross_entropy(logits, y)
    return loss, -grad


@pytest.mark.parametrize("student, phrase", [
    (_naive_softmax, "subtract each row's maximum"),
    (_summed_loss, "take the mean over the batch"),
    (_no_onehot, "subtract 1 at the true class"),
    (_max_subtracted_log_of_p, "log-sum-exp"),
    (_epsilon_in_the_log, "added inside the log (or a clipped p) caps it"),
    (_whole_columns, "d[:, y] -= 1 subtracts 1 in whole columns"),
    (_block_loss, "log_probs[:, y] picks an N x N block"),
    (_flipped_gradient, "dlogits has the wrong sign: your result is the negative"),
])
def test_softmax_mistakes(student, phrase):
    with np.errstate(all="ignore"):
        result = checks.check_softmax_cross_entropy(student)
    assert not result.passed and phrase in result.message


def _forward(f, x, h=1e-5):
    from coursekit.checks.backprop import _forward_difference

    return _forward_difference(f, x, h)


def _by_h(f, x, h=1e-5):
    return 2 * ref.centered_difference(f, x, h)


def _no_restore(f, x, h=1e-5):
    grad = ref.centered_difference(f, x, h)
    x += h
    return grad


def _perturbs_a_copy(f, x, h=1e-5):
    """Right for a function of its argument, 0 for a function that reads x itself."""
    return ref.centered_difference(f, x.copy(), h)


def _builds_new_arrays(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def _restores_by_arithmetic(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        x[i] += h                      # back only up to rounding
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


@pytest.mark.parametrize("student, phrase", [
    (_forward, "forward difference"), (_by_h, "divide by 2h"), (_no_restore, "x was changed"),
    (_restores_by_arithmetic, "x[i] is back only up to rounding"),
    (_perturbs_a_copy, "you perturbed a copy"), (_builds_new_arrays, "you perturbed a copy"),
])
def test_centered_difference_mistakes(student, phrase):
    result = checks.check_centered_difference(student)
    assert not result.passed and phrase in result.message


def test_check_rejects_a_non_function():
    with pytest.raises(TypeError, match="pass your function itself"):
        checks.check_relu_backward(np.zeros(3))


def test_check_result_is_falsey_on_failure_and_displays_nothing():
    result = checks.run_checks("demo", lambda: None, [lambda fn: "wrong"])
    assert not result and result.message == "[FAIL] demo: wrong"
    assert result._ipython_display_() is None


# ---- Exercises 3 and 4 -------------------------------------------------------------------------
def _net_skipping_relu(params, X, y):
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.maximum(z1, 0)
    loss, dlogits = ref.softmax_cross_entropy(a1 @ params["W2"] + params["b2"], y)
    da1, dW2, db2 = ref.affine_backward(dlogits, a1, params["W2"])
    _, dW1, db1 = ref.affine_backward(da1, X, params["W1"])
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def _net_with_z_for_a(params, X, y):
    loss, grads = ref.two_layer_net(params, X, y)
    z1 = X @ params["W1"] + params["b1"]
    _, dlogits = ref.softmax_cross_entropy(np.maximum(z1, 0) @ params["W2"] + params["b2"], y)
    grads["W2"] = z1.T @ dlogits
    return loss, grads


def _net_mask_from_gradient(params, X, y):
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.maximum(z1, 0)
    loss, dlogits = ref.softmax_cross_entropy(a1 @ params["W2"] + params["b2"], y)
    da1, dW2, db2 = ref.affine_backward(dlogits, a1, params["W2"])
    _, dW1, db1 = ref.affine_backward(ref.relu_backward(da1, da1), X, params["W1"])
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def _net_bias_before_mask(params, X, y):
    loss, grads = ref.two_layer_net(params, X, y)
    z1 = X @ params["W1"] + params["b1"]
    _, dlogits = ref.softmax_cross_entropy(np.maximum(z1, 0) @ params["W2"] + params["b2"], y)
    grads["b1"] = (dlogits @ params["W2"].T).sum(axis=0)
    return loss, grads


def _net_that_updates(params, X, y):
    loss, grads = ref.two_layer_net(params, X, y)
    params["W1"] -= 0.1 * grads["W1"]
    return loss, grads


def _net_without_b2(params, X, y):
    loss, grads = ref.two_layer_net(params, X, y)
    del grads["b2"]
    return loss, grads


def _net_flipped_w1(params, X, y):
    loss, grads = ref.two_layer_net(params, X, y)
    grads["W1"] = -grads["W1"]
    return loss, grads


@pytest.mark.parametrize("student, phrase", [
    (_net_skipping_relu, "dW1 skips the ReLU"),
    (_net_with_z_for_a, "not the pre-activation z1"),
    (_net_mask_from_gradient, "mask must come from z1"),
    (_net_bias_before_mask, "db1 skips the ReLU"),
    (_net_that_updates, "must not update weights"),
    (_net_without_b2, "grads must have the keys W1, b1, W2, b2"),
    (_net_flipped_w1, "W1's gradient has the wrong sign"),
    (lambda params, X, y: ref.two_layer_net(params, X, y)[1], "return (loss, grads)"),
])
def test_two_layer_net_mistakes(student, phrase):
    result = checks.check_two_layer_net(student)
    assert not result.passed and phrase in result.message, result.message


def test_two_layer_net_names_a_broken_building_block():
    def uses_a_broken_block(params, X, y):
        raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0")

    result = checks.check_two_layer_net(uses_a_broken_block)
    assert "run the checks of Exercise 1 first" in result.message


def _check_on_a_copy(net_fn, params, X, y, h=1e-5):
    _, grads = net_fn(params, X, y)
    errors = {}
    for name in params:
        numerical = ref.centered_difference(lambda _: net_fn(params, X, y)[0],
                                            params[name].copy(), h)
        errors[name] = relative_error(grads[name], numerical)
    return errors


def _check_that_leaves_params_changed(net_fn, params, X, y, h=1e-5):
    errors = ref.gradient_check(net_fn, params, X, y, h)
    params["b2"] += h
    return errors


def _check_with_float32(net_fn, params, X, y, h=1e-5):
    small = {k: v.astype(np.float32) for k, v in params.items()}
    errors = ref.gradient_check(net_fn, small, X.astype(np.float32), y, h)
    return errors


def _check_that_sees_nothing(net_fn, params, X, y, h=1e-5):
    return {name: 0.0 for name in params}


def _check_by_norms(net_fn, params, X, y, h=1e-5):
    """Compares only the sizes of the two gradients: blind to a flipped sign."""
    _, grads = net_fn(params, X, y)
    errors = {}
    for name in params:
        numerical = ref.centered_difference(lambda _: net_fn(params, X, y)[0], params[name], h)
        a, n = np.linalg.norm(grads[name]), np.linalg.norm(numerical)
        errors[name] = abs(a - n) / max(a, n)
    return errors


def _check_first_entry_only(net_fn, params, X, y, h=1e-5):
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        first = (0,) * p.ndim
        old = p[first]
        p[first] = old + h
        f_plus = net_fn(params, X, y)[0]
        p[first] = old - h
        f_minus = net_fn(params, X, y)[0]
        p[first] = old
        n = (f_plus - f_minus) / (2 * h)
        errors[name] = abs(grads[name][first] - n) / max(abs(grads[name][first]), abs(n))
    return errors


def _check_sorted_values(net_fn, params, X, y, h=1e-5):
    """Compares the sorted values: blind to entries in the wrong places."""
    _, grads = net_fn(params, X, y)
    errors = {}
    for name in params:
        numerical = ref.centered_difference(lambda _: net_fn(params, X, y)[0], params[name], h)
        errors[name] = relative_error(np.sort(grads[name].ravel()), np.sort(numerical.ravel()))
    return errors


def _check_elementwise(net_fn, params, X, y, h=1e-5):
    _, grads = net_fn(params, X, y)
    errors = {}
    with np.errstate(invalid="ignore"):
        for name in params:
            numerical = ref.centered_difference(lambda _: net_fn(params, X, y)[0],
                                                params[name], h)
            a = grads[name]
            errors[name] = (np.abs(a - numerical) / np.maximum(np.abs(a), np.abs(numerical))).max()
    return errors


@pytest.mark.parametrize("student, phrase", [
    (_check_on_a_copy, "the loss never saw the perturbation"),
    (_check_that_leaves_params_changed, "params['b2'] was changed"),
    (_check_with_float32, "expected below 1e-7"),
    (_check_that_sees_nothing, "W2 gradient is 1.5 times too large"),
    (_check_by_norms, "sign of one entry of b2's gradient flipped"),
    (_check_first_entry_only, "sign of one entry of b2's gradient flipped"),
    (_check_sorted_values, "two entries of W1's gradient swapped"),
    (_check_elementwise, "0/0 where both gradients are 0"),
    (lambda net_fn, params, X, y, h=1e-5: [0.0] * 4, "return a dict"),
])
def test_gradient_check_mistakes(student, phrase):
    result = checks.check_gradient_check(student)
    assert not result.passed and phrase in result.message, result.message


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


def test_new_checks_reject_a_non_function():
    with pytest.raises(TypeError, match="pass your function itself"):
        checks.check_two_layer_net({"W1": np.ones((2, 2))})
    with pytest.raises(TypeError, match="pass your function itself"):
        checks.check_gradient_check(1e-5)


def _check_with_fixed_names(net_fn, params, X, y, h=1e-5):
    """Loops over the names of the two-layer network instead of over params."""
    _, grads = net_fn(params, X, y)
    errors = {}
    for name in ("W1", "b1", "W2", "b2"):
        numerical = ref.centered_difference(lambda _: net_fn(params, X, y)[0], params[name], h)
        errors[name] = relative_error(grads[name], numerical)
    return errors


def _check_by_norm_ratio(net_fn, params, X, y, h=1e-5):
    """CS231n's norm form ||a - n|| / max(||a||, ||n||): a correct answer too."""
    _, grads = net_fn(params, X, y)
    errors = {}
    for name in params:
        numerical = ref.centered_difference(lambda _: net_fn(params, X, y)[0], params[name], h)
        a, n = grads[name], numerical
        errors[name] = np.linalg.norm(a - n) / max(np.linalg.norm(a), np.linalg.norm(n))
    return errors


def test_gradient_check_must_loop_over_params():
    result = checks.check_gradient_check(_check_with_fixed_names)
    assert not result.passed and "loop over the names in params itself" in result.message


def test_gradient_check_accepts_a_norm_based_error():
    assert checks.check_gradient_check(_check_by_norm_ratio).passed


# ---- Exercise 4: sigmoid + binary cross-entropy ----------------------------------------------
def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _bce_naive(z, y):
    p = _sigmoid(z)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), (p - y) / len(z)


def _bce_with(dz_of):
    """The right loss with a wrong dz = dz_of(p, y, z, n)."""
    def student(z, y):
        loss, _ = ref.sigmoid_bce(z, y)
        return loss, dz_of(_sigmoid(z), y, z, len(z))
    return student


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
    (_bce_summed, "loss is N times too large"),
    (_bce_one_term, "only the y·log(p) term"),
    (_bce_per_sample, "the loss must be one number"),
    (_bce_naive, "np.logaddexp"),
    (_bce_epsilon, "caps it"),
    (lambda z, y: ref.sigmoid_bce(z, y)[1], "return two things"),
])
def test_sigmoid_bce_mistakes(student, phrase):
    with np.errstate(all="ignore"):
        result = checks.check_sigmoid_bce(student, ref.centered_difference)
    assert not result.passed and phrase in result.message, result.message


def test_sigmoid_bce_reports_the_students_own_gradient_check():
    result = checks.check_sigmoid_bce(_bce_with(lambda p, y, z, n: p - y), ref.centered_difference)
    assert "your gradient check of your loss disagrees with it" in result.message


@pytest.mark.parametrize("student", [
    lambda z, y: list(ref.sigmoid_bce(z, y)),
    lambda z, y: (np.mean(np.logaddexp(0, z) - y * z), (np.exp(-np.logaddexp(0, -z)) - y) / len(z)),
    lambda z, y: (np.float64(ref.sigmoid_bce(z, y)[0]), ref.sigmoid_bce(z, y)[1]),
])
def test_sigmoid_bce_accepts_natural_correct_forms(student):
    assert checks.check_sigmoid_bce(student, ref.centered_difference).passed


def test_sigmoid_bce_accepts_torch():
    torch = pytest.importorskip("torch")

    def with_autograd(z, y):
        zt = torch.tensor(z, requires_grad=True)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            zt, torch.tensor(y, dtype=torch.float64))
        loss.backward()
        return loss.item(), zt.grad
    assert checks.check_sigmoid_bce(with_autograd).passed

    def with_graph(z, y):
        loss, dz = with_autograd(z, y)
        return torch.tensor(loss, requires_grad=True), dz
    result = checks.check_sigmoid_bce(with_graph)
    assert not result.passed and "requires grad" in result.message


# ---- Exercise 5: the planted bug ---------------------------------------------------------------
def _bug_case(seed):
    buggy = checks.network_with_a_bug(seed)
    params, X, y = checks._three_layer_data()
    return buggy, params, X, y, ref.gradient_check(buggy, params, X, y)


def test_the_three_layer_network_is_section_2s_and_coursekits():
    from coursekit.nn import MLP

    params, X, y = checks._three_layer_data()
    net = MLP([2, 8, 8, 3], activation="tanh")
    net.params = {k: v.copy() for k, v in params.items()}
    loss, grads = checks._three_layer_net(params, X, y)
    mlp_loss, mlp_grads = net.loss_and_grads(X, y)
    assert np.isclose(loss, mlp_loss)
    assert max(relative_error(grads[k], mlp_grads[k]) for k in grads) < 1e-13


@pytest.mark.parametrize("step", list(checks._PLANTED))
def test_every_planted_bug_spoils_exactly_what_its_step_feeds(step):
    """On the check's data and on the notebook's (section 2's weights, 5 samples), every wrong
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
            errors = ref.gradient_check(net, {k: v.copy() for k, v in params.items()}, X, y)
            feeds = checks.BACKWARD_STEPS[step][1]
            assert min(errors[k] for k in feeds) > 1e-2, expression
            assert max((errors[k] for k in errors if k not in feeds), default=0) < 1e-8


def test_the_steps_feed_different_sets_of_parameters():
    feeds = [frozenset(f) for _, f in checks.BACKWARD_STEPS.values()]
    assert len(set(feeds)) == len(feeds)


def test_the_bug_is_drawn_from_the_seed():
    drawn = {checks.network_with_a_bug(seed)._wrong for seed in range(200)}
    assert {step for step, _ in drawn} == set(checks.BACKWARD_STEPS)
    assert checks.network_with_a_bug(7)._wrong == checks.network_with_a_bug(7)._wrong
    assert checks.network_with_a_bug().seed != checks.network_with_a_bug().seed


@pytest.mark.parametrize("answer, mark, phrase", [
    ("delta1", "[PASS]", "The bug: delta1 = "),
    ("δ_1", "[PASS]", "The bug: delta1 = "),
    ("db1", "[FAIL]", "db1 feeds only b1, but your errors show W1 wrong too"),
    ("delta2", "[FAIL]", "would spoil W2, b2, W1, b1, but your errors show only W1, b1"),
    ("dW3", "[FAIL]", "dW3 feeds W3, but your errors show W1, b1 wrong"),
    ("W1", "[FAIL]", "name one quantity of the backward pass"),
    (None, "[TODO]", "set errors to its result and suspect to the quantity"),
])
def test_planted_bug_answers(answer, mark, phrase, capsys):
    buggy, params, X, y, errors = _bug_case(4)
    assert buggy._wrong[0] == "delta1"
    checks.check_planted_bug(answer, errors, buggy, params, X, y)
    out = capsys.readouterr().out
    assert mark in out and phrase in out, out


def test_planted_bug_dw_for_a_delta(capsys):
    buggy, params, X, y, errors = _bug_case(1)
    assert buggy._wrong[0] == "dW2"
    checks.check_planted_bug("delta2", errors, buggy, params, X, y)
    assert "a wrong delta2 would spoil W2, b2, W1, b1, but your errors show only W2" in \
        capsys.readouterr().out


def test_planted_bug_rejects_made_up_or_missing_evidence(capsys):
    buggy, params, X, y, errors = _bug_case(4)                   # delta1: W1 and b1 wrong
    made_up = {k: 1e-10 for k in errors} | {"W1": 0.01, "b1": 0.01}
    result = checks.check_planted_bug("delta1", made_up, buggy, params, X, y)
    assert not result.passed and result.mistake == "made-up evidence"
    wrong_net = {k: 1e-10 for k in errors} | {"W2": errors["W1"], "b2": errors["b1"]}
    result = checks.check_planted_bug("delta2", wrong_net, buggy, params, X, y)
    assert not result.passed and result.mistake == "made-up evidence"
    result = checks.check_planted_bug("delta1", None, buggy, params, X, y)
    assert not result.passed and "pass the evidence too" in result.message
    result = checks.check_planted_bug("delta1", {**errors, "W1": float("nan")}, buggy, params, X, y)
    assert not result.passed and "0/0" in result.message
    capsys.readouterr()


def test_planted_bug_accepts_a_norm_based_gradient_check():
    buggy, params, X, y, _ = _bug_case(4)
    errors = _check_by_norm_ratio(buggy, params, X, y)
    assert checks.check_planted_bug("delta1", errors, buggy, params, X, y).passed


def test_planted_bug_takes_a_name_and_the_drawn_network():
    buggy, params, X, y, errors = _bug_case(0)
    with pytest.raises(TypeError, match="suspect must be the name of a quantity"):
        checks.check_planted_bug(ref.two_layer_net, errors, buggy, params, X, y)
    with pytest.raises(TypeError, match="network_with_a_bug"):
        checks.check_planted_bug("dW1", errors, ref.two_layer_net, params, X, y)
    with pytest.raises(TypeError, match="seed must be a whole number"):
        checks.network_with_a_bug("seven")
    with pytest.raises(TypeError, match="params must be a dict with the keys W1, b1, W2, b2, W3"):
        buggy({"W1": np.ones((2, 3))}, X, y)


# ---- what a check accepts works in the notebook's later cells ----------------------------------
def _notebook_cells():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "notebooks" / "01_backprop_by_hand.ipynb"
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def _torch_sigmoid_bce(z, y):
    import torch

    zt = torch.tensor(z, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        zt, torch.tensor(y, dtype=torch.float64))
    loss.backward()
    return loss.item(), zt.grad


#: (exercise variable, check, accepted answers other than the reference)
_ACCEPTED = [
    ("ex1", checks.check_affine_backward,
     [lambda d, x, W: [d @ W.T, x.T @ d, np.sum(d, axis=0)],
      lambda d, x, W: (np.einsum("nh,dh->nd", d, W), np.einsum("nd,nh->dh", x, d), d.sum(0))]),
    ("ex3", checks.check_gradient_check, [_check_by_norm_ratio]),
    ("ex4", checks.check_sigmoid_bce,
     [_torch_sigmoid_bce, lambda z, y: list(ref.sigmoid_bce(z, y)),
      lambda z, y: (np.mean(np.logaddexp(0, z) - y * z),
                    (np.exp(-np.logaddexp(0, -z)) - y) / len(z))]),
]


@pytest.mark.parametrize("name, check, answer",
                         [(n, c, a) for n, c, answers in _ACCEPTED for a in answers])
def test_accepted_answers_work_in_the_later_cells(name, check, answer, capsys):
    """Run the notebook's code up to its last use of the exercises of the core path, with the
    student's accepted answer in place of the reference; every verify cell's assert must hold."""
    cells = _notebook_cells()
    last = max(i for i, c in enumerate(cells) if "def binary_net" in "".join(c["source"]))
    namespace = {}
    for cell in cells[:last + 2]:                       # up to the verify cell after binary_net
        source = "".join(cell["source"])
        if cell["id"] == "course-setup" or "plt.show()" in source or any(
                needle in source for needle in ("err64", "err32", "steps = np.logspace")):
            continue                                    # figures and section 4's step sizes
        exec(compile(source, cell["id"], "exec"), namespace)    # noqa: S102 - our own notebook
        if source.lstrip().startswith("def ") and f"{name} = checks." in source:
            namespace[name] = check(answer)
            assert namespace[name].passed, namespace[name].message
    capsys.readouterr()
