"""L2 strength and dropout rate → decision regions and learning curves (notebook 03).

:func:`update` trains one small MLP (see :func:`coursekit.experiments.train_mlps`) on the
100 training points of :func:`coursekit.data.blobs` (standardised with the training mean and
standard deviation; plain full-batch gradient descent with learning rate 0.3, as in notebook 03's
experiment) and returns what :func:`draw`
plots: the predicted class on a grid, the accuracy curves and the final accuracies. Accuracy
is measured on the *validation* half of the held-out points (the first 500), as in notebook
03: the other 500 are the test set, kept for one final evaluation. Results are
cached, so moving a slider back to a value already seen is instant.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _validate
from ..data import blobs
from ..experiments import train_mlps

__all__ = ["LAMBDAS", "RATES", "update", "draw", "explorer"]

LAMBDAS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1)
RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_LR = 0.3   # plain gradient descent, as in the notebook


def update(lam: float, rate: float, *, hidden=(64, 64), epochs: int = 1000, seed: int = 0,
           n_grid: int = 80) -> dict:
    """Train one ReLU MLP with L2 strength ``lam`` and dropout ``rate`` on the blobs; summarise.

    Returns a dict: ``xx``, ``yy`` (n_grid, n_grid) grid coordinates; ``region`` (n_grid, n_grid)
    predicted class on the grid; ``X_train`` (100, 2), ``y_train`` (100,); ``epoch`` (T,),
    ``train_acc`` (T,), ``val_acc`` (T,) curves (validation: the first 500 held-out points);
    ``final_train``, ``final_val`` floats and ``weight_norm`` (√Σ‖W‖² at the end).
    """
    lam = _validate.real(lam, "lam", low=0)
    rate = _validate.real(rate, "rate", low=0, high=1, high_open=True)
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (list, tuple)):
        raise TypeError(f"hidden must be a tuple of layer widths like (64, 64), got {hidden!r}")
    hidden = tuple(_validate.positive_int(h, "hidden entry") for h in hidden)
    epochs = _validate.positive_int(epochs, "epochs")
    seed = _validate.positive_int(seed, "seed", minimum=0)
    n_grid = _validate.positive_int(n_grid, "n_grid", minimum=2)
    return _cached(lam, rate, hidden, epochs, seed, n_grid)


@functools.lru_cache(maxsize=64)
def _cached(lam, rate, hidden, epochs, seed, n_grid):
    X_train, y_train, X_held, y_held = blobs()
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)     # standardise with training stats
    X_train, X_held = (X_train - mean) / std, (X_held - mean) / std
    X_val, y_val = X_held[:500], y_held[:500]                 # the rest is the test set
    predict, hist = train_mlps(X_train, y_train, X_val, y_val, l2=[lam], dropout=[rate],
                               hidden=hidden, epochs=epochs, lr=_LR, momentum=0.0, seed=seed)
    X_all = np.vstack([X_train, X_held])
    lo, hi = X_all.min(axis=0) - 1.0, X_all.max(axis=0) + 1.0
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], n_grid), np.linspace(lo[1], hi[1], n_grid))
    region = predict(np.column_stack([xx.ravel(), yy.ravel()]))[0].argmax(axis=1)
    result = {
        "xx": xx, "yy": yy, "region": region.reshape(xx.shape),
        "X_train": X_train, "y_train": y_train, "epoch": hist["epoch"],
        "train_acc": hist["train_acc"][:, 0], "val_acc": hist["val_acc"][:, 0],
        "final_train": float(hist["train_acc"][-1, 0]),
        "final_val": float(hist["val_acc"][-1, 0]),
        "weight_norm": float(hist["weight_norm"][-1, 0]),
    }
    for value in result.values():          # the cache hands out the same arrays: protect them
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return result


def draw(lam: float = 0.0, rate: float = 0.0):
    """The decision regions with the training points (left) and the accuracy curves (right),
    returned as a Figure (the explorer renders it)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from ..plotting import PALETTE

    r = update(lam, rate)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    cmap = ListedColormap(PALETTE[:3])
    ax1.contourf(r["xx"], r["yy"], r["region"], levels=[-0.5, 0.5, 1.5, 2.5], cmap=cmap,
                 alpha=0.3)
    for c in range(3):
        pts = r["X_train"][r["y_train"] == c]
        ax1.scatter(pts[:, 0], pts[:, 1], color=PALETTE[c], edgecolor="k", s=30,
                    label=f"class {c}")
    ax1.set(title=f"decision regions, λ = {lam:g}, dropout rate = {rate:g}",
            xlabel="feature x₁ (standardised)", ylabel="feature x₂ (standardised)")
    ax1.legend(loc="upper right")
    ax2.plot(r["epoch"], r["train_acc"], label=f"train ({r['final_train']:.2f})")
    ax2.plot(r["epoch"], r["val_acc"], label=f"validation ({r['final_val']:.2f})")
    ax2.set(title="accuracy during training", xlabel="epoch (full-batch steps)",
            ylabel="accuracy", ylim=(0.6, 1.01))
    ax2.legend(loc="lower right")
    return fig


def explorer():
    """Sliders for the L2 strength λ and the dropout rate, wired to :func:`draw`."""
    import ipywidgets as widgets

    from . import _core

    return _core.explorer(
        draw,
        lam=widgets.SelectionSlider(options=list(LAMBDAS), value=0.0, description="L2 λ",
                                    continuous_update=False),
        rate=widgets.SelectionSlider(options=list(RATES), value=0.0, description="dropout rate",
                                     continuous_update=False),
    )
