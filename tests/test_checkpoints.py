"""Tests of coursekit.checkpoints: atomic saving into outputs/, safe loading."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from coursekit import checkpoints, data
from coursekit.checkpoints import atomic_write, checkpoint_path, load_checkpoint, save_checkpoint


@pytest.fixture(autouse=True)
def outputs_in_tmp(tmp_path, monkeypatch):
    """Send outputs/ to a temporary folder so the tests never touch the repository."""
    monkeypatch.setattr(data, "OUTPUT_DIR", tmp_path / "outputs")
    return tmp_path / "outputs"


def _weights(value=1.0):
    return [np.full((2, 3), value, np.float32), np.arange(3, dtype=np.float32) * value,
            np.array([7], dtype=np.int64)]


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_checkpoint_path_is_under_outputs(outputs_in_tmp):
    path = checkpoint_path("a.npz", folder="06_weight_averaging")
    assert path == outputs_in_tmp / "06_weight_averaging" / "a.npz"
    assert path.parent.is_dir()


def test_checkpoint_path_bad_input():
    with pytest.raises(ValueError, match="filename must end with"):
        checkpoint_path("model.pickle")
    with pytest.raises(ValueError, match="filename must be a plain file name"):
        checkpoint_path("sub/model.npz")
    with pytest.raises(ValueError, match="folder"):
        checkpoint_path("model.npz", folder="../elsewhere")
    with pytest.raises(ValueError, match="folder"):
        checkpoint_path("model.npz", folder="/tmp/x")
    with pytest.raises(TypeError, match="filename"):
        checkpoint_path(3)


def test_npz_round_trip_keeps_order_dtype_and_values(outputs_in_tmp):
    weights = _weights(2.0) + [np.zeros(i) for i in range(1, 12)]  # > 10 arrays: order by number
    path = save_checkpoint(weights, "w.npz")
    assert path.name == "w.npz" and _files(path.parent) == ["w.npz"]
    loaded = load_checkpoint("w.npz")
    assert len(loaded) == len(weights)
    for a, b in zip(loaded, weights, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_torch_round_trip_uses_weights_only(outputs_in_tmp, monkeypatch):
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    save_checkpoint(model, "m.pt")
    calls = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    state = load_checkpoint("m.pt")
    assert calls and calls[0].get("weights_only") is True
    for key, value in model.state_dict().items():
        assert torch.equal(state[key], value)


def test_torch_checkpoint_with_code_is_refused(outputs_in_tmp):
    class Evil:
        def __reduce__(self):
            return (print, ("this ran",))

    path = checkpoint_path("evil.pt")
    torch.save({"x": Evil()}, path)
    with pytest.raises(Exception, match="(?i)weights_only|unsupported|global"):
        load_checkpoint("evil.pt")


def test_keras_formats_round_trip(outputs_in_tmp):
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    model.set_weights([np.ones((2, 3), np.float32), np.arange(3, dtype=np.float32)])
    save_checkpoint(model, "m.keras")
    save_checkpoint(model, "m.weights.h5")
    assert _files(outputs_in_tmp / "checkpoints") == ["m.keras", "m.weights.h5"]
    loaded = load_checkpoint("m.keras")
    x = np.array([[1.0, 2.0]], np.float32)
    expected = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), expected)
    other = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    assert load_checkpoint("m.weights.h5", model=other) is other
    np.testing.assert_allclose(keras.ops.convert_to_numpy(other(x)), expected)
    with pytest.raises(TypeError, match="model"):
        load_checkpoint("m.weights.h5")


def test_save_and_load_bad_input(outputs_in_tmp):
    with pytest.raises(TypeError, match="Keras weight list"):
        save_checkpoint({"a": np.zeros(2)}, "x.npz")
    with pytest.raises(TypeError, match="numeric"):
        save_checkpoint([np.array(["text"])], "x.npz")
    with pytest.raises(TypeError, match="state dict"):
        save_checkpoint([np.zeros(2)], "x.pt")
    with pytest.raises(TypeError, match="Keras model"):
        save_checkpoint([np.zeros(2)], "x.keras")
    with pytest.raises(FileNotFoundError, match="no checkpoint 'missing.npz'"):
        load_checkpoint("missing.npz")
    save_checkpoint([np.zeros(2)], "x.npz")
    with pytest.raises(ValueError, match="model is only used"):
        load_checkpoint("x.npz", model=object())
    assert _files(outputs_in_tmp / "checkpoints") == ["x.npz"]


def test_atomic_write_bad_input(tmp_path):
    with pytest.raises(TypeError, match="write"):
        atomic_write(tmp_path / "a.npz", "not a function")
    with pytest.raises(TypeError, match="path"):
        atomic_write(3, lambda p: None)
    with pytest.raises(ValueError, match="folder does not exist"):
        atomic_write(tmp_path / "nope" / "a.npz", lambda p: p.write_bytes(b"x"))
    with pytest.raises(RuntimeError, match="did not create"):
        atomic_write(tmp_path / "a.npz", lambda p: None)
    assert _files(tmp_path) == []


def test_failing_writer_leaves_the_previous_checkpoint(outputs_in_tmp, monkeypatch):
    save_checkpoint(_weights(1.0), "w.npz")
    real_savez = np.savez

    def half_then_fail(fh, *arrays):
        real_savez(fh, *arrays)
        fh.truncate(fh.tell() // 2)  # a half-written file...
        raise OSError("disk full")  # ...and then the writer dies

    monkeypatch.setattr(np, "savez", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(_weights(5.0), "w.npz")
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(_weights(5.0), "new.npz")
    monkeypatch.setattr(np, "savez", real_savez)
    # the old checkpoint is intact, the new name does not exist, no temporary file is left
    assert _files(outputs_in_tmp / "checkpoints") == ["w.npz"]
    np.testing.assert_array_equal(load_checkpoint("w.npz")[0], _weights(1.0)[0])


def test_keyboard_interrupt_while_writing_torch(outputs_in_tmp, monkeypatch):
    save_checkpoint({"w": torch.ones(3)}, "s.pt")
    real_save = torch.save

    def interrupted(obj, f, *args, **kwargs):
        with open(f, "wb") as fh:
            fh.write(b"PK\x03\x04 half a zip file")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint({"w": torch.zeros(3)}, "s.pt")
    assert _files(outputs_in_tmp / "checkpoints") == ["s.pt"]
    monkeypatch.setattr(torch, "save", real_save)
    assert torch.equal(load_checkpoint("s.pt")["w"], torch.ones(3))


def test_killed_process_never_leaves_a_loadable_half_file(outputs_in_tmp):
    """A process killed mid-write (no cleanup runs) leaves only a hidden temporary file."""
    save_checkpoint(_weights(1.0), "w.npz")
    script = textwrap.dedent(f"""
        import os
        import numpy as np
        from coursekit import checkpoints, data
        data.OUTPUT_DIR = data.Path({str(outputs_in_tmp)!r})

        def die(fh, *arrays):
            fh.write(b"PK half")
            fh.flush()
            os._exit(3)  # like a killed kernel: no except, no finally

        np.savez = die
        checkpoints.save_checkpoint([np.zeros(2)], "w.npz")
        checkpoints.save_checkpoint([np.zeros(2)], "fresh.npz")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 3, result.stderr
    names = _files(outputs_in_tmp / "checkpoints")
    assert "w.npz" in names and "fresh.npz" not in names
    leftovers = [n for n in names if n != "w.npz"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".w.npz.")
    assert leftovers[0].endswith(".tmp.npz")
    np.testing.assert_array_equal(load_checkpoint("w.npz")[1], _weights(1.0)[1])


def test_formats_constant_lists_every_ending():
    assert set(checkpoints.FORMATS) == {".npz", ".pt", ".pth", ".keras", ".weights.h5"}
