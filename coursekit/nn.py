"""A fully connected network in NumPy, built from small forward/backward functions.

Each layer function returns its output and a ``cache``; the matching backward function takes
the upstream gradient and that cache. Shapes: ``N`` samples, ``D`` inputs, ``H`` outputs.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .init import initialize
from .regularization import l2_gradient, l2_penalty


def affine_forward(x, W, b):
    """Linear layer ``x @ W + b``.

    x: (N, D), W: (D, H), b: (H,). Returns ``out`` (N, H) and ``cache = (x, W)``.
    """
    x = _validate.float_array(x, "x", ndim=2)
    W = _validate.float_array(W, "W", ndim=2)
    b = _validate.float_array(b, "b", ndim=1)
    if W.shape[0] != x.shape[1]:
        raise ValueError(f"W must have {x.shape[1]} rows (one per column of x {x.shape}), "
                         f"got shape {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have {W.shape[1]} entries (one per column of W {W.shape}), "
                         f"got shape {b.shape}")
    return x @ W + b, (x, W)


def affine_backward(dout, cache):
    """Backward pass of :func:`affine_forward`.

    dout: (N, H) gradient of the loss with respect to the layer's output.
    Returns ``dx`` (N, D), ``dW`` (D, H), ``db`` (H,).
    """
    if not (isinstance(cache, tuple) and len(cache) == 2):
        raise TypeError("cache must be the (x, W) tuple that affine_forward returned, "
                        f"got {_validate._describe(cache)}")
    x, W = cache
    dout = _validate.float_array(dout, "dout", ndim=2)
    if dout.shape != (x.shape[0], W.shape[1]):
        raise ValueError(f"dout must have the shape of the layer's output "
                         f"{(x.shape[0], W.shape[1])}, got {dout.shape}")
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _sigmoid(z):
    # exp of a non-positive number only, so no overflow warning for large |z|
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# name -> (forward a = f(z), backward dz = g(da, z, a))
ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda da, z, a: da * (z > 0)),
    "tanh": (np.tanh, lambda da, z, a: da * (1.0 - a**2)),
    "sigmoid": (_sigmoid, lambda da, z, a: da * a * (1.0 - a)),
    "linear": (lambda z: z, lambda da, z, a: da),
}


def activation_forward(z, name: str):
    """Apply the activation ``name`` elementwise. Returns ``a`` and ``cache = (z, a, name)``."""
    _validate.choice(name, "activation", ACTIVATIONS)
    a = ACTIVATIONS[name][0](z)
    return a, (z, a, name)


def activation_backward(da, cache):
    """Backward pass of :func:`activation_forward`: ``dz = da * f'(z)`` (same shape as ``da``)."""
    if not (isinstance(cache, tuple) and len(cache) == 3 and isinstance(cache[2], str)):
        raise TypeError("cache must be the (z, a, name) tuple that activation_forward returned, "
                        f"got {_validate._describe(cache)}")
    z, a, name = cache
    da = _validate.float_array(da, "da")
    if da.shape != np.shape(z):
        raise ValueError(f"da must have the shape of the activation's output {np.shape(z)}, "
                         f"got {da.shape}")
    return ACTIVATIONS[name][1](da, z, a)


def softmax(logits):
    """Row-wise softmax of (N, C) logits, computed stably by subtracting each row's max."""
    logits = _validate.float_array(logits, "logits", ndim=2)
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against integer labels.

    logits: (N, C), y: (N,) ints in [0, C). Returns ``loss`` (float) and ``dlogits`` (N, C),
    which is ``(softmax(logits) - onehot(y)) / N``.
    """
    logits = _validate.float_array(logits, "logits", ndim=2)
    n, c = logits.shape
    y = _validate.labels(y, "y", n_classes=c, n_samples=n)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), y] -= 1.0
    return float(loss), dlogits / n


class MLP:
    """A multilayer perceptron: affine → activation → … → affine (logits).

    ``sizes = [D, H1, ..., C]``; ``params`` holds ``"W1"`` (D, H1), ``"b1"`` (H1,), … as float64
    arrays that you may read and overwrite. Weights come from :func:`coursekit.init.initialize`
    with ``init``; biases start at zero.

    >>> net = MLP([2, 16, 3], activation="tanh", seed=0)
    >>> loss, grads = net.loss_and_grads(X, y)   # grads has the same keys as net.params
    """

    def __init__(self, sizes, activation: str = "relu", init: str = "he_normal", seed: int = 0):
        if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
            raise ValueError(f"sizes must be a list like [n_inputs, n_hidden, ..., n_classes] "
                             f"with at least 2 entries, got {sizes!r}")
        self.sizes = [_validate.positive_int(s, "sizes entry") for s in sizes]
        self.activation = _validate.choice(activation, "activation", ACTIVATIONS)
        self.init = init
        rng = np.random.default_rng(_validate.positive_int(seed, "seed", minimum=0))
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

    def _check_input(self, X):
        X = _validate.float_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns (the network's input size), "
                             f"got shape {X.shape}")
        return X

    def _forward(self, X):
        caches = []
        h = X
        for i in range(1, self.n_layers + 1):
            z, affine_cache = affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            if i == self.n_layers:
                caches.append((affine_cache, None))
                return z, caches
            h, act_cache = activation_forward(z, self.activation)
            caches.append((affine_cache, act_cache))
        raise AssertionError("unreachable")

    def forward(self, X) -> np.ndarray:
        """Logits (N, C) for inputs X (N, D)."""
        return self._forward(self._check_input(X))[0]

    def predict(self, X) -> np.ndarray:
        """Predicted class indices (N,)."""
        return self.forward(X).argmax(axis=1)

    def accuracy(self, X, y) -> float:
        """Fraction of rows of X whose predicted class equals y."""
        y = _validate.labels(y, "y", n_classes=self.sizes[-1], n_samples=len(X))
        return float((self.predict(X) == y).mean())

    def loss_and_grads(self, X, y, l2: float = 0.0):
        """Mean softmax cross-entropy plus ``(l2/2)·Σ‖W‖²`` (weights only), and its gradients.

        Returns ``(loss, grads)`` where ``grads[k]`` has the shape of ``params[k]``.
        """
        X = self._check_input(X)
        y = _validate.labels(y, "y", n_classes=self.sizes[-1], n_samples=X.shape[0])
        l2 = _validate.real(l2, "l2", low=0)
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
