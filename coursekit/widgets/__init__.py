"""Interactive explorers for the notebooks.

Each explorer separates a pure ``update`` function, which computes what to draw and is
unit-tested, from the ipywidgets wiring that calls it when a control moves.
"""

from . import neuron

__all__ = ["neuron"]
