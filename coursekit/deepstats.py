"""Layer-by-layer statistics of a deep stack of square dense layers, measured and predicted.

The stack is ``h_0 = x ~ N(0, 1)``, ``z_l = h_{l-1} @ W_l + b``, ``h_l = f(z_l)`` for
``l = 1 .. depth``, every ``W_l`` of shape ``(width, width)`` drawn by
:func:`coursekit.init.initialize`. A random upstream gradient ``dL/dh_depth ~ N(0, 1)`` is sent
back through the stack, so we see how the *backward* signal grows or shrinks as well.

:func:`layer_stats` measures the standard deviations; :func:`theory_std` predicts them with the
variance recursion behind LeCun, Xavier and He initialisation (the wide-layer limit)::

    q_1 = n·Var(w)·E[x²],   q_{l+1} = n·Var(w)·E[f(z)²] + b²   with z ~ N(0, q_l)
    g_l = E[f'(z_l)²]·n·Var(w)·g_{l+1}                          (backward, g = Var(dL/dz))

For ReLU ``E[f(z)²] = q/2``, so each layer multiplies the variance by ``n·Var(w)/2``: 1/2 for
Xavier on square layers (std × 2^(-1/2) per layer), 1 for He.
"""

from __future__ import annotations

import contextlib

import numpy as np

from . import _validate
from .init import expected_std, initialize
from .nn import ACTIVATIONS, batchnorm_backward, batchnorm_forward

__all__ = ["layer_stats", "theory_std"]

# Gauss-Hermite nodes for E[g(z)], z ~ N(0, q): E = Σ w_i g(sqrt(2q)·x_i) / sqrt(pi)
_GH_X, _GH_W = np.polynomial.hermite.hermgauss(80)


def _gauss_mean(fn, q: float) -> float:
    return float(np.sum(_GH_W * fn(np.sqrt(2.0 * q) * _GH_X)) / np.sqrt(np.pi))


def _one_blas_thread():
    """Run the (small) matrix products on one BLAS thread: on a busy 2-core machine, two
    OpenBLAS threads that wait for each other are several times slower than one."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, keep the default
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _check(scheme, activation, depth, width, kw, **more):
    """The checked arguments and the scheme's weight std for square (width × width) layers."""
    checked = _validate.deep_stack(activation, ACTIVATIONS, depth, width, **more)
    return *checked, expected_std(scheme, checked[1], checked[1], **kw)


def theory_std(scheme: str, activation: str, depth: int = 50, width: int = 512, *,
               bias: float = 0.0, **kw) -> dict:
    """Predicted standard deviations per layer (wide-layer limit, independent weights).

    Returns a dict of float arrays of shape ``(depth,)``, index ``l-1`` for layer ``l``:
    ``"pre"`` std of the pre-activations ``z_l``; ``"act"`` std (root mean square) of ``h_l``;
    ``"grad"`` std of ``dL/dz_l`` for an upstream gradient ``dL/dh_depth ~ N(0, 1)``.
    ``kw`` are the scheme's keywords (``gain``, ``std``, ...).
    """
    depth, width, _, _, bias, _, std = _check(scheme, activation, depth, width, kw, bias=bias)
    f, slope = ACTIVATIONS[activation]
    df = lambda z: slope(z, f(z))
    s = width * std**2  # n·Var(w)
    pre, act, slope2 = np.zeros(depth), np.zeros(depth), np.zeros(depth)
    second_moment = 1.0  # E[x²] of the N(0, 1) input
    for layer in range(depth):
        q = s * second_moment + bias**2
        pre[layer] = np.sqrt(q)
        if q == 0.0 or not np.isfinite(q):
            second_moment = f(np.array(0.0)) ** 2 if q == 0.0 else np.inf
            slope2[layer] = float(df(np.array(0.0)) ** 2) if q == 0.0 else np.nan
        else:
            second_moment = _gauss_mean(lambda z: f(z) ** 2, q)
            slope2[layer] = _gauss_mean(lambda z: df(z) ** 2, q)
        act[layer] = np.sqrt(second_moment)
    grad = np.zeros(depth)
    g_h = 1.0  # Var(dL/dh_depth)
    for layer in range(depth - 1, -1, -1):
        grad[layer] = np.sqrt(g_h * slope2[layer])
        g_h = s * grad[layer] ** 2
    return {"pre": pre, "act": act, "grad": grad}


def layer_stats(scheme: str, activation: str, depth: int = 50, width: int = 512, *,
                n: int = 128, seed: int = 0, bias: float = 0.0, batchnorm: bool = False,
                keep=(), weight_grads: bool = False, **kw) -> dict:
    """Measure per-layer statistics of one random deep stack on ``n`` random N(0, 1) inputs.

    Returns a dict of float arrays of shape ``(depth,)`` (index ``l-1`` for layer ``l``):
    ``"pre"`` std of ``z_l``, ``"act"`` root mean square of ``h_l``, ``"grad"`` std of
    ``dL/dz_l`` (upstream ``dL/dh_depth ~ N(0, 1)``), ``"dead"`` fraction of ``h_l`` that are
    exactly 0; with ``weight_grads=True`` also ``"wgrad"``, the std of ``dL/dW_l``. ``"samples"``
    maps each layer number in ``keep`` to the flattened activations ``h_l`` (n·width values).
    With ``batchnorm=True`` each ``z_l`` is standardised over the batch (no scale or shift)
    before the activation, as a batch-norm layer does at training time.
    """
    depth, width, n, seed, bias, keep, _ = _check(scheme, activation, depth, width, kw, n=n,
                                                  seed=seed, bias=bias, keep=keep)
    f, slope = ACTIVATIONS[activation]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, width))
    weights, zs, hs, bn_caches = [], [], [x], []
    with np.errstate(over="ignore", invalid="ignore"), _one_blas_thread():
        for _ in range(depth):
            W = initialize((width, width), scheme, rng=rng, **kw)
            z = hs[-1] @ W + bias
            if batchnorm:
                z, bn_cache = batchnorm_forward(z)
                bn_caches.append(bn_cache)
            weights.append(W)
            zs.append(z)
            hs.append(f(z))
        dh = rng.normal(size=(n, width))
        grad, wgrad = np.zeros(depth), np.zeros(depth)
        for layer in range(depth - 1, -1, -1):
            dz = dh * slope(zs[layer], hs[layer + 1])
            grad[layer] = dz.std()
            if weight_grads:
                wgrad[layer] = (hs[layer].T @ dz).std()
            if batchnorm:
                dz = batchnorm_backward(dz, bn_caches[layer])
            dh = dz @ weights[layer].T
    out = {
        "pre": np.array([z.std() for z in zs]),
        "act": np.array([np.sqrt(np.mean(h**2)) for h in hs[1:]]),
        "grad": grad,
        "dead": np.array([np.mean(h == 0) for h in hs[1:]]),
        "samples": {layer: hs[layer].ravel().copy() for layer in keep},
    }
    if weight_grads:
        out["wgrad"] = wgrad
    return out
