"""Exponentially weighted averages (EWA), the running average behind momentum and Adam.

The EWA of a sequence ``x_1, x_2, ...`` starts at ``m_0 = 0`` and updates

    m_t = beta * m_{t-1} + (1 - beta) * x_t .

Unrolled, ``m_t = sum_k (1 - beta) * beta**k * x_{t-k}``: the newest value gets weight
``1 - beta`` and every older one ``beta`` times less. These weights add up to ``1 - beta**t``, not
to 1, so early averages are pulled towards the starting value 0; dividing by ``1 - beta**t``
(*bias correction*) removes that pull.
"""

from __future__ import annotations

import numpy as np

from . import _validate

__all__ = ["ewa", "ewa_weights", "effective_window"]


def ewa(values, beta: float, *, bias_correction: bool = False) -> np.ndarray:
    """Exponentially weighted average of ``values`` along axis 0, one average per time step.

    Inputs
    ------
    values : (T,) or (T, ...), time first
    beta : in [0, 1)
    bias_correction : divide ``m_t`` by ``1 - beta**t`` (then a constant sequence averages to
        that constant from the first step on)

    Returns
    -------
    m : shape of ``values``, holding ``m_1, ..., m_T`` with ``m_0 = 0`` and
        ``m_t = beta*m_{t-1} + (1-beta)*x_t``

    >>> ewa([1.0, 1.0, 1.0], 0.5)
    array([0.5  , 0.75 , 0.875])
    >>> ewa([1.0, 1.0, 1.0], 0.5, bias_correction=True)
    array([1., 1., 1.])
    """
    x, beta, bias_correction = _validate.ewa(values, beta, bias_correction)
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
    """The weights ``(1 - beta) * beta**k``, k = 0..n-1, that ``m_t`` puts on ``x_t, x_{t-1}, ...``.

    Inputs: ``beta`` in [0, 1), ``n >= 1``. Returns shape ``(n,)``, newest first; they sum to
    ``1 - beta**n``, and ``ewa(x, beta)[-1] == ewa_weights(beta, len(x)) @ x[::-1]``.

    >>> ewa_weights(0.9, 3)
    array([0.1  , 0.09 , 0.081])
    """
    beta, n = _validate.unit_interval(beta, "beta"), _validate.positive_int(n, "n")
    return (1.0 - beta) * beta ** np.arange(n, dtype=np.float64)


def effective_window(beta: float) -> float:
    """About how many recent steps an EWA averages over: ``1 / (1 - beta)``.

    >>> round(effective_window(0.9), 6)
    10.0
    """
    return 1.0 / (1.0 - _validate.unit_interval(beta, "beta"))
