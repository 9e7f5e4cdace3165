"""Reference solutions of notebook __NN___, lesson key ``__KEY__`` (__TITLE__)."""

import numpy as np


def mean_square(x):
    """Mean of the squared entries of ``x`` (any shape) -> float."""
    return float(np.mean(np.square(x)))
