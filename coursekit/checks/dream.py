"""Checks for the exercises of notebook 05 (DeepDream)."""

from __future__ import annotations

import functools

import numpy as np

from ..solutions import dream as ref
from ._core import compare, run_checks

_rng = np.random.default_rng(5)
_X = _rng.uniform(-1, 1, size=(6, 5, 3))
# a gradient whose mean |g|, RMS and max |g| all differ, and whose mean is not 0
_G = _rng.normal(0.3, 1.0, size=(6, 5, 3)) * 1e-3


def _position_dependent_grad(img):
    """A gradient that depends on where each pixel is (like a real network's border effects)."""
    h, w, _ = img.shape
    weight = np.arange(h * w * 3, dtype=float).reshape(h, w, 3) / (h * w * 3)
    return img * weight + weight**2


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


def check_map_sizes(student_fn):
    """Exercise: ``map_sizes(sizes, stride)``: a layer's feature-map size for each image size."""
    # block8 at the 4 octaves, and a size where rounding down, to nearest and up all differ
    cases = [([(82, 82), (114, 114), (160, 160), (224, 224), (90, 70)], 16),
             ([(100, 70), (448, 382)], 8), ([(33, 17), (2, 1)], 2)]

    def test(fn):
        for sizes, stride in cases:
            got = fn(list(sizes), stride)
            try:
                got = [tuple(float(v) for v in size) for size in got]
            except (TypeError, ValueError):
                return "return a list of (height, width) pairs, one per image size"
            expected = ref.map_sizes(sizes, stride)
            problem = compare(f"your map sizes for stride {stride}", got, expected, mistakes={
                "you rounded down: each stride-2 stage pads the image ('same' padding), so a "
                "partly covered edge still gets an output; round up (math.ceil)":
                    [(h // stride, w // stride) for h, w in sizes],
                "you rounded to the nearest integer: the stages round up (math.ceil), "
                "e.g. 82 px at stride 16 gives 6, not 5": [(round(h / stride), round(w / stride))
                                                        for h, w in sizes],
                "the sizes must be whole numbers of positions: round up, "
                "math.ceil(h / stride)": [(h / stride, w / stride) for h, w in sizes],
                "you multiplied by the stride: the map is smaller than the image, divide":
                    [(h * stride, w * stride) for h, w in sizes],
            })
            if problem:
                return problem
        return None

    return run_checks("map_sizes", student_fn, [test],
                      hint="sizes is a list of (height, width) pairs; stride is an integer")


# ---------------------------------------------------------------------------------------------
# Exercise: the autograd ascent loop in PyTorch, compared with coursekit.dream.deepdream.

_LAYER = "block4"      # shallow enough to be fast on a small image
_SIZE = (64, 56)       # (height, width) of the test image
_STEP = 3.0 / 128      # three grey levels per step, in the network's units
_SHIFTS = [(5, -3), (-7, 2), (0, 6)]


@functools.cache
def _setup():
    """The network, a small uint8 test image and its preprocessed tensor (loaded once)."""
    from .. import dream
    from ..data import sample_image

    model = dream.load_pretrained()
    image = dream.resize(sample_image("grace_hopper"), _SIZE)
    return model, image, dream.preprocess(image)


def _variant(model, x, layer, shifts, step, *, sign=1.0, norm="mean_abs", roll_back=-1,
             accumulate=False, clamp=True, dims=(2, 3), roll=True, square=True,
             low=None, high=None):
    """The ascent loop with one typical mistake switched on (the defaults are right)."""
    import torch

    x, total = x.detach().clone(), None
    for dy, dx in shifts:
        dy, dx = (dy, dx) if roll else (0, 0)
        rolled = torch.roll(x, (dy, dx), dims=dims).requires_grad_(True)
        act = model.features(rolled, layer)
        (grad,) = torch.autograd.grad((act.square() if square else act).mean(), rolled)
        grad = torch.roll(grad, (roll_back * dy, roll_back * dx), dims=dims)
        total = grad if (total is None or not accumulate) else total + grad
        scale = {"mean_abs": total.abs().mean(), "none": 1.0, "mean": total.mean(),
                 "std": total.std(), "max": total.abs().max(), "l2": total.norm()}[norm]
        x = x + sign * step * total / scale
        x = x.clamp(ref.LOW if low is None else low, ref.HIGH if high is None else high) \
            if clamp else x
    return x.numpy()


@functools.cache
def _expected(shifts):
    """The right result and the results of the typical mistakes, for a tuple of shifts."""
    model, _, x = _setup()
    args = (model, x, _LAYER, list(shifts), _STEP)
    mistakes = {
        "you went down the gradient (x - ...): DeepDream *raises* the objective, so add the "
        "step": _variant(*args, sign=-1.0),
        "you forgot to normalise: divide the gradient by its mean absolute value "
        "grad.abs().mean() so that pixels move by `step` on average":
            _variant(*args, norm="none"),
        "you normalised by the mean of the gradient, not of its absolute value: positive and "
        "negative entries cancel; use grad.abs().mean()": _variant(*args, norm="mean"),
        "you normalised by the standard deviation; use the mean absolute value "
        "grad.abs().mean()": _variant(*args, norm="std"),
        "you normalised by the largest |gradient|; use the mean absolute value "
        "grad.abs().mean()": _variant(*args, norm="max"),
        "you normalised by the L2 norm of the whole gradient; use the mean absolute value "
        "grad.abs().mean()": _variant(*args, norm="l2"),
        "you did not roll the gradient back: it belongs to the rolled image; roll it by "
        "(-dy, -dx) before adding it": _variant(*args, roll_back=0),
        "you rolled the gradient by (dy, dx) again instead of back by (-dy, -dx)":
            _variant(*args, roll_back=1),
        "the gradients add up from step to step: zero x.grad after each step (x.grad = None), "
        "or take a fresh leaf tensor each step, or use torch.autograd.grad":
            _variant(*args, accumulate=True),
        "clamp the new image to the valid range [-127/128, 1] after each step, as deepdream "
        "does": _variant(*args, clamp=False),
        "the image was not rolled in height and width: roll x by (dy, dx) with dims=(2, 3) "
        "before the forward pass (the jitter), then roll the gradient back":
            _variant(*args, roll=False),
        "you rolled dy along the width and dx along the height: with dims=(2, 3) the shifts "
        "(dy, dx) go to height and width": _variant(*args, dims=(3, 2)),
        "you rolled dims (1, 2), colour and height: x is (1, 3, H, W), so roll height and "
        "width with dims=(2, 3)": _variant(*args, dims=(1, 2)),
        "the objective is the mean *square* of the activations, .square().mean(); the plain "
        "mean lets positive and negative responses cancel": _variant(*args, square=False),
        "you clamped to [0, 1]: the network's inputs are (pixel - 127)/128, so the valid range "
        "is [-127/128, 1]": _variant(*args, low=0.0, high=1.0),
        "you clamped to [-1, 1]: the darkest pixel 0 is (0 - 127)/128 = -127/128, so clamp to "
        "[-127/128, 1]": _variant(*args, low=-1.0, high=1.0),
    }
    return _variant(*args), mistakes


def check_dream_steps(student_fn):
    """Exercise: ``dream_steps(model, x, layer, shifts, step)``, the PyTorch ascent loop.

    Compared with the check's own loop (with each typical mistake switched on in turn) and,
    step by step, with :func:`coursekit.dream.deepdream` (one octave, one step, no jitter, on
    the pre-rolled image), which must agree to one grey level.
    """
    import torch

    from .. import dream

    model, image, x = _setup()

    def call(fn, shifts):
        x_in = x.clone()
        try:
            got = fn(model, x_in, _LAYER, list(shifts), _STEP)
        finally:
            model.zero_grad(set_to_none=True)
        if not isinstance(got, torch.Tensor):
            raise _Feedback(f"return a torch tensor of shape {tuple(x.shape)}, got "
                            f"{type(got).__name__}")
        if got.requires_grad:
            raise _Feedback("your result is still attached to the autograd graph "
                            "(requires_grad=True): update x under torch.no_grad() or on "
                            "x.detach(), and return a detached tensor")
        if not torch.equal(x_in, x):
            raise _Feedback("x was changed in place: work on a copy (x = x.detach().clone())")
        return got.detach().numpy()

    def test_against_coursekit(fn):
        for dy, dx in [(0, 0), (4, -9)]:
            try:
                got = call(fn, [(dy, dx)])
            except _Feedback as fb:
                return str(fb)
            expected, mistakes = _expected(((dy, dx),))
            problem = compare("your image after one step", got, expected,
                              mistakes=mistakes, rtol=0, atol=1e-4)
            if problem and "wrong values" not in problem:
                return problem
            rolled = np.roll(image, (dy, dx), axis=(0, 1))
            theirs = dream.deepdream(model, rolled, _LAYER, octaves=1, steps=1,
                                     step_size=_STEP * 128, jitter=0)
            theirs = np.roll(theirs, (-dy, -dx), axis=(0, 1)).astype(int)
            ours = dream.deprocess(torch.as_tensor(got)).astype(int)
            diff = np.abs(ours - theirs).max()
            if diff > 1:
                return (f"after one step with shift ({dy}, {dx}) your image differs from "
                        f"coursekit.dream.deepdream's by up to {diff} grey levels (allowed: 1, "
                        f"rounding)")
        return None

    def test_several_steps(fn):
        try:
            got = call(fn, _SHIFTS)
        except _Feedback as fb:
            return str(fb)
        expected, mistakes = _expected(tuple(_SHIFTS))
        return compare(f"your image after {len(_SHIFTS)} steps", got, expected,
                       mistakes=mistakes, rtol=0, atol=1e-4)

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny images gain nothing from threads (and lose on a busy CPU)
    try:
        return run_checks("dream_steps", student_fn, [test_against_coursekit, test_several_steps],
                          hint="x is a tensor (1, 3, H, W); take a fresh leaf each step "
                               "(torch.roll(x, ...).requires_grad_()), and update x without "
                               "tracking gradients")
    finally:
        torch.set_num_threads(threads)


class _Feedback(Exception):
    """A message for the student found while calling their function."""
