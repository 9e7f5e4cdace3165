"""Scheme × activation × depth → histograms of the activations, layer by layer (notebook 02)."""

from __future__ import annotations

import numpy as np

from .. import _validate
from ..deepstats import ACTIVATIONS, layer_stats, theory_std
from . import _core

__all__ = ["update", "draw", "explorer"]

# menu label -> (coursekit.init scheme, its keywords)
SCHEMES = {
    "N(0, 1)": ("normal", {"std": 1.0}),
    "small: 0.01·N(0, 1)": ("normal", {"std": 0.01}),
    "LeCun normal": ("lecun_normal", {}),
    "Xavier normal": ("xavier_normal", {}),
    "Xavier normal × 5/3": ("xavier_normal", {"gain": 5 / 3}),
    "He normal": ("he_normal", {}),
    "PyTorch default": ("torch_default", {}),
}
MAX_DEPTH = 50


def update(scheme: str = "He normal", activation: str = "relu", depth: int = 20, *,
           width: int = 256, n: int = 64, panels: int = 4, seed: int = 0) -> dict:
    """Compute what the explorer draws for one setting of the controls.

    ``scheme`` is a label of :data:`SCHEMES`. Returns a dict with ``"layers"`` (the layer
    numbers shown, first and last included, at most ``panels``), ``"samples"`` (layer ->
    activations, ``n·width`` values), ``"std"`` and ``"theory"`` (root mean square of the
    activations per layer, measured and predicted, shape ``(depth,)``), ``"range"`` (the
    histograms' common x-range: three times the first layer's rms, so that a shrinking or
    growing signal is visible as such) and ``"title"``.
    """
    _validate.choice(scheme, "scheme", SCHEMES)
    _validate.choice(activation, "activation", ACTIVATIONS)
    depth = _validate.positive_int(depth, "depth")
    if depth > MAX_DEPTH:
        raise ValueError(f"depth must be at most {MAX_DEPTH}, got {depth}")
    panels = _validate.positive_int(panels, "panels", minimum=2)
    name, kw = SCHEMES[scheme]
    layers = sorted({int(round(x)) for x in np.linspace(1, depth, min(panels, depth))})
    stats = layer_stats(name, activation, depth, width, n=n, seed=seed, keep=layers, **kw)
    theory = theory_std(name, activation, depth, width, **kw)
    first = stats["samples"][1]
    limit = 3.0 * float(np.sqrt(np.mean(first**2)))
    lower = -limit if np.any(first < 0) else 0.0
    return {"layers": layers, "samples": stats["samples"], "std": stats["act"],
            "theory": theory["act"], "range": (lower, limit),
            "title": f"{scheme} weights, {activation}, width {width}"}


def draw(scheme: str = "He normal", activation: str = "relu", depth: int = 20):
    """Histograms of a few layers' activations and the activation scale against depth (a Figure)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    from ..plotting import PALETTE

    result = update(scheme, activation, depth)
    layers = result["layers"]
    lower, upper = result["range"]
    fig, axes = plt.subplots(1, len(layers) + 1, figsize=(2.8 * (len(layers) + 1), 3.6),
                             layout="constrained")
    for ax, layer, color in zip(axes, layers, PALETTE, strict=False):
        values = result["samples"][layer]
        values = values[np.isfinite(values)]
        zeros = float(np.mean(values == 0)) if values.size else 0.0
        # exact zeros (ReLU's inactive units) would dwarf every other bar: count them apart;
        # values outside the common range are piled up in the first and last bins
        shown = np.clip(values[values != 0], lower, upper)
        ax.hist(shown, bins=40, range=(lower, upper), color=color, log=True)
        ax.yaxis.set_minor_formatter(NullFormatter())  # no 2×10², 3×10², ... labels
        ax.set(title=f"layer {layer}: rms {result['std'][layer - 1]:.2g}",
               xlabel="activation value", ylabel="count (log scale)" if layer == 1 else None)
        if zeros:
            ax.text(0.97, 0.95, f"{zeros:.0%} exactly 0\n(not shown)", transform=ax.transAxes,
                    ha="right", va="top", fontsize=10)
    ax = axes[-1]
    x = np.arange(1, depth + 1)
    ax.semilogy(x, result["std"], "o-", ms=3, label="measured")
    ax.semilogy(x, result["theory"], "k--", label="theory")
    both = np.concatenate([result["std"], result["theory"]])
    both = both[np.isfinite(both) & (both > 0)]
    if both.size and both.max() / both.min() < 100:  # a flat curve: show at least 4 decades
        ax.set_ylim(both.min() / 10, both.max() * 10)
    ax.set(title="activation scale", xlabel="layer", ylabel="rms of activations")
    ax.legend()
    fig.suptitle(result["title"] + " (histograms: exact zeros left out, the end bins collect "
                 "values beyond the range)")
    return fig


def explorer():
    """Menus for the scheme and activation and a depth slider, wired to :func:`draw`."""
    import ipywidgets as widgets

    return _core.explorer(
        draw,
        scheme=widgets.Dropdown(options=list(SCHEMES), value="He normal", description="weights"),
        activation=widgets.Dropdown(options=list(ACTIVATIONS), value="relu",
                                    description="activation"),
        depth=widgets.IntSlider(value=20, min=1, max=MAX_DEPTH, step=1, description="depth",
                                continuous_update=False),
    )
