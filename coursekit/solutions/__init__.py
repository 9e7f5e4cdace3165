"""Reference solutions of the exercises, one module per notebook (``solutions.backprop``, ...)."""

from . import averaging, backprop, dream, initialization, momentum, regularization, start, weights

__all__ = ["averaging", "backprop", "dream", "initialization", "momentum", "regularization",
           "start", "weights"]
