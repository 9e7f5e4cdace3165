"""Momentum and Adam written out in NumPy, in the forms the frameworks use.

Three ways of writing SGD with momentum appear in code and textbooks (``g`` is the gradient):

* ``"torch"`` (``torch.optim.SGD(momentum=beta)``): ``b = beta*b + g``, ``x -= lr*b``;
* ``"keras"`` (``keras.optimizers.SGD(momentum=beta)``): ``v = beta*v - lr*g``, ``x += v``;
* ``"ewa"`` (the exponentially weighted average of the gradients): ``m = beta*m + (1-beta)*g``,
  ``x -= lr*m``.

All buffers start at 0. Then ``v = -lr*b`` and ``m = (1-beta)*b`` at every step, so for a
constant learning rate the torch and keras forms give the same iterates with the same ``lr``, and
the ewa form gives them too with ``lr_ewa = lr_torch / (1 - beta)``. With a learning-rate
schedule the keras form parts ways: its velocity keeps the old learning rates.

Also here: Nesterov momentum in each form, Adam (two bias-corrected EWAs) with coupled or
decoupled weight decay, the quadratic test problem of notebook 04, the learning rates and
momentum that are optimal on it, and helpers to measure convergence.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from . import _validate

__all__ = [
    "sgd_momentum", "adam", "quadratic", "optimal_gd", "optimal_momentum",
    "relative_errors", "iterations_to", "measured_rate", "torch_iterates", "keras_iterates",
]

FORMS = ("torch", "keras", "ewa")


def sgd_momentum(grad_fn: Callable, x0, *, lr, beta: float, steps: int, form: str = "torch",
                 nesterov: bool = False, weight_decay: float = 0.0,
                 decoupled: bool = False) -> np.ndarray:
    """Run ``steps`` steps of SGD with momentum from ``x0``; return all iterates.

    The update of each ``form`` at step t (learning rate ``lr_t``), every buffer starting at 0
    (``beta = 0`` is plain gradient descent in every form)::

        "torch":  b = beta*b + g;            x -= lr_t*b   (torch.optim.SGD(momentum=beta))
        "keras":  v = beta*v - lr_t*g;       x += v        (keras.optimizers.SGD)
        "ewa":    m = beta*m + (1-beta)*g;   x -= lr_t*m

    With ``nesterov=True`` the step looks ahead by one more momentum step: ``x -= lr_t*(g +
    beta*b)``, ``x += beta*v - lr_t*g`` and ``x -= lr_t*((1-beta)*g + beta*m)`` (the
    ``nesterov=True`` options of torch and Keras).

    ``weight_decay`` (λ) is coupled L2 (``g += λ*x`` before the buffer, as
    ``torch.optim.SGD(weight_decay=λ)``) or, with ``decoupled=True``, decoupled decay
    (``x *= 1 - lr_t*λ`` before the step, outside the buffer, as Keras 3's ``weight_decay``).

    Inputs
    ------
    grad_fn : function x -> gradient at x (same shape as x0)
    x0 : starting point, any shape
    lr : a number > 0, or a schedule: a sequence of ``steps`` numbers, ``lr[t-1]`` at step t
    beta in [0, 1), steps >= 1, nesterov and decoupled True or False, weight_decay >= 0

    Returns
    -------
    iterates : (steps + 1, *x0.shape); row 0 is x0, row t the point after t steps. A diverging
        run shows inf or NaN in its later rows.

    >>> sgd_momentum(lambda x: x, [1.0], lr=0.5, beta=0.5, steps=2)
    array([[1. ],
           [0.5],
           [0. ]])

    With a schedule the torch form applies the new rate to the whole buffer, the keras form only
    to the new gradient:

    >>> sgd_momentum(lambda x: x, [1.0], lr=[0.5, 0.1], beta=0.5, steps=2)[-1]
    array([0.4])
    >>> sgd_momentum(lambda x: x, [1.0], lr=[0.5, 0.1], beta=0.5, steps=2, form="keras")[-1]
    array([0.2])
    """
    x, lrs, beta, steps, nesterov, wd, decoupled = _validate.sgd_momentum(
        grad_fn, x0, lr, beta, steps, form, FORMS, nesterov, weight_decay, decoupled)
    buf = np.zeros_like(x)
    out = np.empty((steps + 1,) + x.shape)
    out[0] = x
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows to inf/NaN
        for t in range(1, steps + 1):
            g = _validate.gradient(grad_fn(x.copy()), x.shape, t)
            eta = lrs[t - 1]
            if decoupled:
                x = x * (1.0 - eta * wd)
            elif wd:
                g = g + wd * x
            if form == "torch":
                buf = beta * buf + g
                x = x - eta * (g + beta * buf if nesterov else buf)
            elif form == "keras":
                buf = beta * buf - eta * g
                x = x + (beta * buf - eta * g if nesterov else buf)
            else:
                buf = beta * buf + (1.0 - beta) * g
                x = x - eta * ((1.0 - beta) * g + beta * buf if nesterov else buf)
            out[t] = x
    return out


def adam(grad_fn: Callable, x0, *, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
         steps: int, weight_decay: float = 0.0, decoupled: bool = False) -> np.ndarray:
    """Adam as two bias-corrected EWAs: return the iterates, shape ``(steps + 1, *x0.shape)``.

    ``m`` is the EWA of the gradients (``beta1``), ``v`` the EWA of their squares (``beta2``); both
    start at 0::

        m = beta1*m + (1-beta1)*g;   v = beta2*v + (1-beta2)*g²
        x -= lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m/(1-beta1**t),  v_hat = v/(1-beta2**t)

    ``weight_decay`` (λ) adds weight decay, coupled (``decoupled=False``, L2 as in
    ``torch.optim.Adam(weight_decay=λ)``: ``g += λ*x`` before the EWAs) or decoupled
    (``decoupled=True``, AdamW as in ``torch.optim.AdamW(weight_decay=λ)``: ``x *= 1 - lr*λ``
    before the Adam step, which sees the data gradient alone).

    The defaults are PyTorch's (Keras uses ``eps = 1e-7``). Inputs as for :func:`sgd_momentum`
    (``lr`` a number), ``weight_decay >= 0``.

    >>> adam(lambda x: x, [2.0], lr=0.1, steps=1)  # the first step moves by lr
    array([[2. ],
           [1.9]])
    >>> adam(lambda x: 0 * x, [2.0], lr=0.1, steps=1, weight_decay=0.5, decoupled=True)
    array([[2. ],
           [1.9]])
    """
    x, lr, b1, b2, eps, steps, wd, decoupled = _validate.adam(grad_fn, x0, lr, betas, eps, steps,
                                                              weight_decay, decoupled)
    m, v = np.zeros_like(x), np.zeros_like(x)
    out = np.empty((steps + 1,) + x.shape)
    out[0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = _validate.gradient(grad_fn(x.copy()), x.shape, t)
            if decoupled:
                x = x * (1.0 - lr * wd)
            else:
                g = g + wd * x
            m = b1 * m + (1.0 - b1) * g
            v = b2 * v + (1.0 - b2) * g * g
            m_hat, v_hat = m / (1.0 - b1**t), v / (1.0 - b2**t)
            x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
            out[t] = x
    return out


def quadratic(eigenvalues):
    """The test problem ``f(x) = 1/2 * sum_i lam_i * x_i**2`` (minimum 0 at ``x = 0``).

    Inputs: ``eigenvalues`` (d,), the positive curvatures ``lam_i``.
    Returns the pair ``(f, grad_fn)`` of functions of ``x`` (d,), with ``grad_fn(x) = lam * x``.

    >>> f, grad_fn = quadratic([1.0, 10.0])
    >>> f([1.0, 1.0]), grad_fn([1.0, 1.0])
    (5.5, array([ 1., 10.]))
    """
    lam = _validate.eigenvalues(eigenvalues)

    def f(x):
        return float(0.5 * np.sum(lam * _validate.vector(x, lam.shape) ** 2))

    def grad_fn(x):
        return lam * _validate.vector(x, lam.shape)

    return f, grad_fn


def optimal_gd(eigenvalues) -> dict:
    """Best constant step for gradient descent on a quadratic and its rate (Goh 2017).

    Returns ``{"lr": 2/(lam_min + lam_max), "rate": (kappa - 1)/(kappa + 1), "kappa": kappa}``:
    the error shrinks by ``rate`` per step (``eigenvalues``: shape ``(d,)``, positive).
    """
    lam = _validate.eigenvalues(eigenvalues)
    lo, hi = lam.min(), lam.max()
    kappa = hi / lo
    return {"lr": 2.0 / (lo + hi), "rate": (kappa - 1) / (kappa + 1), "kappa": kappa}


def optimal_momentum(eigenvalues) -> dict:
    """Best (lr, beta) for momentum in the torch form on a quadratic, and its rate (Goh 2017).

    ``lr = (2/(sqrt(lam_min) + sqrt(lam_max)))**2``, ``beta = ((sqrt(lam_max) - sqrt(lam_min)) /
    (sqrt(lam_max) + sqrt(lam_min)))**2``, ``rate = (sqrt(kappa) - 1)/(sqrt(kappa) + 1)``.
    """
    lam = _validate.eigenvalues(eigenvalues)
    lo, hi = np.sqrt(lam.min()), np.sqrt(lam.max())
    sk = hi / lo
    return {"lr": (2.0 / (lo + hi)) ** 2, "beta": ((hi - lo) / (hi + lo)) ** 2,
            "rate": (sk - 1) / (sk + 1), "kappa": sk**2}


def relative_errors(iterates, x_star=None) -> np.ndarray:
    """``||x_t - x*|| / ||x_0 - x*||`` for each row of ``iterates`` (shape ``(T, d)``) -> ``(T,)``.

    ``x_star`` (shape ``(d,)``) defaults to the origin, the minimum of :func:`quadratic`.
    """
    xs, x_star = _validate.relative_errors(iterates, x_star)
    dist = np.linalg.norm(xs - x_star, axis=1)
    return dist / dist[0]


def iterations_to(errors, tol: float) -> int:
    """First index t with ``errors[t] <= tol`` (``errors``: shape ``(T,)``); ValueError if never."""
    errors, tol = _validate.float_array(errors, "errors", ndim=1), _validate.positive(tol, "tol")
    hit = np.flatnonzero(errors <= tol)
    if hit.size == 0:
        raise ValueError(f"errors never reach tol={tol:g} in {errors.size} entries "
                         f"(smallest {errors.min():.3g}): run more steps")
    return int(hit[0])


def measured_rate(errors, start: int, stop: int) -> float:
    """Average factor per step by which ``errors`` shrink between two indices.

    ``(errors[stop] / errors[start]) ** (1 / (stop - start))`` for ``0 <= start < stop < T``,
    ``errors`` of shape ``(T,)``, positive at both ends.
    """
    errors, start, stop = _validate.rate_window(errors, start, stop)
    return float((errors[stop] / errors[start]) ** (1.0 / (stop - start)))


def torch_iterates(make_optimizer: Callable, eigenvalues, x0, steps: int,
                   make_scheduler: Callable | None = None) -> np.ndarray:
    """All iterates of a PyTorch optimizer on the quadratic ``f(x) = 1/2 * sum_i lam_i x_i**2``.

    At each step autograd computes the gradient ``lam * x`` (float64), the optimizer steps, then
    the learning-rate scheduler (if any) steps.

    Inputs: ``make_optimizer`` (list of parameters -> ``torch.optim`` optimizer),
    ``eigenvalues`` (d,) positive, ``x0`` (d,), ``steps`` >= 1, ``make_scheduler`` (optimizer ->
    ``torch.optim.lr_scheduler`` object, optional).
    Returns an array ``(steps + 1, d)``: row 0 is ``x0``, row t the parameters after step t.

    >>> import torch
    >>> torch_iterates(lambda ps: torch.optim.SGD(ps, lr=0.5), [1.0], [1.0], 2)[:, 0]
    array([1.  , 0.5 , 0.25])
    """
    lam, x0, steps = _validate.framework_run(eigenvalues, x0, steps, make_optimizer,
                                             "a function: list of parameters -> torch optimizer")
    import torch

    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = make_optimizer([p])
    scheduler = make_scheduler(opt) if make_scheduler else None
    out = [x0.copy()]
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * (torch.as_tensor(lam) * p**2).sum()).backward()
        opt.step()
        if scheduler:
            scheduler.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def keras_iterates(optimizer, eigenvalues, x0, steps: int) -> np.ndarray:
    """All iterates of a Keras 3 optimizer on the same quadratic, with a float64 variable.

    Inputs: ``optimizer`` (a ``keras.optimizers`` object, used once), ``eigenvalues`` (d,)
    positive, ``x0`` (d,), ``steps`` >= 1.
    Returns an array ``(steps + 1, d)``: row 0 is ``x0``, row t the variable after step t.
    (Keras keeps its hyperparameters, momentum included, in float32.)

    >>> import keras
    >>> keras_iterates(keras.optimizers.SGD(learning_rate=0.5), [1.0], [1.0], 2)[:, 0]
    array([1.  , 0.5 , 0.25])
    """
    lam, x0, steps = _validate.framework_run(eigenvalues, x0, steps)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")    # TensorFlow's start-up log lines off
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras

    var = keras.Variable(x0, dtype="float64")
    out = [x0.copy()]
    for _ in range(steps):
        optimizer.apply_gradients([(lam * np.array(var.numpy()), var)])
        out.append(np.array(var.numpy()))
    return np.array(out)
