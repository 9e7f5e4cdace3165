"""Tests of the DeepDream explorer of notebook 05 (the pure update, the drawing, the wiring)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit import dream
from coursekit.data import sample_image
from coursekit.widgets import dream as widget


@pytest.fixture(scope="module")
def image():
    return dream.resize(sample_image("grace_hopper"), (64, 64))


def test_update_returns_a_deterministic_dream(model, image):
    a = widget.update(model, image, "block4", octaves=2, steps=3)
    b = widget.update(model, image, "block4", octaves=2, steps=3)
    assert set(a) == {"dream", "history", "title", "gain"}
    assert a["dream"].shape == image.shape and a["dream"].dtype == np.uint8
    assert np.array_equal(a["dream"], b["dream"])
    assert a["history"].shape == (2, 3)
    assert a["title"] == "block4: 2 octaves × 3 steps"
    assert a["gain"] > 1  # the objective rose
    one = widget.update(model, image, "block4", octaves=1, steps=1)
    assert one["title"] == "block4: 1 octave × 1 steps" and one["history"].shape == (1, 1)


def test_update_depends_on_the_layer(model, image):
    a = widget.update(model, image, "block1", octaves=1, steps=2)
    b = widget.update(model, image, "block6", octaves=1, steps=2)
    assert not np.array_equal(a["dream"], b["dream"])


def test_update_rejects_bad_input(model, image):
    with pytest.raises(ValueError, match="octaves must be at most 4"):
        widget.update(model, image, "block4", octaves=5)
    with pytest.raises(ValueError, match="steps must be at most 20"):
        widget.update(model, image, "block4", steps=21)
    with pytest.raises(ValueError, match="steps"):
        widget.update(model, image, "block4", steps=0)
    with pytest.raises(ValueError, match="layer must be one of"):
        widget.update(model, image, "conv3")


def test_draw_returns_a_figure_with_three_panels(model, image):
    result = widget.update(model, image, "block4", octaves=1, steps=2)
    fig = widget.draw(result, image)
    assert len(fig.axes) == 3
    assert fig.axes[1].get_title() == result["title"]
    assert fig.axes[2].get_xlabel() == "step"
    plt.close(fig)
    with pytest.raises(ValueError, match="result must be the dict returned by update"):
        widget.draw({"dream": image}, image)


def test_explorer_wires_the_controls(model, image):
    w = widget.explorer(model, image, layers=("block1", "block4"))
    assert repr(w) == "Explorer(controls: layer, octaves, steps)"
    out = w.children[1]
    assert out.outputs and "image/png" in out.outputs[0]["data"]
    first = out.outputs[0]["data"]["image/png"]
    w.controls[1].value = 1  # one octave: the figure is redrawn
    assert out.outputs[0]["data"]["image/png"] != first
    with pytest.raises(ValueError, match="layers"):
        widget.explorer(model, image, layers=("block4", "mixed5"))
    with pytest.raises(ValueError, match="layers"):
        widget.explorer(model, image, layers="block4")
