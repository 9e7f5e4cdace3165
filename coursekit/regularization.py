"""Weight penalties (L2, L1, max-norm) and inverted dropout, as the textbook formulas (notebook 03).

Each function is the formula in a line or two, so a notebook can show it next to what PyTorch
and Keras do. :func:`train_settings` runs notebook 03's comparison of settings on the batched
trainer of :mod:`coursekit.experiments`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import _validate

__all__ = ["l2_penalty", "l2_gradient", "l1_penalty", "l1_gradient", "max_norm", "dropout",
           "train_settings", "plot_accuracy_grid", "plot_regions"]


def l2_penalty(params, lam: float) -> float:
    """``(lam/2)·Σ‖W‖²`` over the arrays in ``params`` (a dict or a list of arrays, any shapes).

    Pass only the weights you want to regularise: biases are usually left out. The factor 1/2
    makes the gradient ``lam·W`` (see :func:`l2_gradient`).

    >>> l2_penalty({"W1": np.array([3.0, 4.0])}, lam=0.1)
    1.25
    """
    weights, lam = _validate.penalty(params, lam)
    return 0.5 * lam * sum(float(np.sum(w**2)) for w in weights)


def l2_gradient(W, lam: float) -> np.ndarray:
    """Gradient of ``(lam/2)·‖W‖²`` with respect to ``W`` (any shape): ``lam·W``, same shape."""
    W, lam = _validate.penalty(W, lam, one_array=True)
    return lam * W


def l1_penalty(params, lam: float) -> float:
    """``lam·Σ|W|`` over the arrays in ``params`` (a dict or a list of arrays)."""
    weights, lam = _validate.penalty(params, lam)
    return lam * sum(float(np.sum(np.abs(w))) for w in weights)


def l1_gradient(W, lam: float) -> np.ndarray:
    """(Sub)gradient of ``lam·Σ|W|``: ``lam·sign(W)`` (0 where W is exactly 0), same shape as W.

    Unlike L2 its size does not depend on how large the weight is: every step pushes a weight
    towards zero by the same amount. Plain (sub)gradient steps with it still give no exact zeros
    (a small weight jumps back and forth across 0); the exact zeros of the Lasso come from the
    proximal step, which shrinks each weight by ``lr·lam`` and stops at 0.

    >>> l1_gradient(np.array([-2.0, 0.0, 0.5]), lam=0.1)
    array([-0.1,  0. ,  0.1])
    """
    W, lam = _validate.penalty(W, lam, one_array=True)
    return lam * np.sign(W)


def max_norm(W, c: float, *, axis: int = 0) -> np.ndarray:
    """Project ``W`` so that every column (``axis=0``) has L2 norm at most ``c``; return a copy.

    Inputs: W (n_in, n_out) or (n,), ``c > 0``. Returns an array of W's shape. ``axis=0``
    limits the incoming weight vector of each unit (Keras's ``MaxNorm(c, axis=0)``). Columns
    already inside the ball are unchanged.
    """
    W, c, axis = _validate.max_norm(W, c, axis)
    norms = np.sqrt(np.sum(W**2, axis=axis, keepdims=True))
    return W * np.minimum(1.0, c / np.maximum(norms, np.finfo(W.dtype).tiny))


def dropout(x, rate: float, *, training: bool = True, rng=None) -> np.ndarray:
    """Inverted dropout: zero each entry with probability ``rate``, scale survivors by 1/(1-rate).

    Inputs: ``x`` any shape; ``rate`` in [0, 1), the probability to *drop* (PyTorch's ``p``,
    Keras's ``rate``; TF1's ``keep_prob`` is ``1 - rate``); ``rng``: None, an int seed or a
    ``numpy.random.Generator`` (the same seed gives the same mask).
    Returns an array of x's shape and dtype whose expectation equals ``x``, so nothing needs
    rescaling at test time. ``rate=0`` or ``training=False`` returns ``x`` itself, unchanged.

    >>> dropout(np.ones(4), 0.5, rng=0)
    array([2., 0., 0., 0.])
    """
    x, rate, training, rng = _validate.dropout(x, rate, training, rng)
    if rate == 0 or not training:
        return x
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype, copy=False)


class Run(NamedTuple):
    """The networks of one setting after :func:`train_settings`."""

    predict: Callable   # X (n, D) -> class probabilities (n_nets, n, C)
    history: dict       # "epoch" (T,); "train_loss", "train_acc", "val_acc", ... (T, n_nets)


def train_settings(settings: dict, X_train, y_train, X_val, y_val, *, n_nets: int = 3,
                   **options) -> dict:
    """Train ``n_nets`` networks for every regularisation setting, as one batch.

    Inputs: ``settings`` = {name: (λ, rate)}: each network of that setting minimises its mean
    cross-entropy + (λ/2)·Σ‖W‖² (weights only) by full-batch gradient descent, with inverted
    dropout of that rate after every hidden ReLU; the ``n_nets`` networks of a setting differ in
    their initial weights and dropout masks. ``X_val``, ``y_val``: the points the validation
    curve is recorded on. ``options``: the other arguments of
    :func:`coursekit.experiments.train_mlps` (hidden, epochs, lr, momentum, seed, record_every).
    Returns {name: Run(predict, history)}: ``predict(X)`` the class probabilities
    (n_nets, n, C) with dropout off (``predict(X, training=True)``: left on, one random mask per
    call); ``history`` train_mlps's record of these networks: ``epoch`` (T,), arrays (T, n_nets).
    The networks are drawn one after another from one seed, so the same setting gets other
    initial weights when other settings come before it.

    >>> X, y = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
    >>> runs = train_settings({"plain": (0.0, 0.0), "L2": (0.1, 0.0)}, X, y, X, y, n_nets=2,
    ...                       hidden=(4,), epochs=5)
    >>> runs["L2"].predict(X).shape, runs["L2"].history["val_acc"].shape
    ((2, 2, 2), (1, 2))
    """
    from .experiments import train_mlps

    settings, n_nets = _validate.settings(settings, n_nets)
    predict, history = train_mlps(
        X_train, y_train, X_val, y_val, **options,
        l2=[lam for lam, _ in settings.values() for _ in range(n_nets)],
        dropout=[rate for _, rate in settings.values() for _ in range(n_nets)])
    runs = {}
    for k, name in enumerate(settings):
        nets = slice(k * n_nets, (k + 1) * n_nets)
        runs[name] = Run(lambda X, training=False, nets=nets: predict(X, nets, training),
                         {key: v if key == "epoch" else v[:, nets] for key, v in history.items()})
    return runs


def plot_accuracy_grid(train_acc: dict, val_acc: dict, lines: dict):
    """Accuracy against the strength of L2 (left panel) and of dropout (right panel).

    Inputs: ``train_acc``, ``val_acc``: {setting name: accuracies of its networks}; the settings
    named ``"L2 λ=<value>"`` go to the left panel, ``"dropout <value>"`` to the right one, at
    x = value (others are ignored). ``lines``: {label: accuracy} drawn as horizontal lines in
    both panels (dotted, dash-dotted, dashed, in that order).
    Returns the figure: training mean (dashed squares), validation mean (solid) and each
    network's validation accuracy (dots).

    >>> acc = {"L2 λ=0.1": [0.8, 0.9], "dropout 0.5": [0.7, 0.7]}
    >>> fig = plot_accuracy_grid(acc, acc, {"baseline": 0.75})
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['λ (L2 strength)', 'dropout rate']
    """
    import matplotlib.pyplot as plt

    from .plotting import PALETTE

    train_acc, val_acc, lines = _validate.accuracy_grid(train_acc, val_acc, lines)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    panels = [("L2 λ=", "log", "λ (L2 strength)", "L2"), ("dropout ", "linear", "dropout rate",
                                                          "dropout")]
    for ax, (prefix, scale, xlabel, title) in zip(axes, panels, strict=True):
        names = [name for name in val_acc if name.startswith(prefix)]
        x = [float(name[len(prefix):]) for name in names]
        ax.plot(x, [np.mean(train_acc[name]) for name in names], "s--", color=PALETTE[0], lw=2,
                label="training, mean")
        ax.plot(x, [np.mean(val_acc[name]) for name in names], "o-", color=PALETTE[1], lw=2.5,
                label="validation, mean")
        ax.plot(np.repeat(x, [len(val_acc[name]) for name in names]),
                np.concatenate([val_acc[name] for name in names]), ".", color=PALETTE[1], ms=9,
                label="validation, each network")
        for (label, value), ls, color in zip(lines.items(), [":", "-.", "--"],
                                             ["k", PALETTE[2], "k"], strict=False):
            ax.axhline(value, color=color, ls=ls, lw=1.5, label=label)
        ax.set(xscale=scale, xticks=x, xticklabels=[f"{v:g}" for v in x], xlabel=xlabel,
               title=f"{title}: accuracy at the end of training")
    axes[0].set_ylabel("accuracy")
    fig.legend(*axes[1].get_legend_handles_labels(), loc="lower center", ncols=3, fontsize=10,
               bbox_to_anchor=(0.5, -0.13))
    return fig


def plot_regions(classifiers: dict, X, y, reference, *, resolution: int = 250):
    """Decision regions of classifiers of 2-D points, beside a reference rule's boundaries.

    Inputs: ``classifiers``: {panel title: f}, f mapping points (n, 2) to classes (n,) ints;
    ``X`` (N, 2), ``y`` (N,): the points drawn on every panel (coloured by class); ``reference``:
    a function like f (the Bayes rule), whose boundaries are drawn dashed. The regions cover
    ``X``'s bounding box plus 0.5 on each side, on a ``resolution`` × ``resolution`` grid.
    Returns ``(fig, agreement)``: agreement = {title: share of the grid where f = reference}.

    >>> X, y = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
    >>> rule = lambda P: (P[:, 0] > 0.5).astype(int)
    >>> fig, agreement = plot_regions({"rule": rule, "all 0": lambda P: 0 * rule(P)}, X, y, rule)
    >>> agreement["rule"], round(agreement["all 0"], 2)
    (1.0, 0.5)
    """
    import matplotlib.pyplot as plt

    from .plotting import PALETTE

    X, y, resolution = _validate.regions(classifiers, X, y, reference, resolution)
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    ref = np.asarray(reference(grid))
    n_classes = int(max(y.max(), ref.max())) + 1
    fig, axes = plt.subplots(1, len(classifiers), figsize=(5 * len(classifiers), 5), sharey=True,
                             squeeze=False)
    agreement = {}
    for ax, (title, classify) in zip(axes[0], classifiers.items(), strict=True):
        regions = np.asarray(classify(grid))
        agreement[title] = float(np.mean(regions == ref))
        ax.contourf(g0, g1, regions.reshape(g0.shape), levels=np.arange(n_classes + 1) - 0.5,
                    colors=PALETTE[:n_classes], alpha=0.3)
        ax.contour(g0, g1, ref.reshape(g0.shape), levels=np.arange(n_classes - 1) + 0.5,
                   colors="k", linestyles="--", linewidths=1.5)
        for k in range(n_classes):
            ax.scatter(*X[y == k].T, color=PALETTE[k], edgecolor="k", s=30,
                       label=f"class {k}, training point")
        ax.set(title=title, xlabel="feature 1 (standardised)")
        ax.set_aspect("equal")
    axes[0, 0].set_ylabel("feature 2 (standardised)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], color="k", ls="--", lw=1.5))
    labels.append("Bayes rule's boundaries")
    fig.legend(handles, labels, loc="lower center", ncols=4, fontsize=11,
               bbox_to_anchor=(0.5, -0.06))
    return fig, agreement
