"""Exercise checks: ``check_<exercise>(your_function)`` prints PASS, TODO or FAIL with a hint.

One module per lesson, named by the lesson's key (the README's syllabus lists the keys). A
notebook imports its own with

    from coursekit.checks import backprop as checks

and calls ``checks.check_affine_backward(affine_backward)``. The mechanism they share is in
:mod:`coursekit.checks._core`.
"""

from ._core import CheckResult, Mistake, Problem, assert_passes, compare, run_checks

__all__ = ["CheckResult", "Mistake", "Problem", "assert_passes", "compare", "run_checks"]
