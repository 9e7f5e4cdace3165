"""The checks of notebook 05 accept the reference solutions and explain the typical mistakes."""

import numpy as np
import pytest

from coursekit.checks import dream as checks
from coursekit.solutions import dream as ref


def _fails_with(check, fn, phrase):
    result = check(fn)
    assert result.passed is False
    assert phrase in result.message, result.message


def test_reference_solutions_pass(capsys):
    assert checks.check_ascent_step(ref.ascent_step).passed is True
    assert checks.check_jittered_gradient(ref.jittered_gradient).passed is True
    assert checks.check_octave_sizes(ref.octave_sizes).passed is True
    assert capsys.readouterr().out.count("[PASS]") == 3


def test_unattempted_exercises_say_todo(capsys):
    def todo(*args):
        raise NotImplementedError

    for check in (checks.check_ascent_step, checks.check_jittered_gradient,
                  checks.check_octave_sizes):
        assert check(todo).passed is False
    assert capsys.readouterr().out.count("[TODO]") == 3


@pytest.mark.parametrize("fn, phrase", [
    (lambda x, g, s: x - s * g / np.abs(g).mean(), "that is descent"),
    (lambda x, g, s: x + s * g, "you forgot to normalise"),
    (lambda x, g, s: x + s * g / g.mean(), "not of its absolute value"),
    (lambda x, g, s: x + s * g / g.std(), "standard deviation"),
    (lambda x, g, s: x + s * g / np.abs(g).max(), "largest |gradient|"),
    (lambda x, g, s: x + s * g / np.linalg.norm(g), "L2 norm"),
    (lambda x, g, s: s * g / np.abs(g).mean(), "add it to x"),
    (lambda x, g, s: x + s * g / np.abs(g).mean() + 1, "wrong values"),
])
def test_ascent_step_mistakes(fn, phrase):
    _fails_with(checks.check_ascent_step, fn, phrase)


@pytest.mark.parametrize("fn, phrase", [
    (lambda f, x, dy, dx: f(np.roll(x, (dy, dx), axis=(0, 1))), "without rolling it back"),
    (lambda f, x, dy, dx: np.roll(f(np.roll(x, (dy, dx), axis=(0, 1))), (dy, dx), axis=(0, 1)),
     "instead of back"),
    (lambda f, x, dy, dx: f(x), "unrolled"),
    (lambda f, x, dy, dx: np.roll(f(np.roll(x, (dy, dx), axis=(1, 2))), (-dy, -dx), axis=(1, 2)),
     "wrong axes"),
    (lambda f, x, dy, dx: np.roll(x, (dy, dx), axis=(0, 1)), "call grad_fn"),
])
def test_jittered_gradient_mistakes(fn, phrase):
    _fails_with(checks.check_jittered_gradient, fn, phrase)


def test_jittered_gradient_must_not_modify_x():
    def in_place(f, x, dy, dx):
        x[:] = np.roll(x, (dy, dx), axis=(0, 1))
        return np.roll(f(x), (-dy, -dx), axis=(0, 1))

    _fails_with(checks.check_jittered_gradient, in_place, "changed in place")


@pytest.mark.parametrize("fn, phrase", [
    (lambda h, w, n, s: ref.octave_sizes(h, w, n, s)[::-1], "order is reversed"),
    (lambda h, w, n, s: [(int(h / s**k), int(w / s**k)) for k in range(n - 1, -1, -1)],
     "int() rounds down"),
    (lambda h, w, n, s: ref.octave_sizes(h, w, n + 1, s), "one size per octave"),
    (lambda h, w, n, s: [(round(h * s**k), round(w * s**k)) for k in range(n)],
     "the last octave must be the full size"),
    (lambda h, w, n, s: 5, "list of (height, width)"),
])
def test_octave_sizes_mistakes(fn, phrase):
    _fails_with(checks.check_octave_sizes, fn, phrase)


def test_checks_reject_a_non_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_ascent_step(3)
