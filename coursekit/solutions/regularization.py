"""Reference solutions to the exercises of notebook 03 (L2 regularisation and dropout).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import math

import numpy as np


def l2_update(w, grad, lr, lam):
    """One gradient-descent step on ``loss + (lam/2)·‖w‖²``: ``(1 - lr·lam)·w - lr·grad``.

    ``grad`` is the gradient of the data loss alone (without the penalty).
    """
    return (1 - lr * lam) * w - lr * grad


def l2_equilibrium(a, h, lr, lam):
    """Where gradient descent with the L2 penalty settles for the data loss ``(h/2)·(w - a)²``.

    The step ``w ← (1 - lr·lam)·w - lr·h·(w - a)`` leaves ``w`` unchanged when
    ``h·(w - a) + lam·w = 0``, that is at ``w = h·a / (h + lam)``: the learning rate cancels, and
    the flatter the data loss (small h), the closer to 0 the weight settles.
    """
    return h * a / (h + lam)


def dropout_forward(x, rate, rng, training=True):
    """Inverted dropout, forward pass, keeping what the backward pass needs.

    Inputs: ``x`` an array, ``rate`` the drop probability in [0, 1), ``rng`` a NumPy Generator.
    Returns ``(out, keep)``: ``keep`` is the boolean mask of the surviving entries (all True in
    evaluation mode or with rate 0) and ``out = x * keep / (1 - rate)`` in training, ``x`` in
    evaluation.
    """
    if not training or rate == 0:
        return x, np.ones(x.shape, dtype=bool)
    keep = rng.random(x.shape) >= rate
    return x * keep / (1 - rate), keep


def dropout_backward(dout, keep, rate):
    """Backward pass of :func:`dropout_forward`: ``out = x·keep/(1 - rate)`` is linear in ``x``,
    so ``dL/dx = dL/dout · keep / (1 - rate)`` with the *same* mask as the forward pass."""
    return dout * keep / (1 - rate)


def choose_and_test(val_acc, test_accuracy):
    """Choose a setting on the validation set, then look at the test set once.

    Inputs: ``val_acc`` {setting name: validation accuracies, one per seed};
    ``test_accuracy(name)`` the mean test accuracy of a setting (call it once).
    Returns ``(name, test accuracy)``: the setting with the highest mean validation accuracy and
    its test accuracy.
    """
    chosen = max(val_acc, key=lambda name: np.mean(val_acc[name]))
    return chosen, test_accuracy(chosen)


def decay_groups(model, weight_decay):
    """Parameter groups for ``torch.optim`` that decay the weight matrices and filters only.

    A parameter with two or more dimensions (a ``Linear`` weight, a convolution's filters) gets
    ``weight_decay``; one with fewer (a bias, the scale and shift of a normalisation layer) gets
    0: they do not make the function steeper, and decaying them fights the normalisation. The
    rule reads each tensor's shape, so it holds whatever the layers are called.
    """
    weights = [p for p in model.parameters() if p.ndim >= 2]
    others = [p for p in model.parameters() if p.ndim < 2]
    return [{"params": weights, "weight_decay": weight_decay},
            {"params": others, "weight_decay": 0.0}]


def mcnemar(pred_a, pred_b, y):
    """McNemar's exact test for two classifiers judged on the same points.

    Inputs: ``pred_a``, ``pred_b`` predicted classes, ``y`` the true classes (arrays of one
    length). Returns ``(b, c, p)``: ``b`` points that A gets right and B wrong, ``c`` points that
    A gets wrong and B right, ``p`` the two-sided p-value of "A and B are equally accurate":
    under it each of the ``n = b + c`` disagreements is a fair coin, so
    ``p = min(1, 2·P(X ≤ min(b, c)))`` with ``X ~ Binomial(n, 1/2)``.
    """
    right_a, right_b = np.asarray(pred_a) == y, np.asarray(pred_b) == y
    b, c = int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))
    n = b + c
    tail = sum(math.comb(n, k) for k in range(min(b, c) + 1)) / 2**n
    return b, c, min(1.0, 2 * tail)


def vanilla_dropout(x, keep_prob, rng, training=True):
    """Original dropout (keep probability): keep entries with probability ``keep_prob`` during
    training, unscaled; at test time multiply everything by ``keep_prob``."""
    if not training:
        return x * keep_prob
    if keep_prob == 1:
        return x
    mask = rng.random(x.shape) < keep_prob
    return x * mask
