"""Check for the warm-up exercise of notebook 00: a ReLU."""

from __future__ import annotations

import numpy as np

from ..solutions import start as ref
from ._core import compare, run_checks


def check_relu(student_fn):
    """Exercise: ``relu(z)`` returns ``max(z, 0)`` elementwise, with the shape of ``z``."""
    z = np.array([[-2.0, -0.5, 0.0], [0.5, 1.5, 3.0]])

    def test(fn):
        return compare("relu(z)", fn(z.copy()), ref.relu(z), mistakes={
            "np.max(z, 0) reduces along an axis: use np.maximum(z, 0), which works elementwise":
                np.max(z, 0),
            "negative inputs must become 0, not change sign (that is abs)": np.abs(z),
            "you returned the mask z > 0: multiply it by z, or use np.maximum(z, 0)":
                (z > 0).astype(float),
        })

    return run_checks("relu", student_fn, [test])
