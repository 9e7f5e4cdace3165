"""Reference solutions of the exercises, one module per notebook (``solutions.backprop``, ...)."""

from . import backprop

__all__ = ["backprop"]
