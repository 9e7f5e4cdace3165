"""A fully connected network in NumPy, built from small forward/backward functions.

Each layer function returns its output and a ``cache``; the matching backward function takes
the upstream gradient and that cache. Shapes: ``N`` samples, ``D`` inputs, ``H`` outputs,
``C`` classes. Notebook 01 builds these functions by hand; notebook 02 reuses them.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .init import initialize
from .regularization import l2_gradient, l2_penalty

__all__ = [
    "ACTIVATIONS", "affine_forward", "affine_backward", "activation_forward",
    "activation_backward", "softmax", "softmax_cross_entropy", "batchnorm_forward",
    "batchnorm_backward", "MLP",
]


def affine_forward(x, W, b):
    """Linear layer: ``out = x W + b``.

    Inputs
    ------
    x : (N, D) one row per sample
    W : (D, H) weights
    b : (H,) biases

    Returns
    -------
    out : (N, H)
    cache : ``(x, W)``, what :func:`affine_backward` needs

    >>> out, cache = affine_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4))
    >>> out
    array([[3., 3., 3., 3.],
           [3., 3., 3., 3.]])
    """
    x, W, b = _validate.affine(x, W, b)
    out = x @ W + b
    return out, (x, W)


def affine_backward(dout, cache):
    """Backward pass of :func:`affine_forward`.

    Inputs
    ------
    dout : (N, H) gradient of the loss with respect to the layer's output
    cache : ``(x, W)`` from the forward pass

    Returns
    -------
    dx : (N, D),  dW : (D, H),  db : (H,)
    """
    dout, (x, W) = _validate.affine_backward(dout, cache)
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


def _sigmoid(z):
    # exp of a non-positive number only, so no overflow warning for large |z|
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


#: name -> (f, f') with ``a = f(z)`` and the slope ``f'(z, a)`` written with whichever of z and
#: a is cheaper. The one activation table of coursekit (deepstats and the widgets use it too).
ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(np.result_type(z, 0.0))),
    "tanh": (np.tanh, lambda z, a: 1.0 - a**2),
    "sigmoid": (_sigmoid, lambda z, a: a * (1.0 - a)),
    "linear": (lambda z: z, lambda z, a: np.ones_like(z)),
}


def activation_forward(z, name: str):
    """Apply the activation ``name`` elementwise: ``a = f(z)``.

    Inputs: ``z`` any shape; ``name`` one of :data:`ACTIVATIONS`.
    Returns: ``a`` (same shape as ``z``) and ``cache = (z, a, name)``.

    >>> activation_forward(np.array([-1.0, 2.0]), "relu")[0]
    array([0., 2.])
    """
    f, _ = ACTIVATIONS[_validate.choice(name, "activation", ACTIVATIONS)]
    z = np.asarray(z)
    a = f(z)
    return a, (z, a, name)


def activation_backward(da, cache):
    """Backward pass of :func:`activation_forward`: ``dz = da * f'(z)``.

    Inputs: ``da`` (shape of ``z``), ``cache = (z, a, name)``. Returns ``dz`` (same shape).
    """
    da, (z, a, name) = _validate.activation_backward(da, cache)
    slope = ACTIVATIONS[name][1]
    return da * slope(z, a)


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)  # exp never overflows
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(logits):
    """Row-wise softmax of (N, C) logits: ``p_ij = exp(z_ij) / sum_k exp(z_ik)``, computed stably.

    >>> softmax(np.array([[0.0, np.log(3.0)]])).round(3)
    array([[0.25, 0.75]])
    """
    return np.exp(_log_softmax(_validate.float_array(logits, "logits", ndim=2)))


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of ``softmax(logits)`` against integer labels, and its gradient.

    Inputs
    ------
    logits : (N, C)
    y : (N,) integer labels in [0, C)

    Returns
    -------
    loss : float, ``-mean_i log p_i,y_i``
    dlogits : (N, C), ``(softmax(logits) - onehot(y)) / N``
    """
    logits, y = _validate.logits_and_labels(logits, y)
    n = len(y)
    log_probs = _log_softmax(logits)
    loss = -log_probs[np.arange(n), y].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), y] -= 1.0
    return float(loss), dlogits / n


def batchnorm_forward(x, eps: float = 1e-5):
    """Batch normalisation at training time, without scale or shift.

    Each column is standardised over the batch: ``x_hat = (x - mean) / sqrt(var + eps)``.
    Inputs: ``x`` (N, H). Returns ``x_hat`` (N, H) and ``cache = (x_hat, std)``, std (H,).
    """
    x = _validate.float_array(x, "x", ndim=2)
    std = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / std
    return x_hat, (x_hat, std)


def batchnorm_backward(dout, cache):
    """Backward pass of :func:`batchnorm_forward` (the batch statistics depend on x too).

    ``dx = (dout - mean(dout) - x_hat * mean(dout * x_hat)) / std``, means over the batch.
    Inputs: ``dout`` (N, H), ``cache = (x_hat, std)``. Returns ``dx`` (N, H).
    """
    dout, (x_hat, std) = _validate.batchnorm_backward(dout, cache)
    return (dout - dout.mean(axis=0) - x_hat * (dout * x_hat).mean(axis=0)) / std


class MLP:
    """A multilayer perceptron: affine → activation → … → affine (logits).

    ``sizes = [D, H1, ..., C]``; ``params`` holds ``"W1"`` (D, H1), ``"b1"`` (H1,), … as float64
    arrays that you may read and overwrite. Weights come from :func:`coursekit.init.initialize`
    with ``init``; biases start at zero.

    >>> net = MLP([2, 16, 3], activation="tanh", seed=0)
    >>> X, y = np.ones((4, 2)), np.array([0, 1, 2, 0])
    >>> loss, grads = net.loss_and_grads(X, y)
    >>> sorted(grads) == sorted(net.params)
    True
    """

    def __init__(self, sizes, activation: str = "relu", init: str = "he_normal", seed: int = 0):
        self.sizes, self.activation, seed = _validate.mlp(sizes, activation, ACTIVATIONS, seed)
        self.init = init
        rng = np.random.default_rng(seed)
        self.params: dict[str, np.ndarray] = {}
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), 1):
            self.params[f"W{i}"] = initialize((n_in, n_out), init, rng=rng)
            self.params[f"b{i}"] = np.zeros(n_out)

    @property
    def n_layers(self) -> int:
        """Number of affine layers."""
        return len(self.sizes) - 1

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}, activation={self.activation!r}, init={self.init!r})"

    def _forward(self, X):
        """Logits and, per layer, the caches of its affine and activation functions."""
        caches, h = [], X
        for i in range(1, self.n_layers):
            z, affine_cache = affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            h, act_cache = activation_forward(z, self.activation)
            caches.append((affine_cache, act_cache))
        last = self.n_layers
        logits, affine_cache = affine_forward(h, self.params[f"W{last}"], self.params[f"b{last}"])
        caches.append((affine_cache, None))
        return logits, caches

    def forward(self, X) -> np.ndarray:
        """Logits (N, C) for inputs X (N, D)."""
        return self._forward(_validate.mlp_input(X, self.sizes[0]))[0]

    def predict(self, X) -> np.ndarray:
        """Predicted class indices (N,)."""
        return self.forward(X).argmax(axis=1)

    def accuracy(self, X, y) -> float:
        """Fraction of rows of X (N, D) whose predicted class equals y (N,)."""
        y = _validate.labels(y, "y", n_classes=self.sizes[-1], n_samples=len(X))
        return float((self.predict(X) == y).mean())

    def loss_and_grads(self, X, y, l2: float = 0.0):
        """Mean softmax cross-entropy plus ``(l2/2)·Σ‖W‖²`` (weights only), and its gradients.

        Inputs: X (N, D), y (N,) integer labels, ``l2 >= 0``.
        Returns ``(loss, grads)`` where ``grads[k]`` has the shape of ``params[k]``.
        """
        X, y, l2 = _validate.mlp_batch(X, y, l2, self.sizes)
        logits, caches = self._forward(X)
        weights = {k: v for k, v in self.params.items() if k.startswith("W")}
        loss, dout = softmax_cross_entropy(logits, y)
        loss += l2_penalty(weights, l2)
        grads = {}
        for i in range(self.n_layers, 0, -1):
            affine_cache, act_cache = caches[i - 1]
            if act_cache is not None:
                dout = activation_backward(dout, act_cache)
            dout, dW, db = affine_backward(dout, affine_cache)
            grads[f"W{i}"] = dW + l2_gradient(self.params[f"W{i}"], l2)
            grads[f"b{i}"] = db
        return loss, {k: grads[k] for k in self.params}
