"""Reference solutions to the exercises of notebook 01 (backpropagation by hand).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import numpy as np

from ..gradcheck import relative_error


def backward(params, cache, y):
    """Gradients of section 1's tanh network, from its weights and its forward pass's ``cache``.

    ``cache`` holds ``X`` (N, 2), ``a1`` and ``a2`` (N, 8) and ``probs`` (N, 3); returns a dict
    shaped like ``params``. The nine lines are the nine quantities of the backward pass.
    """
    X, a1, a2, probs = cache["X"], cache["a1"], cache["a2"], cache["probs"]
    n = len(y)
    delta3 = probs.copy()                                # a copy: the cache is read again later
    delta3[np.arange(n), y] -= 1
    delta3 /= n                                          # rule 1
    dW3, db3 = a2.T @ delta3, delta3.sum(axis=0)         # rules 2 and 4
    delta2 = (delta3 @ params["W3"].T) * (1 - a2**2)     # rules 2 and 3
    dW2, db2 = a1.T @ delta2, delta2.sum(axis=0)
    delta1 = (delta2 @ params["W2"].T) * (1 - a1**2)
    dW1, db1 = X.T @ delta1, delta1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}


def gradient_check(net_fn, params, X, y, h=1e-5):
    """Relative error between ``net_fn``'s gradient and centred differences, per parameter.

    ``net_fn(params, X, y)`` returns ``(loss, grads)`` and reads ``params[name]``: each entry is
    changed in place, the loss evaluated at ``w + h`` and ``w - h``, and the entry put back.
    """
    _, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        numerical = np.zeros_like(p, dtype=float)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            loss_plus = net_fn(params, X, y)[0]
            p[i] = old - h
            loss_minus = net_fn(params, X, y)[0]
            p[i] = old
            numerical[i] = (loss_plus - loss_minus) / (2 * h)
        errors[name] = relative_error(grads[name], numerical)
    return errors


def sigmoid_bce(z, y):
    """Mean binary cross-entropy of ``p = sigmoid(z)`` for labels ``y`` in {0, 1}, and its gradient.

    ``loss = -mean(y log p + (1 - y) log(1 - p))`` and ``dloss/dz = (p - y) / N``: the sigmoid's
    derivative ``p (1 - p)`` cancels the denominators of the cross-entropy's. The logs are
    written with ``logaddexp`` (``-log p = log(1 + e^-z)``), so no ``p`` of 0 or 1 reaches a log.
    """
    loss = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    p = np.exp(-np.logaddexp(0, -z))
    return loss, (p - y) / len(z)


def affine_backward(dout, x, W):
    """Gradients of ``out = x @ W + b``: returns ``dx`` (N, D), ``dW`` (D, H), ``db`` (H,)."""
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def tanh_derivative(a):
    """The derivative of tanh at z, written with its output ``a = tanh(z)``: ``1 - a**2``."""
    return 1 - a**2


def relu_backward(dout, z):
    """Gradient through ``a = max(z, 0)``: pass ``dout`` where ``z > 0``, zero elsewhere."""
    return dout * (z > 0)


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) for labels y; returns ``(loss, dlogits)``."""
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), y] -= 1
    return loss, dlogits / n


def two_layer_net(params, X, y):
    """Loss and gradients of ``softmax(relu(X W1 + b1) W2 + b2)`` with mean cross-entropy.

    ``params`` holds ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, C), ``b2`` (C,); returns
    ``(loss, grads)`` with ``grads`` a dict of arrays shaped like ``params``.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = X @ W1 + b1                      # forward: keep z1 and a1 for the backward pass
    a1 = np.maximum(z1, 0)
    logits = a1 @ W2 + b2
    loss, dlogits = softmax_cross_entropy(logits, y)
    da1, dW2, db2 = affine_backward(dlogits, a1, W2)     # backward, in reverse order
    dz1 = relu_backward(da1, z1)
    _, dW1, db1 = affine_backward(dz1, X, W1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
