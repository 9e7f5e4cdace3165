"""Tests of the pure update function of the beta-slider widget (notebook 04)."""

import numpy as np
import pytest

from coursekit.ewa import ewa
from coursekit.widgets import momentum


def test_update_weights_and_window():
    d = momentum.update(0.9)
    assert d["k"].shape == d["weights"].shape == (60,)
    assert d["weights"][0] == pytest.approx(0.1)
    assert d["weights"][10] == pytest.approx(0.1 * 0.9**10)
    assert d["window"] == pytest.approx(10.0)
    assert d["mass_in_window"] == pytest.approx(1 - 0.9**10)
    assert np.all(np.diff(d["weights"]) < 0)


def test_update_smoothed_is_the_ewa_of_the_signal():
    d = momentum.update(0.8)
    assert d["t"].shape == d["signal"].shape == d["smoothed"].shape == (momentum.N_STEPS,)
    np.testing.assert_allclose(d["smoothed"], ewa(d["signal"], 0.8))
    c = momentum.update(0.8, bias_correction=True)
    np.testing.assert_allclose(c["smoothed"], ewa(c["signal"], 0.8, bias_correction=True))
    assert c["smoothed"][0] == pytest.approx(c["signal"][0])


def test_larger_beta_gives_a_smoother_curve():
    rough = [np.std(np.diff(momentum.update(b)["smoothed"])) for b in (0.0, 0.5, 0.9, 0.98)]
    assert rough == sorted(rough, reverse=True)


def test_beta_zero_returns_the_signal_itself():
    d = momentum.update(0.0)
    np.testing.assert_allclose(d["smoothed"], d["signal"])


def test_signal_is_reproducible():
    np.testing.assert_array_equal(momentum.signal(), momentum.signal())
    assert not np.array_equal(momentum.signal(seed=1), momentum.signal())
    with pytest.raises(ValueError, match="n"):
        momentum.signal(0)
    with pytest.raises(TypeError, match="seed"):
        momentum.signal(10, seed="zero")


def test_update_rejects_bad_input():
    with pytest.raises(ValueError, match="beta"):
        momentum.update(1.0)
    with pytest.raises(ValueError, match="beta"):
        momentum.update(-0.2)
    with pytest.raises(TypeError, match="bias_correction"):
        momentum.update(0.9, bias_correction=1)
    with pytest.raises(ValueError, match="n_weights"):
        momentum.update(0.9, n_weights=0)


def test_draw_rejects_bad_beta():
    with pytest.raises(ValueError, match="beta"):
        momentum.draw(1.5)


def test_draw_returns_a_figure_and_the_explorer_redraws_on_change():
    import matplotlib.pyplot as plt

    fig = momentum.draw(0.5, True)
    assert len(fig.axes) == 2
    plt.close(fig)
    w = momentum.explorer()
    before = w.children[1].outputs[0]["data"]["image/png"]
    w.controls[0].value = 0.5
    assert w.children[1].outputs[0]["data"]["image/png"] != before


def test_the_window_stays_in_view_for_large_beta():
    assert momentum.update(0.9)["k"].shape == (60,)
    d = momentum.update(0.99)
    assert d["k"][-1] >= 1.5 * d["window"] - 1       # the dashed line at 100 steps is shown
    assert momentum.update(0.99, n_weights=30)["k"].shape == (30,)


def test_clean_signal_is_the_signal_without_its_noise():
    d = momentum.update(0.5)
    np.testing.assert_allclose(d["clean"], 1 + np.sin(d["t"] / 15.0))
    assert 0.4 < np.std(d["signal"] - d["clean"]) < 0.6
    with pytest.raises(ValueError, match="n"):
        momentum.clean_signal(0)


def test_draw_names_one_step_in_the_singular():
    import matplotlib.pyplot as plt

    fig = momentum.draw(0.0)
    assert "newest 1 step" in fig.axes[0].get_title()
    assert any(t.get_text().endswith("= 1 step") for t in fig.axes[0].get_legend().get_texts())
    plt.close(fig)
