"""The explorer of notebook 08: its pure update function and its wiring."""

import numpy as np

from coursekit.widgets import inside as widget


def test_update_scales_the_curve():
    x, y = widget.update(scale=2.0, n=5)
    assert np.allclose(y, 2.0 * x**2) and x[0] == -1.0 and x[-1] == 1.0


def test_explorer_has_a_slider():
    box = widget.explorer()
    assert [c.description for c in box.controls] == ["scale"]
    first = box.children[1].outputs[0]["data"]["image/png"]
    box.controls[0].value = 2.5
    assert box.children[1].outputs[0]["data"]["image/png"] != first
