"""Layer → histogram and filters of EfficientNet-Lite0 (notebook 08).

``update`` computes what to draw for one layer and is unit-tested; ``draw`` makes the figure;
``explorer`` wires a layer menu to it.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import _core

__all__ = ["layers", "update", "draw", "explorer"]

MAX_IMAGES = 32        # filters shown as small pictures
MAX_MATRIX = 64        # rows and columns of a 1×1 convolution's (out, in) matrix shown
DEAD = 1e-6            # a filter whose norm is below DEAD × the layer's largest is "dead"


@functools.cache
def _pretrained():
    from ..dream import load_pretrained

    return load_pretrained()


def layers(model=None) -> list[str]:
    """Names of the layers with a weight to look at (convolutions and the linear layer)."""
    from torch import nn

    model = _pretrained() if model is None else model
    return [n for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def update(layer: str = "_conv_stem", model=None) -> dict:
    """What the explorer shows for one layer of ``model`` (default: the pretrained network).

    Returns a dict with ``values`` (every weight, flat), ``std`` (their standard deviation),
    ``init_std`` (the standard deviation EfficientNet's reference code initialises the layer
    with: √(2 / fan_out) for a convolution, fan_out = k² · c_out / groups; 1/√(3 · n_out) for a
    linear layer, uniform in ±1/√n_out), ``fan_out``, ``shape``,
    ``filter_norms`` (one per output channel), ``dead`` (filters whose norm is below 1e-6 of the
    largest), and either ``images`` (spatial filters as pictures in [0, 1], grey level 0.5 = 0;
    RGB for a filter on 3 input channels; a dead filter is flat grey) or ``matrix`` (a 1×1
    convolution's or a linear layer's (out, in) weights, top-left corner), and a ``title``.
    """
    model = _pretrained() if model is None else model
    names = layers(model)
    if layer not in names:
        raise ValueError(f"layer must be one of {', '.join(names[:3])}, ..., {names[-1]}; "
                         f"got {layer!r}")
    module = model.get_submodule(layer)
    w = module.weight.detach().double().numpy()
    if w.ndim == 2:                                   # Linear (n_out, n_in)
        fan_out, init_std = len(w), 1.0 / math.sqrt(3.0 * len(w))
    else:                                             # Conv2d (c_out, c_in / groups, k, k)
        fan_out = len(w) // module.groups * int(np.prod(w.shape[2:]))
        init_std = math.sqrt(2.0 / fan_out)
    norms = np.sqrt((w.reshape(len(w), -1) ** 2).sum(axis=1))
    result = {"values": w.ravel(), "std": float(w.std()), "init_std": init_std,
              "fan_out": fan_out, "shape": w.shape, "filter_norms": norms,
              "dead": int(np.sum(norms < DEAD * norms.max())), "images": None, "matrix": None}
    if w.ndim == 4 and w.shape[-1] > 1 and w.shape[1] in (1, 3):
        shown = w[:MAX_IMAGES]
        scale = np.abs(shown).reshape(len(shown), -1).max(axis=1)
        alive = norms[:MAX_IMAGES] >= DEAD * norms.max()       # a dead filter is drawn flat grey
        scaled = 0.5 + 0.5 * np.where(alive[:, None, None, None], shown, 0.0) / np.maximum(
            scale, 1e-30)[:, None, None, None]
        result["images"] = list(scaled.transpose(0, 2, 3, 1) if w.shape[1] == 3 else scaled[:, 0])
    else:
        result["matrix"] = w.reshape(len(w), -1)[:MAX_MATRIX, :MAX_MATRIX]
    result["title"] = (f"{layer}: weight {tuple(w.shape)}, {w.size:,} numbers, "
                       f"{result['dead']} dead filter(s) of {len(w)}")
    return result


def draw(layer: str = "_conv_stem", model=None):
    """Histogram of the layer's weights next to its filters (or its weight matrix); a Figure."""
    import matplotlib.pyplot as plt

    from ..plotting import PALETTE

    result = update(layer, model)
    fig = plt.figure(figsize=(12, 4.6), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[1, 1.15])
    ax = left.subplots()
    ax.hist(result["values"], bins=80, color=PALETTE[0], log=True)
    for sign in (-1, 1):
        ax.axvline(sign * result["init_std"], color=PALETTE[3], ls="--",
                   label="± initial std (reference code)" if sign > 0 else None)
        ax.axvline(sign * result["std"], color="k", ls=":",
                   label=f"± std of these weights ({result['std']:.2g})" if sign > 0 else None)
    ax.set(xlabel="weight value", ylabel="count (log scale)", title="weights")
    ax.legend(fontsize=9)
    if result["images"] is not None:
        n = len(result["images"])
        cols = 8
        axes = right.subplots(math.ceil(n / cols), cols, squeeze=False)
        for a in axes.flat:
            a.axis("off")
        for a, image, norm in zip(axes.flat, result["images"], result["filter_norms"],
                                  strict=False):
            a.imshow(image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            a.set_title(f"{norm:.2g}", fontsize=8)
        right.suptitle(f"first {n} filters, each scaled to its largest |w| "
                       "(grey = 0; title: filter norm)", fontsize=10)
    else:
        a = right.subplots()
        a.grid(False)
        m = result["matrix"]
        limit = float(np.abs(m).max()) or 1.0
        shown = a.imshow(m, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto",
                         interpolation="nearest")
        right.colorbar(shown, ax=a, label="weight value")
        a.set(xlabel="input channel", ylabel="output channel",
              title=f"weights of the first {m.shape[0]} outputs × {m.shape[1]} inputs")
    fig.suptitle(result["title"])
    return fig


def explorer(model=None):
    """A menu of the layers of ``model`` (default: the pretrained network), first layer shown,
    wired to :func:`draw`."""
    import ipywidgets as widgets

    options = layers(model)
    return _core.explorer(functools.partial(draw, model=model),
                          layer=widgets.Dropdown(options=options, value=options[0],
                                                 description="layer"))
