"""Interactive explorers, one module per lesson that has one, named by the lesson's key.

Each explorer separates a pure ``update`` function, which computes what to draw and is
unit-tested, from the ipywidgets wiring (:mod:`coursekit.widgets._core`) that calls it when a
control moves. A notebook imports its own with ``from coursekit.widgets import start as widget``.
"""
