"""coursekit: the helpers shared by the notebooks of "Neural-network weights, from the inside".

Call :func:`setup` at the top of every notebook: it seeds every random number generator the
course uses and applies the plotting style, so stored outputs reproduce on a re-run.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
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
    """Seed Python, NumPy and PyTorch (and TensorFlow/Keras, now or when imported); set styles.

    Call it once, in the first code cell. TensorFlow and Keras take seconds to import, so a
    notebook imports them where it first needs them; ``setup`` seeds them at that moment, in the
    middle of the ``import`` statement, with the same seed. Also makes PyTorch use deterministic
    algorithms where it can, so a re-run reproduces.

    ``PYTHONHASHSEED`` (the order of sets of strings) cannot be changed inside a running
    interpreter: the Makefile exports it as 0 for the kernels it starts.
    """
    from . import plotting

    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an integer >= 0, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be at least 0, got {seed}")
    _seed_everything(seed)
    np.set_printoptions(precision=4, suppress=True, linewidth=100)

    import torch

    torch.use_deterministic_algorithms(True, warn_only=True)
    for hook in [h for h in sys.meta_path if isinstance(h, _SeedOnImport)]:
        sys.meta_path.remove(hook)
    if not {"tensorflow", "keras"} <= sys.modules.keys():
        sys.meta_path.insert(0, _SeedOnImport(seed))
    plotting.use_style()
    _quiet_figure_repr()


def _seed_everything(seed: int) -> None:
    """Seed every generator of the libraries that are imported now."""
    import torch

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - students' code may use the legacy global generator
    torch.manual_seed(seed)
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "utils"):  # also seeds TensorFlow
        keras.utils.set_random_seed(seed)
    elif hasattr(sys.modules.get("tensorflow"), "random"):
        sys.modules["tensorflow"].random.set_seed(seed)


class _TritonBeforeTensorFlow(importlib.abc.MetaPathFinder):
    """An import hook: load Triton (if installed) before TensorFlow, once.

    CUDA builds of PyTorch (the default wheels for Python 3.12 and 3.13, and Colab's) bring
    Triton, which PyTorch loads the first time an optimizer is built. Loaded after TensorFlow,
    Triton's compiler library crashes the interpreter (a segmentation fault); loaded before, both
    work (measured with TensorFlow 2.21, Triton 3.7.1, Python 3.12). Where Triton is absent (the
    CPU wheel) this hook does nothing.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        if "triton" not in sys.modules and importlib.util.find_spec("triton") is not None:
            try:
                import triton  # noqa: F401
            except ImportError:  # a broken Triton: PyTorch will not use it either
                pass
        return None


if "tensorflow" not in sys.modules:
    sys.meta_path.insert(0, _TritonBeforeTensorFlow())


class _SeedOnImport(importlib.abc.MetaPathFinder):
    """An import hook: when ``keras`` or ``tensorflow`` has just been imported, seed everything."""

    def __init__(self, seed: int):
        self.seed = seed

    def find_spec(self, name, path=None, target=None):
        if name not in ("keras", "tensorflow"):
            return None
        sys.meta_path.remove(self)  # let the normal machinery find the module
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            _seed_everything(self.seed)

        spec.loader.exec_module = exec_module
        return spec
