"""Answers to the exercises of notebook 01 (backprop), right and wrong; see check_corpus.py.

The answers that a check accepts are self-contained (only ``np`` and ``relative_error``, which the
notebook imports): tests/test_exercise_downstream.py runs them in the notebook's later cells.
"""

import numpy as np

from check_corpus import RIGHT, Answer
from coursekit.checks import backprop as checks
from coursekit.gradcheck import relative_error
from coursekit.solutions import backprop as ref


# ---- Exercise 1: the backward pass of the three-layer network ----------------------------------
def backward_loop(params, cache, y):
    # a loop over the layers, from the top: a correct answer
    n = len(y)
    delta = cache["probs"].copy()
    delta[np.arange(n), y] -= 1
    delta /= n
    inputs = {1: cache["X"], 2: cache["a1"], 3: cache["a2"]}
    grads = {}
    for k in (3, 2, 1):
        grads[f"W{k}"] = inputs[k].T @ delta
        grads[f"b{k}"] = delta.sum(axis=0)
        if k > 1:
            delta = (delta @ params[f"W{k}"].T) * (1 - inputs[k] ** 2)
    return grads


def backward_onehot_einsum(params, cache, y):
    # one-hot matrix, einsum and tanh's derivative from z: a correct answer
    X, a1, a2, p = cache["X"], cache["a1"], cache["a2"], cache["probs"]
    onehot = np.eye(p.shape[1])[y]
    d3 = (p - onehot) / len(y)
    d2 = np.einsum("nc,hc->nh", d3, params["W3"]) * (1 - np.tanh(cache["z2"]) ** 2)
    d1 = np.einsum("nh,gh->ng", d2, params["W2"]) * (1 - a1) * (1 + a1)
    return {"W3": np.einsum("nh,nc->hc", a2, d3), "b3": d3.sum(0),
            "W2": np.einsum("ng,nh->gh", a1, d2), "b2": d2.sum(0),
            "W1": np.einsum("nd,ng->dg", X, d1), "b1": d1.sum(0)}


def _backward_with(**wrong):
    """The reference backward pass with one of its lines replaced (the typical mistakes)."""
    def backward(params, cache, y):
        X, a1, a2, z2 = cache["X"], cache["a1"], cache["a2"], cache["z2"]
        n = len(y)
        d3 = cache["probs"] if wrong.get("in_place") else cache["probs"].copy()
        if wrong.get("whole_columns"):
            d3[:, y] -= 1
        else:
            d3[np.arange(n), y] -= 1
        d3 = d3 if wrong.get("no_mean") else d3 / n
        dW3 = d3.T @ a2 if wrong.get("transposed_dW3") else a2.T @ d3
        db3 = d3.sum(axis=0, keepdims=bool(wrong.get("keepdims")))
        da2 = d3 @ params["W3"].T
        da2 = da2 / n if wrong.get("dx_over_n") else da2
        d2 = da2 * (1 - (z2 if wrong.get("z_derivative") else a2) ** 2)
        d2 = 2 * d2 if wrong.get("doubled_derivative") else d2
        dW2 = d2.T @ a1 if wrong.get("dW2_order") else a1.T @ d2
        dW2 = dW2 * n if wrong.get("dW2_times_n") else dW2
        W2 = params["W2"] if wrong.get("untransposed_W2") else params["W2"].T
        d1 = (d2 @ W2) * (1 - (a2 if wrong.get("delta1_from_a2") else a1) ** 2)
        d1 = (d2 @ W2) * (1 - a1) ** 2 if wrong.get("squared_after") else d1
        grads = {"W1": X.T @ d1, "b1": d1.sum(axis=0), "W2": dW2, "b2": d2.sum(axis=0),
                 "W3": dW3, "b3": db3}
        if wrong.get("float32"):
            grads = {k: g.astype(np.float32) for k, g in grads.items()}
        return tuple(grads.values()) if wrong.get("as_tuple") else grads
    backward.__name__ = "backward_" + "_".join(wrong)
    return backward


# ---- Exercise 2: gradient_check -----------------------------------------------------------------
def gradient_check_array_wide(net_fn, params, X, y, h=1e-5):
    # the reference's method, written out: a correct answer
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        numerical = np.zeros(p.shape)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            plus = net_fn(params, X, y)[0]
            p[i] = old - h
            minus = net_fn(params, X, y)[0]
            p[i] = old
            numerical[i] = (plus - minus) / (2 * h)
        errors[name] = relative_error(grads[name], numerical)
    return errors


def gradient_check_norms(net_fn, params, X, y, h=1e-5):
    # CS231n's norm form ||g - n|| / (||g|| + ||n||): a correct answer
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        numerical = np.zeros(p.shape)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            plus = net_fn(params, X, y)[0]
            p[i] = old - h
            minus = net_fn(params, X, y)[0]
            p[i] = old
            numerical[i] = (plus - minus) / (2 * h)
        a = np.asarray(grads[name])
        norms = np.linalg.norm(a) + np.linalg.norm(numerical)
        errors[name] = np.linalg.norm(a - numerical) / norms
    return errors


def gradient_check_elementwise(net_fn, params, X, y, h=1e-5):
    # CS231n's largest elementwise error, with a floor in the denominator (no 0/0): flags right
    # gradients with tiny entries, so Exercise 2 names it; as evidence in Exercise 3 it shows the
    # same pattern and must not be called made up (review B)
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        numerical = np.zeros(p.shape)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            plus = net_fn(params, X, y)[0]
            p[i] = old - h
            minus = net_fn(params, X, y)[0]
            p[i] = old
            numerical[i] = (plus - minus) / (2 * h)
        a = np.asarray(grads[name])
        errors[name] = float((np.abs(a - numerical)
                              / np.maximum(np.maximum(np.abs(a), np.abs(numerical)), 1e-12)).max())
    return errors


def gradient_check_restores_by_arithmetic(net_fn, params, X, y, h=1e-5):
    # the textbook x[i] += h ... x[i] -= 2h ... x[i] += h (back up to one rounding): accepted
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        numerical = np.zeros(p.shape)
        for i in np.ndindex(p.shape):
            p[i] += h
            plus = net_fn(params, X, y)[0]
            p[i] -= 2 * h
            minus = net_fn(params, X, y)[0]
            p[i] += h
            numerical[i] = (plus - minus) / (2 * h)
        errors[name] = relative_error(grads[name], numerical)
    return errors


def _gradient_check_with(**wrong):
    """A gradient check with one typical mistake."""
    def gradient_check(net_fn, params, X, y, h=1e-5):
        step = 1e-5 if wrong.get("ignores_h") else h
        _, grads = net_fn(params, X, y)
        errors = {}
        for name in (("W1", "b1", "W2", "b2") if wrong.get("fixed_names") else params):
            p = params[name].copy() if wrong.get("copy") else params[name]
            numerical = np.zeros(p.shape)
            base = net_fn(params, X, y)[0]
            for i in np.ndindex(p.shape):
                old = p[i]
                p[i] = old + step
                plus = net_fn(params, X, y)[0]
                p[i] = old - step
                minus = net_fn(params, X, y)[0]
                if not wrong.get("no_restore"):
                    p[i] = old
                if wrong.get("forward"):
                    numerical[i] = (plus - base) / step
                else:
                    numerical[i] = (plus - minus) / (step if wrong.get("by_h") else 2 * step)
            a = np.asarray(grads[name])
            if wrong.get("absolute"):
                errors[name] = float(np.abs(a - numerical).max())
            elif wrong.get("norms_only"):
                errors[name] = abs(np.linalg.norm(a) - np.linalg.norm(numerical)) / max(
                    np.linalg.norm(a), np.linalg.norm(numerical))
            else:
                errors[name] = relative_error(a, numerical)
        return errors
    gradient_check.__name__ = "gradient_check_" + "_".join(wrong)
    return gradient_check


# ---- Exercise 3: the planted bug (answers with their evidence) ---------------------------------
_PARAMS, _X, _Y = checks._three_layer_data()


def _bug(step):
    """A planted-bug network whose bug is in ``step`` (the first seed that draws it)."""
    return next(b for b in map(checks.network_with_a_bug, range(500)) if b._wrong[0] == step)


_DELTA1_BUG, _DW2_BUG = _bug("delta1"), _bug("dW2")
_EVIDENCE = {bug: ref.gradient_check(bug, _PARAMS, _X, _Y) for bug in (_DELTA1_BUG, _DW2_BUG)}
_ELEMENTWISE = gradient_check_elementwise(_DELTA1_BUG, checks._copy(_PARAMS), _X, _Y)
_NORMS = gradient_check_norms(_DELTA1_BUG, checks._copy(_PARAMS), _X, _Y)


# ---- Going further: sigmoid + binary cross-entropy ---------------------------------------------
def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_bce_softplus(z, y):
    # BCE with logits as softplus(z) - y z: a correct, stable form
    return np.mean(np.logaddexp(0, z) - y * z), (np.exp(-np.logaddexp(0, -z)) - y) / len(z)


def sigmoid_bce_where(z, y):
    # a stable sigmoid written with np.where, logs via logaddexp: correct
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    loss = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return float(loss), (p - y) / z.shape[0]


def sigmoid_bce_naive_log(z, y):
    # the textbook formula on p: log(0) for z = 800
    p = _sigmoid(z)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), (p - y) / len(z)


def sigmoid_bce_no_mean_in_dz(z, y):
    loss, _ = ref.sigmoid_bce(z, y)
    return loss, _sigmoid(z) - y


def sigmoid_bce_y_minus_p(z, y):
    loss, _ = ref.sigmoid_bce(z, y)
    return loss, (y - _sigmoid(z)) / len(z)


def sigmoid_bce_grad_wrt_p(z, y):
    loss, _ = ref.sigmoid_bce(z, y)
    p = _sigmoid(z)
    return loss, -(y / p - (1 - y) / (1 - p)) / len(z)


def sigmoid_bce_extra_derivative(z, y):
    loss, _ = ref.sigmoid_bce(z, y)
    p = _sigmoid(z)
    return loss, (p - y) * p * (1 - p) / len(z)


def sigmoid_bce_clipped(z, y):
    p = np.clip(_sigmoid(z), 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), (p - y) / len(z)


def sigmoid_bce_summed(z, y):
    p = np.exp(-np.logaddexp(0, -z))
    return np.sum(np.logaddexp(0, z) - y * z), p - y


def sigmoid_bce_torch_float32(z, y):
    # PyTorch's default dtype: a right gradient in float32 (review A: must not be blamed on dz)
    import torch

    zt = torch.tensor(z, dtype=torch.float32, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(zt, torch.tensor(y).float())
    loss.backward()
    return loss.detach(), zt.grad


# ---- Going further: the building blocks of the two-layer ReLU network ---------------------------
def affine_backward_reference_style(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def affine_backward_as_list(dout, x, W):
    return [dout @ W.T, x.T @ dout, np.sum(dout, axis=0)]


def affine_backward_einsum(dout, x, W):
    return np.einsum("nh,dh->nd", dout, W), np.einsum("nd,nh->dh", x, dout), dout.sum(0)


def affine_backward_transposed_dw(dout, x, W):
    # dW computed as dout.T @ x: the shape of W transposed
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


def affine_backward_float32(dout, x, W):
    # cast to float32 "to save memory": the later cells compare at float64 precision
    return tuple(g.astype(np.float32) for g in (dout @ W.T, x.T @ dout, dout.sum(axis=0)))


def affine_backward_dx_over_n(dout, x, W):
    # divides dx by N although dout already holds the 1/N of the mean loss (review B)
    return dout @ W.T / len(x), x.T @ dout, dout.sum(axis=0)


def affine_backward_dw_times_n(dout, x, W):
    # multiplies dW by N (review B)
    return dout @ W.T, x.T @ dout * len(x), dout.sum(axis=0)


def affine_backward_keepdims(dout, x, W):
    # db of shape (1, H) (review A)
    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True)


def softmax_cross_entropy_as_list(logits, y):
    # a list instead of a tuple: a correct answer (review B)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    d = np.exp(log_probs)
    d[np.arange(len(y)), y] -= 1
    return [-log_probs[np.arange(len(y)), y].mean(), d / len(y)]


def softmax_cross_entropy_epsilon(logits, y):
    # p + 1e-300 inside the log: caps the loss of a hopeless sample near 690 (review B)
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    d = p.copy()
    d[np.arange(len(y)), y] -= 1
    return -np.log(p[np.arange(len(y)), y] + 1e-300).mean(), d / len(y)


def two_layer_net_as_list(params, X, y):
    # returns [loss, grads]: a correct answer (review B)
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.maximum(z1, 0)
    logits = a1 @ params["W2"] + params["b2"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    d = np.exp(log_probs)
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    dz1 = (d @ params["W2"].T) * (z1 > 0)
    return [-log_probs[np.arange(len(y)), y].mean(),
            {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": a1.T @ d, "b2": d.sum(axis=0)}]


def _planted(answer, evidence, bug, name, names=None, params=None, fix=""):
    fix = checks.BACKWARD_STEPS[bug._wrong[0]][0] if fix == "" else fix   # "": the right line
    args = (evidence, bug, params if params is not None else _PARAMS, _X, _Y, fix)
    return Answer("check_planted_bug", answer, name, "variant", names=names, args=args)


ENTRIES = [
    # Exercise 1
    Answer("check_backward", ref.backward, RIGHT, "variant"),
    Answer("check_backward", backward_loop, RIGHT, "variant"),
    Answer("check_backward", backward_onehot_einsum, RIGHT, "variant"),
    Answer("check_backward", _backward_with(no_mean=True), "delta3 without 1/N", "variant",
           names=r"delta3 = p - onehot: the 1/N"),
    Answer("check_backward", _backward_with(whole_columns=True), "d[:, y] -= 1", "variant",
           names=r"subtracts 1 from whole columns"),
    Answer("check_backward", _backward_with(delta1_from_a2=True), "delta1 with 1 - a2**2",
           "variant", names=r"derivative from a2, the layer above"),
    Answer("check_backward", _backward_with(in_place=True), "cache changed in place", "variant",
           names=r"changed cache\['probs'\] in place"),
    Answer("check_backward", _backward_with(transposed_dW3=True), "transposed dW3", "variant",
           names=r"dW3 is transposed"),
    Answer("check_backward", _backward_with(keepdims=True), "keepdims db of shape (1, H)",
           "variant", names=r"shape \(1, 3\).*without keepdims"),
    Answer("check_backward", _backward_with(dx_over_n=True), "dx divided by N", "variant",
           names=r"divides by N a second time when passing the delta down"),
    Answer("check_backward", _backward_with(dW2_times_n=True), "dW times N", "variant",
           names=r"dW2 is N times too large"),
    Answer("check_backward", _backward_with(z_derivative=True), "tanh' from z", "variant",
           names=r"pre-activation z2"),
    Answer("check_backward", _backward_with(dW2_order=True), "delta.T @ a for square W", "variant",
           names=r"wrong order.*same \(8, 8\) shape"),
    Answer("check_backward", _backward_with(untransposed_W2=True), "W2 not transposed",
           "variant", names=r"W2 is not transposed"),
    Answer("check_backward", _backward_with(squared_after=True), "delta1 with (1 - a1)**2",
           "variant", names=r"dW2 and db2 right, dW1 and db1 wrong: look at delta1"),
    Answer("check_backward", _backward_with(doubled_derivative=True), "tanh' doubled in delta2",
           "variant", names=r"db3 right, dW2, db2, dW1 and db1 wrong: look at delta2"),
    Answer("check_backward", _backward_with(float32=True), "float32 result", "variant",
           names=r"compute in float64"),
    Answer("check_backward", _backward_with(as_tuple=True), "tuple instead of dict", "variant",
           names=r"as a dict"),
    # Exercise 2
    Answer("check_gradient_check", gradient_check_array_wide, RIGHT, "variant"),
    Answer("check_gradient_check", gradient_check_norms, RIGHT, "variant"),
    Answer("check_gradient_check", gradient_check_elementwise, "largest elementwise error",
           "variant", names=r"elementwise error .* is large on a tiny entry"),
    Answer("check_gradient_check", gradient_check_restores_by_arithmetic, RIGHT, "variant"),
    Answer("check_gradient_check", _gradient_check_with(ignores_h=True), "ignores h (review B)",
           "variant", names=r"ignores its argument h"),
    Answer("check_gradient_check", _gradient_check_with(absolute=True),
           "unnormalised max|g - n| (review B)", "variant", names=r"depends on the units"),
    Answer("check_gradient_check", _gradient_check_with(forward=True), "forward difference",
           "variant", names=r"one-sided difference"),
    Answer("check_gradient_check", _gradient_check_with(by_h=True), "divides by h", "variant",
           names=r"divide their difference by 2h"),
    Answer("check_gradient_check", _gradient_check_with(copy=True), "perturbs a copy", "variant",
           names=r"the loss never saw the perturbation"),
    Answer("check_gradient_check", _gradient_check_with(no_restore=True), "entries not restored",
           "variant", names=r"put its old value back"),
    Answer("check_gradient_check", _gradient_check_with(fixed_names=True),
           "fixed parameter names", "variant", names=r"loop over the names in params itself"),
    Answer("check_gradient_check", _gradient_check_with(norms_only=True), "compares norms only",
           "variant", names=r"sign of one entry of b2's gradient flipped"),
    # Exercise 3
    _planted("delta1", _EVIDENCE[_DELTA1_BUG], _DELTA1_BUG, RIGHT),
    _planted("dW2", _EVIDENCE[_DW2_BUG], _DW2_BUG, RIGHT),
    _planted("delta1", _ELEMENTWISE, _DELTA1_BUG, RIGHT),        # review B: not "made up"
    _planted("delta1", _NORMS, _DELTA1_BUG, RIGHT),
    _planted("db1", _EVIDENCE[_DELTA1_BUG], _DELTA1_BUG, "lowest wrong gradient named",
             names=r"spoils every gradient computed from it"),
    _planted("delta2", _EVIDENCE[_DW2_BUG], _DW2_BUG, "a delta for a weight-gradient bug",
             names=r"would spoil .* but your errors show only W2"),
    _planted("delta1", {"W1": 0.01, "b1": 0.01, "W2": 0.01, "b2": 1e-10, "W3": 1e-10,
                        "b3": 1e-10}, _DELTA1_BUG, "made-up evidence",
             names=r"marks W1, b1 wrong: compute errors3 again"),
    _planted("dW2", _EVIDENCE[_DW2_BUG], _DELTA1_BUG, "evidence of another draw (review A)",
             names=r"your errors mark W2 wrong, but .* marks W1, b1 wrong"),
    _planted("delta1", None, _DELTA1_BUG, "no evidence", names=r"pass the evidence too"),
    # Going further: sigmoid + BCE
    Answer("check_sigmoid_bce", sigmoid_bce_softplus, RIGHT, "variant"),
    Answer("check_sigmoid_bce", sigmoid_bce_where, RIGHT, "variant"),
    Answer("check_sigmoid_bce", sigmoid_bce_naive_log, "log(0) for large |z|", "variant",
           names=r"logaddexp"),
    Answer("check_sigmoid_bce", sigmoid_bce_no_mean_in_dz, "no 1/N in dz", "variant",
           names=r"N times too large"),
    Answer("check_sigmoid_bce", sigmoid_bce_y_minus_p, "sign", "variant", names=r"wrong sign"),
    Answer("check_sigmoid_bce", sigmoid_bce_grad_wrt_p, "dL/dp for dL/dz", "variant",
           names=r"dL/dp"),
    Answer("check_sigmoid_bce", sigmoid_bce_extra_derivative, "sigmoid derivative twice",
           "variant", names=r"extra factor p\(1 - p\)"),
    Answer("check_sigmoid_bce", sigmoid_bce_clipped, "clipped p", "variant", names=r"caps it"),
    Answer("check_sigmoid_bce", sigmoid_bce_summed, "summed loss", "variant",
           names=r"N times too large"),
    Answer("check_sigmoid_bce", sigmoid_bce_torch_float32, "torch float32 (review A)", "variant",
           names=r"^(?!.*gradient_check).*compute in float64"),
    # Going further: building blocks
    Answer("check_affine_backward", affine_backward_reference_style, RIGHT, "variant"),
    Answer("check_affine_backward", affine_backward_as_list, RIGHT, "variant"),
    Answer("check_affine_backward", affine_backward_einsum, RIGHT, "variant"),
    Answer("check_affine_backward", affine_backward_transposed_dw, "transposed dW", "variant",
           names=r"dW is transposed"),
    Answer("check_affine_backward", affine_backward_float32, "float32 result", "variant",
           names=r"compute in float64"),
    Answer("check_affine_backward", affine_backward_dx_over_n, "dx / N", "variant",
           names=r"dx is N times too small"),
    Answer("check_affine_backward", affine_backward_dw_times_n, "dW * N", "variant",
           names=r"dW is N times too large"),
    Answer("check_affine_backward", affine_backward_keepdims, "keepdims db", "variant",
           names=r"shape \(1, 5\).*without keepdims"),
    Answer("check_softmax_cross_entropy", softmax_cross_entropy_as_list, RIGHT, "variant"),
    Answer("check_softmax_cross_entropy", softmax_cross_entropy_epsilon, "epsilon caps the loss",
           "variant", names=r"caps it"),
    Answer("check_two_layer_net", two_layer_net_as_list, RIGHT, "variant"),
]


# =============================================================================================
# Answers reduced from real, public student code. Each keeps the original's way of computing
# (and its mistake, if any) in the exercise's signature; the comment says what the original did.
# deeplearning.ai's code keeps samples in columns and puts 1/m into each gradient; CS231n's keeps
# them in rows with the 1/N inside the upstream gradient, like this lesson.
# =============================================================================================

# ---- Exercise 1: backward --------------------------------------------------------------------
def real_backward_dlai_planar(params, cache, y):
    # hvsbombay/SOC-2025-DEEP-LEARNING-2025 Week3/Hidden_Layer_Neural_Network/Exercise6.py
    # (deeplearning.ai planar backward_propagation, tanh): dZ2 = A2 - Y with no 1/m, then
    # dW = (1/m) dZ A_prev.T, db = (1/m) sum, dZ1 = W2.T dZ2 * (1 - A1**2); here in rows and with
    # a third layer. Right: the 1/m is applied once to every gradient.
    m = len(y)
    A1, A2, X = cache["a1"], cache["a2"], cache["X"]
    dZ3 = cache["probs"] - np.eye(cache["probs"].shape[1])[y]
    dW3 = (1 / m) * np.dot(A2.T, dZ3)
    db3 = (1 / m) * np.sum(dZ3, axis=0)
    dZ2 = np.dot(dZ3, params["W3"].T) * (1 - np.power(A2, 2))
    dW2 = (1 / m) * np.dot(A1.T, dZ2)
    db2 = (1 / m) * np.sum(dZ2, axis=0)
    dZ1 = np.dot(dZ2, params["W2"].T) * (1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(X.T, dZ1)
    db1 = (1 / m) * np.sum(dZ1, axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}


# ---- Exercise 2: gradient_check --------------------------------------------------------------
def real_gradient_check_nditer(net_fn, params, X, y, h=1e-5):
    # eliben/deep-learning-samples gradients/numgrad.py (CS231n eval_numerical_gradient): an
    # np.nditer over every index, oldval restored, centred difference; compared here with the
    # lesson's relative_error. Right.
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, x in params.items():
        grad = np.zeros_like(x)
        it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
        while not it.finished:
            ix = it.multi_index
            oldval = x[ix]
            x[ix] = oldval + h
            fxph = net_fn(params, X, y)[0]
            x[ix] = oldval - h
            fxmh = net_fn(params, X, y)[0]
            x[ix] = oldval
            grad[ix] = (fxph - fxmh) / (2 * h)
            it.iternext()
        errors[name] = relative_error(grads[name], grad)
    return errors


def real_gradient_check_verbose(net_fn, params, X, y, h=1e-5):
    # owj0421/COSE474-Deep-Learning Project1/Project1_code_2019170540/gradient_check.py: CS231n's
    # eval_numerical_gradient with verbose=True, which prints every index and its slope (hundreds
    # of lines over the lesson's networks). Right.
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, x in params.items():
        grad = np.zeros_like(x)
        for ix in np.ndindex(x.shape):
            oldval = x[ix]
            x[ix] = oldval + h
            fxph = net_fn(params, X, y)[0]
            x[ix] = oldval - h
            fxmh = net_fn(params, X, y)[0]
            x[ix] = oldval
            grad[ix] = (fxph - fxmh) / (2 * h)
            print(ix, grad[ix])
        errors[name] = relative_error(grads[name], grad)
    return errors


def real_gradient_check_helper_default_h(net_fn, params, X, y, h=1e-5):
    # aliweiya/code machine_learning/deep_learning/cs231n/assignment2/cs231n/gradient_check.py:
    # eval_numerical_gradient(f, x, verbose=True, h=0.0001), called without h: the helper's own
    # default step is used whatever h the check was given.
    def eval_numerical_gradient(f, x, h=0.0001):
        grad = np.zeros_like(x)
        for ix in np.ndindex(x.shape):
            oldval = x[ix]
            x[ix] = oldval + h
            fxph = f(x)
            x[ix] = oldval - h
            fxmh = f(x)
            x[ix] = oldval
            grad[ix] = (fxph - fxmh) / (2 * h)
        return grad

    _, grads = net_fn(params, X, y)
    return {name: relative_error(grads[name], eval_numerical_gradient(
        lambda _: net_fn(params, X, y)[0], p)) for name, p in params.items()}


def real_gradient_check_cs231n_rel_error(net_fn, params, X, y, h=1e-5):
    # peter34518/cs231npeter assignment2/FullyConnectedNets.py: CS231n's
    # rel_error(x, y) = max(|x - y| / max(1e-8, |x| + |y|)), the largest elementwise error.
    def rel_error(a, b):
        return np.max(np.abs(a - b) / (np.maximum(1e-8, np.abs(a) + np.abs(b))))

    _, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + h
            plus = net_fn(params, X, y)[0]
            p[ix] = old - h
            minus = net_fn(params, X, y)[0]
            p[ix] = old
            num[ix] = (plus - minus) / (2 * h)
        errors[name] = rel_error(grads[name], num)
    return errors


# ---- Going further: sigmoid_bce --------------------------------------------------------------
def real_sigmoid_bce_dlai_propagate(z, y):
    # Sarfaraz-Ali/Image_recognization propagate.py (deeplearning.ai logistic regression): A =
    # sigmoid(z), cost = -sum(Y log A + (1 - Y) log(1 - A))/m, dZ = A - Y with the 1/m in dw.
    m = z.shape[0]
    A = 1 / (1 + np.exp(-z))
    cost = -np.sum((y * np.log(A)) + ((1 - y) * np.log(1 - A))) / m
    return cost, (A - y) / m


def real_sigmoid_bce_dz_with_mean(z, y):
    # Asaf-Harel/DL-5 DL-5-11/3130/ex6.py: cost = (-1/m) sum(Y log A + (1 - Y) log(1 - A)),
    # dz = (1/m)(A - Y).
    m = z.shape[0]
    A = 1 / (1 + np.exp(-z))
    cost = (-1 / m) * np.sum((y * np.log(A)) + (1 - y) * np.log(1 - A))
    dz = (1 / m) * (A - y)
    return cost, dz


def real_sigmoid_bce_dot_products(z, y):
    # sheviv/mirrors dl_spec/nn_and_dl/first_second_w/propagate.py: the cost through dot
    # products, -1/m (Y . log A + (1 - Y) . log(1 - A)), squeezed to a number.
    m = z.shape[0]
    A = 1 / (1 + np.exp(-z))
    cost = -1 / m * (np.dot(y, np.log(A).T) + np.dot((1 - y), np.log(1 - A).T))
    return np.squeeze(cost), 1 / m * (A - y)


# ---- Going further: affine_backward ----------------------------------------------------------
def real_affine_backward_unravelled(dout, x, W):
    # kaiweihuang/CS231n assignment2/cs231n/layers.py: x reshaped to (N, -1), db summed over
    # axis 0, dw = x.T.dot(dout), dx reshaped back to x's shape. Right.
    N = x.shape[0]
    x_unravelled = x.reshape(N, -1)
    db = np.sum(dout, axis=0)
    dw = x_unravelled.T.dot(dout)
    dx = dout.dot(W.T).reshape(x.shape)
    return dx, dw, db


def real_affine_backward_prints_shape(dout, x, W):
    # windhaunting/Convolutional-Neural-Networks asgn2/layers.py: the same, with np.prod for the
    # reshape and a print of dx's shape left in. Right.
    dx = np.dot(dout, W.T).reshape(x.shape[0], *x.shape[1:])
    print("dx shape: ", dx.shape)
    xRes = x.reshape((x.shape[0], np.prod(x.shape[1:])))
    dw = np.dot(xRes.T, dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def real_affine_backward_layer_class(dout, x, W):
    # dionisos198/CardiacTest Affine.py: the layer's backward stores dW and db on the object
    # and returns dx; here the three as a list. Right.
    dx = np.dot(dout, W.T)
    dW = np.dot(x.T, dout)
    db = np.sum(dout, axis=0)
    return [dx, dW, db]


def real_affine_backward_returns_dx_only(dout, x, W):
    # TaeSanKIM/python deep_learning/.../taesan/Affine.py: dw and db are computed into local
    # variables, never stored or returned: only dx comes back.
    dx = np.dot(dout, W.T)
    dw = np.dot(x.T, dout)  # noqa: F841 - lost
    db = np.sum(dout, axis=0)  # noqa: F841 - lost
    return dx


def real_affine_backward_dlai_one_over_m(dout, x, W):
    # mofeiyu/dnn dnn/train/layers/linear.py (deeplearning.ai linear_backward): dW and db carry
    # their own 1/m, dA_prev does not; here dout already holds the 1/N of the mean loss.
    m = x.shape[0]
    dW = np.dot(x.T, dout) * 1 / m
    db = np.sum(dout, axis=0) * 1 / m
    dA_prev = np.dot(dout, W.T)
    return dA_prev, dW, db


def real_affine_backward_db_not_summed(dout, x, W):
    # AlanWei/deeplearning-js src/math/linearBackward.ts: db = dZ, the per-sample gradient,
    # never summed over the batch.
    dW = np.dot(x.T, dout)
    db = dout
    dA_prev = np.dot(dout, W.T)
    return dA_prev, dW, db


# ---- Going further: relu_backward ------------------------------------------------------------
def real_relu_backward_mask_below_zero(dout, z):
    # kaiweihuang/CS231n assignment2/cs231n/layers.py: dx = np.copy(dout); dx[x < 0] = 0, which
    # lets the gradient through at x = 0.
    dx = np.copy(dout)
    dx[z < 0] = 0
    return dx


def real_relu_backward_where(dout, z):
    # MrCadagon/py_proj intel_code/intel上交/Relu.py: np.where(x > 0, dout, 0). Right.
    return np.where(z > 0, dout, 0)


def real_relu_backward_c_loop(dout, z):
    # 5ebec/cpro2017 hodai/hodai9.c (C): dx[j] = (x[j] > 0) ? dy[j] : 0 in a loop over the
    # flattened arrays. Right.
    dx = np.empty(dout.size)
    flat_z, flat_dy = z.ravel(), dout.ravel()
    for j in range(dout.size):
        dx[j] = flat_dy[j] if flat_z[j] > 0 else 0
    return dx.reshape(dout.shape)


def real_relu_backward_octave_mask(dout, z):
    # Lolzdoc/ML-assignment-5 layers/relu_backward.m (Octave): y = x; y(y < 0) = 0;
    # y(y > 0) = 1; dx = dy .* y (an entry at exactly 0 stays 0). Right.
    mask = z.copy()
    mask[mask < 0] = 0
    mask[mask > 0] = 1
    return dout * mask


def real_relu_backward_dlai_copy(dout, z):
    # WrathTitan/DLNeuralNetwork StructuredModel/relu_backward.py (deeplearning.ai):
    # dZ = np.array(dA, copy=True); dZ[Z <= 0] = 0. Right.
    dZ = np.array(dout, copy=True)
    dZ[z <= 0] = 0
    return dZ


# ---- Going further: softmax_cross_entropy ----------------------------------------------------
def real_softmax_block_of_logits(logits, y):
    # xs2445/CNN-PyCUDA-EECS4750-Project utils/Lossfunctions.py: on the shifted logits,
    # loss -= np.sum(x[:, y]) (an N x N block where the commented-out line had
    # x[range(N), y]), loss += sum of the log-sum-exps, / N; the gradient is right.
    num_train = logits.shape[0]
    x = logits - np.max(logits, axis=1, keepdims=True)
    x_exp = np.exp(x)
    loss = -np.sum(x[:, y]) + np.sum(np.log(np.sum(x_exp, axis=1)))
    loss /= num_train
    neg = np.zeros_like(x)
    neg[range(num_train), y] = -1
    pos = (x_exp.T / np.sum(x_exp, axis=1)).T
    return loss, (neg + pos) / num_train


def real_softmax_no_shift(logits, y):
    # nitinprakash96/RNN-language-model softmax.py: probabilities as exp(x)/sum(exp(x)) with no
    # shift by the maximum, loss -log(probs[y]), gradient probs[y] -= 1; here over a batch.
    n = logits.shape[0]
    probs = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    loss = np.mean(-np.log(probs[np.arange(n), y]))
    d = probs.copy()
    d[np.arange(n), y] -= 1.0
    return loss, d / n


# ---- Going further: two_layer_net ------------------------------------------------------------
def real_two_layer_net_warmup(params, X, y):
    # xjtuwgt/PytorchBERT HarvardPytorch/warmup.py (the PyTorch tutorial's NumPy warm-up):
    # h = x.dot(w1), h_relu = max(h, 0), grad_h = grad_h_relu.copy(); grad_h[h < 0] = 0; here
    # with biases and the lesson's softmax cross-entropy instead of the squared error. Right.
    n = X.shape[0]
    h = X.dot(params["W1"]) + params["b1"]
    h_relu = np.maximum(h, 0)
    scores = h_relu.dot(params["W2"]) + params["b2"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    grad_scores = np.exp(log_probs)
    grad_scores[np.arange(n), y] -= 1
    grad_scores /= n
    grad_w2 = h_relu.T.dot(grad_scores)
    grad_h_relu = grad_scores.dot(params["W2"].T)
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = X.T.dot(grad_h)
    return loss, {"W1": grad_w1, "b1": grad_h.sum(axis=0), "W2": grad_w2,
                  "b2": grad_scores.sum(axis=0)}


def real_two_layer_net_scores_from_h(params, X, y):
    # ft1148137/NN_Playground basic_nn/two_layer_nn_with_numpy.py: h_relu is computed but the
    # scores come from h.dot(w2), the pre-activation; the backward pass then uses h_relu and the
    # mask, as for a network with the ReLU.
    n = X.shape[0]
    h = X.dot(params["W1"]) + params["b1"]
    h_relu = np.maximum(h, 0)
    scores = h.dot(params["W2"]) + params["b2"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    d = np.exp(log_probs)
    d[np.arange(n), y] -= 1
    d /= n
    grad_h = d.dot(params["W2"].T)
    grad_h[h < 0] = 0
    return loss, {"W1": X.T.dot(grad_h), "b1": grad_h.sum(axis=0), "W2": h_relu.T.dot(d),
                  "b2": d.sum(axis=0)}


REAL = [
    Answer("check_backward", real_backward_dlai_planar, RIGHT,
           "real: hvsbombay/SOC-2025-DEEP-LEARNING-2025 "
           "Week3/Hidden_Layer_Neural_Network/Exercise6.py"),
    Answer("check_gradient_check", real_gradient_check_nditer, RIGHT,
           "real: eliben/deep-learning-samples gradients/numgrad.py"),
    Answer("check_gradient_check", real_gradient_check_verbose, RIGHT,
           "real: owj0421/COSE474-Deep-Learning Project1/Project1_code_2019170540/"
           "gradient_check.py"),
    Answer("check_gradient_check", real_gradient_check_helper_default_h, "the helper's own h",
           "real: aliweiya/code machine_learning/deep_learning/cs231n/assignment2/cs231n/"
           "gradient_check.py", names=r"ignores its argument h|the given h"),
    Answer("check_gradient_check", real_gradient_check_cs231n_rel_error,
           "largest elementwise error", "real: peter34518/cs231npeter "
           "assignment2/FullyConnectedNets.py", names=r"elementwise error"),
    Answer("check_sigmoid_bce", real_sigmoid_bce_dlai_propagate, "log(0) for large |z|",
           "real: Sarfaraz-Ali/Image_recognization propagate.py", names=r"logaddexp"),
    Answer("check_sigmoid_bce", real_sigmoid_bce_dz_with_mean, "log(0) for large |z|",
           "real: Asaf-Harel/DL-5 DL-5-11/3130/ex6.py", names=r"logaddexp"),
    Answer("check_sigmoid_bce", real_sigmoid_bce_dot_products, "log(0) for large |z|",
           "real: sheviv/mirrors dl_spec/nn_and_dl/first_second_w/propagate.py",
           names=r"logaddexp"),
    Answer("check_affine_backward", real_affine_backward_unravelled, RIGHT,
           "real: kaiweihuang/CS231n assignment2/cs231n/layers.py"),
    Answer("check_affine_backward", real_affine_backward_prints_shape, RIGHT,
           "real: windhaunting/Convolutional-Neural-Networks asgn2/layers.py"),
    Answer("check_affine_backward", real_affine_backward_layer_class, RIGHT,
           "real: dionisos198/CardiacTest Affine.py"),
    Answer("check_affine_backward", real_affine_backward_returns_dx_only, "only dx returned",
           "real: TaeSanKIM/python deep_learning/deep-learning-from-scratch-8ca57dea36b05ffe6bc4"
           "486069e5ffb9bd444285/taesan/Affine.py", names=r"return three arrays"),
    Answer("check_affine_backward", real_affine_backward_dlai_one_over_m, "1/m applied again",
           "real: mofeiyu/dnn dnn/train/layers/linear.py", names=r"N times too small"),
    Answer("check_affine_backward", real_affine_backward_db_not_summed, "db not summed",
           "real: AlanWei/deeplearning-js src/math/linearBackward.ts",
           names=r"sum dout over the batch"),
    Answer("check_relu_backward", real_relu_backward_mask_below_zero, "gradient through at z = 0",
           "real: kaiweihuang/CS231n assignment2/cs231n/layers.py", names=r"z >= 0"),
    Answer("check_relu_backward", real_relu_backward_where, RIGHT,
           "real: MrCadagon/py_proj intel_code/intel上交/Relu.py"),
    Answer("check_relu_backward", real_relu_backward_c_loop, RIGHT,
           "real: 5ebec/cpro2017 hodai/hodai9.c"),
    Answer("check_relu_backward", real_relu_backward_octave_mask, RIGHT,
           "real: Lolzdoc/ML-assignment-5 layers/relu_backward.m"),
    Answer("check_relu_backward", real_relu_backward_dlai_copy, RIGHT,
           "real: WrathTitan/DLNeuralNetwork StructuredModel/relu_backward.py"),
    Answer("check_softmax_cross_entropy", real_softmax_block_of_logits, "x[:, y] block",
           "real: xs2445/CNN-PyCUDA-EECS4750-Project utils/Lossfunctions.py",
           names=r"N x N block|\[:, y\]"),
    Answer("check_softmax_cross_entropy", real_softmax_no_shift, "no max subtraction",
           "real: nitinprakash96/RNN-language-model softmax.py",
           names=r"subtract each row's maximum"),
    Answer("check_two_layer_net", real_two_layer_net_warmup, RIGHT,
           "real: xjtuwgt/PytorchBERT HarvardPytorch/warmup.py"),
    Answer("check_two_layer_net", real_two_layer_net_scores_from_h, "scores from the "
           "pre-activation", "real: ft1148137/NN_Playground basic_nn/two_layer_nn_with_numpy.py",
           names=r"without the ReLU|pre-activation|skips the ReLU"),
]
ENTRIES += REAL


# ---- more answers reduced from real code ------------------------------------------------------
def real_backward_dlai_planar_multiply(params, cache, y):
    # DeepakSridhar/Deep-Learning-Coursera Course-1/Planar data classification/
    # backward_propagation.py: the same deeplearning.ai equations with np.multiply for the tanh
    # derivative; here in rows and with a third layer. Right.
    m = len(y)
    A1, A2, X = cache["a1"], cache["a2"], cache["X"]
    dZ3 = cache["probs"] - np.eye(cache["probs"].shape[1])[y]
    dZ2 = np.multiply(np.dot(dZ3, params["W3"].T), 1 - np.power(A2, 2))
    dZ1 = np.multiply(np.dot(dZ2, params["W2"].T), 1 - np.power(A1, 2))
    return {"W3": (1 / m) * np.dot(A2.T, dZ3), "b3": (1 / m) * np.sum(dZ3, axis=0),
            "W2": (1 / m) * np.dot(A1.T, dZ2), "b2": (1 / m) * np.sum(dZ2, axis=0),
            "W1": (1 / m) * np.dot(X.T, dZ1), "b1": (1 / m) * np.sum(dZ1, axis=0)}


def real_gradient_check_one_difference(net_fn, params, X, y, h=1e-5):
    # DeepakSridhar/Deep-Learning-Coursera Course-2/Initialization, Regularization, Gradient
    # Checking/grad_check.py (deeplearning.ai gradient_check_n): every parameter flattened into
    # one vector, one difference ||grad - gradapprox|| / (||grad|| + ||gradapprox||) for the
    # whole network (and a printed verdict); here that one number for every name.
    _, grads = net_fn(params, X, y)
    grad = np.concatenate([np.ravel(grads[k]) for k in params])
    gradapprox = []
    for p in params.values():
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            J_plus = net_fn(params, X, y)[0]
            p[i] = old - h
            J_minus = net_fn(params, X, y)[0]
            p[i] = old
            gradapprox.append((J_plus - J_minus) / (2 * h))
    gradapprox = np.array(gradapprox)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    print("There is a mistake in the backward propagation!" if difference > 2e-7 else
          "Your backward propagation works perfectly fine!", difference)
    return {name: difference for name in params}


def real_gradient_check_helper_tiny_h(net_fn, params, X, y, h=1e-5):
    # pskrunner14/neural-networks tests/test_util.py: eval_numerical_gradient(f, x, h=1e-6)
    # called with its own default step, whatever h the caller has.
    def eval_numerical_gradient(f, x, h=1e-6):
        _ = f(x)
        grad = np.zeros_like(x)
        it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
        while not it.finished:
            ix = it.multi_index
            oldval = x[ix]
            x[ix] = oldval + h
            fxph = f(x)
            x[ix] = oldval - h
            fxmh = f(x)
            x[ix] = oldval
            grad[ix] = (fxph - fxmh) / (2 * h)
            it.iternext()
        return grad

    _, grads = net_fn(params, X, y)
    return {name: relative_error(grads[name], eval_numerical_gradient(
        lambda _: net_fn(params, X, y)[0], p)) for name, p in params.items()}


def real_affine_backward_dlai_keepdims(dout, x, W):
    # sheviv/mirrors dl_spec/nn_and_dl/fourth_w/linear_backward.py (deeplearning.ai
    # linear_backward): dW = 1/m dZ A_prev.T, db = 1/m sum(dZ, keepdims=True); here in rows.
    m = x.shape[0]
    dW = 1 / m * (np.dot(x.T, dout))
    db = 1 / m * (np.sum(dout, axis=0, keepdims=True))
    dA_prev = np.dot(dout, W.T)
    return dA_prev, dW, db


def real_affine_backward_dlai_keepdims_parenthesised(dout, x, W):
    # DeepakSridhar/Deep-Learning-Coursera Course-1/Deep Neural Network/lin_back.py: the same
    # deeplearning.ai linear_backward, (1 / m) * (...) with keepdims=True; here in rows.
    m = x.shape[0]
    dW = (1 / m) * (np.dot(x.T, dout))
    db = (1 / m) * (np.sum(dout, axis=0, keepdims=True))
    return np.dot(dout, W.T), dW, db


def real_sigmoid_bce_dlai_propagate_dots(z, y):
    # DeepakSridhar/Deep-Learning-Coursera Course-1/Logistic Regression with neural network/
    # propagate.py: cost = -(1/m) sum(Y . log A + (1 - Y) . log(1 - A)), dZ = A - Y with 1/m.
    m = z.shape[0]
    A = 1 / (1 + np.exp(-z))
    cost = -(1 / m) * (np.sum(np.dot(y, np.log(A).T) + np.dot((1 - y), np.log(1 - A).T)))
    return np.squeeze(cost), (1 / m) * (A - y)


def real_sigmoid_bce_dAL_chain(z, y):
    # sheviv/mirrors dl_spec/nn_and_dl/fourth_w/compute_cost.py and L_model_backward.py: the
    # cost through dot products, then dAL = -(Y/AL - (1 - Y)/(1 - AL)) times the sigmoid's
    # derivative AL(1 - AL), with the 1/m of linear_backward.
    m = z.shape[0]
    AL = 1 / (1 + np.exp(-z))
    cost = np.squeeze(-1 / m * (np.dot(y, np.log(AL.T)) + np.dot(1 - y, np.log(1 - AL).T)))
    dAL = - (np.divide(y, AL) - np.divide(1 - y, 1 - AL))
    return cost, dAL * AL * (1 - AL) / m


def real_softmax_cs231n_provided(logits, y):
    # kaiweihuang/CS231n assignment2/cs231n/layers.py softmax_loss (the assignment's own, kept
    # in the student's repository): shifted exp, probs normalised, -log(probs[range, y]): the
    # log of a probability that underflowed to 0 for a very confident wrong answer.
    probs = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    N = logits.shape[0]
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def real_relu_backward_copy_le(dout, z):
    # leehanchung/cs182 assignment1/deeplearning/layers.py: dx = np.array(dout, copy=True);
    # dx[x <= 0] = 0 (the comment notes the mask comes from x, not from dout). Right.
    dx = np.array(dout, copy=True)
    dx[z <= 0] = 0
    return dx


REAL_2 = [
    Answer("check_backward", real_backward_dlai_planar_multiply, RIGHT,
           "real: DeepakSridhar/Deep-Learning-Coursera Course-1/Planar data classification/"
           "backward_propagation.py"),
    Answer("check_gradient_check", real_gradient_check_one_difference, "one number for all",
           "real: DeepakSridhar/Deep-Learning-Coursera Course-2/Initialization, Regularization, "
           "Gradient Checking/grad_check.py", names=r"same error.*for every parameter"),
    Answer("check_gradient_check", real_gradient_check_helper_tiny_h, "the helper's own h",
           "real: pskrunner14/neural-networks tests/test_util.py",
           names=r"ignores its argument h|the given h"),
    Answer("check_affine_backward", real_affine_backward_dlai_keepdims, "keepdims and 1/m again",
           "real: sheviv/mirrors dl_spec/nn_and_dl/fourth_w/linear_backward.py",
           names=r"keepdims"),
    Answer("check_affine_backward", real_affine_backward_dlai_keepdims_parenthesised,
           "keepdims and 1/m again", "real: DeepakSridhar/Deep-Learning-Coursera "
           "Course-1/Deep Neural Network/lin_back.py", names=r"keepdims"),
    Answer("check_sigmoid_bce", real_sigmoid_bce_dlai_propagate_dots, "log(0) for large |z|",
           "real: DeepakSridhar/Deep-Learning-Coursera Course-1/Logistic Regression with neural "
           "network/propagate.py", names=r"logaddexp"),
    Answer("check_sigmoid_bce", real_sigmoid_bce_dAL_chain, "dL/dA chained: inf/NaN for large |z|",
           "real: sheviv/mirrors dl_spec/nn_and_dl/fourth_w/L_model_backward.py",
           names=r"logaddexp"),
    Answer("check_softmax_cross_entropy", real_softmax_cs231n_provided, "log of an underflowed p",
           "real: kaiweihuang/CS231n assignment2/cs231n/layers.py", names=r"log-sum-exp"),
    Answer("check_relu_backward", real_relu_backward_copy_le, RIGHT,
           "real: leehanchung/cs182 assignment1/deeplearning/layers.py"),
]
ENTRIES += REAL_2


def real_relu_backward_own_package(dout, z):
    # fffaez/johnny_deep johnny_deep/activations.py: relu_backward(dA, Z) in the student's own
    # package, dZ = np.array(dA, copy=True); dZ[Z <= 0] = 0. Right.
    dZ = np.array(dout, copy = True)
    dZ[z <= 0] = 0;  # noqa: E703 - as written
    return dZ;  # noqa: E703


def real_relu_backward_cache_mask(dout, z):
    # OmarTahoun/Deep-Learn helper.py: relu_backward(dA, cache) masks with the cache itself,
    # dZ[cache <= 0] = 0. Right.
    cache = z
    dZ = np.array(dout, copy=True)
    dZ[cache <= 0] = 0
    return dZ


ENTRIES += [
    Answer("check_relu_backward", real_relu_backward_own_package, RIGHT,
           "real: fffaez/johnny_deep johnny_deep/activations.py"),
    Answer("check_relu_backward", real_relu_backward_cache_mask, RIGHT,
           "real: OmarTahoun/Deep-Learn helper.py"),
]


# ---- Warm-up: the derivative of tanh -----------------------------------------------------------
def tanh_derivative_factored(a):
    # (1 - a)(1 + a): a correct answer
    return (1 - a) * (1 + a)


def tanh_derivative_via_z(a):
    # back to z, then sech^2: a correct answer
    return 1 / np.cosh(np.arctanh(a)) ** 2


def tanh_derivative_of_a(a):
    # sech^2 at a instead of at z
    return 1 / np.cosh(a) ** 2


def tanh_derivative_sigmoid(a):
    # the sigmoid's a(1 - a)
    return a * (1 - a)


ENTRIES += [
    Answer("check_tanh_derivative", ref.tanh_derivative, RIGHT, "variant"),
    Answer("check_tanh_derivative", tanh_derivative_factored, RIGHT, "variant"),
    Answer("check_tanh_derivative", tanh_derivative_via_z, RIGHT, "variant"),
    Answer("check_tanh_derivative", tanh_derivative_of_a, "tanh applied to a", "variant",
           names="already tanh"),
    Answer("check_tanh_derivative", tanh_derivative_sigmoid, "sigmoid's derivative", "variant",
           names="sigmoid"),
]


# Real code for the tanh' warm-up: "from scratch" activation modules write tanh's derivative as a
# function of z, 1 - tanh(z)^2; the backward pass then calls it with the cached activation a,
# which applies tanh a second time (the same mistake in each repository, written its own way).
def tanh_prime_zemaheli(a):
    # ZeMaheli/AI_Projects NeuralNetwork/NeuralNetworkImpl/activation_functions/tanh.py
    return 1 - np.tanh(a) ** 2


def tanh_prime_awwab(a):
    # M-Awwab-Khan/neural-network-implementation-python activations.py (derivative_tanh)
    return 1 - np.tanh(a)**2


def tanh_prime_eugenekim(a):
    # eugenekim3107/deep-learning-from-scratch mlp/activations.py (tanh_prime)
    return 1 - np.power(np.tanh(a), 2)


def tanh_prime_xinyz(a):
    # XinY-Z/CS_5350_6350_XYZ NeuralNetworks/activations.py (tanh_dx)
    t = np.tanh(a)
    return 1 - t * t


ENTRIES += [
    Answer("check_tanh_derivative", tanh_prime_zemaheli, "tanh applied to a", "real: ZeMaheli/"
           "AI_Projects NeuralNetwork/NeuralNetworkImpl/activation_functions/tanh.py",
           names="already tanh"),
    Answer("check_tanh_derivative", tanh_prime_awwab, "tanh applied to a", "real: M-Awwab-Khan/"
           "neural-network-implementation-python activations.py", names="already tanh"),
    Answer("check_tanh_derivative", tanh_prime_eugenekim, "tanh applied to a", "real: "
           "eugenekim3107/deep-learning-from-scratch mlp/activations.py", names="already tanh"),
    Answer("check_tanh_derivative", tanh_prime_xinyz, "tanh applied to a", "real: XinY-Z/"
           "CS_5350_6350_XYZ NeuralNetworks/activations.py", names="already tanh"),
]
