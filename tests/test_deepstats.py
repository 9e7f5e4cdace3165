"""Layer statistics of deep stacks: measurement, the variance recursion, and their agreement."""

import math

import numpy as np
import pytest

from coursekit.deepstats import layer_stats, theory_std


def test_theory_relu_closed_forms():
    depth = np.arange(1, 51)
    xavier = theory_std("xavier_normal", "relu", 50, 512)
    assert np.allclose(xavier["pre"], 2.0 ** (-(depth - 1) / 2))  # q_1 = 1, halves per layer
    assert xavier["pre"][9] == pytest.approx(0.0442, rel=1e-3)
    he = theory_std("he_normal", "relu", 50, 512)
    assert np.allclose(he["pre"], math.sqrt(2)) and np.allclose(he["act"], 1.0)
    assert np.allclose(he["grad"], math.sqrt(0.5))
    torch_default = theory_std("torch_default", "relu", 10, 512)
    assert np.allclose(torch_default["pre"], math.sqrt(1 / 3) * 6.0 ** (-(np.arange(10)) / 2))


def test_theory_tanh_and_bias():
    tanh = theory_std("xavier_normal", "tanh", 50, 512)
    # small-variance tanh: q_{l+1} ≈ q_l - 2 q_l², so std ≈ 1/sqrt(2l) deep down
    assert tanh["pre"][49] == pytest.approx(1 / math.sqrt(100), rel=0.05)
    assert np.all(np.diff(tanh["pre"]) < 0)
    biased = theory_std("he_normal", "relu", 3, 64, bias=0.5)
    assert biased["pre"][0] == pytest.approx(math.sqrt(2 + 0.25))
    zeros = theory_std("zeros", "relu", 3, 64)
    assert np.all(zeros["pre"] == 0) and np.all(zeros["grad"] == 0)


def test_theory_rejects_bad_input():
    with pytest.raises(ValueError, match="activation"):
        theory_std("he_normal", "gelu")
    with pytest.raises(ValueError, match="depth"):
        theory_std("he_normal", "relu", 0)
    with pytest.raises(ValueError, match="scheme"):
        theory_std("kaiming", "relu")
    with pytest.raises(TypeError, match="bias"):
        theory_std("he_normal", "relu", bias="0")


@pytest.mark.parametrize("scheme,activation,kw", [
    ("xavier_normal", "relu", {}), ("he_normal", "relu", {}), ("torch_default", "relu", {}),
    ("xavier_normal", "tanh", {}), ("xavier_normal", "tanh", {"gain": 5 / 3}),
    ("normal", "relu", {"std": 1.0}),
])
def test_measurement_follows_theory_at_depth_10(scheme, activation, kw):
    m = layer_stats(scheme, activation, 10, 256, n=64, **kw)
    t = theory_std(scheme, activation, 10, 256, **kw)
    for key in ("pre", "act", "grad"):
        assert np.all(np.abs(np.log2(m[key] / t[key])) < 1), key


def test_layer_stats_extras():
    m = layer_stats("he_normal", "relu", 4, 64, n=32, keep=(1, 4), weight_grads=True)
    assert set(m["samples"]) == {1, 4} and m["samples"][4].shape == (32 * 64,)
    assert m["wgrad"].shape == (4,) and np.all(m["wgrad"] > 0)
    assert np.all((m["dead"] > 0.3) & (m["dead"] < 0.7))  # ReLU zeroes about half
    bn = layer_stats("torch_default", "relu", 20, 64, n=64, batchnorm=True)
    assert np.allclose(bn["pre"], 1.0, atol=1e-3)  # standardised, whatever the weight scale
    assert bn["grad"][0] > 1e-3  # and the gradient does not vanish
    plain = layer_stats("torch_default", "relu", 20, 64, n=64)
    assert plain["grad"][0] < 1e-6  # theory: (1/6)^(19/2)·... ≈ 4e-8


def test_layer_stats_rejects_bad_input():
    with pytest.raises(ValueError, match="keep"):
        layer_stats("he_normal", "relu", 3, 16, keep=(5,))
    with pytest.raises(ValueError, match="n"):
        layer_stats("he_normal", "relu", 3, 16, n=1)
    with pytest.raises(ValueError, match="width"):
        layer_stats("he_normal", "relu", 3, 1)
    with pytest.raises(TypeError, match="value"):
        layer_stats("constant", "relu", 3, 16)
