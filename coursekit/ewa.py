"""Exponentially weighted averages (EWA), the running average behind momentum and Adam.

The EWA of a sequence ``x_1, x_2, ...`` starts at ``v_0 = 0`` and updates

    v_t = beta * v_{t-1} + (1 - beta) * x_t .

Unrolled, ``v_t = sum_k (1 - beta) * beta**k * x_{t-k}``: the newest value gets weight
``1 - beta`` and every older one ``beta`` times less. These weights add up to ``1 - beta**t``, not
to 1, so early averages are pulled towards the starting value 0; dividing by ``1 - beta**t``
(*bias correction*) removes that pull.
"""

from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["ewa", "ewa_weights", "effective_window"]


def _beta(beta) -> float:
    return _validate.real(beta, "beta", low=0, high=1, high_open=True)


def ewa(values, beta: float, *, bias_correction: bool = False) -> np.ndarray:
    """Exponentially weighted average of ``values`` along axis 0, one average per time step.

    ``values`` has shape ``(T,)`` or ``(T, ...)`` (time first); the result has the same shape and
    holds ``v_1, ..., v_T`` with ``v_0 = 0`` and ``v_t = beta*v_{t-1} + (1-beta)*x_t``.
    With ``bias_correction=True`` it holds ``v_t / (1 - beta**t)`` instead, which for a constant
    sequence equals that constant from the first step on. ``beta`` must lie in [0, 1).
    """
    beta = _beta(beta)
    if not isinstance(bias_correction, (bool, np.bool_)):
        raise TypeError(f"bias_correction must be True or False, got {bias_correction!r}")
    x = _validate.float_array(values, "values")
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(f"values must hold at least one time step (time along axis 0), "
                         f"got shape {x.shape}")
    out = np.empty(x.shape, dtype=np.result_type(x.dtype, np.float64))
    v = np.zeros(x.shape[1:], dtype=out.dtype)
    for t in range(x.shape[0]):
        v = beta * v + (1.0 - beta) * x[t]
        out[t] = v
    if bias_correction:
        steps = np.arange(1, x.shape[0] + 1, dtype=np.float64)
        out /= (1.0 - beta**steps).reshape((-1,) + (1,) * (x.ndim - 1))
    return out


def ewa_weights(beta: float, n: int) -> np.ndarray:
    """The weights ``(1 - beta) * beta**k``, k = 0..n-1, that ``v_t`` puts on ``x_t, x_{t-1}, ...``.

    Returns shape ``(n,)``, newest first. For ``t = n``, ``ewa(x, beta)[-1]`` equals
    ``ewa_weights(beta, n) @ x[::-1]``; the weights sum to ``1 - beta**n``.
    """
    beta = _beta(beta)
    n = _validate.positive_int(n, "n")
    return (1.0 - beta) * beta ** np.arange(n, dtype=np.float64)


def effective_window(beta: float) -> float:
    """About how many recent steps an EWA averages over: ``1 / (1 - beta)`` (10 for beta = 0.9)."""
    return 1.0 / (1.0 - _beta(beta))
