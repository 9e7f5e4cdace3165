"""Move beta and watch the EWA weights (1-beta)*beta**k and the smoothed signal (notebook 04)."""

from __future__ import annotations

import numpy as np

from .. import _validate
from ..ewa import effective_window, ewa, ewa_weights
from . import _core

__all__ = ["clean_signal", "signal", "update", "draw", "explorer"]

N_STEPS = 150


def clean_signal(n: int = N_STEPS) -> np.ndarray:
    """The test signal without its noise, shape ``(n,)``: ``1 + sin(t/15)`` for t = 1..n."""
    t = np.arange(1, _validate.positive_int(n, "n") + 1)
    return 1.0 + np.sin(t / 15.0)


def signal(n: int = N_STEPS, seed: int = 0) -> np.ndarray:
    """The noisy test signal, shape ``(n,)``: :func:`clean_signal` plus Gaussian noise (std 0.5)."""
    n = _validate.positive_int(n, "n")
    rng = _validate.rng(seed, "seed")
    return clean_signal(n) + 0.5 * rng.normal(size=n)


def update(beta: float, bias_correction: bool = False, n_weights: int | None = None) -> dict:
    """What to draw for one ``beta``.

    Returns a dict: ``k`` (shape ``(n_weights,)``, steps back; by default 60, or 1.5 windows
    when that is longer, so that the window is in view), ``weights`` (``(1-beta)*beta**k``),
    ``window`` (``1/(1-beta)``), ``mass_in_window`` (the weight on the newest ``round(window)``
    steps), ``t`` (shape ``(N_STEPS,)``, steps 1..N_STEPS), ``signal``, ``clean`` (the signal
    without noise) and ``smoothed`` (the EWA of ``signal``, bias-corrected if asked).
    """
    beta = _validate.real(beta, "beta", low=0, high=1, high_open=True)
    if not isinstance(bias_correction, (bool, np.bool_)):
        raise TypeError(f"bias_correction must be True or False, got {bias_correction!r}")
    window = effective_window(beta)
    if n_weights is None:
        n_weights = max(60, int(np.ceil(1.5 * window)))
    n_weights = _validate.positive_int(n_weights, "n_weights")
    x = signal()
    return {
        "k": np.arange(n_weights),
        "weights": ewa_weights(beta, n_weights),
        "window": window,
        "mass_in_window": float(1.0 - beta ** round(window)),
        "t": np.arange(1, x.size + 1),
        "signal": x,
        "clean": clean_signal(x.size),
        "smoothed": ewa(x, beta, bias_correction=bool(bias_correction)),
    }


def draw(beta: float = 0.9, bias_correction: bool = False):
    """The weights (left) and the smoothed signal (right) for one setting, as a Figure."""
    import matplotlib.pyplot as plt

    d = update(beta, bias_correction)
    n = round(d["window"])
    steps = f"{n} step" if n == 1 else f"{n} steps"
    fig, (ax_w, ax_s) = plt.subplots(1, 2, figsize=(11, 3.8))
    ax_w.bar(d["k"], d["weights"], width=0.8, label=r"weights $(1-\beta)\,\beta^k$")
    unit = "step" if d["window"] == 1 else "steps"
    ax_w.axvline(d["window"] - 0.5, color="k", ls="--",
                 label=rf"window $1/(1-\beta)$ = {d['window']:.3g} {unit}")
    ax_w.set(title=f"weights, β = {beta:.2f}: {d['mass_in_window']:.0%} on the newest {steps}",
             xlabel="steps back k", ylabel="weight", xlim=(-1, d["k"][-1] + 1))
    ax_w.legend()
    ax_s.plot(d["t"], d["signal"], ".", ms=4, alpha=0.4, color="0.5", label="noisy signal")
    ax_s.plot(d["t"], d["clean"], ":", color="k", lw=1.5, label="signal without noise")
    corrected = "bias-corrected " if bias_correction else ""
    ax_s.plot(d["t"], d["smoothed"], lw=2.5, label=f"{corrected}EWA, β = {beta:.2f}")
    ax_s.set(title="smoothed signal against the signal without noise", xlabel="step t",
             ylabel="value (arbitrary units)")
    ax_s.legend(loc="lower left", fontsize=9)
    return fig


def explorer():
    """A β slider and a bias-correction checkbox, wired to :func:`draw`."""
    import ipywidgets as widgets

    return _core.explorer(
        draw,
        beta=widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="β"),
        bias_correction=widgets.Checkbox(value=False, description="bias correction"),
    )
