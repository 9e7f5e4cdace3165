"""DeepDream explorer (notebook 05): pick a layer, the number of octaves and of steps.

``update`` runs the dream and returns what to draw (unit-tested); ``draw`` plots it;
``explorer`` wires sliders to it. PyTorch and the network are imported only when used.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _validate
from . import _core

__all__ = ["update", "draw", "explorer"]

SIZE = 160            # the explorer dreams on a 160×160 image: about a second per setting
MAX_OCTAVES = 4
MAX_STEPS = 20
DEFAULT_LAYERS = ("block2", "block5", "block8", "block11", "block14")


def update(model, image, layer: str = "block8", octaves: int = 3, steps: int = 10,
           step_size: float = 4.0, seed: int = 0) -> dict:
    """Dream on ``image`` and return what to draw.

    Returns a dict: ``dream`` (uint8, same shape as ``image``), ``history`` (objective before
    each step, shape (octaves, steps)), ``title`` (str) and ``gain`` (the layer's objective on
    the dream divided by that on the input, both at full size).
    Deterministic: the same arguments give the same result.
    """
    from .. import dream

    octaves = _validate.positive_int(octaves, "octaves")
    steps = _validate.positive_int(steps, "steps")
    if octaves > MAX_OCTAVES:
        raise ValueError(f"octaves must be at most {MAX_OCTAVES} in the explorer, got {octaves}")
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be at most {MAX_STEPS} in the explorer, got {steps}")
    result, history = dream.deepdream(model, image, layer, octaves=octaves, steps=steps,
                                      step_size=step_size, seed=seed, return_history=True)
    gain = dream.objective(model, result, layer) / dream.objective(model, image, layer)
    title = f"{layer}: {octaves} octave{'s' * (octaves > 1)} × {steps} steps"
    return {"dream": result, "history": history, "title": title, "gain": gain}


def draw(result: dict, image):
    """Plot the original, the dream and the objective during the ascent; return the Figure."""
    import matplotlib.pyplot as plt

    if not isinstance(result, dict) or not {"dream", "history", "title", "gain"} <= set(result):
        raise ValueError("result must be the dict returned by update(...) (keys dream, history, "
                         f"title, gain), got {type(result).__name__}")
    history = np.asarray(result["history"])
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), width_ratios=[1, 1, 1.3])
    axes[0].imshow(image)
    axes[0].set_title("input")
    axes[1].imshow(result["dream"])
    axes[1].set_title(result["title"])
    for ax in axes[:2]:
        ax.axis("off")
    steps = history.shape[1]
    for o, row in enumerate(history):
        axes[2].plot(np.arange(o * steps, (o + 1) * steps), row, marker=".",
                     label=f"octave {o + 1}")
    axes[2].set(title=f"objective during the ascent (dream/input ×{result['gain']:.2g})",
                xlabel="step", ylabel="mean squared activation")
    axes[2].legend(fontsize=8)
    return fig


def explorer(model=None, image=None, layers=DEFAULT_LAYERS):
    """Layer menu and octave/step sliders, wired to :func:`update` and :func:`draw`.

    ``model`` defaults to :func:`coursekit.dream.load_pretrained`, ``image`` to Grace Hopper
    at 160×160. Results are cached, so going back to a setting is instant.
    """
    import ipywidgets as widgets

    from .. import dream
    from ..data import sample_image

    if isinstance(layers, str) or not layers:
        raise ValueError(f"layers must be a non-empty list of layer names, got {layers!r}")
    for layer in layers:
        _validate.choice(layer, "layers", dream.LAYERS)
    model = dream.load_pretrained() if model is None else model
    image = dream.resize(sample_image("grace_hopper"), (SIZE, SIZE)) if image is None else image

    @functools.lru_cache(maxsize=32)
    def cached(layer, octaves, steps):
        return update(model, image, layer, octaves, steps)

    def show(layer, octaves, steps):
        return draw(cached(layer, octaves, steps), image)

    middle = layers[len(layers) // 2]
    return _core.explorer(
        show,
        layer=widgets.Dropdown(options=list(layers), value=middle, description="layer"),
        octaves=widgets.IntSlider(value=3, min=1, max=MAX_OCTAVES, description="octaves",
                                  continuous_update=False),
        steps=widgets.IntSlider(value=10, min=1, max=MAX_STEPS, description="steps",
                                continuous_update=False),
    )
