"""Reference solutions to the exercises of notebook 01 (backpropagation by hand).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import numpy as np


def affine_backward(dout, x, W):
    """Gradients of ``out = x @ W + b``: returns ``dx`` (N, D), ``dW`` (D, H), ``db`` (H,)."""
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


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


def centered_difference(f, x, h=1e-5):
    """Numerical gradient of ``f`` at ``x`` by centred differences; ``x`` is restored."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
