"""Momentum and Adam written out in NumPy, in the forms the frameworks use.

Three ways of writing SGD with momentum appear in code and textbooks (``g`` is the gradient):

* ``"torch"`` (``torch.optim.SGD(momentum=beta)``): ``b = beta*b + g``, ``x -= lr*b``;
* ``"keras"`` (``keras.optimizers.SGD(momentum=beta)``): ``v = beta*v - lr*g``, ``x += v``;
* ``"ewa"`` (the exponentially weighted average of the gradients): ``m = beta*m + (1-beta)*g``,
  ``x -= lr*m``.

All buffers start at 0. Then ``v = -lr*b`` and ``m = (1-beta)*b`` at every step, so for a
constant learning rate the torch and keras forms give the same iterates with the same ``lr``, and
the ewa form gives them too with ``lr_ewa = lr_torch / (1 - beta)``.

Also here: Adam (two bias-corrected EWAs), the quadratic test problem of notebook 04, the
learning rates and momentum that are optimal on it, and helpers to measure convergence.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import _validate

__all__ = [
    "sgd_momentum", "adam", "quadratic", "optimal_gd", "optimal_momentum",
    "relative_errors", "iterations_to", "measured_rate",
]

FORMS = ("torch", "keras", "ewa")


def _grad(grad_fn: Callable, x: np.ndarray, step: int) -> np.ndarray:
    g = np.asarray(grad_fn(x.copy()), dtype=np.float64)
    if g.shape != x.shape:
        raise ValueError(f"grad_fn must return an array of x's shape {x.shape}, "
                         f"got shape {g.shape} at step {step}")
    if not np.all(np.isfinite(g)):
        raise ValueError(f"grad_fn returned NaN or inf at step {step}: the iteration diverged "
                         f"(try a smaller lr)")
    return g


def _finite(x: np.ndarray, step: int) -> np.ndarray:
    if not np.all(np.isfinite(x)):
        raise ValueError(f"the iterate became NaN or inf at step {step}: the iteration diverged "
                         f"(try a smaller lr)")
    return x


def _start(grad_fn, x0, steps) -> tuple[np.ndarray, int]:
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be a function x -> gradient, got {type(grad_fn).__name__}")
    x = _validate.float_array(x0, "x0").astype(np.float64)
    if x.size == 0:
        raise ValueError(f"x0 must hold at least one number, got shape {x.shape}")
    return x, _validate.positive_int(steps, "steps")


def sgd_momentum(grad_fn: Callable, x0, *, lr: float, beta: float, steps: int,
                 form: str = "torch") -> np.ndarray:
    """Run ``steps`` steps of SGD with momentum from ``x0``; return all iterates.

    ``grad_fn(x)`` returns the gradient at ``x`` (same shape as ``x0``). The result has shape
    ``(steps + 1, *x0.shape)``: row 0 is ``x0``, row t the point after t steps. ``form`` is
    ``"torch"`` (``b = beta*b + g; x -= lr*b``, the same iterates as
    ``torch.optim.SGD(momentum=beta, lr=lr)``), ``"keras"`` (``v = beta*v - lr*g; x += v``, as
    ``keras.optimizers.SGD``) or ``"ewa"`` (``m = beta*m + (1-beta)*g; x -= lr*m``), with every
    buffer starting at 0. ``beta = 0`` is plain gradient descent in every form.
    """
    x, steps = _start(grad_fn, x0, steps)
    lr = _validate.real(lr, "lr", low=0, low_open=True)
    beta = _validate.real(beta, "beta", low=0, high=1, high_open=True)
    _validate.choice(form, "form", FORMS)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported by _finite
        return _run_momentum(grad_fn, x, lr, beta, steps, form)


def _run_momentum(grad_fn, x, lr, beta, steps, form):
    buf = np.zeros_like(x)
    out = np.empty((steps + 1,) + x.shape)
    out[0] = x
    for t in range(1, steps + 1):
        g = _grad(grad_fn, x, t)
        if form == "torch":
            buf = beta * buf + g
            x = x - lr * buf
        elif form == "keras":
            buf = beta * buf - lr * g
            x = x + buf
        else:
            buf = beta * buf + (1.0 - beta) * g
            x = x - lr * buf
        out[t] = _finite(x, t)
    return out


def adam(grad_fn: Callable, x0, *, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
         steps: int) -> np.ndarray:
    """Adam as two EWAs: return the iterates, shape ``(steps + 1, *x0.shape)``.

    ``m`` is the EWA of the gradients (``beta1``), ``v`` the EWA of their squares (``beta2``); both
    start at 0 and are bias-corrected: ``x -= lr * m_hat / (sqrt(v_hat) + eps)`` with
    ``m_hat = m / (1 - beta1**t)``, ``v_hat = v / (1 - beta2**t)``. The defaults are PyTorch's
    (Keras uses ``eps = 1e-7``).
    """
    x, steps = _start(grad_fn, x0, steps)
    lr = _validate.real(lr, "lr", low=0, low_open=True)
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    b1 = _validate.real(betas[0], "betas[0]", low=0, high=1, high_open=True)
    b2 = _validate.real(betas[1], "betas[1]", low=0, high=1, high_open=True)
    eps = _validate.real(eps, "eps", low=0)
    m, v = np.zeros_like(x), np.zeros_like(x)
    out = np.empty((steps + 1,) + x.shape)
    out[0] = x
    for t in range(1, steps + 1):
        g = _grad(grad_fn, x, t)
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g * g
        m_hat, v_hat = m / (1.0 - b1**t), v / (1.0 - b2**t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        out[t] = _finite(x, t)
    return out


def _eigenvalues(eigenvalues) -> np.ndarray:
    lam = _validate.float_array(eigenvalues, "eigenvalues", ndim=1)
    if lam.size == 0 or np.any(lam <= 0):
        raise ValueError(f"eigenvalues must be a non-empty list of positive numbers, got {lam}")
    return lam.astype(np.float64)


def quadratic(eigenvalues):
    """The test problem ``f(x) = 1/2 * sum_i lam_i * x_i**2`` (minimum 0 at ``x = 0``).

    ``eigenvalues`` is a 1-D list of positive curvatures ``lam_i`` (shape ``(d,)``); returns the
    pair ``(f, grad_fn)`` of functions of ``x`` (shape ``(d,)``), with ``grad_fn(x) = lam * x``.
    """
    lam = _eigenvalues(eigenvalues)

    def _x(x):
        x = _validate.float_array(x, "x", ndim=1)
        if x.shape != lam.shape:
            raise ValueError(f"x must have shape {lam.shape}, got {x.shape}")
        return x

    def f(x):
        return float(0.5 * np.sum(lam * _x(x) ** 2))

    def grad_fn(x):
        return lam * _x(x)

    return f, grad_fn


def optimal_gd(eigenvalues) -> dict:
    """Best constant step for gradient descent on a quadratic and its rate (Goh 2017).

    Returns ``{"lr": 2/(lam_min + lam_max), "rate": (kappa - 1)/(kappa + 1), "kappa": kappa}``:
    the error shrinks by ``rate`` per step (``eigenvalues``: shape ``(d,)``, positive).
    """
    lam = _eigenvalues(eigenvalues)
    lo, hi = lam.min(), lam.max()
    kappa = hi / lo
    return {"lr": 2.0 / (lo + hi), "rate": (kappa - 1) / (kappa + 1), "kappa": kappa}


def optimal_momentum(eigenvalues) -> dict:
    """Best (lr, beta) for momentum in the torch form on a quadratic, and its rate (Goh 2017).

    ``lr = (2/(sqrt(lam_min) + sqrt(lam_max)))**2``, ``beta = ((sqrt(lam_max) - sqrt(lam_min)) /
    (sqrt(lam_max) + sqrt(lam_min)))**2``, ``rate = (sqrt(kappa) - 1)/(sqrt(kappa) + 1)``.
    """
    lam = _eigenvalues(eigenvalues)
    lo, hi = np.sqrt(lam.min()), np.sqrt(lam.max())
    sk = hi / lo
    return {"lr": (2.0 / (lo + hi)) ** 2, "beta": ((hi - lo) / (hi + lo)) ** 2,
            "rate": (sk - 1) / (sk + 1), "kappa": sk**2}


def relative_errors(iterates, x_star=None) -> np.ndarray:
    """``||x_t - x*|| / ||x_0 - x*||`` for each row of ``iterates`` (shape ``(T, d)``) -> ``(T,)``.

    ``x_star`` (shape ``(d,)``) defaults to the origin, the minimum of :func:`quadratic`.
    """
    xs = _validate.float_array(iterates, "iterates", ndim=2)
    x_star = np.zeros(xs.shape[1]) if x_star is None else _validate.float_array(
        x_star, "x_star", ndim=1)
    if x_star.shape != xs.shape[1:]:
        raise ValueError(f"x_star must have shape {xs.shape[1:]}, got {x_star.shape}")
    dist = np.linalg.norm(xs - x_star, axis=1)
    if dist[0] == 0:
        raise ValueError("iterates[0] is already x_star: the relative error is undefined")
    return dist / dist[0]


def iterations_to(errors, tol: float) -> int:
    """First index t with ``errors[t] <= tol`` (``errors``: shape ``(T,)``); ValueError if never."""
    errors = _validate.float_array(errors, "errors", ndim=1)
    tol = _validate.real(tol, "tol", low=0, low_open=True)
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
    errors = _validate.float_array(errors, "errors", ndim=1)
    start = _validate.positive_int(start, "start", minimum=0)
    stop = _validate.positive_int(stop, "stop", minimum=start + 1)
    if stop >= errors.size:
        raise ValueError(f"stop must be < len(errors) = {errors.size}, got {stop}")
    if errors[start] <= 0 or errors[stop] <= 0:
        raise ValueError("errors must be positive at start and stop")
    return float((errors[stop] / errors[start]) ** (1.0 / (stop - start)))
