"""Checks for the exercises of notebook 01 (backpropagation by hand)."""

from __future__ import annotations

import numpy as np

from ..solutions import backprop as ref
from ._core import compare, run_checks

# Shapes chosen so that every transpose mistake changes a shape: N=4 samples, D=3, H=5.
_rng = np.random.default_rng(1)
_X, _W, _DOUT = _rng.normal(size=(4, 3)), _rng.normal(size=(3, 5)), _rng.normal(size=(4, 5))


def check_affine_backward(student_fn):
    """Exercise: ``affine_backward(dout, x, W) -> (dx, dW, db)`` for ``out = x @ W + b``."""

    def test(fn):
        result = fn(_DOUT.copy(), _X.copy(), _W.copy())
        if not isinstance(result, tuple) or len(result) != 3:
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
            })
            or compare("dlogits", result[1], dlogits, mistakes={
                "dlogits is N times too large: the loss is a mean, so divide by N":
                    dlogits * len(y),
                "dlogits is softmax(logits)/N: subtract 1 at the true class of each row first":
                    probs / len(y),
            })
        )

    def test_large_logits(fn):
        big = np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 10.0]])
        loss, dlogits = fn(big, np.array([0, 2]))
        if not (np.isfinite(loss) and np.all(np.isfinite(dlogits))):
            return ("with logits like 1000 you get NaN or inf: subtract each row's maximum "
                    "before np.exp (it does not change the softmax)")
        return compare("loss for large logits", np.asarray(loss, float).reshape(()),
                       ref.softmax_cross_entropy(big, np.array([0, 2]))[0])

    return run_checks("softmax_cross_entropy", student_fn, [test_values, test_large_logits])


def check_centered_difference(student_fn):
    """Exercise: ``centered_difference(f, x, h=1e-5)``: the numerical gradient, ``x`` restored."""
    x0 = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])
    f = lambda v: float(np.sum(v**3) + np.sum(np.sin(v)))  # noqa: E731
    exact = 3 * x0**2 + np.cos(x0)

    def test(fn):
        x = x0.copy()
        grad = fn(f, x, 1e-3)
        if not np.array_equal(x, x0):
            return "x was changed: after perturbing x[i], put the original value back"
        return compare("gradient", grad, ref.centered_difference(f, x0.copy(), 1e-3), mistakes={
            "that is the forward difference (f(x+h) - f(x)) / h: its error is of order h; "
            "evaluate at x+h and x-h and divide by 2h":
                _forward_difference(f, x0.copy(), 1e-3),
            "divide by 2h, not by h: the two points are 2h apart": 2 * exact,
        }, rtol=1e-5, atol=1e-7)

    return run_checks("centered_difference", student_fn, [test])


def _forward_difference(f, x, h):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad
