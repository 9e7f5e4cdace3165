"""Saving and loading checkpoints safely, in a git-ignored folder under ``outputs/``.

Every write is *atomic*: the file is written to a hidden temporary file in the same folder and
only renamed to its final name (``os.replace``, atomic on POSIX and Windows) once it is complete
and flushed to disk. A run that is interrupted while writing (an error, Ctrl-C, a killed kernel)
therefore leaves either the previous checkpoint or none, never a half-written file under the
final name that a later cell would load.

Loading never runs code from the file: PyTorch files are read with ``torch.load(...,
weights_only=True)``, ``.keras`` files with Keras' ``safe_mode=True`` and ``.npz`` files with
``allow_pickle=False``.

Formats, chosen by the file name's ending:

========================  ==================================  ==================================
file name ends with       what is saved                        what ``load_checkpoint`` returns
========================  ==================================  ==================================
``.npz``                  a Keras weight list (get_weights())  the list of NumPy arrays
``.pt`` / ``.pth``        a PyTorch state dict (or a Module's) the state dict (tensors on the CPU)
``.keras``                a whole Keras model                  the Keras model
``.weights.h5``           a Keras model's weights              ``model`` with the weights loaded
========================  ==================================  ==================================
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from . import data

__all__ = ["FORMATS", "checkpoint_path", "atomic_write", "save_checkpoint", "load_checkpoint"]

FORMATS = (".npz", ".pt", ".pth", ".keras", ".weights.h5")
DEFAULT_FOLDER = "checkpoints"


def _suffix(filename: str) -> str:
    for suffix in sorted(FORMATS, key=len, reverse=True):  # ".weights.h5" before ".h5"
        if filename.endswith(suffix):
            return suffix
    raise ValueError(f"filename must end with one of {', '.join(FORMATS)} (it picks the format), "
                     f"got {filename!r}")


def checkpoint_path(filename, folder: str = DEFAULT_FOLDER) -> Path:
    """The path ``outputs/<folder>/<filename>`` (the folder is created, git ignores it).

    ``filename`` is a plain file name with one of the endings in ``FORMATS``; ``folder`` is a
    relative folder name under ``outputs/`` (e.g. ``"06_weight_averaging"``).
    """
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"filename must be a file name (str), got {type(filename).__name__}")
    filename = os.fspath(filename)
    if not filename or Path(filename).name != filename or filename in (".", ".."):
        raise ValueError(f"filename must be a plain file name without folders, got {filename!r}; "
                         f"use folder= for the folder")
    _suffix(filename)
    if not isinstance(folder, str) or not folder:
        raise ValueError(f"folder must be a non-empty folder name under outputs/, got {folder!r}")
    parts = Path(folder).parts
    if Path(folder).is_absolute() or ".." in parts:
        raise ValueError(f"folder must be a relative folder name under outputs/ (no absolute "
                         f"path, no '..'), got {folder!r}")
    return data.output_dir(folder) / filename


def atomic_write(path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` to write a file, then rename it to ``path`` in one step.

    ``tmp_path`` is a hidden file in the same folder whose name ends like ``path`` (some writers
    insist on the ending). If ``write`` raises, or leaves no file, the temporary file is removed,
    ``path`` is left as it was (the previous version, or absent) and the error propagates.
    Returns ``path`` as a Path.
    """
    if not callable(write):
        raise TypeError(f"write must be a function of the temporary path, got "
                        f"{type(write).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if not path.parent.is_dir():
        raise ValueError(f"path's folder does not exist: {path.parent.name!r}")
    ending = "".join(path.suffixes) or ".tmp"
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                    suffix=f".tmp{ending}")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()  # writers such as Keras refuse to overwrite; give them a free name
        write(tmp)
        if not tmp.is_file():
            raise RuntimeError(f"the writer did not create the file {tmp.name}")
        with open(tmp, "rb+") as fh:  # make sure the bytes are on disk before the rename
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _is_torch_module(obj) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)


def _is_keras_model(obj) -> bool:
    import sys

    keras = sys.modules.get("keras")
    return keras is not None and isinstance(obj, keras.Model)


def save_checkpoint(obj, filename, *, folder: str = DEFAULT_FOLDER) -> Path:
    """Save ``obj`` atomically to ``outputs/<folder>/<filename>``; return the path.

    The ending of ``filename`` picks the format (see the module docstring): ``.npz`` for a Keras
    weight list, ``.pt``/``.pth`` for a PyTorch state dict or ``nn.Module``, ``.keras`` and
    ``.weights.h5`` for a Keras model. An existing file of that name is replaced only once the new
    one is completely written.
    """
    path = checkpoint_path(filename, folder)
    suffix = _suffix(path.name)
    if suffix == ".npz":
        if isinstance(obj, (str, bytes, Mapping)) or not isinstance(obj, Sequence):
            raise TypeError(f"a .npz checkpoint holds a Keras weight list (model.get_weights()), "
                            f"got {type(obj).__name__}")
        arrays = [np.asarray(a) for a in obj]
        for i, arr in enumerate(arrays):
            if not (np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)):
                raise TypeError(f"obj[{i}] must be a numeric array, got dtype {arr.dtype}")

        def write(tmp):
            with open(tmp, "wb") as fh:  # a file handle: np.savez would append ".npz" to a name
                np.savez(fh, *arrays)
    elif suffix in (".pt", ".pth"):
        import torch

        state = obj.state_dict() if _is_torch_module(obj) else obj
        if not isinstance(state, Mapping):
            raise TypeError(f"a {suffix} checkpoint holds a PyTorch state dict or nn.Module, got "
                            f"{type(obj).__name__}")

        def write(tmp):
            torch.save(dict(state), tmp)
    else:
        if not _is_keras_model(obj):
            raise TypeError(f"a {suffix} checkpoint holds a Keras model, got {type(obj).__name__}")

        def write(tmp):
            if suffix == ".keras":
                obj.save(tmp)
            else:
                obj.save_weights(tmp)
    return atomic_write(path, write)


def load_checkpoint(filename, *, folder: str = DEFAULT_FOLDER, model=None):
    """Load ``outputs/<folder>/<filename>`` without running code stored in it.

    ``.npz`` -> list of arrays; ``.pt``/``.pth`` -> state dict (``torch.load(weights_only=True)``,
    on the CPU); ``.keras`` -> Keras model (``safe_mode=True``); ``.weights.h5`` -> loads into
    the Keras ``model`` you pass (required) and returns it.
    """
    path = checkpoint_path(filename, folder)
    suffix = _suffix(path.name)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint {path.name!r} in outputs/{folder}/")
    if suffix == ".weights.h5":
        if not _is_keras_model(model):
            raise TypeError("model must be the Keras model to load a .weights.h5 file into, got "
                            f"{type(model).__name__}")
        model.load_weights(path)
        return model
    if model is not None:
        raise ValueError(f"model is only used for .weights.h5 files, not for {suffix}")
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as archive:
            names = sorted(archive.files, key=lambda name: int(name.rsplit("_", 1)[1]))
            return [archive[name] for name in names]
    if suffix in (".pt", ".pth"):
        import torch

        return torch.load(path, weights_only=True, map_location="cpu")
    import keras

    return keras.saving.load_model(path, safe_mode=True)
