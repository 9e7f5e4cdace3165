"""Shared figure helpers: one style for every notebook, readable at slide size.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from . import _validate

__all__ = ["PALETTE", "STYLE", "use_style", "line_plot", "image_grid"]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

STYLE = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "image.cmap": "viridis",
}


def use_style() -> None:
    """Apply the course's matplotlib style."""
    _ensure_bundled_fonts()
    mpl.rcParams.update(STYLE)


def _ensure_bundled_fonts() -> None:
    """Register matplotlib's own fonts if its font cache does not list them.

    A cache written by another matplotlib installation (a deleted virtual environment, another
    user's) can list only the system's fonts; every label then prints "findfont: ... not found"
    on stderr, which a notebook's stored outputs do not have.
    """
    from pathlib import Path

    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    if {"DejaVu Sans", "cmr10", "STIXGeneral"} <= known:
        return
    for path in sorted(Path(mpl.get_data_path(), "fonts", "ttf").glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))


def line_plot(curves: dict, *, title: str, xlabel: str, ylabel: str, logy: bool = False,
              ax=None, **line_kw):
    """Plot several curves on one labelled axis and return the axis.

    ``curves`` maps a legend label to ``y`` (plotted against 0, 1, 2, ...) or to ``(x, y)``.
    """
    curves, title, xlabel, ylabel = _validate.line_plot(curves, title, xlabel, ylabel)
    ax = ax if ax is not None else plt.subplots()[1]
    for label, data in curves.items():
        if isinstance(data, tuple) and len(data) == 2:
            x, y = (np.asarray(d) for d in data)
        else:
            y = np.asarray(data)
            x = np.arange(len(y))
        ax.plot(x, y, label=str(label), **line_kw)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def image_grid(images, titles=None, *, suptitle: str | None = None, ncols: int | None = None,
               size: float = 2.6):
    """Show images side by side and return the figure.

    Images may be uint8 RGB, floats in [0, 1], or 2-D arrays (shown in grey).
    """
    images, ncols = _validate.image_grid(images, titles, ncols)
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.4),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, img in enumerate(images):
        ax = axes.flat[i]
        ax.imshow(np.asarray(img), cmap="gray" if np.ndim(img) == 2 else None)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=11)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
