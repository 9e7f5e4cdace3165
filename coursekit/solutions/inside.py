"""Reference solutions of notebook 08_, lesson key ``inside`` (Looking inside a network)."""

import numpy as np


def mean_square(x):
    """Mean of the squared entries of ``x`` (any shape) -> float."""
    return float(np.mean(np.square(x)))
