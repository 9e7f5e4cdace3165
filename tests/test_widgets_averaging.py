"""Tests of the valley explorer of notebook 06 (pure functions; the wiring is smoke-tested)."""

import numpy as np
import pytest

from coursekit.averaging import scheme_weights
from coursekit.widgets import averaging as valley


def test_valley_loss_values():
    assert valley.valley_loss(np.zeros(2)) == 0.0
    np.testing.assert_allclose(valley.valley_loss(np.array([[2.0, 0.0], [0.0, 1.0]])),
                               [0.5 * 0.1 * 4, 0.5 * 2.0])


def test_noiseless_sgd_zigzags_across_the_steep_direction():
    path = valley.noisy_sgd(lr=0.9, noise=0.0, steps=10)
    assert path.shape == (11, 2)
    np.testing.assert_allclose(path[0], valley.START)
    # w2 is multiplied by 1 - 0.9*2 = -0.8 each step: the sign flips, the size shrinks
    np.testing.assert_allclose(path[1:, 1] / path[:-1, 1], -0.8)
    np.testing.assert_allclose(path[1:, 0] / path[:-1, 0], 1 - 0.9 * 0.1)


def test_average_is_the_weighted_mean_of_the_tail():
    d = valley.update(n_avg=10, scheme="linear")
    assert d["tail"].shape == (10, 2)
    np.testing.assert_array_equal(d["tail"], d["path"][-10:])
    np.testing.assert_allclose(d["coefficients"], scheme_weights(10, "linear"))
    np.testing.assert_allclose(d["average"], scheme_weights(10, "linear") @ d["path"][-10:])


def test_averaging_lowers_the_loss_in_the_default_setting():
    d = valley.update()
    assert d["loss_average"] < 0.1 * d["loss_tail_mean"]
    assert d["loss_average"] < d["loss_last"]
    # Jensen: for a convex loss the loss at the average is at most the average loss, any scheme
    for scheme in ("equal", "linear", "exponential"):
        e = valley.update(scheme=scheme, seed=3)
        weighted = e["coefficients"] @ valley.valley_loss(e["tail"])
        assert e["loss_average"] <= weighted + 1e-12


def test_update_is_reproducible_and_seeded():
    a, b = valley.update(seed=1), valley.update(seed=1)
    np.testing.assert_array_equal(a["path"], b["path"])
    assert not np.array_equal(a["path"], valley.update(seed=2)["path"])


def test_draw_returns_a_titled_figure():
    fig = valley.draw(scheme="exponential", decay=0.8)
    ax = fig.axes[0]
    assert "lr 0.90" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_explorer_builds():
    pytest.importorskip("ipywidgets")
    box = valley.explorer()
    assert "Explorer(controls: lr, gradient noise" in repr(box)


def test_bad_input():
    with pytest.raises(ValueError, match="lr"):
        valley.noisy_sgd(lr=1.2)
    with pytest.raises(ValueError, match="noise"):
        valley.noisy_sgd(noise=-1.0)
    with pytest.raises(ValueError, match="steps"):
        valley.noisy_sgd(steps=0)
    with pytest.raises(TypeError, match="seed"):
        valley.noisy_sgd(seed="a")
    with pytest.raises(ValueError, match="n_avg"):
        valley.update(n_avg=100, steps=80)
    with pytest.raises(ValueError, match="scheme"):
        valley.update(scheme="median")
    with pytest.raises(ValueError, match="decay"):
        valley.update(scheme="exponential", decay=2.0)
    with pytest.raises(ValueError, match="w must have a last axis"):
        valley.valley_loss(np.zeros(3))
    with pytest.raises(TypeError, match="w"):
        valley.valley_loss("ab")
    with pytest.raises(ValueError, match="scheme"):
        valley.draw(scheme="median")
