"""The exercise-check mechanism: run a student's function through small tests, say what is wrong.

A check is a list of *tests*. Each test calls the student's function and returns ``None`` if the
result is right, or a message that says what is wrong and how to fix it. The first failing test
is reported, so the student fixes one thing at a time.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

NOT_ATTEMPTED = ("not attempted yet: replace `raise NotImplementedError` with your code, "
                 "run that cell, then run this check again.")


class CheckResult:
    """Outcome of a check: ``passed`` (bool), the ``message`` that was printed and the
    ``function`` that was checked (None for checks of an answer rather than a function)."""

    def __init__(self, title: str, passed: bool, message: str, function=None):
        self.title, self.passed, self.message = title, passed, message
        self.function = function

    def use(self, reference):
        """The checked function once the check has passed, until then ``reference``.

        Notebook cells after an exercise call ``result.use(solutions.f)``: they run the
        student's own code when it is right and the reference solution before that, so the
        notebook runs either way. ``using`` names the one chosen.
        """
        if not callable(reference):
            raise TypeError(f"reference must be the reference solution's function, got "
                            f"{type(reference).__name__}")
        return self.function if self._yours else reference

    @property
    def using(self) -> str:
        """``"your <title>"`` or ``"the reference solution"``: which function ``use`` gives."""
        return f"your {self.title}" if self._yours else "the reference solution"

    @property
    def _yours(self) -> bool:
        return self.passed and self.function is not None

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"CheckResult({self.title!r}, passed={self.passed})"

    def _ipython_display_(self) -> None:
        """Show nothing as a cell result: the message has already been printed."""


def run_checks(title: str, student_fn, tests: Sequence[Callable], *, hint: str = "",
               todo: str = NOT_ATTEMPTED) -> CheckResult:
    """Run ``tests`` on ``student_fn``, print one line saying pass or what is wrong, return it.

    ``hint`` is added when the student's function raises an error (e.g. a reminder of the shapes).
    ``todo`` is the message shown while a test raises ``NotImplementedError`` (not attempted).
    """
    if not callable(student_fn):
        raise TypeError(f"pass your function itself to the check (argument student_fn), e.g. "
                        f"check(my_function), not {type(student_fn).__name__} {student_fn!r:.60}")
    if not isinstance(tests, (list, tuple)) or not all(callable(t) for t in tests):
        raise TypeError(f"tests must be a list of test functions, got {tests!r:.60}")
    for test in tests:
        try:
            problem = test(student_fn)
        except NotImplementedError:
            return _report(title, False, todo, todo=True, function=student_fn)
        except Exception as err:  # noqa: BLE001 - any error in student code is feedback
            problem = f"your function raised {type(err).__name__}: {err}{_student_line(err)}"
            problem += f". Hint: {hint}" if hint else ""
        if problem:
            return _report(title, False, problem, function=student_fn)
    passed = "1 test passed." if len(tests) == 1 else f"all {len(tests)} tests passed."
    return _report(title, True, passed, function=student_fn)


def _student_line(err: Exception) -> str:
    """Point at the innermost line of the traceback that is the student's code, if any."""
    package_dir = str(Path(__file__).resolve().parents[1])
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        ours = frame.filename.startswith(package_dir) or "site-packages" in frame.filename
        if not ours and (frame.line or "").strip():
            return f" (at `{frame.line.strip()}`)"
    return ""


def _report(title: str, passed: bool, message: str, *, todo: bool = False,
            function=None) -> CheckResult:
    mark = "PASS" if passed else ("TODO" if todo else "FAIL")
    text = f"[{mark}] {title}: {message}"
    print(text)
    return CheckResult(title, passed, text, function)


def compare(name: str, got, expected, *, mistakes: dict | None = None, rtol: float = 1e-6,
            atol: float = 1e-9) -> str | None:
    """Compare one returned array with the expected one; explain the difference if there is one.

    ``mistakes`` maps a message to the array that a typical mistake would produce: when ``got``
    equals one of them, that message is returned, so the student learns what they did. A result
    that is exactly the negative of the expected one is named as a sign error.
    """
    if mistakes is not None and not isinstance(mistakes, dict):
        raise TypeError(f"mistakes must be a dict {{message: wrong array}}, "
                        f"got {type(mistakes).__name__}")
    expected = np.asarray(expected)
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{name} must be a numeric array, got {type(got).__name__}"
    for message, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong)
        if got.shape == wrong.shape and np.allclose(got, wrong, rtol=rtol, atol=atol) and not (
            wrong.shape == expected.shape and np.allclose(wrong, expected, rtol=rtol, atol=atol)
        ):
            return message
    if got.shape != expected.shape:
        return f"{name} should have shape {expected.shape}, yours has shape {got.shape}"
    if not np.all(np.isfinite(got)):
        return f"{name} contains NaN or inf"
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        if np.any(expected != 0) and np.allclose(got, -expected, rtol=rtol, atol=atol):
            return (f"{name} has the wrong sign: your result is the negative of the expected one "
                    f"(check which term is subtracted from which)")
        err = np.max(np.abs(got - expected)) / max(np.max(np.abs(expected)), 1e-12)
        return (f"{name} has the right shape but wrong values (relative error {err:.2g}, where "
                f"a right answer stays below {max(rtol, 1e-12):.0e})")
    return None
