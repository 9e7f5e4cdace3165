"""Reference solutions to the exercises of notebook 04 (momentum as an EWA).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import numpy as np


def ewa_corrected(values, beta):
    """Bias-corrected EWA of a 1-D sequence: ``v_t / (1 - beta**t)`` with ``v_0 = 0``."""
    out = np.empty(len(values))
    v = 0.0
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out[t - 1] = v / (1 - beta**t)
    return out


def corrected_velocity_step(x, v, grad, lr, prev_lr, beta):
    """One step of Keras's momentum form with Goyal et al.'s momentum correction.

    Keras keeps the velocity ``v = -lr * b`` (``b`` PyTorch's buffer). For that to hold at every
    step when the learning rate changes from ``prev_lr`` to ``lr``, the old velocity is rescaled
    by ``lr / prev_lr`` before the new gradient is added. Returns ``(new_x, new_v)``.
    """
    v = beta * (lr / prev_lr) * v - lr * grad
    return x + v, v


def tuned_momentum(h_min, h_max):
    """Critically damped momentum for curvatures in ``[h_min, h_max]``, in the EWA form.

    Returns ``(lr_ewa, beta, speedup)``: the EWA-form learning rate (PyTorch's divided by
    ``1 - beta``), beta, and the predicted speed-up ln(rate_momentum)/ln(rate_GD) over the best
    gradient descent.
    """
    kappa = h_max / h_min
    rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    beta = rate**2
    lr_torch = (2 / (np.sqrt(h_min) + np.sqrt(h_max))) ** 2
    speedup = np.log(rate) / np.log((kappa - 1) / (kappa + 1))
    return lr_torch / (1 - beta), beta, speedup


def predict_decay(w0, steps, lr, weight_decay):
    """How far the decay moves a weight whose data gradient is 0, from ``w0``, in ``steps`` steps.

    Returns ``(adam_l2, adamw)``. Adam + L2: the gradient is weight_decay*w, steady, so Adam's
    normalised step m_hat/sqrt(v_hat) is about 1 and the weight moves by about lr per step
    (while lr*steps stays below |w0|). AdamW: m and v stay 0, so only the shrink by the factor
    (1 - lr*weight_decay) per step moves it.
    """
    adam_l2 = steps * lr
    adamw = abs(w0) * (1 - (1 - lr * weight_decay) ** steps)
    return adam_l2, adamw


def adam_step(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
              decoupled=False):
    """One Adam step (``t`` counts from 1): returns ``(new_x, new_m, new_v)``.

    ``weight_decay`` λ is coupled L2 (``torch.optim.Adam``: λ·x joins the gradient before the
    averages) or, with ``decoupled=True``, AdamW's decay (``torch.optim.AdamW``: x shrinks by
    the factor 1 − lr·λ, and the Adam step uses the data gradient alone).
    """
    if decoupled:
        x = x * (1 - lr * weight_decay)
    else:
        grad = grad + weight_decay * x
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
