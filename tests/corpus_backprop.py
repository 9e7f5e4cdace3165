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
        d3[np.arange(n), y] -= 1
        d3 = d3 if wrong.get("no_mean") else d3 / n
        dW3 = d3.T @ a2 if wrong.get("transposed_dW3") else a2.T @ d3
        db3 = d3.sum(axis=0, keepdims=bool(wrong.get("keepdims")))
        da2 = d3 @ params["W3"].T
        da2 = da2 / n if wrong.get("dx_over_n") else da2
        d2 = da2 * (1 - (z2 if wrong.get("z_derivative") else a2) ** 2)
        dW2 = d2.T @ a1 if wrong.get("dW2_order") else a1.T @ d2
        dW2 = dW2 * n if wrong.get("dW2_times_n") else dW2
        W2 = params["W2"] if wrong.get("untransposed_W2") else params["W2"].T
        d1 = (d2 @ W2) * (1 - a1**2)
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
    # CS231n's norm form ||a - n|| / (||a|| + ||n||): a correct answer
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


def _planted(answer, evidence, bug, name, names=None, params=None):
    args = (evidence, bug, params if params is not None else _PARAMS, _X, _Y)
    return Answer("check_planted_bug", answer, name, "variant", names=names, args=args)


ENTRIES = [
    # Exercise 1
    Answer("check_backward", ref.backward, RIGHT, "variant"),
    Answer("check_backward", backward_loop, RIGHT, "variant"),
    Answer("check_backward", backward_onehot_einsum, RIGHT, "variant"),
    Answer("check_backward", _backward_with(no_mean=True), "delta3 without 1/N", "variant",
           names=r"delta3 = p - onehot: the 1/N"),
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
           "unnormalised max|a - n| (review B)", "variant", names=r"depends on the units"),
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
