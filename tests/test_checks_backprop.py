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
    errors = ref.gradient_check(checks.mystery_net, *checks._net_data())
    assert checks.check_planted_bug(ref.planted_bug, errors).passed
    assert capsys.readouterr().out.count("[PASS]") == 7


@pytest.mark.parametrize("check", [checks.check_affine_backward, checks.check_relu_backward,
                                   checks.check_softmax_cross_entropy,
                                   checks.check_centered_difference, checks.check_two_layer_net,
                                   checks.check_gradient_check])
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


def test_mystery_net_has_exactly_one_wrong_gradient():
    params, X, y = checks._net_data()
    errors = ref.gradient_check(checks.mystery_net, params, X, y)
    assert [k for k, e in errors.items() if e > 1e-6] == [ref.planted_bug]
    assert ref.two_layer_net(params, X, y)[0] == checks.mystery_net(params, X, y)[0]


_MYSTERY_ERRORS = {"W1": 2e-10, "b1": 0.4, "W2": 6e-11, "b2": 2e-11}


@pytest.mark.parametrize("answer, errors, mark, phrase", [
    (None, None, "[TODO]", "set errors to its result and suspect to the name"),
    ("dW1", _MYSTERY_ERRORS, "[FAIL]", "one of W1, b1, W2, b2"),
    ("b1", None, "[FAIL]", "pass the evidence too"),
    ("W2", _MYSTERY_ERRORS, "[FAIL]", "do not accuse W2"),
    ("b1", {**_MYSTERY_ERRORS, "W1": 0.3}, "[FAIL]", "do not single out one parameter"),
    ("W2", {**_MYSTERY_ERRORS, "b1": 1e-10, "W2": 0.4}, "[FAIL]",
     "these are not the errors of mystery_net"),
    ("b1", {**_MYSTERY_ERRORS, "W1": float("nan")}, "[FAIL]", "0/0 where both gradients"),
    ("b1", _MYSTERY_ERRORS, "[PASS]", "sums the gradient for b1 before the ReLU mask"),
])
def test_planted_bug_answers(answer, errors, mark, phrase, capsys):
    checks.check_planted_bug(answer, errors)
    out = capsys.readouterr().out
    assert mark in out and phrase in out, out


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


def test_mystery_net_rejects_params_that_are_not_a_dict():
    with pytest.raises(TypeError, match="params must be a dict"):
        checks.mystery_net([np.ones((2, 3))], np.ones((4, 2)), np.zeros(4, dtype=int))


def test_check_planted_bug_takes_a_name_not_a_function():
    with pytest.raises(TypeError, match="suspect must be a parameter name"):
        checks.check_planted_bug(ref.two_layer_net)
