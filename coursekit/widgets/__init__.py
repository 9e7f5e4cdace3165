"""Interactive explorers for the notebooks.

Each explorer separates a pure ``update`` function, which computes what to draw and is
unit-tested, from the ipywidgets wiring (:mod:`coursekit.widgets._core`) that calls it when a
control moves.
"""

from . import averaging, dream, initialization, momentum, neuron, regularization

__all__ = ["averaging", "dream", "initialization", "momentum", "neuron", "regularization"]
