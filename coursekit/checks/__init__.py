"""Exercise checks: ``check_<exercise>(your_function)`` prints PASS, TODO or FAIL with a hint.

The checks live in one module per notebook and are all importable from here.
"""

from ._core import CheckResult, compare, run_checks
from .backprop import (
    check_affine_backward,
    check_centered_difference,
    check_relu_backward,
    check_softmax_cross_entropy,
)

__all__ = [
    "CheckResult", "compare", "run_checks",
    "check_affine_backward", "check_centered_difference", "check_relu_backward",
    "check_softmax_cross_entropy",
]
