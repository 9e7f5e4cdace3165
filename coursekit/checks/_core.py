"""The exercise-check mechanism: run a student's function through small tests, say what is wrong.

A check is a list of *tests*. Each test calls the student's function and returns ``None`` if the
result is right, or a message that says what is wrong and how to fix it. The first failing test
is reported, so the student fixes one thing at a time.

Mistakes are data. A check declares the typical wrong answers of its exercise as
:class:`Mistake` entries: an id, the message a student sees, and the wrong result that mistake
produces on the test's input. :func:`compare` names the mistake whose result the student's
matches; the verdict (:class:`Problem`, a message that knows its ``mistake``) travels up to the
:class:`CheckResult`, so tests and the course's corpus of real student answers can tell a named
mistake from a generic "wrong values".

Whatever the student's function does, the message names the cause: an unfinished exercise
(``NotImplementedError``, also from a helper it calls), ``None`` or NaN returned, an exception
(with the student's line), a float where an index is needed, a function that runs too long
(:data:`TIME_LIMIT`) or prints a flood of lines (captured, never shown in full).
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CheckResult", "Mistake", "Problem", "compare", "run_checks", "assert_passes",
           "watch_calls", "NOT_ATTEMPTED", "TIME_LIMIT"]

NOT_ATTEMPTED = ("not attempted yet: replace `raise NotImplementedError` with your code, "
                 "run that cell, then run this check again.")
TIME_LIMIT = 30.0          # seconds for one test of a student's function
PRINT_LIMIT = 200          # lines a student's function may print before the check says so
_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: ``id`` (short, stable), ``message`` (what the student reads)
    and ``wrong`` (what that mistake returns for the test's input)."""

    id: str
    message: str
    wrong: Any


class Problem(str):
    """A failed test's message; ``mistake`` is the id of the cause it names (None: generic)."""

    mistake: str | None

    def __new__(cls, message: str, mistake: str | None = None):
        problem = super().__new__(cls, message)
        problem.mistake = mistake if mistake is not None else getattr(message, "mistake", None)
        return problem


class CheckResult:
    """Outcome of a check: ``passed`` (bool), the ``message`` that was printed, the ``mistake``
    it named (an id such as ``"transposed"``, a generic cause such as ``"values"``,
    ``"raised"``, ``"timeout"``, ``"todo"``; None when it passed) and the ``function`` that was
    checked (None for checks of an answer rather than a function)."""

    def __init__(self, title: str, passed: bool, message: str, function=None,
                 mistake: str | None = None):
        self.title, self.passed, self.message = title, passed, message
        self.function, self.mistake = function, mistake

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


# ------------------------------------------------------------------------------ running a check
class _TooSlow(BaseException):
    """Raised inside the student's code when a test runs past the time limit."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the body after ``seconds`` (where the platform allows: a Unix main thread)."""
    usable = (hasattr(signal, "setitimer") and seconds
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def interrupt(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def watch_calls(code):
    """Yield a list that gets an entry each time a function with code object ``code`` is called
    (an exercise that asks for a derivation rejects a call to the helper that answers it)."""
    calls, previous = [], sys.getprofile()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is code:
            calls.append(frame)
        if previous is not None:
            previous(frame, event, arg)

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(previous)


class _Recorder:
    """Wraps the student's function: remembers what it returned last (for messages)."""

    def __init__(self, fn):
        self.fn, self.returned, self.calls = fn, _NOTHING, 0
        self.__name__ = getattr(fn, "__name__", "your function")
        self.__wrapped__ = fn

    def __call__(self, *args, **kwargs):
        self.calls += 1
        self.returned = self.fn(*args, **kwargs)
        return self.returned


_NOTHING = object()


def run_checks(title: str, student_fn, tests: Sequence[Callable], *, hint: str = "",
               todo: str = NOT_ATTEMPTED, time_limit: float = TIME_LIMIT) -> CheckResult:
    """Run ``tests`` on ``student_fn``, print one line saying pass or what is wrong, return it.

    ``hint`` is added when the student's function raises an error (e.g. a reminder of the shapes).
    ``todo`` is the message shown while a test raises ``NotImplementedError`` (not attempted).
    What the function prints is captured; ``time_limit`` seconds per test (0: none).
    """
    if not callable(student_fn):
        raise TypeError(f"pass your function itself to the check (argument student_fn), e.g. "
                        f"check(my_function), not {type(student_fn).__name__} {student_fn!r:.60}")
    if not isinstance(tests, (list, tuple)) or not all(callable(t) for t in tests):
        raise TypeError(f"tests must be a list of test functions, got {tests!r:.60}")
    printed = 0
    for test in tests:
        recorder = _Recorder(student_fn)
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), \
                    _time_limit(time_limit):
                problem = test(recorder)
        except NotImplementedError as err:
            helper = _unfinished_helper(err, student_fn)
            if helper is None:
                return _report(title, False, todo, todo=True, function=student_fn,
                               mistake="todo")
            problem = Problem(f"your function calls `{helper}`, which still raises "
                              f"NotImplementedError: finish `{helper}` first (or do not call "
                              f"it), then run this check again", "helper unfinished")
        except _TooSlow:
            problem = Problem(f"your function took more than {time_limit:g} s on a small test "
                              f"and was stopped: look for a loop that never ends, or one that "
                              f"runs far more often than it needs to", "timeout")
        except Exception as err:  # noqa: BLE001 - any error in student code is feedback
            problem = _explain_error(err, recorder, hint)
        printed += out.getvalue().count("\n")
        if problem:
            problem = Problem(problem)
            if printed > PRINT_LIMIT:
                problem = Problem(f"{problem} (your function also printed {printed:,} lines "
                                  f"during the check; they are not shown)", problem.mistake)
            return _report(title, False, problem, function=student_fn,
                           mistake=problem.mistake or "unnamed")
    passed = "1 test passed." if len(tests) == 1 else f"all {len(tests)} tests passed."
    if printed > PRINT_LIMIT:
        passed += (f" (Your function printed {printed:,} lines during the check; they are not "
                   f"shown. Remove the prints once you are done.)")
    return _report(title, True, passed, function=student_fn)


def _frames(err: BaseException, via_recorder: bool = False) -> tuple[list, list]:
    """The traceback of ``err`` split into (the check's frames, the student's frames).

    The student's code is whatever ran inside the :class:`_Recorder` call. An error raised after
    that call returned is the check's (it could not use the result). Only for a check that calls
    the function some other way do frames outside the course package and the installed libraries
    count as the student's.
    """
    tb = [(frame, lineno) for frame, lineno in traceback.walk_tb(err.__traceback__)]
    summary = traceback.extract_tb(err.__traceback__)
    calls = [i for i, (frame, _) in enumerate(tb) if frame.f_code is _Recorder.__call__.__code__]
    if calls:
        return list(summary[:calls[-1] + 1]), list(summary[calls[-1] + 1:])
    if via_recorder:
        return list(summary), []
    split = len(summary)
    while split > 0 and _outside_package(summary[split - 1]):
        split -= 1
    return list(summary[:split]), list(summary[split:])


def _outside_package(frame) -> bool:
    return not (frame.filename.startswith(_PACKAGE_DIR) or _is_library(frame))


def _is_library(frame) -> bool:
    return "site-packages" in frame.filename or "dist-packages" in frame.filename


def _unfinished_helper(err: NotImplementedError, student_fn) -> str | None:
    """The name of another function of the student's that raised, or None (their own TODO)."""
    _, student = _frames(err, via_recorder=True)
    own = [f for f in student if not _is_library(f)]
    if (len(own) <= 1 or own[-1].name == getattr(student_fn, "__name__", None)
            or own[-1].name.startswith("<")):        # <lambda>, <genexpr>, <listcomp>, ...
        return None
    return own[-1].name


def _explain_error(err: Exception, recorder: _Recorder, hint: str) -> Problem:
    """A message for an exception raised while testing: in the student's code or in the check
    (because of what the student's function returned)."""
    check, student = _frames(err, via_recorder=recorder.calls > 0)
    returned = recorder.returned
    if (isinstance(err, TypeError) and not student and check
            and check[-1].name == "__call__" and check[-1].filename == __file__):
        return Problem(f"your function could not be called the way the exercise calls it "
                       f"({type(err).__name__}: {err}): check its parameters against the "
                       f"exercise's `def` line" + (f". Hint: {hint}" if hint else ""),
                       "signature")
    if not student and recorder.calls and returned is None:
        return Problem("your function returned None: is a `return` statement missing?", "none")
    if not student and recorder.calls and isinstance(err, IndexError) and _has_floats(returned):
        return Problem("your function returned floats where whole numbers are needed (they are "
                       "used as indices): return integers, e.g. with .astype(int), after "
                       "checking they are whole numbers", "float index")
    if student:
        message = f"your function raised {type(err).__name__}: {err}{_student_line(student)}"
        cause = "raised"
        if isinstance(err, IndexError) and "integer" in str(err):
            message += ". An index must be a whole number: convert with int(...) or .astype(int)"
            cause = "float index"
    else:
        message = (f"the check could not use what your function returned "
                   f"({_describe(returned)}): {type(err).__name__}: {err}")
        cause = "return type"
    return Problem(message + (f". Hint: {hint}" if hint else ""), cause)


def _has_floats(value) -> bool:
    try:
        array = np.asarray(value.detach().cpu() if hasattr(value, "detach") else value)
    except Exception:  # noqa: BLE001 - not array-like
        return False
    return array.dtype.kind == "f"


def _describe(value) -> str:
    if value is _NOTHING:
        return "nothing yet"
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{type(value).__name__} of shape {tuple(shape)}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    return type(value).__name__


def _student_line(frames) -> str:
    """Point at the innermost line of the student's frames that is their own code, if any."""
    for frame in reversed(frames):
        if not _is_library(frame) and (frame.line or "").strip():
            return f" (at `{frame.line.strip()}`)"
    return ""


def _report(title: str, passed: bool, message: str, *, todo: bool = False, function=None,
            mistake: str | None = None) -> CheckResult:
    mark = "PASS" if passed else ("TODO" if todo else "FAIL")
    text = f"[{mark}] {title}: {message}"
    print(text)
    return CheckResult(title, passed, text, function, None if passed else mistake)


def assert_passes(check: Callable, *args, **kwargs) -> CheckResult:
    """Run ``check(*args)`` without printing; raise AssertionError with its message if it fails.

    For verification cells: ``assert_passes(checks.check_relu_backward, solutions.relu_backward)``
    proves the reference passes without showing a ``[PASS]`` the student did not earn.
    """
    with contextlib.redirect_stdout(io.StringIO()):
        result = check(*args, **kwargs)
    if not result:
        raise AssertionError(result.message)
    return result


# ------------------------------------------------------------------------------ comparing values
def _as_array(value) -> np.ndarray:
    """NumPy, a torch tensor (detached), a list or a number, as a NumPy array."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _distinct(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` printed with the fewest significant digits (6 or more) that tell them apart.

    >>> _distinct(1.058473, 1.058468)
    ('1.058473', '1.058468')
    """
    for digits in range(6, 18):
        sa, sb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if sa != sb:
            return sa, sb
    return repr(a), repr(b)


def _scalar_message(name: str, got: float, expected: float, rtol: float) -> str:
    """How a wrong number is off, without the expected value (a student could paste it back).

    >>> _scalar_message("std", 3.1, 1.0, 1e-6)
    'std = 3.1 is not right: it is 2 to 10 times too large'
    """
    yours = f"{got:.6g}"
    if expected == 0:
        return f"{name} = {yours} is not right: it should be 0"
    ratio = got / expected
    if ratio <= 0:
        return f"{name} = {yours} is not right: it has the wrong sign{' (or is 0)' * (ratio == 0)}"
    word, r = ("large", ratio) if ratio > 1 else ("small", 1 / ratio)
    if r > 10:
        size = f"more than 10 times too {word}"
    elif r > 2:
        size = f"2 to 10 times too {word}"
    elif r > 1.1:
        size = f"too {word}, by less than a factor of 2"
    else:
        size = f"a little too {word} (within 10 %; a right answer agrees to {rtol:.0e})"
    return f"{name} = {yours} is not right: it is {size}"


def _mistakes(mistakes) -> list[Mistake]:
    if mistakes is None:
        return []
    if isinstance(mistakes, dict):
        return [Mistake(None, message, wrong) for message, wrong in mistakes.items()]
    if isinstance(mistakes, Iterable) and not isinstance(mistakes, (str, bytes)):
        mistakes = list(mistakes)
        if all(isinstance(m, Mistake) for m in mistakes):
            return mistakes
    raise TypeError(f"mistakes must be a dict {{message: wrong array}} or a list of Mistake, "
                    f"got {type(mistakes).__name__}")


def compare(name: str, got, expected, *, mistakes=None, rtol: float = 1e-6,
            atol: float = 1e-9, allow_float32: bool = True) -> Problem | None:
    """Compare one returned array with the expected one; explain the difference if there is one.

    ``got`` may be a NumPy array, a torch tensor, a list or a number. ``mistakes`` is a list of
    :class:`Mistake` (or a dict ``{message: wrong array}``): when ``got`` equals one of the
    wrong results, its message is returned, so the student learns what they did. A result that
    is exactly the negative of the expected one is named as a sign error. A float32 answer is
    compared at float32 precision (``rtol`` at least 1e-4) unless ``allow_float32`` is False.
    """
    mistakes = _mistakes(mistakes)
    expected = np.asarray(expected)
    if got is None:
        return Problem(f"{name} is None: your function returned nothing (is a `return` "
                       f"missing?)", "none")
    try:
        raw = _as_array(got)
        got = raw.astype(np.float64)
    except (TypeError, ValueError):
        return Problem(f"{name} must be a numeric array, got {type(got).__name__}", "type")
    if raw.dtype == np.float32 or raw.dtype == np.float16:
        if not allow_float32:
            return Problem(f"{name} is {raw.dtype}: compute in float64 here (float32 keeps only "
                           f"about 7 digits)", "float32")
        rtol, atol = max(rtol, 1e-4), max(atol, 1e-6)
    for mistake in mistakes:
        wrong = np.asarray(mistake.wrong)
        if (got.shape == wrong.shape and np.allclose(got, wrong, rtol=rtol, atol=atol)
                and not (wrong.shape == expected.shape
                         and np.allclose(wrong, expected, rtol=rtol, atol=atol))):
            return Problem(mistake.message, mistake.id or "named")
    if got.shape != expected.shape:
        return Problem(f"{name} should have shape {expected.shape}, yours has shape "
                       f"{got.shape}", "shape")
    if not np.all(np.isfinite(got)):
        bad = int(np.sum(~np.isfinite(got)))
        return Problem(f"{name} contains NaN or inf ({bad} of {got.size} entries): look for a "
                       f"division by zero, the log of 0 or an overflow in exp", "nan")
    allowed = atol + rtol * np.abs(expected)
    off = np.abs(got - expected) - allowed
    if np.any(off > 0):
        if np.any(expected != 0) and np.allclose(got, -expected, rtol=rtol, atol=atol):
            return Problem(f"{name} has the wrong sign: your result is the negative of the "
                           f"expected one (check which term is subtracted from which)", "sign")
        if expected.size == 1:
            return Problem(_scalar_message(name, float(got.ravel()[0]),
                                           float(expected.ravel()[0]), rtol), "values")
        i = np.unravel_index(np.argmax(off), off.shape) if off.ndim else ()
        where = f" at index {tuple(int(k) for k in i)}" if i else ""
        yours, right = _distinct(float(got[i]), float(expected[i]))
        return Problem(f"{name} has the right shape but wrong values: {yours}{where} "
                       f"where {right} is expected (a right answer is within "
                       f"{allowed[i]:.1g})", "values")
    return None
