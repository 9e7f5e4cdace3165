"""Checks for the exercises of notebook 05 (DeepDream)."""

from __future__ import annotations

import numpy as np

from ..solutions import dream as ref
from ._core import compare, run_checks

_rng = np.random.default_rng(5)
_X = _rng.uniform(-1, 1, size=(6, 5, 3))
# a gradient whose mean |g|, RMS and max |g| all differ, and whose mean is not 0
_G = _rng.normal(0.3, 1.0, size=(6, 5, 3)) * 1e-3


def check_ascent_step(student_fn):
    """Exercise: ``ascent_step(x, grad, step_size)`` → ``x + step_size · grad / mean|grad|``."""

    def test_values(fn):
        step = 0.5
        got = fn(_X.copy(), _G.copy(), step)
        expected = ref.ascent_step(_X, _G, step)
        g = _G
        return compare("the new x", got, expected, mistakes={
            "you moved against the gradient (x - ...): that is descent; DeepDream climbs, "
            "so add the step": _X - step * g / np.abs(g).mean(),
            "you forgot to normalise: divide the gradient by its mean absolute value "
            "np.abs(grad).mean()": _X + step * g,
            "you divided by the mean of the gradient, not of its absolute value: positive and "
            "negative entries cancel; use np.abs(grad).mean()": _X + step * g / g.mean(),
            "you divided by the standard deviation; this exercise normalises by the mean "
            "absolute value np.abs(grad).mean() (DeepDream's original choice)":
                _X + step * g / g.std(),
            "you divided by the largest |gradient|; use the mean absolute value":
                _X + step * g / np.abs(g).max(),
            "you divided by the L2 norm of the whole gradient; use the mean absolute value":
                _X + step * g / np.linalg.norm(g),
            "you returned only the update step_size * grad / mean|grad|: add it to x":
                step * g / np.abs(g).mean(),
        })

    def test_scale_free(fn):
        a = fn(_X.copy(), _G.copy(), 0.5)
        b = fn(_X.copy(), 1000 * _G.copy(), 0.5)
        if not np.allclose(a, b):
            return ("multiplying the gradient by 1000 changed your step: after normalisation "
                    "the step must not depend on the gradient's scale")
        change = np.abs(np.asarray(a) - _X).mean()
        if not np.isclose(change, 0.5):
            return f"the pixels should move by step_size = 0.5 on average, yours by {change:.3g}"
        return None

    return run_checks("ascent_step", student_fn, [test_values, test_scale_free],
                      hint="x and grad are arrays of shape (H, W, 3); step_size is a float")


def _position_dependent_grad(img):
    """A gradient that depends on where each pixel is (like a real network's border effects)."""
    h, w, _ = img.shape
    weight = np.arange(h * w * 3, dtype=float).reshape(h, w, 3) / (h * w * 3)
    return img * weight + weight**2


def check_jittered_gradient(student_fn):
    """Exercise: ``jittered_gradient(grad_fn, x, dy, dx)``: roll, take the gradient, roll back."""
    dy, dx = 2, -1

    def test(fn):
        x = _X.copy()
        calls = []

        def grad_fn(img):
            calls.append(np.array(img, copy=True))
            return _position_dependent_grad(np.asarray(img))

        got = fn(grad_fn, x, dy, dx)
        if not np.array_equal(x, _X):
            return "x was changed in place: roll a copy (np.roll returns a new array)"
        if not calls:
            return "call grad_fn on the rolled image to get the gradient"
        seen = calls[-1]
        if seen.shape == _X.shape and np.allclose(seen, _X):
            return "grad_fn received the image unrolled: roll x by (dy, dx) before calling it"
        if seen.shape == _X.shape and np.allclose(seen, np.roll(_X, (dy, dx), axis=(1, 2))):
            return ("you rolled along the wrong axes: an image (H, W, 3) has its rows on axis 0 "
                    "and columns on axis 1 (axis=(0, 1)); axis 2 holds the colours")
        grad_rolled = _position_dependent_grad(np.roll(_X, (dy, dx), axis=(0, 1)))
        return compare("the gradient", got, ref.jittered_gradient(
            _position_dependent_grad, _X, dy, dx), mistakes={
            "you returned the gradient of the rolled image without rolling it back: each "
            "entry then belongs to a pixel (dy, dx) away; roll it by (-dy, -dx)": grad_rolled,
            "you rolled the gradient by (dy, dx) again instead of back by (-dy, -dx)":
                np.roll(grad_rolled, (dy, dx), axis=(0, 1)),
        })

    return run_checks("jittered_gradient", student_fn, [test],
                      hint="use np.roll(array, (dy, dx), axis=(0, 1)) twice")


def check_octave_sizes(student_fn):
    """Exercise: ``octave_sizes(height, width, octaves, scale)``: smallest first, rounded."""
    h, w, n, s = 300, 225, 4, 1.4

    def test(fn):
        got = fn(h, w, n, s)
        try:
            got = [tuple(int(v) for v in size) for size in got]
        except (TypeError, ValueError):
            return "return a list of (height, width) pairs of integers"
        expected = ref.octave_sizes(h, w, n, s)
        if got == expected:
            return None
        if got == expected[::-1]:
            return "the order is reversed: start with the smallest octave, end with the full size"
        if len(got) != n:
            return f"return one size per octave: {n} octaves, you returned {len(got)} sizes"
        floored = [(int(h / s**k), int(w / s**k)) for k in range(n - 1, -1, -1)]
        if got == floored:
            return "int() rounds down: use round() so 107.6 becomes 108"
        if got[-1] != (h, w):
            return f"the last octave must be the full size ({h}, {w}), yours is {got[-1]}"
        return f"sizes should be {expected}, yours are {got}"

    def test_one_octave(fn):
        got = [tuple(int(v) for v in size) for size in fn(64, 48, 1, 1.4)]
        return None if got == [(64, 48)] else f"one octave is just the full size, got {got}"

    return run_checks("octave_sizes", student_fn, [test, test_one_octave])
