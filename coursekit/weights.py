"""Loading, comparing, copying and reading out the weights of PyTorch and Keras models.

* :func:`compare_state_dict` says which entries of a checkpoint fit a model: matched, missing
  (the model has them, the checkpoint does not), unexpected (the other way round) and shape
  mismatches. It is what you read before ``load_state_dict(strict=False)``.
* :func:`load_matching` loads only the entries whose names *and* shapes match (the PyTorch
  equivalent of Keras 2's ``load_weights(by_name=True, skip_mismatch=True)``).
* :func:`copy_layers_by_name` does the same between two Keras models, layer by layer, by name:
  Keras 3 matches ``.weights.h5`` files by position in the model, not by layer name.
* :func:`load_weights_file` opens a weights file *without running code from it*: PyTorch
  pickles through ``torch.load(weights_only=True)``, ``.safetensors`` (no pickle at all),
  ``.keras`` archives with ``safe_mode``, HDF5 and ``.npz`` as plain arrays. Anything else is
  refused.
* :func:`extract_features` runs a network and returns the activations that enter its last
  linear layer (or the output of any layer you name): the "fixed feature extractor" of transfer
  learning.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import _frameworks, _validate

__all__ = [
    "StateDictReport", "WEIGHT_SUFFIXES", "compare_state_dict", "load_matching",
    "copy_layers_by_name", "load_weights_file", "extract_features", "placed_digits",
]

#: file endings :func:`load_weights_file` accepts, and how it reads them
WEIGHT_SUFFIXES = {
    ".pt": "torch.load(weights_only=True)", ".pth": "torch.load(weights_only=True)",
    ".bin": "torch.load(weights_only=True)", ".safetensors": "safetensors.torch.load_file",
    ".weights.h5": "HDF5 arrays (h5py)", ".h5": "HDF5 arrays (h5py)",
    ".hdf5": "HDF5 arrays (h5py)",
    ".keras": "keras.saving.load_model(safe_mode=True)", ".npz": "np.load(allow_pickle=False)",
}


@dataclass
class StateDictReport:
    """How the entries of a checkpoint line up with a model.

    ``matched``: names present in both with the same shape; ``missing``: in the model only;
    ``unexpected``: in the checkpoint only; ``mismatched``: ``(name, model_shape,
    checkpoint_shape)`` for names in both with different shapes. ``ok`` is True when everything
    matched, i.e. when a strict load would succeed.
    """

    matched: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    mismatched: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when a strict load would succeed (nothing missing, unexpected or mismatched)."""
        return not (self.missing or self.unexpected or self.mismatched)

    def __str__(self) -> str:
        lines = [f"{len(self.matched)} matched, {len(self.missing)} missing, "
                 f"{len(self.unexpected)} unexpected, {len(self.mismatched)} shape mismatches"]
        if self.missing:
            lines.append(f"  missing (model only): {_shorten(self.missing)}")
        if self.unexpected:
            lines.append(f"  unexpected (checkpoint only): {_shorten(self.unexpected)}")
        for name, mine, theirs in self.mismatched[:5]:
            lines.append(f"  shape mismatch {name}: model {tuple(mine)}, "
                         f"checkpoint {tuple(theirs)}")
        if len(self.mismatched) > 5:
            lines.append(f"  ... and {len(self.mismatched) - 5} more shape mismatches")
        return "\n".join(lines)


def _shorten(names, limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... and {len(names) - limit} more" if len(names) > limit else "")


def _shapes(obj, name: str) -> dict:
    """name -> shape tuple for a torch module, a Keras model or a mapping of arrays."""
    if _frameworks.is_torch_module(obj):
        return {k: tuple(v.shape) for k, v in obj.state_dict().items()}
    if not isinstance(obj, Mapping) and hasattr(obj, "weights") and hasattr(obj, "layers"):
        return {w.path: tuple(w.shape) for w in obj.weights}  # a Keras model
    return {k: tuple(v.shape) for k, v in _validate.named_arrays(obj, name).items()}


def compare_state_dict(model, state_dict) -> StateDictReport:
    """Compare the names and shapes of ``state_dict`` with those of ``model``.

    ``model``: a ``torch.nn.Module`` (its ``state_dict()``), a Keras model (its variables by
    ``path``, e.g. ``"dense/kernel"``) or a mapping name -> array. ``state_dict``: a mapping
    name -> tensor or array. Lists keep the model's order (``unexpected``: the checkpoint's).
    """
    mine, theirs = _shapes(model, "model"), _shapes(state_dict, "state_dict")
    report = StateDictReport()
    for key, shape in mine.items():
        if key not in theirs:
            report.missing.append(key)
        elif theirs[key] == shape:
            report.matched.append(key)
        else:
            report.mismatched.append((key, shape, theirs[key]))
    report.unexpected = [key for key in theirs if key not in mine]
    return report


def load_matching(model, state_dict) -> StateDictReport:
    """Load into a torch ``model`` every entry of ``state_dict`` whose name and shape match.

    Everything else keeps its current value. Returns the :class:`StateDictReport` so you can
    read what was skipped. (``model.load_state_dict(sd, strict=False)`` alone still raises on a
    shape mismatch; this filters those entries out first.)
    """
    _validate.torch_module(model, hint="; for Keras models use copy_layers_by_name")
    report = compare_state_dict(model, state_dict)
    subset = OrderedDict((k, state_dict[k]) for k in report.matched)
    model.load_state_dict(subset, strict=False)
    return report


def copy_layers_by_name(source, target) -> StateDictReport:
    """Copy the weights of every layer of Keras ``source`` into the same-named layer of ``target``.

    A layer is copied only if all its weight shapes agree; the report lists layer names
    (``matched`` = copied, ``missing`` = layers with weights in ``target`` only, ``unexpected`` =
    in ``source`` only, ``mismatched`` = same name, different shapes). This is what Keras 2's
    ``load_weights(path, by_name=True, skip_mismatch=True)`` did.
    """
    source, target = _validate.keras_models(source, target)
    src = {layer.name: layer for layer in source.layers if layer.weights}
    report = StateDictReport()
    for layer in target.layers:
        if not layer.weights:
            continue
        if layer.name not in src:
            report.missing.append(layer.name)
            continue
        values = src[layer.name].get_weights()
        mine = [tuple(w.shape) for w in layer.weights]
        theirs = [tuple(v.shape) for v in values]
        if mine == theirs:
            layer.set_weights(values)
            report.matched.append(layer.name)
        else:
            report.mismatched.append((layer.name, mine, theirs))
    target_names = {layer.name for layer in target.layers}
    report.unexpected = [name for name in src if name not in target_names]
    return report


def _suffix(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(WEIGHT_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return None


def load_weights_file(path):
    """Read a weights file without executing anything stored in it.

    * ``.pt``/``.pth``/``.bin``: ``torch.load(path, weights_only=True, map_location="cpu")``;
      must be a flat mapping name -> tensor (a ``state_dict``); returns it (an ``OrderedDict``).
    * ``.safetensors``: a JSON header and raw tensor bytes, no pickle; returns the tensors as an
      ``OrderedDict`` name -> tensor, on the CPU.
    * ``.weights.h5``/``.h5``/``.hdf5``: every dataset as ``{"group/name": ndarray}``.
    * ``.keras``: loaded with ``keras.saving.load_model(safe_mode=True)`` (refuses Python
      lambdas), returned as ``{variable.path: ndarray}``.
    * ``.npz``: ``np.load(allow_pickle=False)`` as ``{name: ndarray}``.

    Raises ``ValueError`` for any other suffix, and for a file that would need to run code
    (a pickled model object, a lambda layer) or that holds more than tensors.
    """
    path, suffix = _validate.weights_file(path, _suffix, WEIGHT_SUFFIXES)
    if suffix in (".pt", ".pth", ".bin"):
        return _load_torch(path)
    if suffix == ".safetensors":
        return _load_safetensors(path)
    if suffix == ".keras":
        return _load_keras(path)
    if suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as data:
                return {k: data[k] for k in data.files}
        except ValueError as err:
            raise ValueError(f"path {path.name!r} holds pickled objects, refused: {err}") from err
    return _load_h5(path)


def _load_torch(path: Path):
    import pickle

    import torch

    try:
        obj = torch.load(path, weights_only=True, map_location="cpu")
    except (pickle.UnpicklingError, RuntimeError, AttributeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"path {path.name!r} is not a plain weights file: torch.load("
                         f"weights_only=True) refused it ({first[:200]}). Save "
                         "model.state_dict(), not the model object") from err
    if not isinstance(obj, Mapping):
        raise ValueError(f"path {path.name!r} holds a {type(obj).__name__}, not a state_dict "
                         "(a mapping of names to tensors)")
    for key, value in obj.items():
        if not isinstance(value, torch.Tensor):
            raise ValueError(f"path {path.name!r} is not a plain state_dict: entry {key!r} is a "
                             f"{type(value).__name__}, not a tensor (a training checkpoint? take "
                             "its model entry, e.g. checkpoint['model'])")
    return OrderedDict(obj)


def _load_safetensors(path: Path):
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        return OrderedDict(load_file(path, device="cpu"))
    except (SafetensorError, ValueError, OSError) as err:
        raise ValueError(f"path {path.name!r} is not a readable safetensors file: "
                         f"{str(err)[:200]}") from err


def _load_keras(path: Path) -> dict:
    import keras

    try:
        model = keras.saving.load_model(path, safe_mode=True, compile=False)
    except ValueError as err:
        raise ValueError(f"path {path.name!r} was refused by keras safe_mode: "
                         f"{str(err)[:300]}") from err
    return {w.path: np.array(w.numpy()) for w in model.weights}


def _load_h5(path: Path) -> dict:
    import h5py

    arrays = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            if obj.dtype.kind not in "biuf":
                raise ValueError(f"path {path.name!r}: dataset {name!r} is not numeric "
                                 f"(dtype {obj.dtype})")
            arrays[name] = obj[()]

    try:
        with h5py.File(path, "r") as fh:
            fh.visititems(visit)
    except OSError as err:
        raise ValueError(f"path {path.name!r} is not a readable HDF5 file: {err}") from err
    return arrays


class _Stop(Exception):
    """Raised by the hook once the requested activations are captured."""


def extract_features(model, images, *, layer=None, batch_size: int = 128) -> np.ndarray:
    """Run ``model`` on ``images`` and return one feature vector per image, shape (N, F).

    ``images``: (N, C, H, W) array or tensor, already preprocessed for the model.
    ``layer=None`` captures the *input* of the model's last ``torch.nn.Linear`` (the pooled
    features the classifier sees); a module or a dotted name (``"_blocks.14"``) captures the
    *output* of that module instead, flattened per image, and stops the forward pass there.
    Runs in eval mode without gradients, in batches; the model's mode is restored afterwards.
    """
    import torch

    model, x, layer, batch_size = _validate.feature_args(model, images, layer, batch_size)
    capture_input = layer is None
    if layer is None:  # the last Linear layer: capture what goes into it
        layer = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
    elif isinstance(layer, str):
        layer = model.get_submodule(layer)
    captured = []

    def hook(module, inputs, output):
        value = inputs[0] if capture_input else output
        captured.append(value.detach().reshape(value.shape[0], -1).clone())
        if not capture_input:
            raise _Stop

    handle = layer.register_forward_hook(hook)
    try:
        with _frameworks.eval_mode(model):
            for start in range(0, x.shape[0], batch_size):
                try:
                    model(x[start:start + batch_size])
                except _Stop:
                    pass
    finally:
        handle.remove()
    if len(captured) != -(-x.shape[0] // batch_size):
        raise ValueError("the chosen layer was not called during the forward pass")
    return torch.cat(captured).numpy()


def placed_digits(images, labels, *, n_per_class: int = 20, size: int = 64, seed: int = 0):
    """Small digits scaled to random sizes and pasted at random places on a blank canvas.

    Inputs: ``images`` (N, 64), 8 × 8 digits with ink in [0, 1], as a float tensor (the
    scikit-learn digits divided by 16); ``labels`` (N,) their classes 0-9, a tensor.
    ``n_per_class`` digits are drawn per class (without replacement) and shuffled; each is
    resized (bilinear) to a side drawn from 24-40 pixels and placed at a uniformly random
    position on a ``size`` × ``size`` canvas of zeros.
    Returns ``(canvas, labels)``: a float32 array (10·n_per_class, size, size) of ink in [0, 1]
    and the drawn digits' labels (a tensor), in the same order.

    >>> import torch
    >>> canvas, y = placed_digits(torch.rand(30, 64, dtype=torch.float64), torch.arange(30) % 10,
    ...                           n_per_class=2, size=48)
    >>> canvas.shape, str(canvas.dtype), sorted(y.tolist()) == sorted(list(range(10)) * 2)
    ((20, 48, 48), 'float32', True)
    """
    import torch
    import torch.nn.functional as F

    images, labels = _validate.placed_digits_args(images, labels, n_per_class, size)
    rng = np.random.default_rng(seed)
    idx = np.concatenate([rng.choice(np.flatnonzero(labels.numpy() == c), n_per_class,
                                     replace=False) for c in range(10)])
    rng.shuffle(idx)
    canvas = np.zeros((len(idx), size, size), dtype=np.float32)
    small = images[idx].reshape(-1, 1, 8, 8)
    for i in range(len(idx)):
        side = int(rng.integers(24, 41))
        top, left = rng.integers(0, size - side + 1, size=2)
        digit = F.interpolate(small[i:i + 1], size=(side, side), mode="bilinear")
        canvas[i, top:top + side, left:left + side] = digit[0, 0].numpy()
    return canvas, labels[torch.as_tensor(idx)]
