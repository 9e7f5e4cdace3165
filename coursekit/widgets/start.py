"""One neuron, ``a = f(w·x + b)``: move ``w`` and ``b`` and watch the curve (notebook 00)."""

from __future__ import annotations

import numpy as np

from .. import _validate
from ..nn import ACTIVATIONS
from . import _core

__all__ = ["update", "draw", "explorer"]

X_RANGE = (-4.0, 4.0)


def update(w: float, b: float, activation: str = "sigmoid", n: int = 201):
    """Return ``(x, a)``: the neuron's output ``a = f(w·x + b)`` on a grid of ``n`` inputs."""
    w = _validate.real(w, "w")
    b = _validate.real(b, "b")
    _validate.choice(activation, "activation", ACTIVATIONS)
    x = np.linspace(*X_RANGE, _validate.positive_int(n, "n", minimum=2))
    return x, ACTIVATIONS[activation][0](w * x + b)


def draw(w: float = 1.0, b: float = 0.0, activation: str = "sigmoid"):
    """The neuron's response for one setting of the controls, as a Figure."""
    import matplotlib.pyplot as plt

    x, a = update(w, b, activation)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(x, a, lw=2.5)
    ax.set(title=f"a = {activation}({w:.1f}·x + {b:.1f})", xlabel="input x",
           ylabel="activation a", xlim=X_RANGE)
    return fig


def explorer():
    """Sliders for ``w`` and ``b`` and a menu of activations, wired to :func:`draw`."""
    import ipywidgets as widgets

    return _core.explorer(
        draw,
        w=widgets.FloatSlider(value=1.0, min=-5.0, max=5.0, step=0.1, description="weight w"),
        b=widgets.FloatSlider(value=0.0, min=-5.0, max=5.0, step=0.1, description="bias b"),
        activation=widgets.Dropdown(options=list(ACTIVATIONS), value="sigmoid",
                                    description="activation"),
    )
