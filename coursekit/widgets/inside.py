"""Explorer of notebook 08_, lesson key ``inside`` (Looking inside a network).

``update`` computes what to draw and is unit-tested; ``explorer`` wires it to sliders.
"""

from __future__ import annotations

import numpy as np

from . import _core

__all__ = ["update", "draw", "explorer"]


def update(scale: float = 1.0, n: int = 101):
    """Return ``(x, y)``: the curve ``y = scale * x**2`` on ``n`` points of [-1, 1]."""
    x = np.linspace(-1.0, 1.0, n)
    return x, scale * x**2


def draw(scale: float = 1.0):
    """The figure of what :func:`update` returns (the explorer shows it)."""
    import matplotlib.pyplot as plt

    x, y = update(scale)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(x, y)
    ax.set(xlabel="x", ylabel="y", title=f"y = {scale:.2f} x²", ylim=(-0.1, 3.1))
    return fig


def explorer():
    """A slider for ``scale`` that redraws the curve."""
    import ipywidgets as w

    return _core.explorer(draw, scale=w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1,
                                                    description="scale"))
