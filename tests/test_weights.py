"""coursekit.weights: comparing, partially loading and safely reading weights."""

import zipfile
from collections import OrderedDict

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coursekit import weights  # noqa: E402


class Small(torch.nn.Module):
    def __init__(self, n_out=3, hidden=5):
        super().__init__()
        self.body = torch.nn.Linear(4, hidden)
        self.head = torch.nn.Linear(hidden, n_out)

    def forward(self, x):
        return self.head(torch.relu(self.body(x)))


class NotAWeight:  # a pickled object that weights_only loading must refuse
    pass


def _keras():
    return pytest.importorskip("keras")


def _keras_model(names=("hidden", "head"), sizes=(8, 3)):
    keras = _keras()
    keras.utils.set_random_seed(0)
    inp = keras.Input((4,))
    x = inp
    for name, size in zip(names, sizes, strict=True):
        x = keras.layers.Dense(size, name=name)(x)
    return keras.Model(inp, x)


# ---------------------------------------------------------------- compare_state_dict
def test_compare_reports_matched_missing_unexpected_and_mismatched():
    torch.manual_seed(0)
    model = Small(n_out=3)
    sd = Small(n_out=7).state_dict()
    sd["extra.weight"] = torch.zeros(2)
    del sd["body.bias"]
    report = weights.compare_state_dict(model, sd)
    assert report.matched == ["body.weight"]
    assert report.missing == ["body.bias"]
    assert report.unexpected == ["extra.weight"]
    assert report.mismatched == [("head.weight", (3, 5), (7, 5)), ("head.bias", (3,), (7,))]
    assert not report.ok
    text = str(report)
    assert "1 matched, 1 missing, 1 unexpected, 2 shape mismatches" in text
    assert "head.weight: model (3, 5), checkpoint (7, 5)" in text


def test_compare_identical_is_ok_and_agrees_with_strict_loading():
    model = Small()
    report = weights.compare_state_dict(model, Small().state_dict())
    assert report.ok and len(report.matched) == 4
    assert "0 missing" in str(report)


def test_compare_accepts_numpy_mappings_and_keras_models():
    report = weights.compare_state_dict({"a": np.zeros((2, 3))}, {"a": np.ones((2, 3))})
    assert report.ok
    model = _keras_model()
    report = weights.compare_state_dict(model, {"hidden/kernel": np.zeros((4, 8))})
    assert report.matched == ["hidden/kernel"]
    assert report.missing == ["hidden/bias", "head/kernel", "head/bias"]


def test_report_shortens_long_lists():
    report = weights.compare_state_dict({f"k{i}": np.zeros(1) for i in range(9)}, {})
    assert "... and 4 more" in str(report)


def test_compare_bad_input():
    with pytest.raises(TypeError, match="model"):
        weights.compare_state_dict([1, 2], {})
    with pytest.raises(TypeError, match="state_dict"):
        weights.compare_state_dict(Small(), {"body.weight": [1, 2]})
    with pytest.raises(TypeError, match="state_dict"):
        weights.compare_state_dict(Small(), {1: torch.zeros(1)})
    with pytest.raises(TypeError, match="state_dict"):
        weights.compare_state_dict(Small(), "checkpoint.pt")


# ---------------------------------------------------------------- load_matching
def test_load_matching_copies_only_matching_entries():
    torch.manual_seed(0)
    src, dst = Small(n_out=7), Small(n_out=3)
    head_before = dst.head.weight.detach().clone()
    report = weights.load_matching(dst, src.state_dict())
    assert report.matched == ["body.weight", "body.bias"]
    assert torch.equal(dst.body.weight, src.body.weight)
    assert torch.equal(dst.head.weight, head_before)
    # strict=False alone does not skip shape mismatches:
    with pytest.raises(RuntimeError, match="size mismatch"):
        Small(n_out=3).load_state_dict(src.state_dict(), strict=False)


def test_load_matching_bad_input():
    with pytest.raises(TypeError, match="model"):
        weights.load_matching({"a": np.zeros(1)}, {})
    with pytest.raises(TypeError, match="state_dict"):
        weights.load_matching(Small(), None)


# ---------------------------------------------------------------- copy_layers_by_name
def test_copy_layers_by_name_copies_same_named_layers_with_same_shapes():
    src = _keras_model(("hidden", "head"), (8, 3))
    dst = _keras_model(("hidden", "extra", "head"), (8, 8, 5))
    before = dst.get_layer("head").get_weights()[0].copy()
    report = weights.copy_layers_by_name(src, dst)
    assert report.matched == ["hidden"]
    assert report.missing == ["extra"]
    assert report.mismatched == [("head", [(8, 5), (5,)], [(8, 3), (3,)])]
    np.testing.assert_array_equal(dst.get_layer("hidden").get_weights()[0],
                                  src.get_layer("hidden").get_weights()[0])
    np.testing.assert_array_equal(dst.get_layer("head").get_weights()[0], before)
    other = _keras_model(("first", "head"), (8, 3))
    assert weights.copy_layers_by_name(other, src).unexpected == ["first"]


def test_copy_layers_by_name_bad_input():
    with pytest.raises(TypeError, match="source"):
        weights.copy_layers_by_name(Small(), _keras_model())
    with pytest.raises(TypeError, match="target"):
        weights.copy_layers_by_name(_keras_model(), {"a": 1})


# ---------------------------------------------------------------- load_weights_file
def test_load_torch_state_dict_round_trip_is_exact(tmp_path):
    model = Small()
    torch.save(model.state_dict(), tmp_path / "w.pt")
    sd = weights.load_weights_file(tmp_path / "w.pt")
    assert isinstance(sd, OrderedDict) and list(sd) == list(model.state_dict())
    assert all(torch.equal(sd[k], v) for k, v in model.state_dict().items())


def test_load_refuses_pickled_objects_and_whole_models(tmp_path):
    torch.save({"w": torch.zeros(2), "obj": NotAWeight()}, tmp_path / "evil.pt")
    with pytest.raises(ValueError, match="not a plain weights file"):
        weights.load_weights_file(tmp_path / "evil.pt")
    torch.save(Small(), tmp_path / "model.pth")
    with pytest.raises(ValueError, match="state_dict"):
        weights.load_weights_file(str(tmp_path / "model.pth"))


def test_load_refuses_training_checkpoints_and_non_mappings(tmp_path):
    torch.save({"epoch": 3, "model": Small().state_dict()}, tmp_path / "ckpt.pt")
    with pytest.raises(ValueError, match="'epoch' is a int"):
        weights.load_weights_file(tmp_path / "ckpt.pt")
    torch.save([torch.zeros(2)], tmp_path / "list.pt")
    with pytest.raises(ValueError, match="not a state_dict"):
        weights.load_weights_file(tmp_path / "list.pt")


def test_load_safetensors_round_trip_is_exact_and_a_pickle_is_refused(tmp_path):
    from safetensors.torch import save_file

    model = Small()
    save_file(model.state_dict(), tmp_path / "w.safetensors")
    sd = weights.load_weights_file(tmp_path / "w.safetensors")
    assert isinstance(sd, OrderedDict) and set(sd) == set(model.state_dict())
    assert all(torch.equal(sd[k], v) for k, v in model.state_dict().items())
    torch.save(model.state_dict(), tmp_path / "renamed.safetensors")  # a zip of pickles
    with pytest.raises(ValueError, match="not a readable safetensors file"):
        weights.load_weights_file(tmp_path / "renamed.safetensors")


def test_load_npz_and_refuse_object_arrays(tmp_path):
    np.savez(tmp_path / "w.npz", a=np.arange(3.0))
    assert np.array_equal(weights.load_weights_file(tmp_path / "w.npz")["a"], np.arange(3.0))
    np.savez(tmp_path / "obj.npz", a=np.array([{"x": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickled"):
        weights.load_weights_file(tmp_path / "obj.npz")


def test_load_keras_files(tmp_path):
    keras = _keras()
    model = _keras_model()
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    arrays = weights.load_weights_file(tmp_path / "m.keras")
    assert sorted(arrays) == sorted(w.path for w in model.weights)
    kernel = model.get_layer("hidden").get_weights()[0]
    np.testing.assert_array_equal(arrays["hidden/kernel"], kernel)
    h5 = weights.load_weights_file(tmp_path / "m.weights.h5")
    assert sorted(a.shape for a in h5.values()) == sorted(tuple(w.shape) for w in model.weights)
    # a lambda layer would run code when loaded: safe_mode refuses it
    inp = keras.Input((2,))
    keras.Model(inp, keras.layers.Lambda(lambda t: t * 2)(inp)).save(tmp_path / "lam.keras")
    with pytest.raises(ValueError, match="safe_mode"):
        weights.load_weights_file(tmp_path / "lam.keras")


def test_load_weights_file_bad_input(tmp_path):
    with pytest.raises(TypeError, match="path"):
        weights.load_weights_file(123)
    with pytest.raises(ValueError, match="pkl"):
        weights.load_weights_file(tmp_path / "model.pkl")
    with pytest.raises(FileNotFoundError, match="path"):
        weights.load_weights_file(tmp_path / "missing.pt")
    (tmp_path / "bad.h5").write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match="HDF5"):
        weights.load_weights_file(tmp_path / "bad.h5")
    with zipfile.ZipFile(tmp_path / "junk.keras", "w") as zf:
        zf.writestr("config.json", "{}")
    with pytest.raises(ValueError, match="junk.keras"):
        weights.load_weights_file(tmp_path / "junk.keras")


# ---------------------------------------------------------------- extract_features
class Conv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.drop = torch.nn.Dropout(0.5)
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(self.drop(torch.relu(self.conv(x)).mean(dim=(2, 3))))


def test_extract_features_returns_the_input_of_the_last_linear_layer():
    torch.manual_seed(0)
    model = Conv().train()
    x = torch.randn(5, 3, 6, 6)
    feats = weights.extract_features(model, x, batch_size=2)
    expected = torch.relu(model.conv(x)).mean(dim=(2, 3)).detach().numpy()
    assert feats.shape == (5, 4) and feats.dtype == np.float32
    np.testing.assert_allclose(feats, expected, rtol=1e-6)
    assert model.training  # mode restored; dropout was off while extracting
    np.testing.assert_allclose(weights.extract_features(model, x.numpy()), feats, rtol=1e-6)


def test_extract_features_of_a_named_layer_is_flattened_output():
    torch.manual_seed(0)
    model = Conv()
    x = torch.randn(3, 3, 5, 5)
    feats = weights.extract_features(model, x, layer="conv")
    np.testing.assert_allclose(feats, model.conv(x).detach().reshape(3, -1).numpy(), rtol=1e-6)
    same = weights.extract_features(model, x, layer=model.conv)
    np.testing.assert_array_equal(same, feats)


def test_extract_features_bad_input():
    model = Conv()
    with pytest.raises(TypeError, match="model"):
        weights.extract_features("net", np.zeros((1, 3, 4, 4)))
    with pytest.raises(ValueError, match="images"):
        weights.extract_features(model, np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="images"):
        weights.extract_features(model, torch.zeros(3, 4, 4))
    with pytest.raises(ValueError, match="layer"):
        weights.extract_features(model, np.zeros((1, 3, 4, 4)), layer="nope")
    with pytest.raises(TypeError, match="layer"):
        weights.extract_features(model, np.zeros((1, 3, 4, 4)), layer=3)
    with pytest.raises(ValueError, match="batch_size"):
        weights.extract_features(model, np.zeros((1, 3, 4, 4)), batch_size=0)
    with pytest.raises(ValueError, match="Linear"):
        weights.extract_features(torch.nn.Conv2d(3, 2, 1), np.zeros((1, 3, 4, 4)))
    with pytest.raises(ValueError, match="not called"):
        weights.extract_features(model, np.zeros((1, 3, 4, 4)), layer=torch.nn.ReLU())


def test_placed_digits_draws_balanced_classes_and_pastes_each_digit_once():
    torch = pytest.importorskip("torch")
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X, y = torch.tensor(X / 16.0), torch.tensor(y)
    canvas, labels = weights.placed_digits(X, y, n_per_class=3, size=48, seed=1)
    assert canvas.shape == (30, 48, 48) and canvas.dtype == np.float32
    assert sorted(labels.tolist()) == sorted(list(range(10)) * 3)
    assert canvas.min() >= 0 and canvas.max() <= 1 and (canvas.max(axis=(1, 2)) > 0.5).all()
    for one in canvas:                                  # the ink fits in a square of side <= 40
        rows, cols = np.flatnonzero(one.any(axis=1)), np.flatnonzero(one.any(axis=0))
        assert rows[-1] - rows[0] < 40 and cols[-1] - cols[0] < 40
    again, labels_again = weights.placed_digits(X, y, n_per_class=3, size=48, seed=1)
    assert np.array_equal(canvas, again) and torch.equal(labels, labels_again)
