"""Tests of coursekit.averaging: scheme coefficients and averages of Keras / PyTorch snapshots."""

import copy

import numpy as np
import pytest
import torch
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from coursekit.averaging import (
    SCHEMES,
    average_weights,
    ema_coefficients,
    keras_float64,
    keras_layout,
    restart,
    scheme_weights,
)


# ---------------------------------------------------------------- scheme_weights
@pytest.mark.parametrize("n", [1, 2, 5, 10])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_weights_are_positive_and_sum_to_one(n, scheme):
    w = scheme_weights(n, scheme, decay=0.6 if scheme == "exponential" else None)
    assert w.shape == (n,) and w.dtype == np.float64
    assert np.all(w > 0)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


def test_scheme_weights_values_and_order_oldest_to_newest():
    np.testing.assert_allclose(scheme_weights(4, "equal"), [0.25] * 4)
    np.testing.assert_allclose(scheme_weights(4, "linear"), np.array([1, 2, 3, 4]) / 10)
    expected = np.array([0.5**3, 0.5**2, 0.5, 1.0])
    np.testing.assert_allclose(scheme_weights(4, "exponential", decay=0.5),
                               expected / expected.sum())
    # the newest snapshot (last) gets the largest weight in the weighted schemes
    for scheme, kw in [("linear", {}), ("exponential", {"decay": 0.9})]:
        w = scheme_weights(6, scheme, **kw)
        assert np.all(np.diff(w) > 0), scheme


def test_exponential_with_decay_one_is_the_equal_average():
    np.testing.assert_allclose(scheme_weights(7, "exponential", decay=1.0),
                               scheme_weights(7, "equal"))


# ---------------------------------------------------------------- ema_coefficients
def test_ema_coefficients_are_what_averaged_model_computes():
    torch.manual_seed(0)
    net = torch.nn.Linear(3, 2).double()
    ema = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(0.7))
    seen = []
    for _ in range(6):
        with torch.no_grad():
            net.weight.normal_()
        ema.update_parameters(net)
        seen.append(net.weight.detach().clone().numpy())
    coeffs = ema_coefficients(6, 0.7)
    np.testing.assert_allclose(np.tensordot(coeffs, np.stack(seen), axes=1),
                               ema.module.weight.detach().numpy(), rtol=1e-12)
    assert coeffs.sum() == pytest.approx(1.0, abs=1e-12)


def test_ema_coefficients_copy_start_keeps_the_rest_on_the_oldest():
    np.testing.assert_allclose(ema_coefficients(4, 0.5), [0.125, 0.125, 0.25, 0.5])
    np.testing.assert_allclose(ema_coefficients(1, 0.9), [1.0])
    np.testing.assert_allclose(ema_coefficients(3, 0.0), [0.0, 0.0, 1.0])   # newest only
    np.testing.assert_allclose(ema_coefficients(3, 1.0), [1.0, 0.0, 0.0])   # the copy only
    # a zero start with bias correction is the normalised exponential scheme instead
    zero_start = 0.2 * 0.8 ** np.arange(4, -1, -1)
    np.testing.assert_allclose(zero_start / zero_start.sum(),
                               scheme_weights(5, "exponential", decay=0.8))


def test_scheme_weights_bad_input():
    with pytest.raises(ValueError, match="n"):
        scheme_weights(0, "equal")
    with pytest.raises(TypeError, match="n"):
        scheme_weights(2.5, "equal")
    with pytest.raises(ValueError, match="scheme"):
        scheme_weights(3, "quadratic")
    with pytest.raises(ValueError, match="decay is required"):
        scheme_weights(3, "exponential")
    with pytest.raises(ValueError, match="decay"):
        scheme_weights(3, "exponential", decay=1.5)
    with pytest.raises(ValueError, match="decay"):
        scheme_weights(3, "exponential", decay=0.0)
    with pytest.raises(ValueError, match="decay is only used"):
        scheme_weights(3, "linear", decay=0.5)


# ---------------------------------------------------------------- helpers
def _bn_net(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                               torch.nn.Linear(4, 2))


def _train_snapshots(n=5, seed=0):
    """Snapshots of a small BatchNorm net after each of n SGD steps, plus the model."""
    model = _bn_net(seed)
    opt = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.9)
    gen = torch.Generator().manual_seed(seed)
    snaps = []
    for _ in range(n):
        x = torch.randn(8, 3, generator=gen)
        loss = model(x).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        snaps.append(copy.deepcopy(model.state_dict()))
    return model, snaps


def _keras_like_snapshots(n=4, seed=0):
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=(2, 5)).astype(np.float32), rng.normal(size=5).astype(np.float32),
             rng.normal(size=(5, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)]
            for _ in range(n)]


# ---------------------------------------------------------------- PyTorch state dicts
def test_equal_average_matches_torch_averaged_model():
    model = _bn_net(0)
    swa = AveragedModel(model, use_buffers=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.9)
    gen = torch.Generator().manual_seed(1)
    snaps = []
    for _ in range(6):
        loss = model(torch.randn(8, 3, generator=gen)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        swa.update_parameters(model)
        snaps.append(copy.deepcopy(model.state_dict()))
    ours = average_weights(snaps, "equal")
    theirs = swa.module.state_dict()
    assert list(ours) == list(snaps[0])
    for key, value in ours.items():
        if value.is_floating_point():
            torch.testing.assert_close(value, theirs[key], rtol=1e-5, atol=1e-6)
    # the parameters (not only the buffers) really changed between snapshots
    assert not torch.equal(snaps[0]["0.weight"], snaps[-1]["0.weight"])


def test_explicit_ema_coefficients_match_torch_ema():
    """AveragedModel's EMA copies the first snapshot, then W <- d W + (1-d) W_new."""
    decay, n = 0.8, 5
    model = _bn_net(3)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    gen = torch.Generator().manual_seed(2)
    snaps = []
    for _ in range(n):
        loss = model(torch.randn(8, 3, generator=gen)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema.update_parameters(model)
        snaps.append(copy.deepcopy(model.state_dict()))
    # unrolled: the oldest keeps d^(n-1), snapshot k back from the newest (1-d) d^k
    coeffs = np.array([decay ** (n - 1)] + [(1 - decay) * decay**k for k in range(n - 2, -1, -1)])
    ours = average_weights(snaps, coeffs)
    for name, param in ema.module.named_parameters():
        torch.testing.assert_close(ours[name], param.detach(), rtol=1e-5, atol=1e-6)


def test_exponential_matches_hand_computed_weighted_sum():
    _, snaps = _train_snapshots(4)
    decay = 0.5
    raw = np.array([decay**3, decay**2, decay, 1.0])
    coeffs = raw / raw.sum()
    got = average_weights(snaps, "exponential", decay=decay)
    for key in ["0.weight", "0.bias", "1.weight", "3.weight", "1.running_mean"]:
        expected = sum(float(c) * s[key].double() for c, s in zip(coeffs, snaps, strict=True))
        torch.testing.assert_close(got[key], expected.float(), rtol=1e-6, atol=1e-7)


def test_state_dict_result_keeps_dtypes_and_does_not_modify_inputs():
    _, snaps = _train_snapshots(3)
    snaps[1]["extra_half"] = torch.ones(2, dtype=torch.float16) * 2
    snaps[0]["extra_half"] = torch.zeros(2, dtype=torch.float16)
    snaps[2]["extra_half"] = torch.ones(2, dtype=torch.float16)
    before = copy.deepcopy(snaps)
    out = average_weights(snaps, "linear")
    for key, value in out.items():
        assert value.dtype == snaps[0][key].dtype, key
        assert value.shape == snaps[0][key].shape, key
    torch.testing.assert_close(out["extra_half"], torch.full((2,), (2 * 2 + 3) / 6,
                                                                dtype=torch.float16))
    for snap, old in zip(snaps, before, strict=True):
        for key in snap:
            assert torch.equal(snap[key], old[key])
    assert all(out[k] is not snaps[-1][k] for k in out)


def test_integer_buffers_are_copied_from_the_newest_snapshot():
    _, snaps = _train_snapshots(4)
    counts = [int(s["1.num_batches_tracked"]) for s in snaps]
    assert counts == [1, 2, 3, 4]
    out = average_weights(snaps, "equal")
    assert out["1.num_batches_tracked"].dtype == torch.int64
    assert int(out["1.num_batches_tracked"]) == 4  # not the mean 2.5, not rounded
    out["1.num_batches_tracked"] += 1  # a copy: the snapshot is untouched
    assert int(snaps[-1]["1.num_batches_tracked"]) == 4


def test_averaged_state_dict_loads_into_the_model():
    model, snaps = _train_snapshots(3)
    fresh = _bn_net(9)
    fresh.load_state_dict(average_weights(snaps))  # strict: same keys, shapes, dtypes
    assert torch.allclose(fresh[0].weight, sum(s["0.weight"] for s in snaps) / 3, atol=1e-6)


def test_single_snapshot_average_is_a_copy_of_it():
    _, snaps = _train_snapshots(1)
    out = average_weights(snaps)
    for key in out:
        assert torch.equal(out[key], snaps[0][key])


# ---------------------------------------------------------------- Keras weight lists
def test_keras_weight_lists_equal_and_weighted():
    snaps = _keras_like_snapshots(4)
    before = [[a.copy() for a in s] for s in snaps]
    out = average_weights(snaps, "equal")
    assert isinstance(out, list) and len(out) == 4
    for j in range(4):
        assert out[j].dtype == np.float32 and out[j].shape == snaps[0][j].shape
        np.testing.assert_allclose(out[j], np.mean([s[j] for s in snaps], axis=0), rtol=1e-6)
    coeffs = np.array([0.1, 0.2, 0.3, 0.4])
    out = average_weights(snaps, coeffs)
    np.testing.assert_allclose(out[2], sum(c * s[2] for c, s in zip(coeffs, snaps, strict=True)),
                               rtol=1e-5)
    np.testing.assert_allclose(average_weights(snaps, "linear")[0], out[0], rtol=1e-6)
    for snap, old in zip(snaps, before, strict=True):
        for a, b in zip(snap, old, strict=True):
            np.testing.assert_array_equal(a, b)


def test_keras_lists_keep_float64_and_copy_integer_arrays():
    snaps = [[np.full(3, float(i)), np.array([i, i], dtype=np.int64)] for i in range(3)]
    out = average_weights(snaps)
    assert out[0].dtype == np.float64 and np.allclose(out[0], 1.0)
    assert out[1].dtype == np.int64 and np.array_equal(out[1], [2, 2])
    out[1][0] = 99
    assert snaps[2][1][0] == 2


def test_keras_model_round_trip():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(3)])
    base = model.get_weights()
    snaps = [[w + i for w in base] for i in range(3)]
    model.set_weights(average_weights(snaps))
    for got, w in zip(model.get_weights(), base, strict=True):
        np.testing.assert_allclose(got, w + 1, rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------- errors
def test_empty_and_wrong_container():
    with pytest.raises(ValueError, match="snapshots is empty"):
        average_weights([])
    with pytest.raises(TypeError, match="snapshots"):
        average_weights({"a": np.zeros(2)})
    with pytest.raises(TypeError, match="snapshots"):
        average_weights(np.zeros((3, 2)))
    with pytest.raises(TypeError, match=r"snapshots\[1\]"):
        average_weights([[np.zeros(2)], 5])
    with pytest.raises(TypeError, match="do not mix"):
        average_weights([{"a": np.zeros(2)}, [np.zeros(2)]])
    with pytest.raises(TypeError, match="numeric"):
        average_weights([[np.array(["a"])], [np.array(["b"])]])


def test_mismatched_keys_name_them():
    _, snaps = _train_snapshots(2)
    broken = dict(snaps[1])
    broken["head.weight"] = broken.pop("3.weight")
    with pytest.raises(ValueError, match=r"missing \['3.weight'\], unexpected \['head.weight'\]"):
        average_weights([snaps[0], broken])


def test_mismatched_shapes_name_the_key_and_shapes():
    _, snaps = _train_snapshots(2)
    broken = dict(snaps[1])
    broken["0.weight"] = torch.zeros(5, 3)
    with pytest.raises(ValueError, match=r"key '0.weight'.*\(4, 3\).*\(5, 3\) in snapshot 1"):
        average_weights([snaps[0], broken])
    lists = _keras_like_snapshots(3)
    lists[2][1] = np.zeros(6, np.float32)
    with pytest.raises(ValueError, match=r"array 1: shape \(5,\) in snapshot 0 but \(6,\)"):
        average_weights(lists)


def test_mismatched_lengths_and_dtypes():
    lists = _keras_like_snapshots(3)
    lists[1] = lists[1][:3]
    with pytest.raises(ValueError, match=r"snapshots\[1\] has 3 arrays but snapshots\[0\] has 4"):
        average_weights(lists)
    lists = _keras_like_snapshots(2)
    lists[1][0] = lists[1][0].astype(np.float64)
    with pytest.raises(ValueError, match="dtype float32 in snapshot 0 but float64"):
        average_weights(lists)


def test_weights_must_match_the_snapshots():
    snaps = _keras_like_snapshots(3)
    with pytest.raises(ValueError, match="weights has 2 coefficients for 3 snapshots"):
        average_weights(snaps, [0.5, 0.5])
    with pytest.raises(ValueError, match="sum to 1"):
        average_weights(snaps, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="non-negative"):
        average_weights(snaps, [-0.5, 0.5, 1.0])
    with pytest.raises(ValueError, match="scheme"):
        average_weights(snaps, "median")
    with pytest.raises(ValueError, match="decay is required"):
        average_weights(snaps, "exponential")
    with pytest.raises(ValueError, match="decay is only used"):
        average_weights(snaps, [0.2, 0.3, 0.5], decay=0.5)
    with pytest.raises(TypeError, match="weights"):
        average_weights(snaps, [None, "a", 1])


# ---------------------------------------------------------------- notebook 06's plumbing
def test_keras_float64_builds_float64_layers_and_restores_the_setting():
    keras = pytest.importorskip("keras")
    before = keras.config.floatx(), keras.config.dtype_policy().name
    with keras_float64():
        layer = keras.layers.Dense(3)
        layer.build((None, 2))
    assert layer.kernel.dtype == "float64"
    assert (keras.config.floatx(), keras.config.dtype_policy().name) == before
    with pytest.raises(RuntimeError), keras_float64():
        raise RuntimeError("an error inside the block")
    assert (keras.config.floatx(), keras.config.dtype_policy().name) == before


def test_restart_draws_glorot_zeroes_biases_and_optimizer_and_is_reproducible():
    keras = pytest.importorskip("keras")
    with keras_float64():
        net = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(300),
                                keras.layers.Dense(3)])
        opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
        opt.build(net.trainable_variables)
    for v in opt.variables:  # dirty optimizer state, as after a training
        if v.name != "learning_rate":
            v.assign(np.ones(v.shape, dtype=np.dtype(v.dtype)))
    orders = restart(3, net, opt, n_points=7, epochs=4)
    W1, b1, W2, b2 = net.get_weights()
    assert orders.shape == (4, 7) and orders.dtype == np.int32
    assert all(sorted(row) == list(range(7)) for row in orders)
    limit = np.sqrt(6 / (2 + 300))
    assert np.abs(W1).max() <= limit and np.abs(W1).max() > 0.9 * limit  # U(-a, a), a filled
    assert np.std(W1) == pytest.approx(limit / np.sqrt(3), rel=0.1)      # uniform's spread
    assert not b1.any() and not b2.any()
    assert all(not np.any(np.asarray(v)) for v in opt.variables if v.name != "learning_rate")
    assert float(np.asarray(opt.learning_rate)) == pytest.approx(0.05)
    again = restart(3, net, opt, n_points=7, epochs=4)
    assert np.array_equal(again, orders) and np.array_equal(net.get_weights()[0], W1)
    assert not np.array_equal(restart(4, net, opt, 7, 4), orders)


def test_keras_layout_is_what_keras_computes_from_a_torch_network():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 25), torch.nn.ReLU(),
                              torch.nn.Linear(25, 3)).double()
    W1, b1, W2, b2 = keras_layout(torch.nn.utils.parameters_to_vector(net.parameters())
                                  .detach().numpy())
    assert [w.shape for w in (W1, b1, W2, b2)] == [(2, 25), (25,), (25, 3), (3,)]
    x = np.random.default_rng(0).normal(size=(5, 2))
    ours = np.maximum(x @ W1 + b1, 0) @ W2 + b2
    np.testing.assert_allclose(ours, net(torch.tensor(x)).detach().numpy(), rtol=0, atol=1e-12)


def test_train_noisy_ema_is_the_copy_start_ema_of_its_trajectory():
    import torch

    from coursekit.averaging import ema_coefficients, train_noisy

    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    ema, traj = train_noisy(X, y, seed=1, batch=5, epochs=2, decay=0.9, hidden=3)
    got = torch.nn.utils.parameters_to_vector(ema.module.parameters()).detach().numpy()
    assert traj.shape == (8, 3 * 3 + 3 * 2 + 2)
    assert np.allclose(ema_coefficients(len(traj), 0.9) @ traj, got, rtol=0, atol=1e-12)
    _, again = train_noisy(X, y, seed=1, batch=5, epochs=2, decay=0.9, hidden=3)
    assert np.array_equal(traj, again)
    _, cos = train_noisy(X, y, seed=1, batch=5, epochs=2, decay=0.9, hidden=3, cosine=True)
    assert np.array_equal(cos[0], traj[0]) and not np.array_equal(cos[-1], traj[-1])


def test_paired_interval_is_the_t_interval_of_the_differences():
    from scipy import stats

    from coursekit.averaging import paired_interval
    a, b = np.array([0.8, 0.82, 0.79, 0.85]), np.array([0.78, 0.8, 0.8, 0.81])
    mean, half = paired_interval(a, b)
    lo, hi = stats.ttest_rel(a, b).confidence_interval(0.95)
    assert np.isclose(mean - half, lo) and np.isclose(mean + half, hi)


def test_plots_return_figures():
    import matplotlib.pyplot as plt

    from coursekit.averaging import plot_ema_choice, plot_paired_differences
    values = {"final model": np.array([1.0, 2.0, 3.0]), "equal": np.array([1.5, 2.0, 2.0])}
    fig = plot_paired_differences([(values, 1, "nats")], "final model", ["equal"], titles=("t",))
    trajectories = np.arange(3 * 4 * 2, dtype=float).reshape(3, 4, 2)  # 3 runs, 4 steps, 2 weights
    fig2 = plot_ema_choice([0.0, 0.5], trajectories, np.sum, np.ones(3), np.zeros(3), burn_in=2)
    assert len(fig.axes) == 1 and len(fig2.axes) == 2
    assert "averages 2 steps" in fig2.axes[0].get_xlabel()
    # decay 0 keeps the last step; decay 0.5 averages steps 3 and 4 equally (ema_coefficients)
    mean_line = fig2.axes[0].lines[3].get_ydata()
    want = [trajectories[:, 3].sum(axis=1).mean(), trajectories[:, 2:].sum(axis=2).mean()]
    assert np.allclose(mean_line, want)
    assert len(fig2.legends) == 1 and not fig2.axes[0].get_legend()  # legend below the panels
    plt.close("all")
