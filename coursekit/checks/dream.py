"""Checks for the exercises of notebook 05 (DeepDream)."""

from __future__ import annotations

import functools

import numpy as np

from ..solutions import dream as ref
from ._core import Mistake, Problem, compare, run_checks

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
            return Problem("int() rounds down: use round() so 107.6 becomes 108", "floor")
        chained, size = [(h, w)], (h, w)
        for _ in range(n - 1):  # each octave floored from the one above it
            size = (int(size[0] / s), int(size[1] / s))
            chained.insert(0, size)
        if got == chained:
            return Problem("you divided each octave's (already rounded-down) size by the scale "
                           "again, with int(): the losses add up (300 px gives 108 instead of "
                           "109 after three octaves). Compute each size from the full size, "
                           "round(height / scale**k), and round, not int()", "floor")
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
             low=None, high=None, jitter=1, step_scale=1.0, logits=False):
    """The ascent loop with one typical mistake switched on (the defaults are right).

    ``clamp`` is True (after every step), False (never) or "end" (once, after the last step);
    ``norm="channel"`` divides each colour channel by its own mean |gradient|."""
    import torch

    low, high = ref.LOW if low is None else low, ref.HIGH if high is None else high
    x, total = x.detach().clone(), None
    for dy, dx in shifts:
        dy, dx = (jitter * dy, jitter * dx) if roll else (0, 0)
        rolled = torch.roll(x, (dy, dx), dims=dims).requires_grad_(True)
        act = model(rolled) if logits else model.features(rolled, layer)
        (grad,) = torch.autograd.grad((act.square() if square else act).mean(), rolled)
        grad = torch.roll(grad, (roll_back * dy, roll_back * dx), dims=dims)
        total = grad if (total is None or not accumulate) else total + grad
        update = {"mean_abs": total / total.abs().mean(), "none": total,
                  "mean": total / total.mean(), "std": total / total.std(),
                  "max": total / total.abs().max(), "l2": total / total.norm(),
                  "channel": total / total.abs().mean(dim=(2, 3), keepdim=True),
                  "sign": total.sign()}[norm]
        x = x + sign * step * step_scale * update
        x = x.clamp(low, high) if clamp is True else x
    return (x.clamp(low, high) if clamp == "end" else x).numpy()


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
        "you stepped by the gradient's sign, FGSM's step: every pixel then moves by exactly "
        "`step`, whatever its gradient. DeepDream follows the gradient itself, large where it "
        "is large, scaled so that pixels move by `step` on average": _variant(*args, norm="sign"),
        "you did not roll the gradient back: it belongs to the rolled image's pixels, so "
        "put it back on x's pixels before adding it": _variant(*args, roll_back=0),
        "you rolled the gradient by (dy, dx) again instead of back by (-dy, -dx)":
            _variant(*args, roll_back=1),
        "you rolled the gradient back twice: differentiated through torch.roll(x, ...), the "
        "gradient with respect to x is already back on x's pixels (autograd undoes the roll), "
        "so rolling it by (-dy, -dx) again moves it by (-2dy, -2dx). Roll back only a gradient "
        "taken with respect to the rolled tensor": _variant(*args, roll_back=-2),
        "the gradients add up from step to step: zero x.grad after each step (x.grad = None), "
        "or take a fresh leaf tensor each step, or use torch.autograd.grad":
            _variant(*args, accumulate=True),
        "clamp the new image to the valid range [-127/128, 1] after each step, as deepdream "
        "does": _variant(*args, clamp=False),
        "you clamped only once, after the last step: clamp after every step, as deepdream "
        "does, so that each step starts from a valid image (a pixel pushed past white must "
        "not keep its overshoot into the next step)": _variant(*args, clamp="end"),
        "you normalised each colour channel by its own mean |gradient|: divide the whole "
        "gradient by one number, grad.abs().mean(), so that the step keeps the balance "
        "between the colours that the gradient asks for": _variant(*args, norm="channel"),
        "the image was not rolled in height and width: roll x by (dy, dx) with dims=(2, 3) "
        "before the forward pass (the jitter), then roll the gradient back":
            _variant(*args, roll=False),
        "you rolled dy along the width and dx along the height: with dims=(2, 3) the shifts "
        "(dy, dx) go to height and width": _variant(*args, dims=(3, 2)),
        "you rolled dims (1, 2), colour and height: x is (1, 3, H, W), so roll height and "
        "width with dims=(2, 3)": _variant(*args, dims=(1, 2)),
        "you divided `step` by 128 again: it is already in network units (4 grey levels arrive "
        "as 4/128), so your pixels moved 128 times too little": _variant(*args, step_scale=1 / 128),
        "you multiplied `step` by 128: it is already in network units (4 grey levels arrive as "
        "4/128), so add step * grad / grad.abs().mean()": _variant(*args, step_scale=128.0),
        "you rolled the image by (-dy, -dx) and the gradient back by (dy, dx): consistent, but the "
        "jitter goes the opposite way from deepdream's; roll x by (dy, dx) first":
            _variant(*args, jitter=-1),
        "you rolled the image by (-dy, -dx) and the gradient by (-dy, -dx) again: roll x by "
        "(dy, dx), then the gradient back by (-dy, -dx)": _variant(*args, jitter=-1, roll_back=1),
        "you raised the mean square of the logits, model(x): run the network only up to the "
        "layer, model.features(x_rolled, layer)": _variant(*args, logits=True),
        "the objective is the mean *square* of the activations, .square().mean(); the plain "
        "mean lets positive and negative responses cancel": _variant(*args, square=False),
        "you clamped to [0, 1]: the network's inputs are (pixel - 127)/128, so the valid range "
        "is [-127/128, 1]": _variant(*args, low=0.0, high=1.0),
        "you clamped to [-1, 1]: the darkest pixel 0 is (0 - 127)/128 = -127/128, so clamp to "
        "[-127/128, 1]": _variant(*args, low=-1.0, high=1.0),
    }
    return _variant(*args), mistakes


@functools.cache
def _combined(shifts):
    """Two or three of the typical mistakes at once (as in TensorFlow-tutorial ports: the plain
    mean, the standard deviation, a clip to [-1, 1]), each part named; computed only when no
    single mistake matched."""
    model, _, x = _setup()
    args = (model, x, _LAYER, list(shifts), _STEP)
    mistakes = {}
    norms = {"mean_abs": None, "none": "divide the gradient by grad.abs().mean() (you did not "
             "normalise it)", "std": "divide by grad.abs().mean(), not by the standard deviation",
             "max": "divide by grad.abs().mean(), not by the largest |gradient|"}
    clamps = {None: None, "none": "clamp to [-127/128, 1] after each step (you did not clamp)",
              (0.0, 1.0): "clamp to [-127/128, 1], not [0, 1]",
              (-1.0, 1.0): "clamp to [-127/128, 1], not [-1, 1]"}
    squares = {True: None, False: "raise the mean *square* of the activations, not their mean"}
    for norm, norm_msg in norms.items():
        for clamp, clamp_msg in clamps.items():
            for square, square_msg in squares.items():
                fixes = [m for m in (square_msg, norm_msg, clamp_msg) if m]
                if len(fixes) < 2:
                    continue  # right, or a single mistake above
                bounds = clamp if isinstance(clamp, tuple) else (None, None)
                wrong = _variant(*args, norm=norm, square=square, clamp=clamp != "none",
                                 low=bounds[0], high=bounds[1])
                mistakes[f"{len(fixes)} mistakes: " + "; ".join(
                    f"({k + 1}) {fix}" for k, fix in enumerate(fixes))] = wrong
    return mistakes


def _compare_steps(name, got, shifts):
    """compare() with the single mistakes, then (if none matched) with the combined ones."""
    expected, mistakes = _expected(shifts)
    problem = compare(name, got, expected, mistakes=mistakes, rtol=0, atol=1e-4)
    if problem and problem.mistake == "values":
        combined = compare(name, got, expected, mistakes=_combined(shifts), rtol=0, atol=1e-4)
        if combined and combined.mistake != "values":
            return Problem(combined, "combined")
    return problem


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
            problem = _compare_steps("your image after one step", got, ((dy, dx),))
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
        return _compare_steps(f"your image after {len(_SHIFTS)} steps", got, tuple(_SHIFTS))

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


# ---------------------------------------------------------------------------------------------
# Exercise: the fast gradient sign method (FGSM), an L∞-bounded adversarial step.

_EPS = 2.0             # grey levels: 2/128 in network units; 2, 2/255, 2/127.5 are unit slips
_SHARE = 0.999         # a right answer agrees with the reference at this share of the entries
#                        (a gradient entry within round-off of 0 may take either sign)
_ATOL = 1e-5           # per entry: a right step is exact up to float32 round-off (1e-7); the
#                        scale 1/127.5 instead of 1/128 moves each entry by 6e-5 at eps = 2


@functools.cache
def _fgsm_setup():
    """A small test image with saturated patches (so clamping matters), its tensor and two
    labels: the network's top class on it (the attack's true label) and its runner-up."""
    import torch

    from .. import dream

    model, image, _ = _setup()
    image = image.copy()
    image[:6, :8] = 255   # white and black patches: a step beyond the valid range must be
    image[-6:, -8:] = 0   # clamped back to it
    x = dream.preprocess(image)
    with torch.no_grad():
        top2 = model(x)[0].topk(2).indices.tolist()
    return model, x, top2[0], top2[1]


def _fgsm_gradient(model, x, label, loss="ce", extra=None):
    """d loss / d x for one of the losses students use (and, with ``extra``, another label's
    gradient added: what a ``.grad`` that was never reset holds on the second call)."""
    import torch
    import torch.nn.functional as F

    leaf = x.detach().clone().requires_grad_(True)
    logits = model(leaf)
    value = {"ce": lambda: F.cross_entropy(logits, torch.tensor([label])),
             "logit": lambda: -logits[0, label]}[loss]()
    (grad,) = torch.autograd.grad(value, leaf)
    return grad if extra is None else grad + _fgsm_gradient(model, x, extra)


def _fgsm_variant(model, x, label, eps, *, sign=1.0, direction="sign", unit=128.0, loss="ce",
                  low=None, high=None, clamp=True, extra=None):
    """The FGSM step with one typical mistake switched on (the defaults are right)."""
    grad = _fgsm_gradient(model, x, label, loss, extra)
    d = {"sign": grad.sign(), "raw": grad, "mean_abs": grad / grad.abs().mean(),
         "max_abs": grad / grad.abs().max()}[direction]
    out = x + sign * eps / unit * d
    if clamp:
        out = out.clamp(ref.LOW if low is None else low, ref.HIGH if high is None else high)
    return out.detach().numpy()


@functools.cache
def _fgsm_expected():
    """The right step and the typical mistakes, as data, for the check's test image."""
    model, x, label, other = _fgsm_setup()
    args = (model, x, label, _EPS)
    mistakes = [
        Mistake("descent", "you went *down* the loss (x - eps * sign): that makes the network "
                "*more* sure of the true class. An untargeted attack raises the loss of the "
                "true label", _fgsm_variant(*args, sign=-1.0)),
        Mistake("no sign", "you added the gradient itself: then some values move by more "
                "than eps, and the budget holds for each value. Which δᵢ with |δᵢ| ≤ eps makes "
                "each term gᵢδᵢ largest?",
                _fgsm_variant(*args, direction="raw")),
        Mistake("mean-normalised", "you divided the gradient by its mean |g| (DeepDream's "
                "step): pixels then move by eps only on average, a few by far more. Which δ "
                "uses the whole budget eps in every pixel, and no more (an L-infinity bound)?",
                _fgsm_variant(*args, direction="mean_abs")),
        Mistake("max-normalised", "dividing the gradient by its largest |g| keeps every pixel "
                "within eps but moves most of them far less: which δ uses the whole budget "
                "in every pixel?", _fgsm_variant(*args, direction="max_abs")),
        Mistake("units", "eps is in grey levels, but x is in network units, (pixel - 127) / "
                "128: one grey level is 1/128, so step by eps / 128 (you stepped by eps "
                "network units, 128 times too far)", _fgsm_variant(*args, unit=1.0)),
        Mistake("units 255", "you converted eps with 1/255: this network's inputs are "
                "(pixel - 127) / 128, so one grey level is 1/128 here; step by eps / 128",
                _fgsm_variant(*args, unit=255.0)),
        Mistake("units 127.5", "you converted eps with 1/127.5, the scale of (pixel - 127.5) / "
                "127.5, other networks' convention: this network's inputs are (pixel - 127) / "
                "128, so one grey level is 1/128 here; step by eps / 128",
                _fgsm_variant(*args, unit=127.5)),
        Mistake("no clamp", "clamp the result to the valid range [-127/128, 1] (pixels 0 to "
                "255): without it, pixels that were already black or white leave the range "
                "no image file can hold", _fgsm_variant(*args, clamp=False)),
        Mistake("clamp 0 1", "you clamped to [0, 1]: the network's inputs are (pixel - 127) "
                "/ 128, so the valid range is [-127/128, 1]",
                _fgsm_variant(*args, low=0.0, high=1.0)),
        Mistake("clamp -1 1", "you clamped to [-1, 1]: the darkest pixel 0 is (0 - 127) / "
                "128 = -127/128, so clamp to [-127/128, 1]",
                _fgsm_variant(*args, low=-1.0, high=1.0)),
        Mistake("logit", "you lowered the logit of the true class: FGSM raises the "
                "cross-entropy loss F.cross_entropy(model(x), torch.tensor([label])), whose "
                "gradient also raises the other classes' logits",
                _fgsm_variant(*args, loss="logit")),
    ]
    grad = _fgsm_gradient(model, x, label)
    step = (_EPS / 128 * grad.sign()).detach()
    for kind, value in [("", step), (" and clamped it to [0, 1]", step.clamp(0, 1)),
                        (" and clamped it", step.clamp(ref.LOW, ref.HIGH)),
                        (" (eps in network units)", step * 128),
                        (" (eps / 255)", step * 128 / 255),
                        (" (eps / 127.5)", step * 128 / 127.5)]:
        mistakes.append(Mistake(
            "perturbation", f"you returned the perturbation eps · sign(grad) alone{kind}: FGSM "
            f"returns the adversarial *image*, x + eps/128 · sign(grad), clamped to [-127/128, "
            f"1]", value.numpy()))
    parts = {
        "unit": [(128.0, None), (1.0, "eps is in grey levels and x in network units: step "
                                      "by eps / 128, not eps"),
                 (255.0, "one grey level is 1/128 here, not 1/255: step by eps / 128"),
                 (127.5, "one grey level is 1/128 here, not 1/127.5: step by eps / 128")],
        "clamp": [((ref.LOW, ref.HIGH), None), (None, "clamp to [-127/128, 1] (you did not "
                                                      "clamp)"),
                  ((0.0, 1.0), "clamp to [-127/128, 1], not [0, 1]"),
                  ((-1.0, 1.0), "clamp to [-127/128, 1], not [-1, 1]")],
        "sign": [(1.0, None), (-1.0, "go *up* the loss, x + eps · sign(grad), not down")],
    }
    for unit, unit_msg in parts["unit"]:
        for clamp, clamp_msg in parts["clamp"]:
            for sgn, sign_msg in parts["sign"]:
                said = [m for m in (sign_msg, unit_msg, clamp_msg) if m]
                if len(said) < 2:
                    continue  # the single mistakes above
                out = x + sgn * _EPS / unit * grad.sign()
                if clamp is not None:
                    out = out.clamp(*clamp)
                mistakes.append(Mistake(
                    "combined", f"{len(said)} mistakes: " + "; ".join(
                        f"({k + 1}) {m}" for k, m in enumerate(said)),
                    out.detach().numpy()))
    second = [Mistake("accumulated", "on a second call with the same x, your step followed "
                      "the sum of both calls' gradients: x.grad kept the first one. Take a "
                      "fresh leaf each call (x = x.detach().clone().requires_grad_()) or use "
                      "torch.autograd.grad, which fills no .grad",
                      _fgsm_variant(model, x, other, _EPS, extra=label))]
    return (_fgsm_variant(*args), mistakes, _fgsm_variant(model, x, other, _EPS), second)


def _agreement(got, expected) -> float:
    """Share of the entries of ``got`` within _ATOL of ``expected`` (0 for another shape)."""
    return (float(np.mean(np.abs(got - expected) <= _ATOL)) if got.shape == expected.shape
            else 0.0)


def _judge_step(name, got, expected, mistakes, x):
    """None if ``got`` is the FGSM step, else a Problem naming the mistake it matches."""
    if got.shape != expected.shape:
        return Problem(f"{name} should have the shape of x, {expected.shape}; yours has shape "
                       f"{got.shape}", "shape")
    if not np.all(np.isfinite(got)):
        return Problem(f"{name} contains NaN or inf", "nan")
    if _agreement(got, expected) >= _SHARE:
        return None
    for mistake in mistakes:
        if _agreement(got, mistake.wrong) >= _SHARE:
            return Problem(mistake.message, mistake.id)
    moved = np.abs(got - x) * 128
    return Problem(f"{name} is not the FGSM step: it moves the pixels by {moved.mean():.3g} "
                   f"grey levels on average and by up to {moved.max():.3g} (FGSM with eps = "
                   f"{_EPS:g}: every entry by {_EPS:g}, less only where the range clips it), and "
                   f"{1 - _agreement(got, expected):.0%} of its entries differ from FGSM's",
                   "values")


def _call_attack(fn, model, x, label):
    """Call the student's attack; return its result as a NumPy array, or raise _Feedback."""
    import torch

    saved = {name: t.clone() for name, t in model.state_dict().items()}
    try:
        got = fn(model, x, label, _EPS)
    except (AttributeError, TypeError) as err:
        if "NoneType" in str(err):
            raise _Feedback(Problem(
                "x.grad is None: the gradient you need is with respect to the *input*. Make x "
                "a leaf that requires a gradient before the forward pass (x = x.detach()."
                "clone().requires_grad_()), or use torch.autograd.grad(loss, x); the weights' "
                ".grad is not what FGSM steps along", "gradient of weights")) from err
        raise
    except RuntimeError as err:
        text = str(err)
        if "does not require grad" in text:
            raise _Feedback(Problem(
                "no gradient reached x: make x require a gradient *before* the forward pass "
                "(x.detach().clone().requires_grad_()) and run the forward pass outside "
                "torch.no_grad()", "no grad")) from err
        if "size of tensor" in text or "must match the size" in text:
            raise _Feedback(Problem(
                "your step has the shape of a weight, not of the image: take the gradient "
                "with respect to the input x, not the weights", "gradient of weights")) from err
        raise
    finally:
        model.zero_grad(set_to_none=True)
        model.load_state_dict(saved)  # train mode updates BatchNorm's running statistics
        if model.training:
            model.eval()
            raise _Feedback(Problem(
                "your function put the model in train mode (model.train()): gradients flow in "
                "eval mode too. In train mode BatchNorm normalises with this one image's "
                "statistics and dropout drops features at random, so you attack a different "
                "network: leave the model in eval mode", "train mode"))
    if not isinstance(got, torch.Tensor):
        raise _Feedback(Problem(f"return a torch tensor of shape {tuple(x.shape)} (later cells "
                                f"feed it to the network), got {type(got).__name__}",
                                "return type"))
    return got.detach().float().numpy()


def check_fgsm(student_fn):
    """Exercise: ``fgsm(model, x, label, eps)``, one untargeted FGSM step of ``eps`` grey levels.

    Compared entry by entry with the reference (a gradient entry within round-off of zero may
    take either sign, so 99.9 % of the entries must agree); each typical mistake is named.
    """
    import torch

    model, x, label, other = _fgsm_setup()
    expected, mistakes, expected_other, second = _fgsm_expected()
    x_np = x.numpy()

    def test_step(fn):
        try:
            got = _call_attack(fn, model, x.clone(), label)
        except _Feedback as fb:
            return fb.args[0]
        return _judge_step("your adversarial image", got, expected, mistakes, x_np)

    def test_second_call(fn):
        shared = x.clone()  # one tensor for two calls: a .grad left on it must not leak over
        try:
            _call_attack(fn, model, shared, label)
            got = _call_attack(fn, model, shared, other)
        except _Feedback as fb:
            return fb.args[0]
        if not torch.equal(shared.detach(), x):
            return Problem("x was changed in place: work on a copy (x = x.detach().clone())",
                           "in place")
        return _judge_step("your second result (same x, another label)", got, expected_other,
                           second, x_np)

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return run_checks("fgsm", student_fn, [test_step, test_second_call],
                          hint="x is a tensor (1, 3, H, W) in network units; label is an int, "
                               "F.cross_entropy wants torch.tensor([label]); eps is in grey "
                               "levels")
    finally:
        torch.set_num_threads(threads)


# ---------------------------------------------------------------------------------------------
# Exercise: total variation, an image prior for a dream of your own.

def _tv_input():
    """A test image (1, 3, 12, 10): a vertical ramp (so rows 0 and 11 differ a lot, which
    catches a wrap-around), stronger noise along the width than the height, colours apart."""
    import torch

    rng = np.random.default_rng(25)
    ramp = np.linspace(-0.9, 0.9, 12)[None, None, :, None]
    noise = rng.normal(0, 0.05, (1, 3, 12, 10)) * np.array([1.0, 2.0, 3.0])[None, :, None, None]
    colour = np.array([-0.2, 0.0, 0.3])[None, :, None, None]
    return torch.tensor(ramp + noise.cumsum(axis=3) + colour, dtype=torch.float32)


def _tv_variant(x, *, power=1, dims=(2, 3), reduce="mean", combine="add", wrap=False,
                isotropic=False):
    """Total variation with one typical mistake switched on (the defaults are right)."""
    import torch

    def diff(d):
        if wrap:
            return x - torch.roll(x, 1, dims=d)
        return x.narrow(d, 1, x.shape[d] - 1) - x.narrow(d, 0, x.shape[d] - 1)

    if isotropic:
        v, h = diff(2)[..., :, :-1], diff(3)[..., :-1, :]
        return (v.square() + h.square()).sqrt().mean()
    parts = []
    for d in dims:
        delta = diff(d)
        delta = delta if power == 0 else (delta.abs() if power == 1 else delta.square())
        parts.append({"mean": delta.mean, "sum": delta.sum,
                      "numel": lambda delta=delta: delta.sum() / x.numel()}[reduce]())
    total = sum(parts)
    return {"add": total, "average": total / len(parts), "double": 2 * total}[combine]


@functools.cache
def _tv_expected():
    x = _tv_input()
    v = lambda **kw: float(_tv_variant(x, **kw))  # noqa: E731
    mistakes = [
        Mistake("no abs", "you forgot the absolute value: positive and negative differences "
                "cancel (the sum of the differences down a column is just last row minus "
                "first); take .abs() of each difference", v(power=0)),
        Mistake("squared", "you squared the differences: that is a quadratic smoothness "
                "penalty, which punishes a sharp edge far more than total variation does; "
                "take .abs()", v(power=2)),
        Mistake("isotropic", "you took sqrt(dv² + dh²), the isotropic total variation; this "
                "exercise uses the anisotropic one, mean |dv| + mean |dh|", v(isotropic=True)),
        Mistake("height only", "you only compared vertical neighbours: add the mean "
                "|difference| between horizontal neighbours (x[..., :, 1:] - x[..., :, :-1])",
                v(dims=(2,))),
        Mistake("width only", "you only compared horizontal neighbours: add the mean "
                "|difference| between vertical neighbours (x[..., 1:, :] - x[..., :-1, :])",
                v(dims=(3,))),
        Mistake("colour axis", "one of your differences runs across the colour channels "
                "(dim 1): x is (1, 3, H, W), so compare neighbours along dims 2 and 3",
                v(dims=(1, 2))),
        Mistake("colour axis", "one of your differences runs across the colour channels "
                "(dim 1): x is (1, 3, H, W), so compare neighbours along dims 2 and 3",
                v(dims=(1, 3))),
        Mistake("sum", "you summed the differences: take the mean, so that the prior's "
                "weight means the same at every octave size", v(reduce="sum")),
        Mistake("average", "you averaged the two directions: add them, mean |dv| + mean |dh|",
                v(combine="average")),
        Mistake("wrap-around", "torch.roll wraps around: it also compares the last row with "
                "the first (and the last column with the first). Slice instead: "
                "x[..., 1:, :] - x[..., :-1, :]", v(wrap=True)),
        Mistake("numel", "you divided the sums of the differences by the number of pixels of "
                "the whole image (x.numel()): each direction has fewer differences than pixels "
                "(H - 1 rows of vertical ones); take the mean of each direction's |differences|",
                v(reduce="numel")),
        Mistake("double", "you doubled the total (2 · (...), a factor from super-resolution "
                "TV losses): total variation here is mean |dv| + mean |dh|", v(combine="double")),
        Mistake("draft", "that is the draft's value: both of its bugs are still there. (1) "
                "torch.roll wraps around, comparing the last row with the first: slice instead, "
                "x[..., 1:, :] - x[..., :-1, :]; (2) it squares the differences: take .abs()",
                v(wrap=True, power=2)),
    ]
    said = {  # the parts of a combined mistake, each with what to do instead
        "power": {0: "take the absolute value of each difference (.abs())",
                  2: "take .abs() of the differences, not their squares"},
        "reduce": {"sum": "take the mean of each direction's differences, not their sum",
                   "numel": "take the mean of each direction's differences (not the sum over "
                            "x.numel())"},
        "combine": {"average": "add the two directions, do not average them",
                    "double": "add the two directions once, without a factor 2"},
    }
    singles = {round(float(m.wrong), 12) for m in mistakes}
    for power in (1, 0, 2):
        for reduce in ("mean", "sum", "numel"):
            for combine in ("add", "average", "double"):
                fixes = [said[k][c] for k, c in (("power", power), ("reduce", reduce),
                                                 ("combine", combine)) if c in said[k]]
                value = v(power=power, reduce=reduce, combine=combine)
                if len(fixes) < 2 or round(value, 12) in singles:
                    continue
                mistakes.append(Mistake("combined", f"{len(fixes)} mistakes: " + "; ".join(
                    f"({k + 1}) {fix}" for k, fix in enumerate(fixes)), value))
    return v(), mistakes


def check_total_variation(student_fn):
    """Exercise: ``total_variation(x)`` for x (1, 3, H, W): mean |dv| + mean |dh|, a scalar
    tensor that autograd can differentiate (``deepdream`` uses it as an image prior)."""
    import torch

    expected, mistakes = _tv_expected()

    def test_value(fn):
        got = fn(_tv_input())
        if isinstance(got, torch.Tensor):
            if got.numel() != 1:
                return Problem(f"return one number (a scalar tensor), got a tensor of shape "
                               f"{tuple(got.shape)}", "shape")
            got = got.detach().reshape(())
        return compare("your total variation", got, expected, mistakes=mistakes, rtol=1e-5)

    def test_gradient(fn):
        x = _tv_input().requires_grad_(True)
        got = fn(x)
        if not isinstance(got, torch.Tensor) or not got.requires_grad:
            return Problem("your result carries no gradient: deepdream differentiates the "
                           "prior with autograd, so compute it with torch operations on x and "
                           "return the tensor (.item(), float() or NumPy cut the graph)",
                           "no graph")
        (grad,) = torch.autograd.grad(got.reshape(()), x)
        leaf = _tv_input().requires_grad_(True)
        (right,) = torch.autograd.grad(_tv_variant(leaf), leaf)
        return compare("the gradient of your total variation", grad, right.numpy(), rtol=1e-4,
                       atol=1e-6)

    return run_checks("total_variation", student_fn, [test_value, test_gradient],
                      hint="x is a tensor (1, 3, H, W); x[..., 1:, :] - x[..., :-1, :] are the "
                           "vertical differences")
