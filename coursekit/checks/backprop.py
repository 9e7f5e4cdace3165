"""Checks for the exercises of notebook 01 (backpropagation by hand)."""

from __future__ import annotations

import secrets

import numpy as np

from ..gradcheck import relative_error
from ..solutions import backprop as ref
from ._core import Mistake, Problem, compare, run_checks

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
            compare("dx", result[0], dx, allow_float32=False)
            or compare("dW", result[1], dW, allow_float32=False, mistakes={
                "dW is transposed: use x.T @ dout, which has W's shape (D, H)": dW.T,
                "dW is N times too small: sum over the batch (x.T @ dout), do not average; "
                "the 1/N is already inside dout": dW / len(_X),
            })
            or compare("db", result[2], db, allow_float32=False, mistakes={
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


def _non_finite(errors, names=PARAM_NAMES):
    bad = [k for k in names if not np.isfinite(float(errors[k]))]
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

    def test_any_network(fn):
        # the planted-bug network of section 2's shape has six parameters, W3 and b3 too
        p3, X3, y3 = _three_layer_data()
        errors = fn(_three_layer_net, p3, X3, y3)
        if not isinstance(errors, dict) or sorted(errors) != sorted(p3):
            got = sorted(errors) if isinstance(errors, dict) else type(errors).__name__
            return (f"for a network with the parameters {', '.join(p3)} your check returned "
                    f"{got}: loop over the names in params itself (for name in params), not "
                    "over a fixed list, so that it works for any network")
        if message := _non_finite(errors, tuple(p3)):
            return message
        worst = max(p3, key=lambda k: float(errors[k]))
        if float(errors[worst]) > 1e-7:
            return (f"for a correct three-layer tanh network your check reports "
                    f"{float(errors[worst]):.1g} for {worst}; expected below 1e-7")
        return None

    return run_checks("gradient_check", student_fn,
                      [test_correct_net, test_buggy_nets, test_any_network])


def _forward_difference(f, x, h):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad


# ---- Exercise 4: the backward pass of a layer the lesson did not show ----------------------------
def _sigmoid_bce_mistakes(z, y):
    """The loss and dz that typical derivations of sigmoid + binary cross-entropy produce."""
    n = len(z)
    p = 1.0 / (1.0 + np.exp(-z))
    loss, dz = ref.sigmoid_bce(z, y)
    loss_mistakes = [
        Mistake("summed", "loss is N times too large: take the mean over the batch, not the sum",
                loss * n),
        Mistake("one term", "the loss has only the y·log(p) term: a sample with y = 0 "
                "contributes -log(1 - p)", -np.mean(y * np.log(p))),
        Mistake("loss sign", "the loss is negative: it is MINUS the mean of y·log p + (1 - y)·"
                "log(1 - p), and the log of a probability is at most 0", -loss),
    ]
    dz_mistakes = [
        Mistake("no 1/N", "dz is N times too large: the loss is a mean over N samples, so each "
                "dz_i carries a factor 1/N", p - y),
        Mistake("dz sign", "dz has the wrong sign: the loss must fall when z moves p towards "
                "the label y; check which term is subtracted from which", (y - p) / n),
        Mistake("p not p-y", "dz is p/N: the part that comes from the label y is missing; "
                "differentiate both terms of the loss", p / n),
        Mistake("dL/dp", "that is dL/dp, the gradient with respect to the probability; the "
                "layer's input is z: chain it with dp/dz = p(1 - p) and simplify",
                -(y / p - (1 - y) / (1 - p)) / n),
        Mistake("sigmoid twice", "dz has an extra factor p(1 - p): the sigmoid's derivative "
                "is already inside your result (it cancels the cross-entropy's "
                "denominators); you applied it twice", (p - y) * p * (1 - p) / n),
        Mistake("z not p", "dz uses the logit z where the probability p = sigmoid(z) belongs",
                (z - y) / n),
    ]
    return loss, dz, loss_mistakes, dz_mistakes


def _as_array(value):
    return np.asarray(value.detach() if hasattr(value, "detach") else value, dtype=float)


def _as_scalar(value):
    """A float from a number, a 0-d or one-entry array, or a torch scalar."""
    return float(_as_array(value).reshape(()))


def check_sigmoid_bce(student_fn, centered_difference=None):
    """Exercise: ``sigmoid_bce(z, y) -> (loss, dz)``, derived by the student.

    ``p = sigmoid(z)``, ``loss = -mean(y log p + (1 - y) log(1 - p))``, ``dz = dloss/dz``.
    With ``centered_difference`` (the student's, once its check passes) the check first runs
    that gradient check on the student's own loss and reports what it finds.
    """
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=6) * 2, np.array([0, 1, 1, 0, 1, 0])
    grad_check = centered_difference or ref.centered_difference

    def test_values(fn):
        result = fn(z.copy(), y.copy())
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return "return two things: the loss (a number) and dz (an array shaped like z)"
        loss, dz, loss_mistakes, dz_mistakes = _sigmoid_bce_mistakes(z, y)
        if any(getattr(value, "requires_grad", False) for value in result):
            return Problem("your loss or dz is a torch tensor that requires grad: return plain "
                           "numbers (loss.item(), dz.detach()); the later cells compute with "
                           "NumPy", "requires grad")
        if np.size(_as_array(result[0])) != 1:
            return Problem(f"the loss must be one number, the mean over the batch; yours has "
                           f"{np.size(_as_array(result[0]))} entries", "loss not a number")
        if (problem := compare("loss", _as_scalar(result[0]), loss, mistakes=loss_mistakes,
                               allow_float32=False)):
            return problem
        student_loss = lambda v: _as_scalar(fn(v, y)[0])  # noqa: E731
        numerical = grad_check(student_loss, z.copy(), 1e-5)
        own = _relative_gap(result[1], numerical)
        problem = compare("dz", result[1], dz, mistakes=dz_mistakes, allow_float32=False)
        if problem and own is not None:
            verdict = ("agrees with it" if own < 1e-6 else
                       f"disagrees with it: relative error {own:.1g}")
            return Problem(f"{problem} (your gradient check of your loss {verdict})",
                           problem.mistake)
        return problem

    def test_large_logits(fn):
        big, y_big = np.array([800.0, -800.0, 40.0, -40.0]), np.array([0, 1, 1, 0])
        with np.errstate(all="ignore"):
            loss, dz = fn(big.copy(), y_big.copy())
        loss = _as_scalar(loss)
        expected_loss, expected_dz = ref.sigmoid_bce(big, y_big)
        if not np.isfinite(loss) or not np.all(np.isfinite(np.asarray(dz, dtype=float))):
            return ("for z = 800 with y = 0 your loss or dz is inf or NaN: sigmoid(800) rounds "
                    "to 1 and log(1 - p) = log(0). Write the logs without forming p: "
                    "log p = -np.logaddexp(0, -z) and log(1 - p) = -np.logaddexp(0, z)")
        if abs(loss - expected_loss) > 1e-6 * expected_loss:
            return (f"your loss for z = [800, -800, 40, -40], y = [0, 1, 1, 0] is {loss:.4g}, "
                    f"the exact value {expected_loss:.4g} (each of the first two samples costs "
                    "800): a small constant inside the log, or a clipped p, caps it. Use "
                    "np.logaddexp")
        return compare("dz for large logits", dz, expected_dz, allow_float32=False)

    return run_checks("sigmoid_bce", student_fn, [test_values, test_large_logits],
                      hint="z and y have shape (N,); return (loss, dz) with dz shaped like z")


def _relative_gap(analytic, numerical):
    """relative_error of two arrays, or None when they cannot be compared."""
    try:
        a = np.asarray(analytic, dtype=float)
        n = np.asarray(numerical, dtype=float)
        return relative_error(a, n) if a.shape == n.shape else None
    except (TypeError, ValueError):
        return None


# ---- Exercise 5: a planted bug, found by gradient-checking layer by layer -----------------------
def _three_layer_data():
    """Section 2's shapes (2-8-8-3, tanh) on 5 samples, away from any saturation (tests)."""
    rng = np.random.default_rng(7)
    params = {}
    for k, (n_in, n_out) in enumerate([(2, 8), (8, 8), (8, 3)], 1):
        params[f"W{k}"] = rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)
        params[f"b{k}"] = rng.normal(size=n_out) * 0.1
    return params, rng.normal(size=(5, 2)), np.array([2, 0, 2, 1, 0])


#: The backward pass of section 2 as nine quantities, in the order they are computed, each with
#: its right expression and the parameters whose gradient it feeds. A planted bug replaces one
#: expression; these names are the answers ``check_planted_bug`` accepts.
BACKWARD_STEPS = {
    "delta3": ("(p - onehot) / N", ("W3", "b3", "W2", "b2", "W1", "b1")),
    "dW3": ("a2.T @ delta3", ("W3",)),
    "db3": ("delta3.sum(axis=0)", ("b3",)),
    "delta2": ("(delta3 @ W3.T) * (1 - a2**2)", ("W2", "b2", "W1", "b1")),
    "dW2": ("a1.T @ delta2", ("W2",)),
    "db2": ("delta2.sum(axis=0)", ("b2",)),
    "delta1": ("(delta2 @ W2.T) * (1 - a1**2)", ("W1", "b1")),
    "dW1": ("X.T @ delta1", ("W1",)),
    "db1": ("delta1.sum(axis=0)", ("b1",)),
}
THREE_LAYER_PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")

#: Wrong expressions students write, per step, with what is wrong (shown once the bug is found).
_PLANTED = {
    "delta3": [("p - onehot", "the 1/N of the mean loss is missing"),
               ("p / N", "the one-hot labels are not subtracted"),
               ("(onehot - p) / N", "the sign is flipped")],
    "dW3": [("a2.T @ delta3 / N", "divides by N a second time (delta3 already holds 1/N)"),
            ("z2.T @ delta3", "uses the pre-activation z2 where the layer's input a2 belongs")],
    "db3": [("delta3.mean(axis=0)", "averages where it must sum (delta3 already holds 1/N)"),
            ("-delta3.sum(axis=0)", "the sign is flipped")],
    "delta2": [("(delta3 @ W3.T) * (1 - z2**2)", "tanh's derivative from the pre-activation "
                "z2: it is 1 - a2**2, with a2 = tanh(z2)"),
               ("(delta3 @ W3.T) * a2", "multiplies by tanh itself, not by its derivative"),
               ("delta3 @ W3.T", "the tanh derivative is missing")],
    "dW2": [("a2.T @ delta2", "uses the layer's output a2 where its input a1 belongs"),
            ("delta2.T @ a1", "the product in the wrong order: the transpose of the right "
             "answer, with the same (8, 8) shape")],
    "db2": [("(delta3 @ W3.T).sum(axis=0)", "sums the gradient before the tanh derivative"),
            ("delta2.mean(axis=0)", "averages where it must sum")],
    "delta1": [("(delta2 @ W2) * (1 - a1**2)", "W2 is not transposed (its square shape hides "
                "it)"),
               ("(delta2 @ W2.T) * (1 - z1**2)", "tanh's derivative from the pre-activation "
                "z1"),
               ("(delta2 @ W2.T) * a1", "multiplies by tanh itself, not by its derivative")],
    "dW1": [("X.T @ delta2", "uses delta2, the delta of the layer above"),
            ("X.T @ delta1 / N", "divides by N a second time")],
    "db1": [("(delta2 @ W2.T).sum(axis=0)", "sums the gradient before the tanh derivative"),
            ("delta2.sum(axis=0)", "uses delta2, the delta of the layer above")],
}


def _three_layer_net(params, X, y, wrong=None):
    """Loss and gradients of section 2's tanh network; ``wrong = (step, expression)`` plants
    a bug."""
    v = {"X": X, "N": len(y), "np": np}
    for k in (1, 2, 3):
        v[f"W{k}"] = params[f"W{k}"]
        v[f"z{k}"] = (X if k == 1 else v[f"a{k - 1}"]) @ params[f"W{k}"] + params[f"b{k}"]
        if k < 3:
            v[f"a{k}"] = np.tanh(v[f"z{k}"])
    loss, _ = ref.softmax_cross_entropy(v["z3"], y)
    shifted = np.exp(v["z3"] - v["z3"].max(axis=1, keepdims=True))
    v["p"] = shifted / shifted.sum(axis=1, keepdims=True)
    v["onehot"] = np.eye(v["z3"].shape[1])[y]
    for step, (expression, _) in BACKWARD_STEPS.items():
        if wrong is not None and wrong[0] == step:
            expression = wrong[1]
        v[step] = eval(expression, {"__builtins__": {}}, v)  # noqa: S307 - the module's own strings
    return loss, {k: v[f"d{k}"] for k in THREE_LAYER_PARAMS}


class _NetworkWithABug:
    """Section 2's network with one wrong line in its backward pass, drawn from ``seed``."""

    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        self.seed = seed
        step = list(_PLANTED)[rng.integers(len(_PLANTED))]
        expression, self._what = _PLANTED[step][rng.integers(len(_PLANTED[step]))]
        self._wrong = (step, expression)

    def __call__(self, params, X, y):
        if not isinstance(params, dict) or sorted(params) != sorted(THREE_LAYER_PARAMS):
            raise TypeError("params must be a dict with the keys W1, b1, W2, b2, W3, b3 (the "
                            "network of section 2)")
        return _three_layer_net(params, np.asarray(X, dtype=float), np.asarray(y), self._wrong)

    def __repr__(self):
        return f"network_with_a_bug(seed={self.seed})"


def network_with_a_bug(seed=None):
    """Section 2's network, ``net_fn(params, X, y) -> (loss, grads)``, with one planted bug.

    The bug is one of :data:`BACKWARD_STEPS` computed wrongly, drawn from ``seed`` (by default a
    fresh random seed, so each call plants a new bug that no text gives away).
    """
    if seed is None:
        seed = secrets.randbelow(2**32)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a whole number >= 0 (or None for a random one), got "
                        f"{seed!r:.40}")
    return _NetworkWithABug(int(seed))


def _step_name(answer):
    """'dW2', 'dw2', 'delta_2', 'δ2' -> the step's name, or None."""
    key = answer.strip().replace("δ", "delta").replace("_", "").replace(" ", "").lower()
    return {name.lower(): name for name in BACKWARD_STEPS}.get(key)


def _listing(names):
    return ", ".join(names) if names else "none"


def check_planted_bug(suspect, errors, net_fn, params, X, y):
    """Exercise: the first wrong quantity of ``net_fn``'s backward pass, with the evidence.

    ``suspect`` names one of :data:`BACKWARD_STEPS`; ``errors`` is what the student's
    ``gradient_check(net_fn, params, X, y)`` returned. The evidence must match a gradient check
    of ``net_fn`` on those arrays (made-up numbers do not pass), and the suspect must be the step
    whose wrong value spoils exactly the gradients the evidence shows wrong.
    """
    if suspect is not None and not isinstance(suspect, str):
        raise TypeError(f"suspect must be the name of a quantity of the backward pass, a string "
                        f"such as 'dW2' or 'delta2', got {type(suspect).__name__}")
    if not isinstance(net_fn, _NetworkWithABug):
        raise TypeError("net_fn must be the network that checks.network_with_a_bug() returned")
    names = ", ".join(BACKWARD_STEPS)

    def test(answer):
        if answer is None:
            raise NotImplementedError
        step = _step_name(answer)
        if step is None:
            hint = (f" ('d{answer.strip()}' computes {answer.strip()}'s gradient)"
                    if answer.strip() in THREE_LAYER_PARAMS else "")
            return Problem(f"name one quantity of the backward pass: {names}{hint}", "not a step")
        if not isinstance(errors, dict) or sorted(errors) != sorted(THREE_LAYER_PARAMS):
            return Problem("pass the evidence too: errors = gradient_check(buggy_net, params3, "
                           "X, y), a dict with one relative error per parameter", "no evidence")
        if message := _non_finite(errors, THREE_LAYER_PARAMS):
            return message
        measured = ref.gradient_check(net_fn, {k: np.array(v, dtype=float) for k, v in
                                               params.items()}, X, y)
        yours = {k: float(errors[k]) for k in THREE_LAYER_PARAMS}
        if not all(_same_verdict(yours[k], measured[k]) for k in THREE_LAYER_PARAMS):
            return Problem("these errors (" + ", ".join(f"{k} {v:.1g}" for k, v in yours.items())
                           + ") are not what a gradient check of this network on these arrays "
                           "gives: pass what gradient_check(buggy_net, params3, X, y) returns",
                           "made-up evidence")
        wrong = [k for k in THREE_LAYER_PARAMS if measured[k] > 1e-3]
        feeds = BACKWARD_STEPS[step][1]
        if set(feeds) == set(wrong):
            return None
        if set(feeds) < set(wrong):
            return Problem(f"{step} feeds only {_listing(feeds)}, but your errors show "
                           f"{_listing([k for k in wrong if k not in feeds])} wrong too. A wrong "
                           "quantity spoils every gradient computed from it: look for the one "
                           "that all the wrong gradients share, walking back from the loss",
                           "spoils more")
        if set(feeds) > set(wrong):
            return Problem(f"a wrong {step} would spoil {_listing(feeds)}, but your errors show "
                           f"only {_listing(wrong)} wrong: look for a quantity that feeds "
                           "exactly those", "spoils less")
        return Problem(f"{step} feeds {_listing(feeds)}, but your errors show {_listing(wrong)} "
                       "wrong: the bug is where the wrong gradients come from", "other step")

    result = run_checks("planted bug", lambda: suspect, [lambda fn: test(fn())],
                        todo="not attempted yet: run your gradient_check on buggy_net, set "
                             "errors to its result and suspect to the quantity of the backward "
                             "pass that is computed wrongly, then run this check again.")
    if result.passed:
        step, expression = net_fn._wrong
        print(f"  The bug: {step} = {expression}, where {BACKWARD_STEPS[step][0]} is right "
              f"({net_fn._what}). Run the cell with network_with_a_bug() again for a new one.")
    return result


def _same_verdict(yours, measured):
    """Both small (a right gradient), or both large and within a factor of 3 of each other (a
    norm-based relative error gives other numbers than the largest-entry one)."""
    if measured <= 1e-3:
        return yours < 1e-6
    return measured / 3 < yours < 3 * measured
