"""coursekit.init: formulas, empirical variances, and agreement with PyTorch and Keras."""

import math

import numpy as np
import pytest
import torch

from coursekit import init

DENSE, CONV = (400, 300), (3, 3, 64, 128)  # Keras layout: (in, out) and (kh, kw, in, out)
RANDOM_SCHEMES = [
    ("uniform", {"bound": 0.05}), ("normal", {}), ("normal", {"std": 0.2}),
    ("lecun_normal", {}), ("lecun_uniform", {}), ("xavier_normal", {}), ("xavier_uniform", {}),
    ("xavier_normal", {"gain": 5 / 3}), ("xavier_uniform", {"gain": math.sqrt(2)}),
    ("glorot_normal", {}), ("glorot_uniform", {}), ("he_normal", {}), ("he_uniform", {}),
    ("torch_default", {}),
]
IDS = [f"{s}-{'-'.join(f'{k}{v:.3g}' for k, v in kw.items())}" for s, kw in RANDOM_SCHEMES]


def _torch_shape(keras_shape):
    """(kh, kw, in, out) -> (out, in, kh, kw); (in, out) -> (out, in)."""
    if len(keras_shape) == 2:
        return keras_shape[::-1]
    kh, kw, c_in, c_out = keras_shape
    return (c_out, c_in, kh, kw)


# ---------------------------------------------------------------- fans and formulas

def test_fans_dense_and_conv():
    assert init.fans((400, 300)) == (400, 300)
    assert init.fans((3, 3, 64, 128)) == (3 * 3 * 64, 3 * 3 * 128)
    assert init.fans((5, 16, 32)) == (5 * 16, 5 * 32)  # Conv1D (k, in, out)
    assert init.fans([np.int64(2), np.int64(3)]) == (2, 3)


@pytest.mark.parametrize("shape", [(5,), ()])
def test_fans_rejects_fewer_than_two_dimensions(shape):
    with pytest.raises(ValueError, match="shape must have at least 2 dimensions"):
        init.fans(shape)


def test_fans_rejects_bad_shapes():
    with pytest.raises(TypeError, match="shape"):
        init.fans(np.zeros((3, 4)))
    with pytest.raises(TypeError, match="shape"):
        init.fans((3.0, 4))
    with pytest.raises(ValueError, match="positive"):
        init.fans((0, 4))


@pytest.mark.parametrize("fan_in,fan_out", [(400, 300), (576, 1152), (10, 1000)])
def test_expected_std_formulas(fan_in, fan_out):
    e = init.expected_std
    assert e("zeros", fan_in, fan_out) == 0.0
    assert e("constant", fan_in, fan_out, value=0.2) == 0.0
    assert e("uniform", fan_in, fan_out, bound=0.3) == pytest.approx(0.3 / math.sqrt(3))
    assert e("normal", fan_in, fan_out) == 0.01
    assert e("normal", fan_in, fan_out, std=0.5) == 0.5
    assert e("lecun_normal", fan_in, fan_out) == pytest.approx(math.sqrt(1 / fan_in))
    assert e("lecun_uniform", fan_in, fan_out) == pytest.approx(math.sqrt(1 / fan_in))
    xavier = math.sqrt(2 / (fan_in + fan_out))
    assert e("xavier_normal", fan_in, fan_out) == pytest.approx(xavier)
    assert e("glorot_uniform", fan_in, fan_out) == pytest.approx(xavier)
    assert e("xavier_uniform", fan_in, fan_out, gain=5 / 3) == pytest.approx(5 / 3 * xavier)
    assert e("he_normal", fan_in, fan_out) == pytest.approx(math.sqrt(2 / fan_in))
    assert e("he_uniform", fan_in, fan_out) == pytest.approx(math.sqrt(2 / fan_in))
    assert e("torch_default", fan_in, fan_out) == pytest.approx(math.sqrt(1 / (3 * fan_in)))


def test_expected_std_rejects_bad_input():
    with pytest.raises(ValueError, match="scheme"):
        init.expected_std("kaiming", 10, 10)
    with pytest.raises(ValueError, match="fan_in"):
        init.expected_std("he_normal", 0, 10)
    with pytest.raises(TypeError, match="fan_out"):
        init.expected_std("he_normal", 10, 2.5)
    with pytest.raises(TypeError, match="bound"):
        init.expected_std("uniform", 10, 10)
    with pytest.raises(ValueError, match="std"):
        init.expected_std("normal", 10, 10, std=-1.0)
    with pytest.raises(ValueError, match="gain"):
        init.expected_std("xavier_normal", 10, 10, gain=0.0)


# ---------------------------------------------------------------- initialize in NumPy

@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize("scheme,kw", RANDOM_SCHEMES, ids=IDS)
def test_initialize_empirical_std_matches_expected(scheme, kw, shape):
    w = init.initialize(shape, scheme, rng=0, **kw)
    assert w.shape == shape and w.dtype == np.float64
    expected = init.expected_std(scheme, *init.fans(shape), **kw)
    assert w.std() == pytest.approx(expected, rel=0.02)
    assert abs(w.mean()) < 0.02 * expected


@pytest.mark.parametrize("scheme,bound", [
    ("uniform", 0.05), ("lecun_uniform", math.sqrt(3 / 400)), ("he_uniform", math.sqrt(6 / 400)),
    ("xavier_uniform", math.sqrt(6 / 700)), ("torch_default", 1 / math.sqrt(400)),
])
def test_uniform_schemes_fill_their_interval(scheme, bound):
    kw = {"bound": 0.05} if scheme == "uniform" else {}
    w = init.initialize(DENSE, scheme, rng=1, **kw)
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound


def test_constant_schemes_and_reproducibility():
    assert np.array_equal(init.initialize((3, 4), "zeros"), np.zeros((3, 4)))
    assert np.array_equal(init.initialize((3, 4), "constant", value=0.2), np.full((3, 4), 0.2))
    a = init.initialize(DENSE, "he_normal", rng=7)
    assert np.array_equal(a, init.initialize(DENSE, "he_normal", rng=np.random.default_rng(7)))
    assert not np.array_equal(a, init.initialize(DENSE, "he_normal", rng=8))
    # the aliases draw exactly the same numbers
    assert np.array_equal(init.initialize(DENSE, "glorot_normal", rng=3),
                          init.initialize(DENSE, "xavier_normal", rng=3))


def test_initialize_rejects_bad_input():
    with pytest.raises(ValueError, match="scheme must be one of"):
        init.initialize((3, 4), "xavier")
    with pytest.raises(ValueError, match="scheme"):
        init.initialize((3, 4), None)
    with pytest.raises(TypeError, match="'value'"):
        init.initialize((3, 4), "constant")
    with pytest.raises(TypeError, match="'bound'"):
        init.initialize((3, 4), "uniform")
    with pytest.raises(TypeError, match="takes no argument"):
        init.initialize((3, 4), "he_normal", gain=2.0)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.initialize((10,), "he_normal")
    with pytest.raises(TypeError, match="shape"):
        init.initialize(10, "he_normal")
    with pytest.raises(TypeError, match="value"):
        init.initialize((3, 4), "constant", value="0.2")
    with pytest.raises(ValueError, match="bound"):
        init.initialize((3, 4), "uniform", bound=-0.1)
    with pytest.raises(TypeError, match="rng"):
        init.initialize((3, 4), "he_normal", rng="seed")


# ---------------------------------------------------------------- PyTorch

@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize("scheme,kw", RANDOM_SCHEMES, ids=IDS)
def test_to_torch_empirical_std_matches_expected(scheme, kw, shape):
    torch.manual_seed(0)
    w = torch.empty(_torch_shape(shape))
    out = init.to_torch(scheme, **kw)(w)
    assert out is w  # in place, like torch.nn.init.*_
    expected = init.expected_std(scheme, *init.fans(shape), **kw)
    assert w.std().item() == pytest.approx(expected, rel=0.02)


def test_to_torch_constant_schemes():
    w = torch.ones(5, 3)
    init.to_torch("zeros")(w)
    assert torch.count_nonzero(w) == 0
    init.to_torch("constant", value=0.2)(w)
    assert torch.all(w == 0.2)


def _torch_pair(shape, ours, builtin, seed=0):
    a, b = torch.empty(shape), torch.empty(shape)
    torch.manual_seed(seed)
    ours(a)
    torch.manual_seed(seed + 1)
    builtin(b)
    return a, b


@pytest.mark.parametrize("shape", [(300, 400), (128, 64, 3, 3)], ids=["dense", "conv"])
@pytest.mark.parametrize("scheme,kw,builtin", [
    ("he_normal", {}, lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu")),
    ("he_uniform", {}, lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")),
    ("xavier_normal", {}, torch.nn.init.xavier_normal_),
    ("xavier_uniform", {}, torch.nn.init.xavier_uniform_),
    ("xavier_normal", {"gain": 5 / 3},
     lambda w: torch.nn.init.xavier_normal_(w, gain=torch.nn.init.calculate_gain("tanh"))),
    ("lecun_normal", {}, lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="linear")),
    ("torch_default", {}, lambda w: torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5))),
], ids=["he_normal", "he_uniform", "xavier_normal", "xavier_uniform", "xavier_tanh_gain",
        "lecun_normal", "torch_default"])
def test_to_torch_matches_torch_nn_init(scheme, kw, builtin, shape):
    ours, theirs = _torch_pair(shape, init.to_torch(scheme, **kw), builtin)
    assert ours.std().item() == pytest.approx(theirs.std().item(), rel=0.02)
    assert ours.abs().max().item() == pytest.approx(theirs.abs().max().item(), rel=0.3)


@pytest.mark.parametrize("layer", [lambda: torch.nn.Linear(400, 300),
                                   lambda: torch.nn.Conv2d(64, 128, 3)], ids=["linear", "conv2d"])
def test_torch_default_matches_the_layers_own_default(layer):
    torch.manual_seed(0)
    module = layer()
    default = module.weight.detach().clone()
    bound = 1 / math.sqrt(default[0].numel())  # fan_in = in_features (· kernel size)
    ours = init.to_torch("torch_default")(torch.empty_like(default))
    assert ours.std().item() == pytest.approx(default.std().item(), rel=0.02)
    assert default.abs().max().item() <= bound and ours.abs().max().item() <= bound
    assert ours.abs().max().item() > 0.99 * bound


def test_to_torch_rejects_bad_input():
    with pytest.raises(ValueError, match="scheme"):
        init.to_torch("kaiming_normal")
    with pytest.raises(TypeError, match="'value'"):
        init.to_torch("constant")
    with pytest.raises(TypeError, match="'bound'"):
        init.to_torch("uniform")
    with pytest.raises(ValueError, match="gain"):
        init.to_torch("xavier_normal", gain=-1.0)
    with pytest.raises(TypeError, match="value"):
        init.to_torch("constant", value=None)
    fill = init.to_torch("he_normal")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        fill(torch.empty(10))
    with pytest.raises(TypeError, match="torch.Tensor"):
        fill(np.zeros((3, 4)))


# ---------------------------------------------------------------- Keras


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def _keras_values(initializer, shape):
    return np.asarray(initializer(shape=shape, dtype="float32"), dtype=np.float64)


@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize("scheme,kw", RANDOM_SCHEMES, ids=IDS)
def test_to_keras_empirical_std_matches_expected(keras, scheme, kw, shape):
    keras.utils.set_random_seed(0)
    w = _keras_values(init.to_keras(scheme, **kw), shape)
    assert w.shape == shape
    expected = init.expected_std(scheme, *init.fans(shape), **kw)
    assert w.std() == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("scheme,name", [
    ("xavier_uniform", "GlorotUniform"), ("glorot_normal", "GlorotNormal"),
    ("he_normal", "HeNormal"), ("he_uniform", "HeUniform"),
    ("lecun_normal", "LecunNormal"), ("lecun_uniform", "LecunUniform"),
])
def test_to_keras_matches_keras_builtins(keras, scheme, name):
    builtin = getattr(keras.initializers, name)()
    ours = init.to_keras(scheme)
    for key in ("scale", "mode", "distribution"):
        assert getattr(ours, key) == getattr(builtin, key), key
    keras.utils.set_random_seed(1)
    a, b = _keras_values(ours, CONV), _keras_values(builtin, CONV)
    assert a.std() == pytest.approx(b.std(), rel=0.02)


def test_keras_dense_default_is_glorot_uniform(keras):
    keras.utils.set_random_seed(0)
    layer = keras.layers.Dense(300)
    layer.build((None, 400))
    kernel = np.asarray(layer.kernel)
    assert kernel.std() == pytest.approx(init.expected_std("glorot_uniform", 400, 300), rel=0.02)
    layer = keras.layers.Dense(300, kernel_initializer=init.to_keras("he_normal"))
    layer.build((None, 400))
    assert np.asarray(layer.kernel).std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)


def test_to_keras_constant_schemes(keras):
    assert np.all(_keras_values(init.to_keras("zeros"), (3, 4)) == 0)
    assert np.allclose(_keras_values(init.to_keras("constant", value=0.2), (3, 4)), 0.2)


def test_to_keras_rejects_bad_input(keras):
    with pytest.raises(ValueError, match="scheme"):
        init.to_keras("glorot")
    with pytest.raises(TypeError, match="'value'"):
        init.to_keras("constant")
    with pytest.raises(TypeError, match="'bound'"):
        init.to_keras("uniform")
    with pytest.raises(ValueError, match="gain"):
        init.to_keras("xavier_uniform", gain=-1.0)


def test_deep_relu_mlp_with_he_keeps_the_scale_and_training_lowers_the_loss():
    import torch

    he = init.to_torch("he_normal")

    def rule(module):
        if isinstance(module, torch.nn.Linear):
            he(module.weight)
            torch.nn.init.zeros_(module.bias)

    net = init.deep_relu_mlp(rule, depth=10, width=256, seed=0)
    x = torch.randn(512, 64, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    stds = init.linear_output_stds(net, x)
    assert stds.shape == (10,) and 0.5 < stds[8] / stds[0] < 2.0  # He: no trend
    X, y = x[:128], (x[:128, 0] > 0).long()
    losses = init.train_minibatches(net, torch.optim.SGD(net.parameters(), lr=0.01), X, y,
                                    steps=40, batch=32)
    assert losses.shape == (40,) and losses[-8:].mean() < losses[:8].mean()


@pytest.mark.parametrize("lr", [0.01, 0.1, 1.0])
def test_no_sgd_learning_rate_trains_notebook_02s_xavier_network(lr):
    """Notebook 02, section 5: the 30-layer ReLU network from Xavier's weights stays at ln 10
    under SGD (momentum 0.9, batches of 64, 300 steps) at learning rates 0.01, 0.1 and 1.0 too,
    not only at the notebook's 0.001: within 0.04 of ln 10 over the last 50 steps."""
    from coursekit import data

    X_train, y_train, _, _ = data.digits()

    def xavier(module):
        if isinstance(module, torch.nn.Linear):
            torch.nn.init.xavier_normal_(module.weight)
            torch.nn.init.zeros_(module.bias)

    net = init.deep_relu_mlp(xavier)
    losses = init.train_minibatches(net, torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9),
                                    torch.tensor(X_train), torch.tensor(y_train), steps=300,
                                    batch=64)
    assert abs(losses[-50:].mean() - math.log(10)) < 0.04
