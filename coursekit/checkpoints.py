"""Saving and loading checkpoints safely, in a git-ignored folder under ``outputs/``.

Every write goes to a hidden temporary file in the same folder, is flushed to disk (``fsync``)
and only then renamed to its final name with ``os.replace``. A run that is interrupted while
writing (an error, Ctrl-C, a killed kernel) therefore leaves either the previous checkpoint or
none, never a half-written file under the final name that a later cell would load.

What the rename guarantees depends on the system. On POSIX, renaming within one file system is
atomic: a reader sees the old file or the new one, never a mix. On Windows, ``os.replace`` also
replaces an existing file, but Python does not promise that it is atomic, and it fails
(``PermissionError``) while another program holds the target file open. The folder itself is not
``fsync``-ed, so after a power cut the rename may be lost and the previous checkpoint come back.

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
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import _validate, data

__all__ = ["FORMATS", "checkpoint_path", "atomic_write", "save_checkpoint", "load_checkpoint"]

FORMATS = (".npz", ".pt", ".pth", ".keras", ".weights.h5")
DEFAULT_FOLDER = "checkpoints"


def checkpoint_path(filename, folder: str = DEFAULT_FOLDER) -> Path:
    """The path ``outputs/<folder>/<filename>`` (the folder is created, git ignores it).

    ``filename`` is a plain file name with one of the endings in ``FORMATS``; ``folder`` is a
    relative folder name under ``outputs/`` (e.g. ``"06_weight_averaging"``).
    """
    filename, folder, _ = _validate.checkpoint_name(filename, folder, FORMATS)
    return data.output_dir(folder) / filename


def atomic_write(path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` to write a file, then rename it to ``path`` in one step.

    ``tmp_path`` is a hidden file in the same folder whose name ends like ``path`` (some writers
    insist on the ending). If ``write`` raises, or leaves no file, the temporary file is removed,
    ``path`` is left as it was (the previous version, or absent) and the error propagates.
    Returns ``path`` as a Path.
    """
    path = _validate.atomic_write(path, write)
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


def save_checkpoint(obj, filename, *, folder: str = DEFAULT_FOLDER) -> Path:
    """Save ``obj`` atomically to ``outputs/<folder>/<filename>``; return the path.

    The ending of ``filename`` picks the format (see the module docstring): ``.npz`` for a Keras
    weight list, ``.pt``/``.pth`` for a PyTorch state dict or ``nn.Module``, ``.keras`` and
    ``.weights.h5`` for a Keras model. An existing file of that name is replaced only once the new
    one is completely written.
    """
    filename, folder, suffix = _validate.checkpoint_name(filename, folder, FORMATS)
    content = _validate.checkpoint_object(obj, suffix)

    def write(tmp):
        if suffix == ".npz":
            with open(tmp, "wb") as fh:  # a file handle: np.savez would append ".npz" to a name
                np.savez(fh, *content)
        elif suffix in (".pt", ".pth"):
            import torch

            torch.save(content, tmp)
        elif suffix == ".keras":
            content.save(tmp)
        else:
            content.save_weights(tmp)

    return atomic_write(data.output_dir(folder) / filename, write)


def load_checkpoint(filename, *, folder: str = DEFAULT_FOLDER, model=None):
    """Load ``outputs/<folder>/<filename>`` without running code stored in it.

    ``.npz`` -> list of arrays; ``.pt``/``.pth`` -> state dict (``torch.load(weights_only=True)``,
    on the CPU); ``.keras`` -> Keras model (``safe_mode=True``); ``.weights.h5`` -> loads into
    the Keras ``model`` you pass (required) and returns it.
    """
    filename, folder, suffix = _validate.checkpoint_name(filename, folder, FORMATS)
    _validate.checkpoint_model(model, suffix)
    path = data.output_dir(folder) / filename
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint {filename!r} in outputs/{folder}/")
    if suffix == ".weights.h5":
        model.load_weights(path)
        return model
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as archive:
            names = sorted(archive.files, key=lambda name: int(name.rsplit("_", 1)[1]))
            return [archive[name] for name in names]
    if suffix in (".pt", ".pth"):
        import torch

        return torch.load(path, weights_only=True, map_location="cpu")
    import keras

    return keras.saving.load_model(path, safe_mode=True)
