"""coursekit.regularization: penalties against numerical gradients, dropout's guarantees."""

import numpy as np
import pytest

from coursekit import regularization as reg
from coursekit.gradcheck import numerical_gradient, relative_error
from coursekit.nn import MLP


# ---------------------------------------------------------------- L2, L1, max-norm
def test_l2_penalty_value_for_dict_and_list(rng):
    W1, W2 = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    expected = 0.5 * 0.3 * (np.sum(W1**2) + np.sum(W2**2))
    assert reg.l2_penalty({"W1": W1, "W2": W2}, 0.3) == pytest.approx(expected, rel=1e-14)
    assert reg.l2_penalty([W1, W2], 0.3) == pytest.approx(expected, rel=1e-14)
    assert reg.l2_penalty([W1], 0.0) == 0.0


def test_l2_gradient_matches_the_numerical_gradient_of_the_penalty(rng):
    W = rng.normal(size=(5, 3))
    numeric = numerical_gradient(lambda w: reg.l2_penalty([w], 0.7), W)
    assert relative_error(reg.l2_gradient(W, 0.7), numeric) < 1e-9


def test_mlp_loss_with_l2_matches_the_numerical_gradient(rng):
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    net = MLP([4, 5, 3], activation="tanh", seed=0)
    _, grads = net.loss_and_grads(X, y, l2=0.5)
    for key in ("W1", "W2", "b1"):
        numeric = numerical_gradient(lambda _: net.loss_and_grads(X, y, l2=0.5)[0],
                                     net.params[key])
        assert relative_error(grads[key], numeric) < 1e-7, key
    # the penalty changes the weight gradients by exactly l2·W and leaves biases alone
    _, plain = net.loss_and_grads(X, y, l2=0.0)
    np.testing.assert_allclose(grads["W1"] - plain["W1"], 0.5 * net.params["W1"], atol=1e-14)
    np.testing.assert_array_equal(grads["b1"], plain["b1"])


def test_l2_bad_input():
    with pytest.raises(ValueError, match="lam"):
        reg.l2_penalty([np.ones(3)], -1.0)
    with pytest.raises(TypeError, match="params"):
        reg.l2_penalty(np.ones(3), 0.1)
    with pytest.raises(TypeError, match=r"params\['W1'\]"):
        reg.l2_penalty({"W1": "abc"}, 0.1)
    with pytest.raises(TypeError, match="lam"):
        reg.l2_gradient(np.ones(3), "0.1")
    with pytest.raises(TypeError, match="W"):
        reg.l2_gradient(["a", "b"], 0.1)


def test_l1_penalty_and_gradient(rng):
    W = rng.normal(size=(4, 3)) + 0.5 * np.sign(rng.normal(size=(4, 3)))  # away from the kink
    assert reg.l1_penalty([W], 0.2) == pytest.approx(0.2 * np.abs(W).sum())
    numeric = numerical_gradient(lambda w: reg.l1_penalty([w], 0.2), W)
    assert relative_error(reg.l1_gradient(W, 0.2), numeric) < 1e-9
    assert reg.l1_gradient(np.zeros(2), 1.0).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="lam"):
        reg.l1_penalty([W], -0.1)
    with pytest.raises(ValueError, match="lam"):
        reg.l1_gradient(W, np.inf)


def test_max_norm_projects_only_the_long_columns():
    W = np.array([[3.0, 0.1], [4.0, 0.2]])             # column norms 5 and ~0.22
    out = reg.max_norm(W, 2.0)
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [2.0, np.linalg.norm(W[:, 1])])
    np.testing.assert_allclose(out[:, 0], W[:, 0] * 2.0 / 5.0)
    np.testing.assert_array_equal(out[:, 1], W[:, 1])
    assert np.linalg.norm(reg.max_norm(W, 1.0, axis=1), axis=1).max() == pytest.approx(1.0)
    np.testing.assert_array_equal(reg.max_norm(np.zeros((2, 2)), 1.0), np.zeros((2, 2)))


def test_max_norm_bad_input():
    with pytest.raises(ValueError, match="c must"):
        reg.max_norm(np.ones((2, 2)), 0.0)
    with pytest.raises(ValueError, match="axis"):
        reg.max_norm(np.ones((2, 2)), 1.0, axis=2)
    with pytest.raises(ValueError, match="W must have"):
        reg.max_norm(np.ones((2, 2, 2)), 1.0)


# ---------------------------------------------------------------- dropout
def test_dropout_keeps_the_expectation():
    x = np.linspace(-2.0, 3.0, 50)
    rng = np.random.default_rng(0)
    draws = np.stack([reg.dropout(x, 0.4, rng=rng) for _ in range(20000)])
    # each entry is x/(0.6) with probability 0.6, else 0: the standard error of the mean is
    # |x|·sqrt(0.4/0.6)/sqrt(20000) ≈ 0.006·|x|
    np.testing.assert_allclose(draws.mean(axis=0), x, atol=0.03 * np.abs(x).max())
    assert np.mean(draws == 0) == pytest.approx(0.4, abs=0.005)
    assert set(np.unique(np.round(draws[:, 10] / x[10], 12))) == {0.0, round(1 / 0.6, 12)}


def test_dropout_rate_zero_and_eval_mode_return_the_input_bitwise(rng):
    x = rng.normal(size=(4, 7)).astype(np.float32)
    for out in (reg.dropout(x, 0.0, rng=1), reg.dropout(x, 0.5, training=False, rng=1)):
        assert out is x
        assert out.dtype == np.float32 and out.tobytes() == x.tobytes()


def test_dropout_mask_is_reproducible_with_a_seeded_rng(rng):
    x = rng.normal(size=(30, 20))
    a = reg.dropout(x, 0.5, rng=np.random.default_rng(42))
    b = reg.dropout(x, 0.5, rng=np.random.default_rng(42))
    c = reg.dropout(x, 0.5, rng=42)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, reg.dropout(x, 0.5, rng=43))


def test_dropout_keeps_dtype_and_shape_and_does_not_touch_x(rng):
    x = rng.normal(size=(3, 4, 5)).astype(np.float32)
    before = x.copy()
    out = reg.dropout(x, 0.25, rng=0)
    assert out.shape == x.shape and out.dtype == np.float32
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, float("nan")])
def test_dropout_rate_outside_zero_one_is_an_error(rate):
    with pytest.raises(ValueError, match="rate"):
        reg.dropout(np.ones(3), rate)


@pytest.mark.parametrize("rate", ["0.5", None, True, [0.5]])
def test_dropout_non_numeric_rate_is_an_error(rate):
    with pytest.raises(TypeError, match="rate"):
        reg.dropout(np.ones(3), rate)


def test_dropout_other_bad_input():
    with pytest.raises(TypeError, match="training"):
        reg.dropout(np.ones(3), 0.5, training="no")
    with pytest.raises(TypeError, match="x must"):
        reg.dropout(["a"], 0.5)
    with pytest.raises(TypeError, match="rng"):
        reg.dropout(np.ones(3), 0.5, rng="seed")


def test_train_settings_is_one_batch_of_train_mlps_sliced_by_setting():
    pytest.importorskip("torch")
    from coursekit.experiments import train_mlps

    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(int)
    options = dict(hidden=(8,), epochs=20, lr=0.3, momentum=0.0, record_every=10)
    runs = reg.train_settings({"none": (0.0, 0.0), "L2": (0.1, 0.0), "drop": (0.0, 0.5)},
                              X[:20], y[:20], X[20:], y[20:], n_nets=2, **options)
    predict, hist = train_mlps(X[:20], y[:20], X[20:], y[20:], l2=[0, 0, 0.1, 0.1, 0, 0],
                               dropout=[0, 0, 0, 0, 0.5, 0.5], **options)
    assert list(runs) == ["none", "L2", "drop"]
    for k, run in enumerate(runs.values()):
        np.testing.assert_array_equal(run.history["epoch"], [10, 20])
        np.testing.assert_array_equal(run.history["val_acc"], hist["val_acc"][:, 2 * k:2 * k + 2])
        np.testing.assert_array_equal(run.predict(X), predict(X)[2 * k:2 * k + 2])
    np.testing.assert_array_equal(runs["none"].predict(X, training=True), runs["none"].predict(X))
    assert not np.allclose(runs["drop"].predict(X, training=True), runs["drop"].predict(X))


def test_plot_regions_measures_agreement_with_the_reference():
    X, y = np.array([[0.0, 0.0], [2.0, 2.0], [0.0, 2.0]]), np.array([0, 1, 2])

    def rule(P):                                    # three classes in three regions
        return np.where(P[:, 1] < 1, 0, np.where(P[:, 0] < 1, 2, 1))

    fig, agreement = reg.plot_regions({"same": rule, "wrong": lambda P: (rule(P) + 1) % 3}, X, y,
                                      rule, resolution=50)
    assert agreement == {"same": 1.0, "wrong": 0.0}
    assert [ax.get_title() for ax in fig.axes] == ["same", "wrong"]


def test_plot_accuracy_grid_puts_each_family_in_its_panel():
    train = {"none": [0.9], "L2 λ=0.01": [0.85, 0.86], "L2 λ=0.1": [0.8, 0.8],
             "dropout 0.5": [0.84, 0.83]}
    fig = reg.plot_accuracy_grid(train, train, {"baseline": 0.8})
    left, right = fig.axes
    assert list(left.get_xticks()) == [0.01, 0.1] and list(right.get_xticks()) == [0.5]
    assert any(line.get_label() == "baseline" for line in left.get_lines())
