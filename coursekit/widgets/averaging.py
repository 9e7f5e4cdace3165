"""Noisy SGD in a 2-D valley and the average of its iterates (notebook 06).

The loss is ``f(w) = 0.5·(0.1·w1² + 2·w2²)``: flat along ``w1``, steep across ``w2``. SGD with
noisy gradients bounces from one wall of the valley to the other; the weighted average of its
last iterates (equal, linear or exponential coefficients) lies near the floor.
"""

from __future__ import annotations

import numpy as np

from .. import _validate
from ..averaging import SCHEMES, scheme_weights
from . import _core

__all__ = ["CURVATURE", "valley_loss", "noisy_sgd", "update", "draw", "explorer"]

CURVATURE = (0.1, 2.0)  # second derivatives along w1 (flat) and w2 (steep)
START = (-4.0, 1.5)


def valley_loss(w) -> np.ndarray:
    """The valley's loss at points ``w`` of shape ``(..., 2)``; returns shape ``(...)``."""
    w = _validate.float_array(w, "w")
    if w.ndim == 0 or w.shape[-1] != 2:
        raise ValueError(f"w must have a last axis of length 2 (w1, w2), got shape {w.shape}")
    return 0.5 * (CURVATURE[0] * w[..., 0] ** 2 + CURVATURE[1] * w[..., 1] ** 2)


def noisy_sgd(lr: float = 0.9, noise: float = 0.3, steps: int = 80, seed: int = 0) -> np.ndarray:
    """SGD on the valley from ``START`` with Gaussian gradient noise of std ``noise``.

    Returns the iterates, shape ``(steps + 1, 2)``, the start first. ``lr`` must stay below
    ``2 / 2.0 = 1`` (the steep direction's stability limit) for the iterates to stay bounded.
    """
    lr = _validate.real(lr, "lr", low=0, high=1, low_open=True, high_open=True)
    noise = _validate.real(noise, "noise", low=0)
    steps = _validate.positive_int(steps, "steps")
    rng = _validate.rng(seed, "seed")
    w = np.array(START)
    path = [w]
    for _ in range(steps):
        grad = np.array(CURVATURE) * w + rng.normal(0, noise, size=2)
        w = w - lr * grad
        path.append(w)
    return np.array(path)


def update(lr: float = 0.9, noise: float = 0.3, n_avg: int = 40, scheme: str = "equal",
           decay: float = 0.9, steps: int = 80, seed: int = 0) -> dict:
    """What to draw: the SGD path and the weighted average of its last ``n_avg`` iterates.

    Returns a dict: ``path`` ``(steps + 1, 2)``, ``tail`` ``(n_avg, 2)`` (the averaged iterates),
    ``coefficients`` ``(n_avg,)`` (oldest first), ``average`` ``(2,)``, and the losses
    ``loss_last`` (last iterate), ``loss_tail_mean`` (mean over the tail), ``loss_average``.
    ``decay`` is used only by the exponential scheme.
    """
    _validate.choice(scheme, "scheme", SCHEMES)
    steps = _validate.positive_int(steps, "steps")
    n_avg = _validate.positive_int(n_avg, "n_avg")
    if n_avg > steps:
        raise ValueError(f"n_avg must be at most steps={steps}, got {n_avg}")
    path = noisy_sgd(lr, noise, steps, seed)
    tail = path[-n_avg:]
    coefficients = scheme_weights(n_avg, scheme,
                                  decay=decay if scheme == "exponential" else None)
    average = coefficients @ tail
    return {
        "path": path, "tail": tail, "coefficients": coefficients, "average": average,
        "loss_last": float(valley_loss(path[-1])),
        "loss_tail_mean": float(valley_loss(tail).mean()),
        "loss_average": float(valley_loss(average)),
    }


def draw(lr: float = 0.9, noise: float = 0.3, n_avg: int = 40, scheme: str = "equal",
         decay: float = 0.9, seed: int = 0):
    """The valley's contours, the SGD path, its last iterate and the average, as a Figure."""
    import matplotlib.pyplot as plt

    from ..plotting import PALETTE

    d = update(lr, noise, n_avg, scheme, decay, seed=seed)
    g1, g2 = np.meshgrid(np.linspace(-5, 5, 160), np.linspace(-2.5, 2.5, 160))
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.contour(g1, g2, valley_loss(np.stack([g1, g2], axis=-1)), levels=12, cmap="Greys",
               linewidths=0.8)
    ax.plot(*d["path"].T, ".-", color=PALETTE[5], alpha=0.6, lw=0.8, label="SGD iterates")
    ax.plot(*d["tail"].T, ".", color=PALETTE[0],
            label=f"last {n_avg} (averaged), mean loss {d['loss_tail_mean']:.3g}")
    ax.plot(*d["path"][-1], "s", ms=10, color=PALETTE[3],
            label=f"last iterate, loss {d['loss_last']:.3g}", markeredgecolor="k")
    ax.plot(*d["average"], "*", ms=18, color=PALETTE[1], markeredgecolor="k",
            label=f"{scheme} average, loss {d['loss_average']:.3g}")
    ax.plot(0, 0, "P", ms=11, color="w", markeredgecolor="k", mew=1.5, zorder=5, label="minimum")
    ax.set(title=f"lr {lr:.2f}, gradient noise {noise:.2f}: mean loss of the averaged iterates "
                 f"{d['loss_tail_mean']:.3g}", xlabel="weight w₁ (flat direction)",
           ylabel="weight w₂ (steep direction)", xlim=(-5, 5), ylim=(-2.5, 2.5))
    ax.legend(loc="lower right", fontsize=9)
    return fig


def explorer():
    """Sliders for the learning rate, the noise and the number of averaged iterates, a scheme."""
    import ipywidgets as widgets

    return _core.explorer(
        draw,
        lr=widgets.FloatSlider(value=0.9, min=0.05, max=0.99, step=0.01, description="lr"),
        noise=widgets.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.05,
                                  description="gradient noise"),
        n_avg=widgets.IntSlider(value=40, min=1, max=80, description="iterates averaged"),
        scheme=widgets.Dropdown(options=list(SCHEMES), value="equal", description="scheme"),
        decay=widgets.FloatSlider(value=0.9, min=0.5, max=0.99, step=0.01,
                                  description="decay (exp.)"),
    )
