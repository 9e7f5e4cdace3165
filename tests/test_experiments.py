"""coursekit.experiments: the batched MLP trainer gives M independent, reproducible runs."""

import numpy as np
import pytest

from coursekit import experiments


# ---------------------------------------------------------------- train_mlps
def _small_problem():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] + 0.3 * rng.normal(size=40) > 0).astype(int)
    return X[:20], y[:20], X[20:], y[20:]


def test_train_mlps_shapes_reproducibility_and_l2_effect():
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    data = _small_problem()
    kw = dict(l2=[0.0, 0.1, 0.0], dropout=[0.0, 0.0, 0.5], hidden=(16,), epochs=60,
              record_every=20)
    predict, hist = experiments.train_mlps(*data, **kw)
    assert torch.get_num_threads() == threads
    assert hist["epoch"].tolist() == [20, 40, 60]
    for key in ("train_loss", "train_acc", "val_acc", "weight_norm"):
        assert hist[key].shape == (3, 3), key
    proba = predict(data[2])
    assert proba.shape == (3, 20, 2)
    np.testing.assert_allclose(proba.sum(axis=2), 1.0, rtol=1e-5)
    _, again = experiments.train_mlps(*data, **kw)
    for key in hist:
        np.testing.assert_array_equal(hist[key], again[key])
    assert hist["weight_norm"][-1, 1] < hist["weight_norm"][-1, 0]   # L2 shrinks the weights
    assert hist["train_acc"][-1, 0] >= 0.8                            # it does learn


def test_train_mlps_single_setting_is_repeated_and_validation_data_is_optional():
    pytest.importorskip("torch")
    X, y, _, _ = _small_problem()
    _, hist = experiments.train_mlps(X, y, l2=[0.0], dropout=[0.0, 0.2], hidden=(4,), epochs=3,
                             record_every=5)
    assert hist["epoch"].tolist() == [3] and hist["train_acc"].shape == (1, 2)
    assert "val_acc" not in hist


def test_train_mlps_bad_input():
    pytest.importorskip("torch")
    X, y, Xt, yt = _small_problem()
    with pytest.raises(ValueError, match="dropout"):
        experiments.train_mlps(X, y, dropout=[1.0])
    with pytest.raises(ValueError, match="l2"):
        experiments.train_mlps(X, y, l2=[-0.1])
    with pytest.raises(TypeError, match="l2"):
        experiments.train_mlps(X, y, l2=0.1)
    with pytest.raises(ValueError, match="one entry per network"):
        experiments.train_mlps(X, y, l2=[0.0, 0.1], dropout=[0.0, 0.1, 0.2])
    with pytest.raises(ValueError, match="X_val and y_val"):
        experiments.train_mlps(X, y, Xt)
    with pytest.raises(ValueError, match="X_val"):
        experiments.train_mlps(X, y, Xt[:, :1], yt)
    with pytest.raises(TypeError, match="hidden"):
        experiments.train_mlps(X, y, hidden=16)
    with pytest.raises(ValueError, match="X_train"):
        experiments.train_mlps(X[:, 0], y)
    with pytest.raises(ValueError, match="y_train"):
        experiments.train_mlps(X, y[:5])
    predict, _ = experiments.train_mlps(X, y, hidden=(4,), epochs=1)
    with pytest.raises(ValueError, match="columns"):
        predict(np.ones((3, 5)))


def test_predict_can_select_networks():
    pytest.importorskip("torch")
    data = _small_problem()
    predict, _ = experiments.train_mlps(*data, l2=[0.0, 0.1, 0.0, 0.01], hidden=(6,), epochs=5)
    every = predict(data[2])
    np.testing.assert_array_equal(predict(data[2], slice(1, 3)), every[1:3])
    np.testing.assert_array_equal(predict(data[2], [3, 0]), every[[3, 0]])
    with pytest.raises(ValueError, match="between 0 and 3"):
        predict(data[2], [4])
    with pytest.raises(TypeError, match="slice or a list"):
        predict(data[2], 1)


def test_predict_in_training_mode_leaves_dropout_on():
    pytest.importorskip("torch")
    data = _small_problem()
    predict, _ = experiments.train_mlps(*data, dropout=[0.0, 0.5, 0.5], hidden=(8,), epochs=5)
    every, on = predict(data[2]), predict(data[2], training=True)
    np.testing.assert_array_equal(on[0], every[0])             # rate 0: nothing to switch off
    assert not np.allclose(on[1:], every[1:])                   # a random mask per call
    assert not np.allclose(predict(data[2], [1], training=True), on[1:2])
    np.testing.assert_allclose(on.sum(axis=2), 1.0, rtol=1e-12)
    with pytest.raises(TypeError, match="training must be True or False"):
        predict(data[2], training="yes")


def test_train_mlps_networks_do_not_interact():
    pytest.importorskip("torch")
    data = _small_problem()
    kw = dict(hidden=(8, 8), epochs=30, record_every=10)
    _, a = experiments.train_mlps(*data, l2=[0.01, 0.0], dropout=[0.3, 0.0], **kw)
    _, b = experiments.train_mlps(*data, l2=[0.01, 0.5], dropout=[0.3, 0.6], **kw)
    for key in ("train_loss", "train_acc", "val_acc", "weight_norm"):
        np.testing.assert_array_equal(a[key][:, 0], b[key][:, 0])   # network 0 is unaffected
    assert not np.array_equal(a["weight_norm"][:, 1], b["weight_norm"][:, 1])


def test_train_mlps_computes_in_float64():
    """Float64, so that every CPU prints the same accuracies (notebook 03's stored outputs)."""
    pytest.importorskip("torch")
    data = _small_problem()
    predict, hist = experiments.train_mlps(*data, l2=[0.01], dropout=[0.2], hidden=(8,),
                                           epochs=20, momentum=0.0, record_every=10)
    proba = predict(data[2])
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=2), 1.0, rtol=0, atol=1e-12)
    assert hist["train_loss"].dtype == np.float64 and hist["weight_norm"].dtype == np.float64
