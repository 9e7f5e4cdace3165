"""Exercise checks of notebook 08_, lesson key ``inside`` (Looking inside a network).

Each ``check_<exercise>(student_fn)`` runs the student's function on small cases and prints
PASS, TODO or FAIL with a message that names the mistake. Add one ``mistakes`` entry per wrong
answer you expect students to give, and a test for it in tests/test_checks_inside.py.
"""

from __future__ import annotations

import numpy as np

from ..solutions import inside as ref
from ._core import compare, run_checks


def check_mean_square(student_fn):
    """Exercise: ``mean_square(x)`` returns the mean of ``x**2`` (a float)."""
    x = np.array([[1.0, -2.0], [3.0, 0.5]])

    def test(fn):
        return compare("mean_square(x)", fn(x.copy()), ref.mean_square(x), mistakes={
            "that is the square of the mean: square each entry first, then average":
                x.mean() ** 2,
            "that is the sum of squares: divide by the number of entries (x.size)":
                (x ** 2).sum(),
        })

    return run_checks("mean_square", student_fn, [test])
