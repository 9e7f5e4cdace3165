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

import sys
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np

from . import _validate

__all__ = ["SCHEMES", "scheme_weights", "average_weights"]

SCHEMES = ("equal", "linear", "exponential")


def scheme_weights(n: int, scheme: str, *, decay: float | None = None) -> np.ndarray:
    """Normalised averaging coefficients for ``n`` snapshots, ordered oldest -> newest.

    * ``"equal"``: ``1/n`` each (Polyak-Ruppert averaging, SWA);
    * ``"linear"``: proportional to ``1, 2, ..., n`` (the newest snapshot counts ``n`` times as
      much as the oldest);
    * ``"exponential"``: proportional to ``decay**k`` where ``k`` counts back from the newest
      (``k = 0``) snapshot; needs ``decay`` in (0, 1] (``decay = 1`` is the equal average).

    Returns a float64 array of shape ``(n,)`` whose entries are positive and sum to 1.
    """
    n = _validate.positive_int(n, "n")
    _validate.choice(scheme, "scheme", SCHEMES)
    if scheme != "exponential":
        if decay is not None:
            raise ValueError(f"decay is only used by scheme='exponential', got decay={decay!r} "
                             f"with scheme={scheme!r}")
        raw = np.ones(n) if scheme == "equal" else np.arange(1.0, n + 1)
    else:
        if decay is None:
            raise ValueError("decay is required for scheme='exponential' (e.g. decay=0.6: each "
                             "older snapshot counts 0.6 times as much as the next newer one)")
        decay = _validate.real(decay, "decay", low=0, high=1, low_open=True)
        raw = decay ** np.arange(n - 1, -1, -1, dtype=np.float64)  # oldest: decay**(n-1)
    return raw / raw.sum()


def _torch():
    """The torch module if it has been imported (a torch tensor cannot exist otherwise)."""
    return sys.modules.get("torch")


def _is_tensor(value) -> bool:
    torch = _torch()
    return torch is not None and isinstance(value, torch.Tensor)


def _describe_entry(value) -> tuple[tuple[int, ...], str]:
    """(shape, dtype name) of an array or tensor, for comparisons and error messages."""
    if _is_tensor(value):
        return tuple(value.shape), str(value.dtype).replace("torch.", "")
    arr = np.asarray(value)
    return arr.shape, str(arr.dtype)


def _is_float(value) -> bool:
    if _is_tensor(value):
        return value.is_floating_point() or value.is_complex()
    return np.issubdtype(np.asarray(value).dtype, np.inexact)


def _combine(entries: list, coefficients: np.ndarray):
    """Weighted sum of same-shape entries (computed in float64), in the entries' own type."""
    newest = entries[-1]
    if not _is_float(newest):  # counters and flags: take the newest
        return newest.detach().clone() if _is_tensor(newest) else np.array(newest, copy=True)
    if _is_tensor(newest):
        torch = _torch()
        work = torch.complex128 if newest.is_complex() else torch.float64
        total = torch.zeros(newest.shape, dtype=work, device=newest.device)
        for c, entry in zip(coefficients, entries, strict=True):
            total += float(c) * entry.detach().to(work)
        return total.to(newest.dtype)
    arrays = [np.asarray(e) for e in entries]
    work = np.complex128 if np.iscomplexobj(arrays[-1]) else np.float64
    total = np.zeros(arrays[-1].shape, dtype=work)
    for c, arr in zip(coefficients, arrays, strict=True):
        total += c * arr.astype(work)
    return total.astype(arrays[-1].dtype)


def _check_entry(label: str, entries: list) -> None:
    """All snapshots must agree on the shape and dtype of one entry."""
    for i, entry in enumerate(entries):
        if not _is_tensor(entry):
            dtype = np.asarray(entry).dtype
            if not (np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)):
                raise TypeError(f"{label} of snapshot {i} must be a numeric array or tensor, got "
                                f"{type(entry).__name__} of dtype {dtype}")
    first_shape, first_dtype = _describe_entry(entries[0])
    for i, entry in enumerate(entries[1:], start=1):
        shape, dtype = _describe_entry(entry)
        if shape != first_shape:
            raise ValueError(f"snapshots do not match at {label}: shape {first_shape} in "
                             f"snapshot 0 but {shape} in snapshot {i}; average only snapshots "
                             f"of the same architecture")
        if dtype != first_dtype:
            raise ValueError(f"snapshots do not match at {label}: dtype {first_dtype} in "
                             f"snapshot 0 but {dtype} in snapshot {i}")


def _coefficients(weights, n: int, decay) -> np.ndarray:
    if isinstance(weights, str):
        return scheme_weights(n, weights, decay=decay)
    if decay is not None:
        raise ValueError("decay is only used with weights='exponential', not with explicit "
                         "coefficients")
    coefficients = _validate.float_array(weights, "weights", ndim=1)
    if coefficients.shape[0] != n:
        raise ValueError(f"weights has {coefficients.shape[0]} coefficients for {n} snapshots: "
                         f"give one coefficient per snapshot, oldest first")
    if np.any(coefficients < 0):
        raise ValueError(f"weights must be non-negative, got {np.round(coefficients, 4)}")
    if not np.isclose(coefficients.sum(), 1.0, rtol=0, atol=1e-6):
        raise ValueError(f"weights must sum to 1, got sum {coefficients.sum():.6g}: divide them "
                         f"by their sum (scheme_weights does)")
    return coefficients


def average_weights(snapshots, weights="equal", *, decay: float | None = None):
    """Weighted average of model snapshots, oldest first; returns a snapshot of the same form.

    ``snapshots``: a list of Keras weight lists (``model.get_weights()``: lists of arrays) or a
    list of PyTorch state dicts (``model.state_dict()``), all from the same architecture.
    ``weights``: a scheme name of :func:`scheme_weights` (``"equal"``, ``"linear"``,
    ``"exponential"`` with ``decay``) or ``n`` non-negative coefficients summing to 1, oldest
    first.

    Each floating-point entry of the result is ``sum_i weights[i] * snapshots[i][entry]``, computed
    in float64 and returned in the entry's own dtype (and device, for tensors). Integer and
    boolean entries (such as ``num_batches_tracked``) are copied from the newest snapshot. The
    inputs are not modified. Mismatched structures raise ValueError naming the entry and shapes.
    """
    if isinstance(snapshots, (str, bytes, Mapping)) or not isinstance(snapshots, Sequence):
        raise TypeError("snapshots must be a list of snapshots (Keras weight lists or PyTorch "
                        f"state dicts), oldest first, got {type(snapshots).__name__}")
    snapshots = list(snapshots)
    if not snapshots:
        raise ValueError("snapshots is empty: pass at least one snapshot")
    coefficients = _coefficients(weights, len(snapshots), decay)

    if isinstance(snapshots[0], Mapping):
        keys = list(snapshots[0].keys())
        for i, snap in enumerate(snapshots):
            if not isinstance(snap, Mapping):
                raise TypeError(f"snapshots[{i}] is a {type(snap).__name__}, but snapshots[0] is "
                                f"a state dict: do not mix the two forms")
            if set(snap.keys()) != set(keys):
                missing = sorted(set(keys) - set(snap.keys()))
                extra = sorted(set(snap.keys()) - set(keys))
                raise ValueError(f"snapshots[{i}] has different keys from snapshots[0]: missing "
                                 f"{missing}, unexpected {extra}")
        result = OrderedDict()
        for key in keys:
            entries = [snap[key] for snap in snapshots]
            _check_entry(f"key {key!r}", entries)
            result[key] = _combine(entries, coefficients)
        return result

    lengths = []
    for i, snap in enumerate(snapshots):
        if isinstance(snap, (str, bytes, Mapping)) or not isinstance(snap, Sequence):
            raise TypeError(f"snapshots[{i}] must be a list of arrays (model.get_weights()) or a "
                            f"state dict, got {type(snap).__name__}")
        lengths.append(len(snap))
    for i, length in enumerate(lengths):
        if length != lengths[0]:
            raise ValueError(f"snapshots[{i}] has {length} arrays but snapshots[0] has "
                             f"{lengths[0]}: average only snapshots of the same architecture")
    result = []
    for j in range(lengths[0]):
        entries = [snap[j] for snap in snapshots]
        _check_entry(f"array {j}", entries)
        result.append(_combine(entries, coefficients))
    return result
