"""Checks for the exercises of notebook 01 (backpropagation by hand)."""

from __future__ import annotations

import numpy as np

from ..solutions import backprop as ref
from ._core import compare, run_checks

# Shapes chosen so that every transpose mistake changes a shape: N=4 samples, D=3, H=5.
_rng = np.random.default_rng(1)
_X, _W, _DOUT = _rng.normal(size=(4, 3)), _rng.normal(size=(3, 5)), _rng.normal(size=(4, 5))

PARAM_NAMES = ("W1", "b1", "W2", "b2")


def check_affine_backward(student_fn):
    """Exercise: ``affine_backward(dout, x, W) -> (dx, dW, db)`` for ``out = x @ W + b``."""

    def test(fn):
        result = fn(_DOUT.copy(), _X.copy(), _W.copy())
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            return "return three arrays: dx, dW, db (in that order)"
        dx, dW, db = ref.affine_backward(_DOUT, _X, _W)
        return (
            compare("dx", result[0], dx)
            or compare("dW", result[1], dW, mistakes={
                "dW is transposed: use x.T @ dout, which has W's shape (D, H)": dW.T,
                "dW is N times too small: sum over the batch (x.T @ dout), do not average; "
                "the 1/N is already inside dout": dW / len(_X),
            })
            or compare("db", result[2], db, mistakes={
                "db must have b's shape (H,): sum dout over the batch axis (axis=0)": _DOUT,
                "db is N times too small: sum over the batch, do not average": db / len(_X),
                "db sums over the wrong axis: the batch is axis 0": _DOUT.sum(axis=1),
            })
        )

    return run_checks("affine_backward", student_fn, [test],
                      hint="x is (N, D), W is (D, H), dout is (N, H); each gradient has the "
                           "shape of the thing it is the gradient of")


def check_relu_backward(student_fn):
    """Exercise: ``relu_backward(dout, z) -> dz`` for ``a = max(z, 0)``."""
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0], [1.0, -1.0, 2.0, 0.0, -3.0]])
    dout = np.array([[0.3, -1.2, 0.7, -0.4, 2.0], [-0.6, 0.9, 1.5, -2.2, 0.1]])

    def test(fn):
        expected = ref.relu_backward(dout, z)
        return compare("dz", fn(dout.copy(), z.copy()), expected, mistakes={
            "you returned the mask (z > 0) alone: multiply it by the upstream gradient dout":
                (z > 0).astype(float),
            "multiply dout by the derivative of ReLU (1 where z > 0, else 0), not by z itself":
                dout * z,
            "the mask must come from the layer's input z, not from the sign of dout":
                np.maximum(dout, 0),
            "at z = 0 use the derivative 0 (z > 0, not z >= 0): PyTorch and TensorFlow do the same":
                dout * (z >= 0),
        })

    return run_checks("relu_backward", student_fn, [test])


def _wrong_column_subtraction(probs, y):
    """``d[:, y] -= 1``: subtracts 1 in whole columns instead of at one entry per row."""
    d = probs.copy()
    d[:, y] -= 1
    return d / len(y)


def check_softmax_cross_entropy(student_fn):
    """Exercise: ``softmax_cross_entropy(logits, y) -> (loss, dlogits)``, mean over the batch."""
    rng = np.random.default_rng(2)
    logits, y = rng.normal(size=(6, 4)), np.array([0, 3, 1, 1, 2, 0])

    def test_values(fn):
        result = fn(logits.copy(), y.copy())
        if not isinstance(result, tuple) or len(result) != 2:
            return "return two things: the loss (a float) and dlogits (an array like logits)"
        loss, dlogits = ref.softmax_cross_entropy(logits, y)
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return (
            compare("loss", np.asarray(result[0], dtype=float).reshape(()), loss, mistakes={
                "loss is N times too large: take the mean over the batch, not the sum":
                    loss * len(y),
                "log_probs[:, y] picks an N x N block (every row at every label): index one "
                "entry per row with log_probs[np.arange(N), y]":
                    -np.log(probs[:, y]).mean(),
            })
            or compare("dlogits", result[1], dlogits, mistakes={
                "dlogits is N times too large: the loss is a mean, so divide by N":
                    dlogits * len(y),
                "dlogits is softmax(logits)/N: subtract 1 at the true class of each row first":
                    probs / len(y),
                "d[:, y] -= 1 subtracts 1 in whole columns: subtract it at one entry per row "
                "with d[np.arange(N), y] -= 1":
                    _wrong_column_subtraction(probs, y),
            })
        )

    def test_large_logits(fn):
        big, y_big = np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 10.0]]), np.array([0, 2])
        with np.errstate(all="ignore"):
            loss, dlogits = fn(big.copy(), y_big.copy())
        loss = np.asarray(loss, dtype=float).reshape(())
        if not np.all(np.isfinite(dlogits)):
            return ("with logits like 1000 you get NaN or inf: subtract each row's maximum "
                    "before np.exp (it does not change the softmax)")
        if not np.isfinite(loss):
            return ("the loss is inf for the row [0, 800, 10] with label 2: after subtracting "
                    "the maximum, p[y] = exp(-790) underflows to 0 and -log(0) = inf. Take the "
                    "log without forming p: log p = shifted - log(sum(exp(shifted))), the "
                    "log-sum-exp trick")
        expected = ref.softmax_cross_entropy(big, y_big)[0]
        if loss < 0.5 * expected:
            return (f"your loss for these logits is {float(loss):.3g}, the exact value "
                    f"{expected:.4g}: "
                    "for the row [0, 800, 10] with label 2, -log p[y] = 790. A small constant "
                    "added inside the log (or a clipped p) caps it; compute log p exactly with "
                    "the log-sum-exp trick, log p = shifted - log(sum(exp(shifted)))")
        return compare("loss for large logits", loss, expected)

    return run_checks("softmax_cross_entropy", student_fn, [test_values, test_large_logits])


def check_centered_difference(student_fn):
    """Exercise: ``centered_difference(f, x, h=1e-5)``: the numerical gradient, ``x`` restored.

    The second test uses a function that ignores its argument and reads ``x`` itself, as a
    network's loss reads its weight arrays: an implementation that perturbs a copy gets 0.
    """
    x0 = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])
    cube_sin = lambda v: float(np.sum(v**3) + np.sum(np.sin(v)))  # noqa: E731
    exact = 3 * x0**2 + np.cos(x0)

    def test_values(fn):
        x = x0.copy()
        grad = fn(cube_sin, x, 1e-3)
        if not np.array_equal(x, x0):
            if np.all(np.abs(x - x0) <= 4 * np.spacing(np.abs(x0))):
                return ("x[i] is back only up to rounding: adding h, subtracting 2h and adding "
                        "h again can leave the last bit changed. Save old = x[i] before "
                        "perturbing and assign x[i] = old afterwards")
            return "x was changed: after perturbing x[i], put the original value back"
        return compare("gradient", grad, ref.centered_difference(cube_sin, x0.copy(), 1e-3),
                       mistakes={
            "that is the forward difference (f(x+h) - f(x)) / h: its error is of order h; "
            "evaluate at x+h and x-h and divide by 2h":
                _forward_difference(cube_sin, x0.copy(), 1e-3),
            "divide by 2h, not by h: the two points are 2h apart": 2 * exact,
        }, rtol=1e-5, atol=1e-7)

    def test_reads_x_itself(fn):
        x = x0.copy()
        grad = fn(lambda _: cube_sin(x), x, 1e-3)   # like a loss that reads net.params
        if np.allclose(np.asarray(grad, dtype=float), 0):
            return ("your gradient is 0 for a function that reads the array x itself (as a "
                    "network's loss reads its weights): you perturbed a copy. Change x[i] in "
                    "place, evaluate f, and put the old value back")
        return compare("gradient (f reads x)", grad, exact, rtol=1e-5, atol=1e-5)

    return run_checks("centered_difference", student_fn, [test_values, test_reads_x_itself])


# ---- Exercises 3 and 4: a two-layer ReLU network, gradient-checked -----------------------------
def _net_data():
    """A small problem on which no pre-activation comes near ReLU's kink (checked in tests)."""
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(6, 3)), np.array([0, 1, 2, 1, 0, 2])
    params = {"W1": rng.normal(size=(3, 5)), "b1": rng.normal(size=5) * 0.5,
              "W2": rng.normal(size=(5, 3)), "b2": rng.normal(size=3) * 0.5}
    return params, X, y


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


def _wrong_net_grads(params, X, y):
    """The gradients that typical assembly mistakes produce, for the messages of the check."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.maximum(z1, 0)
    _, dlogits = ref.softmax_cross_entropy(a1 @ params["W2"] + params["b2"], y)
    da1 = dlogits @ params["W2"].T
    return {
        "no_relu": (X.T @ da1, da1.sum(axis=0)),
        "z_not_a": z1.T @ dlogits,
        "mask_from_grad": (X.T @ (da1 * (da1 > 0)), (da1 * (da1 > 0)).sum(axis=0)),
    }


def check_two_layer_net(student_fn):
    """Exercise: ``two_layer_net(params, X, y) -> (loss, grads)`` from the three blocks."""
    params, X, y = _net_data()

    def test(fn):
        before = _copy(params)
        result = fn(before, X.copy(), y.copy())
        if any(not np.array_equal(before[k], params[k]) for k in params):
            return "your function changed params: computing gradients must not update weights"
        if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[1], dict):
            return ("return (loss, grads) with grads a dict {'W1': ..., 'b1': ..., 'W2': ..., "
                    "'b2': ...}")
        loss, grads = result
        if sorted(grads) != sorted(PARAM_NAMES):
            return (f"grads must have the keys W1, b1, W2, b2 (one per parameter), "
                    f"got {sorted(grads)}")
        ref_loss, ref_grads = ref.two_layer_net(params, X, y)
        wrong = _wrong_net_grads(params, X, y)
        return (
            compare("loss", np.asarray(loss, dtype=float).reshape(()), ref_loss)
            or compare("W2's gradient", grads["W2"], ref_grads["W2"], mistakes={
                "dW2 must use the input of layer 2, a1 = relu(z1), not the pre-activation z1":
                    wrong["z_not_a"],
            })
            or compare("b2's gradient", grads["b2"], ref_grads["b2"])
            or compare("W1's gradient", grads["W1"], ref_grads["W1"], mistakes={
                "dW1 skips the ReLU: pass da1 through relu_backward(da1, z1) before the "
                "first layer's affine_backward": wrong["no_relu"][0],
                "the ReLU mask must come from z1 (the forward pass), not from the sign of the "
                "gradient": wrong["mask_from_grad"][0],
            })
            or compare("b1's gradient", grads["b1"], ref_grads["b1"], mistakes={
                "db1 skips the ReLU: sum dz1 = relu_backward(da1, z1), not da1":
                    wrong["no_relu"][1],
            })
        )

    return run_checks("two_layer_net", student_fn, [test],
                      hint="run the checks of Exercise 1 first; then follow the forward pass "
                           "backwards: softmax_cross_entropy, affine_backward (layer 2), "
                           "relu_backward, affine_backward (layer 1)")


def mystery_net(params, X, y):
    """A colleague's two-layer ReLU network: same interface as ``two_layer_net``, one bug.

    Exercise 4: find which parameter's gradient is wrong with your gradient check (reading this
    code is allowed, but the point is to let the check find it).
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict {{'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}}, "
                        f"got {type(params).__name__}")
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.maximum(z1, 0)
    loss, dlogits = ref.softmax_cross_entropy(a1 @ params["W2"] + params["b2"], y)
    da1 = dlogits @ params["W2"].T
    dz1 = da1 * (z1 > 0)
    grads = {"W1": X.T @ dz1, "b1": da1.sum(axis=0),
             "W2": a1.T @ dlogits, "b2": dlogits.sum(axis=0)}
    return loss, grads


def _net_with_scaled_grad(name, factor):
    def net(params, X, y):
        loss, grads = ref.two_layer_net(params, X, y)
        grads[name] = grads[name] * factor
        return loss, grads
    return net


def _net_with_one_sign_flipped(name, index):
    """One entry of one gradient negated: the norm of the gradient does not change."""
    def net(params, X, y):
        loss, grads = ref.two_layer_net(params, X, y)
        grads[name] = grads[name].copy()
        grads[name][index] *= -1
        return loss, grads
    return net


def _net_with_two_entries_swapped(name, i, j):
    """Two entries of one gradient swapped: same norm, same set of values."""
    def net(params, X, y):
        loss, grads = ref.two_layer_net(params, X, y)
        g = grads[name] = grads[name].copy()
        g[i], g[j] = g[j], g[i]
        return loss, grads
    return net


# The buggy networks the check tries, with the wording of the bug. The flipped and swapped
# entries are not the first entry of their array (tests check that they are far from 0).
_BUGGY_NETS = (
    ("W2", "whose W2 gradient is 1.5 times too large", _net_with_scaled_grad("W2", 1.5)),
    ("b2", "with the sign of one entry of b2's gradient flipped (same norm)",
     _net_with_one_sign_flipped("b2", 2)),
    ("W1", "with two entries of W1's gradient swapped (same norm, same values)",
     _net_with_two_entries_swapped("W1", (1, 2), (1, 3))),
)


def _non_finite(errors):
    bad = [k for k in PARAM_NAMES if not np.isfinite(float(errors[k]))]
    if bad:
        return (f"your check returned {float(errors[bad[0]])} for {', '.join(bad)}: an "
                "elementwise |a - n| / max(|a|, |n|) is 0/0 where both gradients are 0 (a "
                "ReLU unit that is off for every sample). Return relative_error(analytic, "
                "numerical) for the whole array, or skip the entries where both are 0")
    return None


def check_gradient_check(student_fn):
    """Exercise: ``gradient_check(net_fn, params, X, y, h=1e-5) -> {name: relative error}``."""
    params, X, y = _net_data()

    def run(fn, net):
        p = _copy(params)
        errors = fn(net, p, X.copy(), y.copy())
        changed = [k for k in params if not np.array_equal(p[k], params[k])]
        return errors, changed

    def test_correct_net(fn):
        errors, changed = run(fn, ref.two_layer_net)
        if changed:
            return (f"params[{changed[0]!r}] was changed: centered_difference must put every "
                    "entry back")
        if not isinstance(errors, dict) or sorted(errors) != sorted(PARAM_NAMES):
            return "return a dict {parameter name: relative error} with one entry per parameter"
        if message := _non_finite(errors):
            return message
        values = np.array([float(errors[k]) for k in PARAM_NAMES])
        if np.all(values > 0.5):
            return ("every relative error is about 1 for a correct network: the numerical "
                    "gradient is 0, so the loss never saw the perturbation. The loss function "
                    "must read params[name], the array centered_difference perturbs in place "
                    "(pass params[name] itself, not a copy)")
        if np.any(values > 1e-7):
            worst = PARAM_NAMES[int(values.argmax())]
            return (f"for a correct network your check reports {values.max():.1g} for {worst}; "
                    "expected below 1e-7. Use your centered_difference with h=1e-5 in float64 "
                    "and relative_error(analytic, numerical)")
        return None

    def test_buggy_nets(fn):
        for name, bug, net in _BUGGY_NETS:
            errors, _ = run(fn, net)
            if message := _non_finite(errors):
                return message
            others = [k for k in PARAM_NAMES if k != name]
            if not float(errors[name]) > 1e-2 or max(float(errors[k]) for k in others) > 1e-7:
                return (f"for a network {bug} your check should report a large error for "
                        f"{name} only; it reported "
                        + ", ".join(f"{k} {float(v):.1g}" for k, v in errors.items())
                        + ". Compare the arrays entry by entry (relative_error), not their "
                          "norms, and perturb every entry of every parameter")
        return None

    return run_checks("gradient_check", student_fn, [test_correct_net, test_buggy_nets])


def check_planted_bug(suspect, errors=None):
    """Exercise: name the parameter whose gradient ``mystery_net`` gets wrong, with the evidence.

    ``errors`` is what the student's ``gradient_check`` reported for ``mystery_net``; the check
    accepts a name only together with errors that single it out.
    """
    if suspect is not None and not isinstance(suspect, str):
        raise TypeError(f"suspect must be a parameter name such as 'W1' (a string), got "
                        f"{type(suspect).__name__}")

    def test(answer):
        if answer is None:
            raise NotImplementedError
        if answer not in PARAM_NAMES:
            return f"answer with one parameter name: one of {', '.join(PARAM_NAMES)}"
        if not isinstance(errors, dict) or sorted(errors) != sorted(PARAM_NAMES):
            return ("pass the evidence too: errors = gradient_check(checks.mystery_net, params, "
                    "X_small, y_small), then check_planted_bug(suspect, errors)")
        if message := _non_finite(errors):
            return message
        values = {k: float(errors[k]) for k in PARAM_NAMES}
        listed = ", ".join(f"{k} {v:.1g}" for k, v in values.items())
        if values[answer] <= 1e-2:
            return (f"your own errors ({listed}) do not accuse {answer}: its error is "
                    "below 1e-2. The wrong gradient is the one whose error is far above 1e-7")
        if any(v > 1e-6 for k, v in values.items() if k != answer):
            return (f"these errors ({listed}) do not single out one parameter: run your "
                    "gradient_check on your two_layer_net first (every error below 1e-7)")
        if answer != ref.planted_bug:
            return ("these are not the errors of mystery_net: pass what "
                    "gradient_check(checks.mystery_net, params, X_small, y_small) returns")
        return None

    result = run_checks("planted bug", lambda: suspect, [lambda fn: test(fn())],
                        todo="not attempted yet: run your gradient_check on mystery_net, set "
                             "errors to its result and suspect to the name of the parameter "
                             "whose gradient is wrong, then run this check again.")
    if result.passed:
        print("  Right: mystery_net sums the gradient for b1 before the ReLU mask, so units that "
              "were off still get a bias gradient (and its W1 is right, which is why only a "
              "per-parameter check pins it down).")
    return result


def _forward_difference(f, x, h):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad
