"""Answers to the exercises of notebook 01 (backprop), right and wrong; see check_corpus.py."""

import numpy as np

from check_corpus import RIGHT, Answer
from coursekit.checks import backprop as checks
from coursekit.gradcheck import relative_error
from coursekit.solutions import backprop as ref


def affine_backward_reference_style(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def affine_backward_as_list(dout, x, W):
    return [dout @ W.T, x.T @ dout, np.sum(dout, axis=0)]


def affine_backward_transposed_dw(dout, x, W):
    # dW computed as dout.T @ x: the shape of W transposed
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


def affine_backward_einsum(dout, x, W):
    return np.einsum("nh,dh->nd", dout, W), np.einsum("nd,nh->dh", x, dout), dout.sum(0)


def affine_backward_float32(dout, x, W):
    # cast to float32 "to save memory": the later cells compare at float64 precision
    return tuple(g.astype(np.float32) for g in (dout @ W.T, x.T @ dout, dout.sum(axis=0)))


# ---- Exercise 3: gradient_check ----------------------------------------------------------------
def gradient_check_cs231n_norm(net_fn, params, X, y, h=1e-5):
    # CS231n's norm form of the relative error: a correct answer
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        num = ref.centered_difference(lambda _: net_fn(params, X, y)[0], p, h)
        errors[name] = np.linalg.norm(grads[name] - num) / (np.linalg.norm(grads[name])
                                                            + np.linalg.norm(num))
    return errors


def gradient_check_fixed_names(net_fn, params, X, y, h=1e-5):
    # loops over the two-layer network's names: misses W3 and b3 of a deeper network
    _, grads = net_fn(params, X, y)
    errors = {}
    for name in ["W1", "b1", "W2", "b2"]:
        num = ref.centered_difference(lambda _: net_fn(params, X, y)[0], params[name], h)
        errors[name] = relative_error(grads[name], num)
    return errors


# ---- Exercise 4: sigmoid + binary cross-entropy -------------------------------------------------
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


# ---- Exercise 5: the planted bug (answers with their evidence) ---------------------------------
_PARAMS, _X, _Y = checks._three_layer_data()
_DELTA1_BUG = checks.network_with_a_bug(4)             # delta1 computed wrongly: W1, b1 spoiled
_DW2_BUG = checks.network_with_a_bug(1)                # dW2 computed wrongly: W2 alone
_EVIDENCE = {bug: ref.gradient_check(bug, _PARAMS, _X, _Y) for bug in (_DELTA1_BUG, _DW2_BUG)}


ENTRIES = [
    Answer("check_affine_backward", affine_backward_reference_style, RIGHT, "variant"),
    Answer("check_affine_backward", affine_backward_as_list, RIGHT, "variant"),
    Answer("check_affine_backward", affine_backward_einsum, RIGHT, "variant"),
    Answer("check_affine_backward", affine_backward_transposed_dw, "transposed dW", "variant",
           names=r"dW is transposed"),
    Answer("check_affine_backward", affine_backward_float32, "float32 result", "variant",
           names=r"compute in float64"),
    Answer("check_gradient_check", gradient_check_cs231n_norm, RIGHT, "variant"),
    Answer("check_gradient_check", gradient_check_fixed_names, "fixed parameter names", "variant",
           names=r"loop over the names in params itself"),
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
    Answer("check_planted_bug", "delta1", RIGHT, "variant",
           args=(_EVIDENCE[_DELTA1_BUG], _DELTA1_BUG, _PARAMS, _X, _Y)),
    Answer("check_planted_bug", "dW2", RIGHT, "variant",
           args=(_EVIDENCE[_DW2_BUG], _DW2_BUG, _PARAMS, _X, _Y)),
    Answer("check_planted_bug", "db1", "lowest wrong gradient named", "variant",
           args=(_EVIDENCE[_DELTA1_BUG], _DELTA1_BUG, _PARAMS, _X, _Y),
           names=r"spoils every gradient computed from it"),
    Answer("check_planted_bug", "delta2", "a delta for a weight-gradient bug", "variant",
           args=(_EVIDENCE[_DW2_BUG], _DW2_BUG, _PARAMS, _X, _Y),
           names=r"would spoil .* but your errors show only W2"),
    Answer("check_planted_bug", "delta1", "made-up evidence", "variant",
           args=({"W1": 0.01, "b1": 0.01, "W2": 1e-10, "b2": 1e-10, "W3": 1e-10, "b3": 1e-10},
                 _DELTA1_BUG, _PARAMS, _X, _Y),
           names=r"not what a gradient check of this network"),
    Answer("check_planted_bug", "delta1", "no evidence", "variant",
           args=(None, _DELTA1_BUG, _PARAMS, _X, _Y), names=r"pass the evidence too"),
]
