"""coursekit: the helpers shared by the notebooks of "Neural-network weights, from the inside".

Call :func:`setup` at the top of every notebook: it seeds every random number generator the
course uses and applies the plotting style, so stored outputs reproduce on a re-run.
"""

from __future__ import annotations

import os
import random
import sys

import numpy as np

__version__ = "0.1.0"
__all__ = ["setup", "__version__"]


def _quiet_figure_repr() -> None:
    """In IPython, display figures as images only, without the ``<Figure size ...>`` text line.

    The text line holds the figure size and is noise in stored outputs; the image is unchanged.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    # The inline backend resets the figure formatters when it draws its first figure: let it.
    plt.close(plt.figure())
    shell.display_formatter.formatters["text/plain"].for_type(Figure, lambda fig, p, cycle: None)


def setup(seed: int = 0) -> None:
    """Seed Python, NumPy and PyTorch (and TensorFlow/Keras if imported); set print and plot style.

    Also makes PyTorch use deterministic algorithms where it can, so a re-run reproduces.
    """
    from . import _validate, plotting

    seed = _validate.positive_int(seed, "seed", minimum=0)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - students' code may use the legacy global generator
    np.set_printoptions(precision=4, suppress=True, linewidth=100)

    import torch

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)
    plotting.use_style()
    _quiet_figure_repr()
