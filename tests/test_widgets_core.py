"""The shared explorer wiring: figures go into the Output widget's state, redrawn on change."""

import base64

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from coursekit.widgets import _core


def _draw(k=1.0):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, k])
    return fig


def test_figure_output_is_a_png_display_and_closes_the_figure():
    fig = _draw()
    output = _core.figure_output(fig)
    assert output["output_type"] == "display_data"
    assert base64.b64decode(output["data"]["image/png"]).startswith(b"\x89PNG")
    assert not plt.fignum_exists(fig.number)


def test_explorer_draws_now_and_after_every_change():
    calls = []

    def draw(k):
        calls.append(k)
        return _draw(k)

    box = _core.explorer(draw, k=widgets.FloatSlider(value=1.0, min=0, max=2, description="k"))
    assert calls == [1.0] and len(box.children[1].outputs) == 1
    box.controls[0].value = 2.0
    assert calls == [1.0, 2.0] and len(box.children[1].outputs) == 1
    assert repr(box) == "Explorer(controls: k)"


def test_explorer_rejects_bad_wiring():
    with pytest.raises(TypeError, match="draw must be a function"):
        _core.explorer(None, k=widgets.FloatSlider())
    with pytest.raises(TypeError, match="controls must be ipywidgets controls"):
        _core.explorer(_draw, k=3)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        _core.figure_output(None)
