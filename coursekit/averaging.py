"""Averaging the weights of saved models: Polyak-Ruppert, linear and exponential weighting.

A *snapshot* is the weights of one model at one moment of training, in either framework's form:

* Keras: the list of arrays that ``model.get_weights()`` returns (``model.set_weights`` takes it);
* PyTorch: the dict of tensors that ``model.state_dict()`` returns (``load_state_dict`` takes it).

:func:`scheme_weights` gives the coefficients of an averaging scheme and :func:`average_weights`
combines a list of snapshots, oldest first, into one snapshot of the same form, ready to load
into a model of the same architecture.

Integer and boolean entries (for example PyTorch BatchNorm's ``num_batches_tracked`` counter) are
counts or flags, not weights: averaging them makes no sense, so they are copied from the *newest*
snapshot. Floating-point buffers (BatchNorm's ``running_mean`` and ``running_var``) are averaged
like the weights; the statistics that fit the averaged weights are different, so recompute them
afterwards (``torch.optim.swa_utils.update_bn``), as notebook 06 shows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from . import _frameworks, _validate

__all__ = ["SCHEMES", "scheme_weights", "ema_coefficients", "average_weights"]

SCHEMES = ("equal", "linear", "exponential")


def scheme_weights(n: int, scheme: str, *, decay: float | None = None) -> np.ndarray:
    """Normalised averaging coefficients for ``n`` snapshots, ordered oldest -> newest.

    * ``"equal"``: ``1/n`` each (Polyak-Ruppert averaging, SWA);
    * ``"linear"``: proportional to ``1, 2, ..., n`` (the newest snapshot counts ``n`` times as
      much as the oldest);
    * ``"exponential"``: proportional to ``decay**k`` where ``k`` counts back from the newest
      (``k = 0``) snapshot; needs ``decay`` in (0, 1] (``decay = 1`` is the equal average).

    Returns a float64 array of shape ``(n,)`` whose entries are positive and sum to 1.

    >>> scheme_weights(3, "linear").round(3)
    array([0.167, 0.333, 0.5  ])
    """
    n, decay = _validate.scheme_weights(n, scheme, decay, SCHEMES)
    if scheme == "equal":
        raw = np.ones(n)
    elif scheme == "linear":
        raw = np.arange(1.0, n + 1)
    else:
        raw = decay ** np.arange(n - 1, -1, -1, dtype=np.float64)  # oldest: decay**(n-1)
    return raw / raw.sum()


def ema_coefficients(n: int, decay: float) -> np.ndarray:
    """The weight of each of ``n`` snapshots in an EMA that starts from a copy of the first.

    This is what ``AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))`` and Keras'
    ``use_ema`` hold after ``n`` updates: the first update copies the weights, each later one
    does ``average = decay·average + (1 - decay)·new``. Unrolled, the snapshot ``k`` steps back
    from the newest gets ``(1 - decay)·decay**k``, except the oldest, which keeps the rest,
    ``decay**(n - 1)``. (A zero start with bias correction, notebook 04, spreads that rest over
    all snapshots instead: :func:`scheme_weights` with ``"exponential"``.)

    Returns a float64 array of shape ``(n,)``, oldest first, summing to 1.

    >>> ema_coefficients(3, 0.5)
    array([0.25, 0.25, 0.5 ])
    """
    n, decay = _validate.ema_coefficients(n, decay)
    coefficients = (1 - decay) * decay ** np.arange(n - 1, -1, -1, dtype=np.float64)
    coefficients[0] = decay ** (n - 1)
    return coefficients


def _combine(entries: list, coefficients: np.ndarray):
    """Weighted sum of same-shape entries (computed in float64), in the entries' own type."""
    newest = entries[-1]
    if _frameworks.is_tensor(newest):
        if not (newest.is_floating_point() or newest.is_complex()):  # counters, flags: newest
            return newest.detach().clone()
        import torch

        work = torch.complex128 if newest.is_complex() else torch.float64
        total = torch.zeros(newest.shape, dtype=work, device=newest.device)
        for c, entry in zip(coefficients, entries, strict=True):
            total += float(c) * entry.detach().to(work)
        return total.to(newest.dtype)
    arrays = [np.asarray(e) for e in entries]
    if not np.issubdtype(arrays[-1].dtype, np.inexact):  # counters and flags: take the newest
        return np.array(newest, copy=True)
    work = np.complex128 if np.iscomplexobj(arrays[-1]) else np.float64
    total = np.zeros(arrays[-1].shape, dtype=work)
    for c, arr in zip(coefficients, arrays, strict=True):
        total += c * arr.astype(work)
    return total.astype(arrays[-1].dtype)


def average_weights(snapshots, weights="equal", *, decay: float | None = None):
    """Weighted average of model snapshots, oldest first; returns a snapshot of the same form.

    Each floating-point entry of the result is ``sum_i weights[i] * snapshots[i][entry]``,
    computed in float64 and returned in the entry's own dtype (and device, for tensors).

    Inputs
    ------
    snapshots : list of Keras weight lists (``model.get_weights()``) or of PyTorch state dicts
        (``model.state_dict()``), all from the same architecture, oldest first
    weights : a scheme name of :func:`scheme_weights` (``"equal"``, ``"linear"``,
        ``"exponential"`` with ``decay``) or n non-negative coefficients summing to 1

    Returns
    -------
    One snapshot of the same form. Integer and boolean entries (such as
    ``num_batches_tracked``) are copied from the newest snapshot; the inputs are not modified.
    Mismatched structures raise ValueError naming the entry and the shapes.

    >>> average_weights([[np.array([0.0, 2.0])], [np.array([2.0, 4.0])]])
    [array([1., 3.])]
    """
    snapshots, keys, coefficients = _validate.snapshots(snapshots, weights, decay)
    if coefficients is None:
        coefficients = scheme_weights(len(snapshots), weights, decay=decay)
    combined = [_combine([snap[key] for snap in snapshots], coefficients) for key in keys]
    if isinstance(snapshots[0], Mapping):
        return OrderedDict(zip(keys, combined, strict=True))
    return combined
