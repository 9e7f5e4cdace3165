"""Every loader of weights or data in coursekit refuses pickled code, and refuses a truncated or
corrupted file with an error instead of loading garbage; nothing in the file runs.

Each malicious file holds an object whose ``__reduce__`` creates a marker file when unpickled;
a test passes only if the loader raises AND the marker does not exist. To cover a new loader, add
an entry to ``LOADERS``: how to call it on a file, which file formats it reads, and whether it
verifies a checksum (then a corrupted byte must be refused too). A static scan also fails on any
unsafe deserialisation call in coursekit's source (``pickle.load``, ``torch.load`` without
``weights_only=True``, ``np.load(allow_pickle=True)``, Keras ``safe_mode=False``...).
"""

from __future__ import annotations

import ast
import pickle
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import coursekit

PACKAGE_DIR = Path(coursekit.__file__).resolve().parent
# What a refusal may raise: a clear error, never e.g. AttributeError from half-loaded data.
REFUSALS = (ValueError, OSError, RuntimeError, EOFError, pickle.UnpicklingError,
            zipfile.BadZipFile)


class Evil:
    """Unpickling this runs code: it creates the file ``marker``."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


# ---- file builders: format -> (write a malicious file, write a valid file) -----------------

def _torch_evil(path, marker):
    import torch

    torch.save({"weight": torch.ones(3), "payload": Evil(marker)}, path)


def _torch_good(path):
    import torch

    torch.save({"weight": torch.arange(2000, dtype=torch.float32)}, path)


def _npz_evil(path, marker):
    np.savez(path, np.array([Evil(marker)], dtype=object))


def _npz_good(path):
    np.savez(path, np.arange(2000.0), np.ones((20, 20)))


def _pickle_evil(path, marker):
    path.write_bytes(pickle.dumps({"weight": [1.0, 2.0], "payload": Evil(marker)}))


def _pickle_good(path):
    path.write_bytes(pickle.dumps({"weight": list(range(2000))}))


def _safetensors_evil(path, marker):
    # a pickle under the safetensors name: the bytes that would run code if unpickled
    path.write_bytes(pickle.dumps({"weight": [1.0, 2.0], "payload": Evil(marker)}))


def _safetensors_good(path):
    import torch
    from safetensors.torch import save_file

    save_file({"weight": torch.arange(2000, dtype=torch.float32)}, path)


def _keras_evil(path, marker):
    import keras

    inputs = keras.Input((2,))
    name = str(marker)
    # a Lambda layer's Python function runs when Keras rebuilds the model from the file
    outputs = keras.layers.Lambda(lambda x: x + 0 * len(open(name, "w").name))(inputs)
    keras.Model(inputs, outputs).save(path)
    Path(marker).unlink()  # building the model ran the function once: start clean


def _keras_good(path):
    import keras

    keras.Sequential([keras.Input((20,)), keras.layers.Dense(50)]).save(path)


FORMATS = {
    "torch": (".pt", _torch_evil, _torch_good),
    "npz": (".npz", _npz_evil, _npz_good),
    "pickle": (".pkl", _pickle_evil, _pickle_good),
    "keras": (".keras", _keras_evil, _keras_good),
    "safetensors": (".safetensors", _safetensors_evil, _safetensors_good),
}


# ---- the registry of loaders ---------------------------------------------------------------

def _sample_image(path, monkeypatch):
    from coursekit import data

    monkeypatch.setattr(data, "sample_image_path", lambda name="grace_hopper": Path(path))
    return data.sample_image("grace_hopper")


def _dream_load_pretrained(path, monkeypatch):
    from coursekit import dream

    return dream.load_pretrained(path)


def _load_checkpoint(path, monkeypatch):
    from coursekit import checkpoints, data

    monkeypatch.setattr(data, "OUTPUT_DIR", Path(path).parent.parent)
    return checkpoints.load_checkpoint(Path(path).name, folder=Path(path).parent.name)


def _load_weights_file(path, monkeypatch):
    from coursekit import weights

    return weights.load_weights_file(path)


@dataclass
class Loader:
    name: str
    module: str                  # the loader is tested only once this module exists
    load: object                 # load(path, monkeypatch): call coursekit's loader on the file
    formats: tuple               # file formats (keys of FORMATS) to try
    verifies_checksum: bool      # a shipped asset with a known SHA-256: corruption is detected
    match: str | None = None     # a phrase the refusal's message must contain, if any
    gap: str = field(default="")  # why corruption is not detected (no checksum), for the report
    gap_formats: tuple = ()      # the formats where that gap shows (zip formats check a CRC)


LOADERS = [
    Loader("data.sample_image", "coursekit.data", _sample_image, ("pickle", "torch"),
           verifies_checksum=True, match="SHA-256"),
    Loader("dream.load_pretrained", "coursekit.dream", _dream_load_pretrained, ("torch",),
           verifies_checksum=True, match="corrupted"),
    Loader("checkpoints.load_checkpoint", "coursekit.checkpoints", _load_checkpoint,
           ("torch", "npz", "keras"), verifies_checksum=False, gap_formats=("torch",),
           gap="files the course writes itself carry no checksum: a flipped byte inside a tensor "
               "loads as a wrong number"),
    Loader("weights.load_weights_file", "coursekit.weights", _load_weights_file,
           ("torch", "npz", "pickle", "keras", "safetensors"), verifies_checksum=False,
           gap_formats=("torch", "safetensors"),
           gap="arbitrary user files carry no checksum: a flipped byte inside a tensor loads as "
               "a wrong number"),
]


def _available(loader: Loader) -> bool:
    import importlib.util

    return importlib.util.find_spec(loader.module) is not None


def _cases(kind: str):
    for loader in LOADERS:
        for fmt in loader.formats:
            marks = [] if _available(loader) else [pytest.mark.skip(f"{loader.module} missing")]
            if kind == "corrupted" and fmt in loader.gap_formats:
                marks.append(pytest.mark.xfail(strict=True, reason=f"known gap: {loader.gap}"))
            yield pytest.param(loader, fmt, id=f"{loader.name}-{fmt}", marks=marks)


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "outputs" / "checkpoints"  # also where load_checkpoint looks (patched)
    path.mkdir(parents=True)
    return path


def _refuse(loader, path, monkeypatch):
    with pytest.raises(REFUSALS) as info:
        loader.load(path, monkeypatch)
    assert str(info.value).strip(), f"{loader.name} refused with an empty message"
    if loader.match:
        assert loader.match in str(info.value), str(info.value)
    return info.value


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_malicious_files_really_run_code_when_loaded_unsafely(fmt, folder):
    """The bait works: an unsafe load creates the marker (so its absence below means safety)."""
    suffix, evil, _ = FORMATS[fmt]
    marker, path = folder / "ran.txt", folder / f"evil{suffix}"
    evil(path, marker)
    assert not marker.exists()
    if fmt == "torch":
        import torch

        torch.load(path, weights_only=False)
    elif fmt == "npz":
        np.load(path, allow_pickle=True)["arr_0"]
    elif fmt in ("pickle", "safetensors"):
        pickle.loads(path.read_bytes())
    else:
        import keras

        keras.saving.load_model(path, safe_mode=False)
    assert marker.exists()


@pytest.mark.parametrize(("loader", "fmt"), list(_cases("malicious")))
def test_loader_refuses_pickled_code_without_running_it(loader, fmt, folder, monkeypatch):
    suffix, evil, _ = FORMATS[fmt]
    marker, path = folder / "ran.txt", folder / f"evil{suffix}"
    evil(path, marker)
    _refuse(loader, path, monkeypatch)
    assert not marker.exists(), f"{loader.name} RAN CODE from a {fmt} file"


@pytest.mark.parametrize(("loader", "fmt"), list(_cases("truncated")))
def test_loader_refuses_a_truncated_file(loader, fmt, folder, monkeypatch):
    suffix, _, good = FORMATS[fmt]
    path = folder / f"cut{suffix}"
    good(path)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    _refuse(loader, path, monkeypatch)


@pytest.mark.parametrize(("loader", "fmt"), list(_cases("corrupted")))
def test_loader_refuses_a_corrupted_file(loader, fmt, folder, monkeypatch):
    suffix, _, good = FORMATS[fmt]
    path = folder / f"flipped{suffix}"
    good(path)
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF  # one flipped byte, in the middle (the tensor data)
    path.write_bytes(bytes(content))
    _refuse(loader, path, monkeypatch)


def test_the_real_shipped_assets_still_load():
    from coursekit import data

    assert data.sample_image("grace_hopper").shape == (600, 512, 3)


# ---- static scan: no unsafe deserialisation anywhere in coursekit --------------------------

def _kw(call: ast.Call, name: str):
    for k in call.keywords:
        if k.arg == name:
            return k.value.value if isinstance(k.value, ast.Constant) else "non-literal"
    return None


def unsafe_calls(source: str) -> list[str]:
    """Calls that could run code stored in a file, as 'line N: description'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        base = func.value.id if isinstance(func, ast.Attribute) and isinstance(
            func.value, ast.Name) else ""
        dotted = f"{base}.{name}" if base else name
        problem = None
        if base in ("pickle", "cPickle", "dill", "cloudpickle", "joblib", "shelve") and name in (
                "load", "loads", "Unpickler", "open"):
            problem = f"{dotted} runs any code stored in the file"
        elif dotted in ("pd.read_pickle", "pandas.read_pickle", "torch.jit.load", "jit.load"):
            problem = f"{dotted} can run code stored in the file"
        elif base == "torch" and name == "load" and _kw(node, "weights_only") is not True:
            problem = "torch.load without weights_only=True"
        elif name == "load" and base in ("np", "numpy") and _kw(node, "allow_pickle") not in (
                None, False):
            problem = "np.load with allow_pickle enabled"
        elif name in ("load_model", "from_config", "deserialize_keras_object") and _kw(
                node, "safe_mode") not in (None, True):
            problem = f"{dotted} with safe_mode disabled"
        elif name == "enable_unsafe_deserialization":
            problem = "keras unsafe deserialisation switched on"
        if problem:
            found.append(f"line {node.lineno}: {problem}")
    return found


def test_the_scan_finds_unsafe_calls():
    source = ("import pickle, torch, numpy as np, keras\n"
              "pickle.loads(b)\ntorch.load(p)\ntorch.load(p, weights_only=False)\n"
              "torch.load(p, weights_only=True)\nnp.load(p, allow_pickle=True)\nnp.load(p)\n"
              "keras.saving.load_model(p, safe_mode=False)\nkeras.saving.load_model(p)\n")
    assert [f.split(":")[0] for f in unsafe_calls(source)] == [
        "line 2", "line 3", "line 4", "line 6", "line 8"]


@pytest.mark.parametrize("path", sorted(PACKAGE_DIR.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_coursekit_source_has_no_unsafe_deserialisation(path):
    assert unsafe_calls(path.read_text()) == []
