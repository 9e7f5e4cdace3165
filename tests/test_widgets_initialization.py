"""The initialisation explorer: its pure update function, and that the widget wires up."""

import numpy as np
import pytest

from coursekit.widgets import initialization as w


def test_update_shapes_and_layers():
    result = w.update("He normal", "relu", depth=10, width=64, n=16)
    assert result["layers"] == [1, 4, 7, 10]
    assert set(result["samples"]) == {1, 4, 7, 10}
    assert all(v.shape == (16 * 64,) for v in result["samples"].values())
    assert result["std"].shape == result["theory"].shape == (10,)
    assert "He normal" in result["title"] and "relu" in result["title"]
    lower, upper = result["range"]
    assert lower == 0 and upper == pytest.approx(3 * np.sqrt(np.mean(result["samples"][1] ** 2)))
    assert w.update("He normal", "tanh", depth=2, width=64, n=16)["range"][0] < 0


def test_update_few_layers_and_panels():
    assert w.update("He normal", "tanh", depth=1, width=32, n=8)["layers"] == [1]
    assert w.update("He normal", "tanh", depth=3, width=32, n=8, panels=2)["layers"] == [1, 3]


def test_update_follows_the_theory():
    he = w.update("He normal", "relu", depth=20, width=256)
    xavier = w.update("Xavier normal", "relu", depth=20, width=256)
    assert np.all(np.abs(np.log2(he["std"] / he["theory"])) < 1)  # within a factor 2
    assert 0.5 < he["std"][-1] < 2
    # Xavier with ReLU halves the variance per layer: 2^(-19/2) smaller at layer 20 than at 1
    ratio = xavier["std"][-1] / xavier["std"][0]
    assert 0.5 < ratio / 2 ** (-19 / 2) < 2
    tanh = w.update("Xavier normal × 5/3", "tanh", depth=20, width=256)
    assert 0.5 < tanh["std"][-1] < 1


def test_update_is_deterministic():
    a = w.update("LeCun normal", "tanh", depth=5, width=32, n=8, seed=3)
    b = w.update("LeCun normal", "tanh", depth=5, width=32, n=8, seed=3)
    assert np.array_equal(a["std"], b["std"])


def test_update_rejects_bad_input():
    with pytest.raises(ValueError, match="scheme"):
        w.update("he_normal")
    with pytest.raises(ValueError, match="activation"):
        w.update("He normal", "softplus")
    with pytest.raises(ValueError, match="depth"):
        w.update("He normal", "relu", depth=51)
    with pytest.raises(TypeError, match="depth"):
        w.update("He normal", "relu", depth=2.5)
    with pytest.raises(ValueError, match="panels"):
        w.update("He normal", "relu", depth=5, panels=1)


def test_draw_and_explorer():
    import matplotlib.pyplot as plt

    fig = w.draw("Xavier normal", "relu", 5)
    assert len(fig.axes) == 5 and fig.axes[-1].get_yscale() == "log"
    plt.close(fig)
    ui = w.explorer()
    assert [c.description for c in ui.controls] == ["weights", "activation", "depth"]
    before = ui.children[1].outputs[0]["data"]["image/png"]
    ui.controls[2].value = 5
    assert ui.children[1].outputs[0]["data"]["image/png"] != before


def test_draw_rejects_bad_input():
    with pytest.raises(ValueError, match="scheme"):
        w.draw("nope")
