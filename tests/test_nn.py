"""coursekit.nn: layer functions and the NumPy MLP, checked numerically and against PyTorch."""

import numpy as np
import pytest

from coursekit import nn
from coursekit.gradcheck import numerical_gradient, relative_error


def _problem(rng, n=7, d=4, c=3):
    return rng.normal(size=(n, d)), rng.integers(0, c, size=n)


@pytest.mark.parametrize("activation", sorted(nn.ACTIVATIONS))
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_mlp_gradients_match_centred_differences(rng, activation, l2):
    X, y = _problem(rng)
    net = nn.MLP([4, 5, 6, 3], activation=activation, init="xavier_normal", seed=1)
    _, grads = net.loss_and_grads(X, y, l2=l2)
    for key, param in net.params.items():
        numeric = numerical_gradient(lambda _: net.loss_and_grads(X, y, l2=l2)[0], param)
        assert relative_error(grads[key], numeric) < 1e-7, key


@pytest.mark.parametrize("activation", sorted(nn.ACTIVATIONS))
def test_mlp_loss_and_gradients_match_torch_autograd(rng, activation):
    torch = pytest.importorskip("torch")
    X, y = _problem(rng)
    net = nn.MLP([4, 8, 3], activation=activation, seed=2)
    loss, grads = net.loss_and_grads(X, y, l2=0.1)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
           "linear": lambda t: t}[activation]
    logits = act(torch.tensor(X) @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    t_loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    t_loss = t_loss + 0.05 * ((p["W1"] ** 2).sum() + (p["W2"] ** 2).sum())
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    for k in net.params:
        assert relative_error(grads[k], p[k].grad.numpy()) < 1e-12, k


def test_mlp_params_have_the_documented_names_and_shapes():
    net = nn.MLP([64, 32, 10], seed=0)
    assert list(net.params) == ["W1", "b1", "W2", "b2"]
    assert net.params["W1"].shape == (64, 32) and net.params["b2"].shape == (10,)
    assert not net.params["b1"].any()
    assert net.n_layers == 2
    assert net.forward(np.zeros((5, 64))).shape == (5, 10)


def test_mlp_is_reproducible_from_its_seed_and_uses_the_init_scheme():
    a, b = nn.MLP([500, 400, 3], seed=3), nn.MLP([500, 400, 3], seed=3)
    assert np.array_equal(a.params["W1"], b.params["W1"])
    assert not np.array_equal(a.params["W1"], nn.MLP([500, 400, 3], seed=4).params["W1"])
    assert a.params["W1"].std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)  # he_normal


def test_mlp_accuracy_and_predict(rng):
    X, y = _problem(rng, n=50)
    net = nn.MLP([4, 3], activation="linear", seed=0)
    assert net.accuracy(X, y) == np.mean(net.predict(X) == y)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    loss, grad = nn.softmax_cross_entropy(np.array([[1000.0, 0.0], [0.0, -1000.0]]), [0, 1])
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    assert loss == pytest.approx(500.0)


def test_softmax_rows_sum_to_one(rng):
    assert np.allclose(nn.softmax(rng.normal(size=(4, 6)) * 50).sum(axis=1), 1)


def test_affine_backward_shapes(rng):
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    out, cache = nn.affine_forward(x, W, b)
    dx, dW, db = nn.affine_backward(np.ones_like(out), cache)
    assert (dx.shape, dW.shape, db.shape) == (x.shape, W.shape, b.shape)
    assert np.allclose(db, 4)


def test_activation_backward_matches_numerical(rng):
    z = rng.normal(size=(3, 4))
    for name in nn.ACTIVATIONS:
        a, cache = nn.activation_forward(z, name)
        da = rng.normal(size=a.shape)

        def weighted_sum(v, name=name, da=da):
            return float(np.sum(nn.activation_forward(v, name)[0] * da))

        numeric = numerical_gradient(weighted_sum, z.copy())
        assert relative_error(nn.activation_backward(da, cache), numeric) < 1e-8, name


def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise", invalid="raise"):
        a, _ = nn.activation_forward(np.array([-1000.0, 0.0, 1000.0]), "sigmoid")
    assert np.allclose(a, [0, 0.5, 1])


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("sizes", [[4], 4, [], [4, 0, 3], [4, 2.5, 3]])
def test_mlp_rejects_bad_sizes(sizes):
    with pytest.raises((ValueError, TypeError), match="sizes"):
        nn.MLP(sizes)


def test_mlp_rejects_unknown_activation_and_init():
    with pytest.raises(ValueError, match="activation.*'relu'"):
        nn.MLP([2, 3], activation="softplus")
    with pytest.raises(ValueError, match="scheme"):
        nn.MLP([2, 3], init="xavier_magic")


def test_mlp_rejects_wrong_input_width_and_bad_labels(rng):
    net = nn.MLP([4, 3])
    with pytest.raises(ValueError, match="X must have 4 columns"):
        net.forward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="X must have 2 dimensions"):
        net.forward(np.zeros(4))
    with pytest.raises(ValueError, match=r"y must lie in \[0, 2\]"):
        net.loss_and_grads(np.zeros((2, 4)), [0, 3])
    with pytest.raises(ValueError, match="y has 3 labels"):
        net.loss_and_grads(np.zeros((2, 4)), [0, 1, 2])
    with pytest.raises(TypeError, match="y must hold integer"):
        net.loss_and_grads(np.zeros((2, 4)), [0.5, 1.0])
    with pytest.raises(ValueError, match="l2"):
        net.loss_and_grads(np.zeros((2, 4)), [0, 1], l2=-1)
    with pytest.raises(TypeError, match="X must be a numeric array"):
        net.forward([["a", "b", "c", "d"]])


def test_a_diverging_run_shows_a_nan_loss_instead_of_raising(rng):
    """Gradient descent with a huge learning rate blows up: the loss becomes inf or NaN (the
    classic symptom a student should learn to recognise), and nothing raises on the way."""
    X, y = _problem(rng, n=20)
    net = nn.MLP([4, 16, 3], activation="relu", seed=0)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(30):
            loss, grads = net.loss_and_grads(X, y)
            losses.append(loss)
            for key, grad in grads.items():
                net.params[key] -= 1e6 * grad
        assert np.isnan(net.forward(np.full((1, 4), np.nan))).all()
    assert np.isfinite(losses[0]) and np.isnan(losses[-1])


def test_softmax_cross_entropy_rejects_bad_labels():
    with pytest.raises(ValueError, match="y must lie in"):
        nn.softmax_cross_entropy(np.zeros((2, 3)), [0, -1])
    with pytest.raises(ValueError, match="logits must have 2 dimensions"):
        nn.softmax_cross_entropy(np.zeros(3), [0])


def test_activation_forward_rejects_unknown_name():
    with pytest.raises(ValueError, match="activation"):
        nn.activation_forward(np.zeros(3), "gelu")
