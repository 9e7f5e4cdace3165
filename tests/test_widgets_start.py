"""The neuron explorer of notebook 00 (key `start`): its pure update function and its wiring."""

import numpy as np
import pytest

from coursekit.widgets import start as neuron


def test_update_computes_the_activation_on_a_grid():
    x, a = neuron.update(2.0, -1.0, "relu")
    assert x[0] == neuron.X_RANGE[0] and x[-1] == neuron.X_RANGE[1]
    assert np.allclose(a, np.maximum(2 * x - 1, 0))


def test_sigmoid_centre_moves_with_the_bias():
    x, a = neuron.update(1.0, 2.0, "sigmoid", n=801)
    assert x[np.argmin(np.abs(a - 0.5))] == pytest.approx(-2.0, abs=0.01)


def test_update_rejects_bad_controls():
    with pytest.raises(ValueError, match="activation"):
        neuron.update(1.0, 0.0, "softmax")
    with pytest.raises(TypeError, match="w must be a real number"):
        neuron.update("1", 0.0)


def test_explorer_builds_the_controls_and_redraws():
    widget = neuron.explorer()
    assert [c.description for c in widget.controls] == ["weight w", "bias b", "activation"]
    assert repr(widget) == "Explorer(controls: weight w, bias b, activation)"
    before = widget.children[1].outputs[0]["data"]["image/png"]
    widget.controls[0].value = -2.0
    assert widget.children[1].outputs[0]["data"]["image/png"] != before
