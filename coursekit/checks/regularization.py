"""Checks for the exercises of notebook 03 (L2 regularisation, weight decay and dropout).

Each check declares the typical wrong answers of its exercise as :class:`Mistake` data (an id,
the message, the wrong result), so the student reads what they did, not "wrong values".
The dropout checks do not insist on one particular way of drawing the mask: they look at what
fraction of the entries survives (over 100 000 entries, so the count is precise to about 0.5%),
by how much the survivors are scaled, and what happens at test time. The two checks of the
experiment (choosing on validation data, McNemar's test) run the student's function on small
made-up results whose traps are known.
"""

from __future__ import annotations

import math

import numpy as np

from ..solutions import regularization as ref
from ._core import Mistake, Problem, compare, run_checks

__all__ = ["check_l2_update", "check_l2_equilibrium", "check_dropout_forward",
           "check_dropout_backward", "check_choose_and_test", "check_mcnemar",
           "check_vanilla_dropout", "check_decay_groups"]

# A weight vector with both signs, and a data gradient that is not parallel to it.
_W = np.array([2.0, -1.5, 0.5, -0.25, 0.0, 3.0])
_G = np.array([0.4, 0.1, -0.3, 0.2, -0.5, -0.1])
_LR, _LAM = 0.1, 0.5


def check_l2_update(student_fn):
    """Exercise: ``l2_update(w, grad, lr, lam)``, one step on ``loss + (lam/2)·‖w‖²``."""

    def test(fn):
        w, g, lr, lam = _W, _G, _LR, _LAM
        w_in, g_in = w.copy(), g.copy()
        got = fn(w_in, g_in, lr, lam)
        if _torch(got):                     # a NumPy exercise
            return _torch(got)
        if not (np.array_equal(w_in, w) and np.array_equal(g_in, g)):
            return Problem("w or grad was changed in place (w -= ...): return the new weights as "
                           "a new array, e.g. w - lr * (...), so that the caller keeps the old "
                           "ones (a later cell stores every step)", "in place")
        return compare("the updated w", got, ref.l2_update(w, g, lr, lam), mistakes=[
            Mistake("decay sign", "the decay has the wrong sign: the penalty's gradient lam·w is "
                    "*subtracted* (times lr), so the weight is multiplied by (1 - lr·lam), a "
                    "number below 1", (1 + lr * lam) * w - lr * g),
            Mistake("decay without lr", "the decay is missing the learning rate: the step is lr "
                    "times the whole gradient (grad + lam·w), so the factor is (1 - lr·lam), not "
                    "(1 - lam)", (1 - lam) * w - lr * g),
            Mistake("2 lam", "the decay is twice too strong: the gradient of (lam/2)·w² is "
                    "lam·w, not 2·lam·w", (1 - 2 * lr * lam) * w - lr * g),
            Mistake("lam/2", "the decay is half as strong as it should be: the gradient of "
                    "(lam/2)·w² is lam·w", (1 - lr * lam / 2) * w - lr * g),
            Mistake("shrunk the step", "you shrank the data-gradient step too: only the old "
                    "weight is multiplied by (1 - lr·lam); then subtract lr·grad",
                    (1 - lr * lam) * (w - lr * g)),
            Mistake("no data step", "the data-loss step is missing: subtract lr·grad as well",
                    (1 - lr * lam) * w),
            Mistake("no decay", "the decay is missing: this is the step of the data loss "
                    "alone. Add the penalty's gradient lam·w to grad before the step (or "
                    "multiply w by (1 - lr·lam)); computing it is not enough, the step must "
                    "use it", w - lr * g),
            Mistake("uphill", "the data-loss step goes uphill: subtract lr·grad, do not add it",
                    (1 - lr * lam) * w + lr * g),
            Mistake("L1", "that is the L1 update (lam·sign(w)); here the penalty is "
                    "(lam/2)·w², whose gradient is lam·w", w - lr * lam * np.sign(w) - lr * g),
            Mistake("penalty instead of gradient", "you added the penalty (lam/2)·w² itself to "
                    "the gradient; the step needs its derivative, lam·w",
                    w - lr * (g + 0.5 * lam * w**2)),
            Mistake("penalty sum instead of gradient", "you added the penalty's value "
                    "(lam/2)·‖w‖², one number, to every entry of the gradient; the step needs "
                    "the penalty's gradient, lam·w, entry by entry",
                    w - lr * (g + 0.5 * lam * np.sum(w**2))),
        ], allow_float32=False)            # the notebook compares 200 steps with 1e-12

    return run_checks("l2_update", student_fn, [test],
                      hint="w and grad are arrays of the same shape; lr and lam are floats")


# (a, h, lr, lam) with the data loss (h/2)·(w - a)²: both signs, curvatures above and below 1 and
# lr·lam far from lam, so that every named mistake gives another number. The last case has
# lr·(h + lam) > 2: its steps diverge, but the fixed point exists, so only solving finds it.
_EQUILIBRIUM_CASES = [(3.0, 4.0, 0.1, 0.4), (-2.0, 0.5, 0.05, 0.3), (1.5, 0.25, 0.2, 2.0),
                      (2.0, 3.0, 0.6, 1.0)]


def _equilibrium_mistakes(a, h, lr, lam):
    return [
        Mistake("no h", "your answer does not depend on the curvature h (it would be right for "
                "h = 1 only): the data loss is (h/2)·(w - a)², so its gradient carries the "
                "factor h", a / (1 + lam)),
        Mistake("h only on w", "your |w| is too small by the factor h: the curvature multiplies "
                "the whole data gradient, the a in it as well as the w", a / (h + lam)),
        Mistake("h on the penalty", "h belongs to the data loss, (h/2)·(w - a)², not to the "
                "penalty (lam/2)·w²: check which gradient carries it", a / (1 + h * lam)),
        Mistake("lr in the answer", "your answer depends on the learning rate: where the steps "
                "stop, the whole step lr·(data gradient + penalty gradient) is zero, so lr "
                "cancels. Solve again without it", h * a / (h + lr * lam)),
        Mistake("lr and no h", "two slips: the learning rate cancels where the steps stop, and "
                "the curvature h of the data loss (h/2)·(w - a)² is missing",
                a / (1 + lr * lam)),
        Mistake("one step", "that is where one step from w = a lands, not where the steps stop "
                "moving w: a fixed point is a w that the step maps to itself",
                (1 - lr * lam) * a),
        Mistake("first order", "that is only the first-order approximation for small lam/h: "
                "solve for the fixed point exactly", (1 - lam / h) * a),
        Mistake("no penalty", "that is where the data loss alone is smallest; the penalty pulls "
                "w towards 0 as well, so the fixed point lies between 0 and a", a),
        Mistake("zero", "the penalty alone would take w to 0, but the data loss pulls it towards "
                "a: the steps stop where the two gradients cancel", 0.0),
        Mistake("decay sign", "the penalty's gradient lam·w is added to the data gradient, not "
                "subtracted: check the sign of the decay term", h * a / (h - lam)),
        Mistake("2 lam", "the gradient of (lam/2)·w² is lam·w, not 2·lam·w",
                h * a / (h + 2 * lam)),
        Mistake("lam/2", "the gradient of (lam/2)·w² is lam·w: the ½ cancels the 2 of the "
                "square", h * a / (h + lam / 2)),
        Mistake("L1 shift", "moving a towards 0 by a fixed amount is what an L1 penalty would do; "
                "with L2 the gradient lam·w grows with w, so the pull scales with w",
                a - np.sign(a) * lam / h),
        Mistake("lr for lam", "you used lr where lam belongs: the penalty's gradient is lam·w, "
                "and lr cancels where the steps stop", h * a / (h + lr)),
        Mistake("data gradient without w", "the data gradient is the derivative of "
                "(h/2)·(w - a)², which is not a constant: w appears in both gradients",
                h * a / lam),
    ]


def check_l2_equilibrium(student_fn):
    """Exercise: ``l2_equilibrium(a, h, lr, lam)``, where gradient descent with the L2 penalty
    settles on the data loss ``(h/2)·(w - a)²``."""

    def test(fn):
        for a, h, lr, lam in _EQUILIBRIUM_CASES:
            got = fn(a, h, lr, lam)
            exact = ref.l2_equilibrium(a, h, lr, lam)
            problem = _iterated(got, exact, lr * (h + lam) >= 2)
            if not problem:
                problem = compare("the weight at which the steps stop", got, exact,
                                  mistakes=_equilibrium_mistakes(a, h, lr, lam))
            if problem and problem.mistake == "values":
                problem = _magnitude(got, exact)
            if problem:
                return Problem(f"with a = {a}, h = {h}, lr = {lr}, lam = {lam}: {problem}",
                               problem.mistake)
        return None

    return run_checks("l2_equilibrium", student_fn, [test],
                      hint="a, h, lr and lam are floats; return one number, the weight w at "
                           "which the steps stop moving w")


def _iterated(got, exact, diverges):
    """A Problem when ``got`` looks like the step run many times instead of the solved fixed point:
    not finite or far off where the steps diverge, or a near miss that a loop leaves behind."""
    try:
        value = float(np.asarray(got, dtype=np.float64))
    except (TypeError, ValueError):
        return None                       # compare() explains the type
    if diverges and not (np.isfinite(value) and abs(value - exact) < 1e-6 * abs(exact)):
        if not np.isfinite(value) or abs(value) > 10 * abs(exact):
            return Problem("the steps do not converge here (lr·(h + lam) > 2), yet the point "
                           "where a step leaves w unchanged still exists. Your answer looks like "
                           "the step run many times: solve for w instead", "iterated")
    gap = abs(value - exact) / abs(exact)
    if 1e-6 < gap < 1e-3:
        return Problem(f"your w = {value:.9g} is close to the fixed point but not on it "
                       f"(relative gap {gap:.0e}): that is what running the step for a while "
                       "leaves behind. Solve for w exactly", "iterated")
    return None


def _magnitude(got, expected):
    """The generic message for a wrong number, in words that also fit a negative weight."""
    value = float(np.asarray(got, dtype=np.float64))
    if value * expected <= 0:
        return Problem(f"w = {value:.6g} is not right: it has the wrong sign (or is 0)", "values")
    word = "too large" if abs(value) > abs(expected) else "too small"
    return Problem(f"w = {value:.6g} is not right: its size |w| is {word}; find the w that "
                   "one step maps to itself", "values")


# ------------------------------------------------------------------------------ dropout
def _shared_mask(out, draw):
    """A Problem when every row (or every column) of a 2-D output kept the same entries: one mask
    drawn per column (or row) and broadcast over the batch instead of one draw per entry."""
    kept = np.asarray(out) != 0
    if kept.ndim != 2 or kept.all() or not kept.any():
        return None
    for same, what in [(np.all(kept == kept[:1]), "every row of the batch (one draw per column)"),
                       (np.all(kept == kept[:, :1]), "every column (one draw per row)")]:
        if same:
            return Problem(f"the same units were dropped in {what}: the mask was broadcast. "
                           f"Each entry needs its own draw, e.g. {draw}", "shared mask")
    return None


def _survival(fn, x, param, name):
    """Call ``fn`` in training mode; return (output, fraction kept, survivor scale) or a Problem."""
    x_in = x.copy()
    out = fn(x_in, param, np.random.default_rng(7))
    if out is None:
        return _RETURNED_NONE
    if not np.array_equal(x_in, x):
        return Problem("x was changed in place: return a new array (e.g. x * mask), leave x as "
                       "it was", "in place")
    try:
        out = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        return Problem(f"return an array, got {type(out).__name__}", "return type")
    if out.shape != x.shape:
        return Problem(f"the output should have x's shape {x.shape}, yours has shape "
                       f"{out.shape}", "shape")
    kept = out != 0
    if not kept.any():
        return Problem(f"every entry was dropped (with {name}={param})", "all dropped")
    ratios = out[kept] / x[kept]
    if not np.allclose(ratios, ratios[0], rtol=1e-6):
        return Problem("each entry must be either 0 or the input times one common factor; yours "
                       "are scaled by different amounts (use one mask of 0/1 and one scale)",
                       "mixed scales")
    return out, float(kept.mean()), float(ratios[0])


# the core's own words for a missing return, for checks that unpack the result themselves
_RETURNED_NONE = Problem("your function returned None: is a `return` statement missing?", "none")


def _uses_rng(fn, x, param):
    a = fn(x.copy(), param, np.random.default_rng(3))
    b = fn(x.copy(), param, np.random.default_rng(3))
    c = fn(x.copy(), param, np.random.default_rng(4))
    if not np.array_equal(a, b) or np.array_equal(a, c):
        return Problem("draw the random numbers from the rng argument (e.g. rng.random(x.shape)), "
                       "not from np.random: the same rng seed must give the same mask",
                       "global rng")
    return None


_X = 1.0 + np.random.default_rng(11).random((200, 500))    # all entries nonzero
_X32 = np.random.default_rng(12).normal(size=(3, 5)).astype(np.float32)   # a float32 input


def _torch(*values):
    """A Problem if any of ``values`` is a torch tensor (these exercises are NumPy), else None."""
    if any(hasattr(v, "detach") and hasattr(v, "numpy") for v in values):
        return Problem("return NumPy arrays: x is a NumPy array, and the later cells use your "
                       "result with NumPy (torch.Tensor.numpy() converts one)", "torch")
    return None


class _Feedback(Exception):
    """Internal: a message for the student raised from inside a wrapped call."""


def check_dropout_forward(student_fn):
    """Exercise: ``dropout_forward(x, rate, rng, training=True)`` -> ``(out, keep)``, inverted."""
    rate = 0.3

    def split(result):
        if result is None:
            return None, None, _RETURNED_NONE
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return None, None, Problem("return a pair (out, keep): the output and the mask you "
                                       "used", "return type")
        out, keep = result
        problem = _torch(out, keep)
        if problem:
            return None, None, problem
        try:
            keep = np.asarray(keep)
        except (TypeError, ValueError):
            return None, None, Problem("keep must be an array (the mask)", "return type")
        return out, keep, None

    def as_single(fn):
        def one(x, param, rng, training=True):
            out, _, problem = split(fn(x, param, rng, training=training))
            if problem:
                raise _Feedback(problem)
            return out
        return one

    def test_training(fn):
        try:
            result = _survival(as_single(fn), _X, rate, "rate")
        except _Feedback as feedback:
            return feedback.args[0]
        if isinstance(result, str):
            return result
        out, kept, scale = result
        shared = _shared_mask(out, "keep = rng.random(x.shape) >= rate")
        if shared:
            return shared
        if abs(kept - rate) < 0.02:
            return Problem(f"only {kept:.0%} of the entries survived: you dropped with the keep "
                           "probability 1 - rate. rate is the probability to DROP a unit, not to "
                           "keep it", "rate as keep")
        if abs(kept - (1 - rate)) > 0.02:
            return Problem(f"{kept:.0%} of the entries survived; with rate={rate} about 70% "
                           "should", "survival")
        if np.isclose(scale, 1.0):
            return Problem("the survivors are not scaled: inverted dropout divides them by "
                           "(1 - rate) during training, so the expected output equals x",
                           "no scale")
        if np.isclose(scale, 1 - rate):
            return Problem("you multiplied the survivors by the keep probability: the "
                           "mean output is then (1 - rate)²·x, not x: do not multiply by it. "
                           "Which factor makes the expected output x?", "multiplied")
        if np.isclose(scale, 1 / rate):
            return Problem("divide by the keep probability (1 - rate), not by rate",
                           "divided by rate")
        if not np.isclose(scale, 1 / (1 - rate)):
            return Problem(f"survivors should be scaled by 1/(1 - rate) = {1 / (1 - rate):.4g}, "
                           f"yours by {scale:.4g}", "scale")
        return None

    def test_mask(fn):
        out, keep, problem = split(fn(_X.copy(), rate, np.random.default_rng(5)))
        if problem:
            return problem
        if keep.shape != _X.shape:
            return Problem(f"keep must have x's shape {_X.shape}, yours has shape {keep.shape}",
                           "mask shape")
        if not np.array_equal(keep.astype(bool), keep.astype(float) != 0) or \
                not set(np.unique(keep.astype(float))) <= {0.0, 1.0}:
            return Problem("keep must be a mask of True/False (or 1/0) values, not the scaled "
                           "factors", "scaled mask")
        keep = keep.astype(bool)
        if np.array_equal(np.asarray(out) != 0, ~keep):
            return Problem("keep is inverted: it must be True where an entry SURVIVED (the "
                           "backward pass lets the gradient through exactly there)",
                           "inverted mask")
        if not np.array_equal(np.asarray(out) != 0, keep):
            return Problem("the mask you return is not the one you used: the backward pass needs "
                           "the very same mask, so return the array you multiplied x by (before "
                           "scaling)", "another mask")
        return None

    def test_eval_and_rate_zero(fn):
        for training, r, what in [(False, rate, "in evaluation mode"), (True, 0.0, "with rate 0")]:
            for x in (_X, _X32):
                out, keep, problem = split(fn(x.copy(), r, np.random.default_rng(0),
                                              training=training))
                if problem:
                    return problem
                if not np.array_equal(np.asarray(out), x):
                    return Problem(f"{what} nothing is dropped and nothing scaled: out must be x "
                                   "exactly", "eval changes x")
                if np.asarray(out).dtype != x.dtype:
                    return Problem(f"{what} out must be x itself, but your float32 input came "
                                   f"back as {np.asarray(out).dtype}: an integer or float64 "
                                   "mask (rng.binomial, .astype(float)) promotes it. Return x "
                                   "unchanged there, or use a boolean mask", "dtype changed")
                if keep.shape != x.shape or not np.all(keep):
                    return Problem(f"{what} every entry survives: keep must be all True "
                                   "(np.ones(x.shape, dtype=bool))", "eval mask")
        return None

    def test_rng(fn):
        return _uses_rng(as_single(fn), _X, rate)

    return run_checks("dropout_forward", student_fn,
                      [test_training, test_mask, test_eval_and_rate_zero, test_rng],
                      hint="x is an array; rate a float in [0, 1); rng a numpy Generator; "
                           "return (out, keep)")


def check_dropout_backward(student_fn):
    """Exercise: ``dropout_backward(dout, keep, rate)`` -> dL/dx, checked against centred
    differences of the forward pass with the mask held fixed."""
    from ..gradcheck import numerical_gradient

    rate = 0.4
    rng = np.random.default_rng(21)
    x = rng.normal(size=(6, 7))
    dout = rng.normal(size=(6, 7))
    _, keep = ref.dropout_forward(x, rate, np.random.default_rng(22))

    def test(fn):
        dout_in, keep_in = dout.copy(), keep.copy()
        got = fn(dout_in, keep_in, rate)
        if _torch(got):                     # a NumPy exercise
            return _torch(got)
        if not (np.array_equal(dout_in, dout) and np.array_equal(keep_in, keep)):
            return Problem("dout or keep was changed in place: return a new array", "in place")
        # the forward pass with this mask held fixed is linear in x: differentiate it numerically
        numeric = numerical_gradient(lambda x_: float(np.sum(dout * (x_ * keep / (1 - rate)))),
                                     x.copy())
        scaled = dout * keep
        problem = compare("dL/dx", got, numeric, mistakes=[
            Mistake("no scale", "the survivors' gradient is not scaled: the forward pass divided "
                    "by (1 - rate), so the backward pass must too", scaled),
            Mistake("multiplied", "multiply by 1/(1 - rate), not by (1 - rate)",
                    scaled * (1 - rate)),
            Mistake("divided by rate", "divide by the keep probability (1 - rate), not by rate",
                    scaled / rate),
            Mistake("inverted mask", "the gradient flows where keep is False: it must pass only "
                    "where the entry survived (multiply by keep, not by ~keep or 1 - keep)",
                    dout * ~keep / (1 - rate)),
            Mistake("no mask", "the mask is missing: a dropped entry did not influence the "
                    "output, so its gradient is 0 (multiply by keep)", dout / (1 - rate)),
            Mistake("identity", "you returned dout unchanged: apply the forward pass's mask and "
                    "scale", dout),
        ], rtol=1e-6, atol=1e-8)
        if problem and problem.mistake == "values":
            got = np.asarray(got, dtype=float)
            if np.all(got != 0):                 # no zeros at all: the mask was not applied
                return Problem("your gradient is not zero where keep is False: a dropped entry "
                               "did not influence the output, so its gradient is 0. Multiply "
                               "dout by keep and by 1/(1 - rate), nothing else (no subtraction)",
                               "dropped entries")
            if np.any(got[~keep] != 0) or np.any(got[keep] == 0):
                return Problem("your gradient is zero in other places than the mask says: reuse "
                               "the keep mask you are given, never draw a new one in the "
                               "backward pass", "new mask")
        return problem

    return run_checks("dropout_backward", student_fn, [test],
                      hint="dout is dL/dout, keep the boolean mask of the forward pass, rate "
                           "the drop probability; return dL/dx of x's shape")


# ------------------------------------------------------------------------------ choosing honestly
# Made-up results with known traps: {setting: validation accuracies of 3 seeds} and the mean
# test accuracy of each setting (k/1500, the mean of 3 accuracies on 500 points, so that a
# rounded answer shows). In each case the setting with the best mean validation accuracy (also
# the best median and the best worst seed) differs from the one with the best single seed, the
# one with the best first seed and the one with the best test accuracy, and no test accuracy
# equals a validation figure.
_CHOICE_CASES = [
    ({"none": [0.78, 0.80, 0.76], "L2 λ=0.01": [0.81, 0.80, 0.82], "L2 λ=0.1": [0.83, 0.77, 0.77],
      "dropout 0.5": [0.74, 0.86, 0.76], "dropout 0.8": [0.80, 0.81, 0.79]},
     {"none": 1157 / 1500, "L2 λ=0.01": 1196 / 1500, "L2 λ=0.1": 1183 / 1500,
      "dropout 0.5": 1235 / 1500, "dropout 0.8": 1205 / 1500}),
    ({"none": [0.70, 0.72, 0.71], "L2 λ=0.003": [0.78, 0.69, 0.70], "L2 λ=0.03": [0.75, 0.74, 0.73],
      "dropout 0.3": [0.72, 0.80, 0.71], "dropout 0.7": [0.77, 0.76, 0.75]},
     {"none": 1042 / 1500, "L2 λ=0.003": 1061 / 1500, "L2 λ=0.03": 1142 / 1500,
      "dropout 0.3": 1075 / 1500, "dropout 0.7": 1114 / 1500}),
]


class _SealedTestSet:
    """The check's ``test_accuracy``: returns a setting's test accuracy and records each look."""

    def __init__(self, accuracies):
        self.accuracies, self.opened = accuracies, []

    def __call__(self, name):
        if name not in self.accuracies:
            raise ValueError(f"test_accuracy takes the name of a setting (a key of val_acc), "
                             f"got {name!r}")
        self.opened.append(name)
        return self.accuracies[name]


def _best(values, score):
    return max(values, key=lambda name: score(np.asarray(values[name], dtype=float)))


def _judge_choice(out, val, test_acc, sealed):
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return Problem("return a pair (name of the chosen setting, its test accuracy)",
                       "return type")
    name, reported = out
    if not isinstance(name, str) or name not in val:
        return Problem(f"the first item must be the chosen setting's name, a key of val_acc such "
                       f"as {next(iter(val))!r}; got {name!r}", "return type")
    opened = list(dict.fromkeys(sealed.opened))       # the settings looked at, in order
    if len(opened) > 1:
        return Problem(f"you looked at the test set {len(opened)} times ({', '.join(opened)}): "
                       "whatever you then pick, a choice made with the test accuracies in view "
                       "is a choice on the test set, and its test accuracy is optimistic. Choose "
                       "with val_acc alone, then call test_accuracy once, for that setting",
                       "chose on test")
    right = _best(val, np.mean)
    if name != right:
        if name == _best(val, np.max):
            return Problem(f"you chose {name!r} for its best network: one lucky network is "
                           "not the setting. Compare the settings by their validation accuracy "
                           "averaged over their networks", "best seed")
        if name == _best(val, lambda a: a[0]) or name == _best(val, lambda a: a[-1]):
            return Problem(f"you chose {name!r} on a single network: its accuracy is "
                           "noisy. Average each setting's validation accuracies over its networks",
                           "one seed")
        if name == _best(val, lambda a: -np.mean(a)):
            return Problem(f"you chose {name!r}, the lowest validation accuracy: take the "
                           "highest (max, not min)", "lowest")
        return Problem(f"you chose {name!r}; the setting with the highest mean validation "
                       f"accuracy is another one. Average each setting's accuracies over the "
                       f"networks and take the largest", "wrong choice")
    if opened and opened[0] != name:
        return Problem(f"you chose {name!r} but looked up the test accuracy of {opened[0]!r}: "
                       "call test_accuracy with the setting you chose", "tested another")
    try:
        reported = float(reported)
    except (TypeError, ValueError):
        return Problem(f"the second item must be a number (the test accuracy), got "
                       f"{type(reported).__name__}", "return type")
    true = test_acc[name]
    if opened and np.isclose(reported, true, rtol=1e-6, atol=0):     # float32 is fine
        return None
    rounded = [k for k in range(1, 5) if np.isclose(reported, round(true, k), rtol=0, atol=1e-9)]
    if opened and rounded:
        return Problem(f"you rounded the test accuracy ({reported:g} instead of {true:.6g}): "
                       "return the number test_accuracy gave you, and round only when you print it",
                       "rounded")
    figures = np.asarray(val[name], dtype=float)
    if any(np.isclose(reported, v, rtol=0, atol=1e-9)
           for v in (figures.mean(), figures.max(), figures.min())):
        return Problem("you reported a validation accuracy as the test accuracy: the setting was "
                       "chosen for being high on the validation points, so that number is "
                       "optimistic. Report test_accuracy(chosen), the one look at unseen points",
                       "val as test")
    if not opened:
        return Problem("call test_accuracy(chosen) once and report what it returns",
                       "no test")
    return Problem(f"report exactly what test_accuracy({name!r}) returned ({true:.6g}), got "
                   f"{reported:.6g}", "values")


def check_choose_and_test(student_fn):
    """Exercise: ``choose_and_test(val_acc, test_accuracy)`` -> ``(name, test accuracy)``:
    choose on validation accuracies averaged over a setting's networks, then look at the test
    set once."""

    def test(fn):
        for val, test_acc in _CHOICE_CASES:
            sealed = _SealedTestSet(test_acc)
            out = fn({k: np.array(v) for k, v in val.items()}, sealed)
            problem = _judge_choice(out, val, test_acc, sealed)
            if problem:
                return problem
        return None

    return run_checks("choose_and_test", student_fn, [test],
                      hint="val_acc is a dict {setting name: array of accuracies, one per "
                           "network}; test_accuracy(name) returns a float; return (name, accuracy)")


# ------------------------------------------------------------------------------ McNemar's test
def _binom_cdf(k, n):
    """P(X ≤ k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2**n if k >= 0 else 0.0


def _paired_predictions(both_right, b, c, wrong_same, wrong_apart, seed):
    """Labels and two classifiers' predictions (3 classes) with the given counts, shuffled.

    ``wrong_apart`` points are missed by both classifiers with *different* wrong classes."""
    y = np.zeros(both_right + b + c + wrong_same + wrong_apart, dtype=int)
    a = np.concatenate([np.zeros(both_right + b, int), np.ones(c + wrong_same + wrong_apart, int)])
    p = np.concatenate([np.zeros(both_right, int), np.full(b, 2), np.zeros(c),
                        np.ones(wrong_same, int), np.full(wrong_apart, 2)])
    order = np.random.default_rng(seed).permutation(y.size)
    shift = np.random.default_rng(seed + 1).integers(0, 3, size=y.size)    # vary the classes
    return (a[order] + shift) % 3, (p[order] + shift) % 3, (y[order] + shift) % 3


# (both right, b, c, both wrong alike, both wrong differently): b > c, b = c, b < c
_MCNEMAR_CASES = [(160, 14, 4, 10, 12), (80, 5, 5, 6, 4), (50, 1, 7, 3, 3)]
_NO_DISAGREEMENT = (40, 0, 0, 6, 4)


def _p_mistakes(b, c, both_right, wrong_same, wrong_apart):
    """The p-values that typical mistakes produce for these counts."""
    from scipy import stats

    n, low, high = b + c, min(b, c), max(b, c)
    total = both_right + b + c + wrong_same + wrong_apart
    right_a, right_b = both_right + b, both_right + c
    pooled = (right_a + right_b) / (2 * total)
    z = abs(right_a - right_b) / total / math.sqrt(pooled * (1 - pooled) * 2 / total)
    table = [[right_a, total - right_a], [right_b, total - right_b]]
    return [
        Mistake("one-sided", "that is a one-sided p-value: the question is whether A and B "
                "differ, in either direction, so double the tail: p = 2·P(X ≤ min(b, c))",
                _binom_cdf(low, n)),
        Mistake("uncapped", "a p-value is a probability: when b and c are (nearly) equal, "
                "2·P(X ≤ min(b, c)) exceeds 1, so cap it: min(1, 2·P(...))",
                2 * _binom_cdf(low, n)),
        Mistake("off by one", "off by one: P(X ≥ max(b, c)) is binom.sf(max(b, c) - 1, n, 0.5), "
                "because sf(k) is P(X > k); or use P(X ≤ min(b, c)) = binom.cdf(min(b, c), n, "
                "0.5)", min(1.0, 2 * _binom_cdf(low - 1, n))),
        Mistake("tail of the larger count", "the tail starts at the smaller count: "
                "p = 2·P(X ≤ min(b, c)), not 2·P(X ≤ max(b, c))",
                min(1.0, 2 * _binom_cdf(high, n))),
        Mistake("n = all points", "n is the number of disagreements b + c, not the number of "
                "test points: the points where A and B are both right or both wrong say nothing "
                "about which is better", min(1.0, 2 * _binom_cdf(low, total))),
        Mistake("n = different predictions", "n must be b + c: a point where both classifiers are "
                "wrong (even with different classes) is no win for either, so leave it out of n",
                min(1.0, 2 * _binom_cdf(low, n + wrong_apart))),
        Mistake("point probability", "the p-value sums the whole tail, P(X ≤ min(b, c)), not "
                "the probability of the one count observed",
                min(1.0, 2 * math.comb(n, low) / 2**n)),
        Mistake("mid-p", "that is the mid-p value, which counts the observed count only half "
                "(less conservative than the exact test). Compute the exact p-value here: "
                "p = min(1, 2·P(X ≤ min(b, c)))",
                min(1.0, 2 * _binom_cdf(low, n) - math.comb(n, low) / 2**n)),
        Mistake("chi-square", "that is the chi-square approximation of McNemar's test; compute "
                "the exact binomial p-value here, which stays right for small b + c",
                float(stats.chi2.sf((b - c) ** 2 / n, 1)) if n else 1.0),
        Mistake("chi-square corrected", "that is the chi-square approximation with continuity "
                "correction; compute the exact binomial p-value here",
                float(stats.chi2.sf((abs(b - c) - 1) ** 2 / n, 1)) if n else 1.0),
        Mistake("unpaired z", "that compares the two accuracies as if they came from different "
                "test points (an unpaired two-proportion test). Both classifiers saw the same "
                "points: use the paired counts b and c", float(2 * stats.norm.sf(z))),
        Mistake("unpaired chi-square", "that is a test for two independent samples (a 2×2 table "
                "of accuracies). The points are shared: use the paired counts b and c",
                float(stats.chi2_contingency(table)[1])),
        Mistake("unpaired Fisher", "Fisher's exact test on the accuracy table treats the two "
                "classifiers' answers as independent samples; they are paired: use b and c",
                float(stats.fisher_exact(table)[1])),
    ]


def _judge_mcnemar(out, case, seed):
    both_right, b, c, wrong_same, wrong_apart = case
    if isinstance(out, np.ndarray) and out.shape == (3,):
        out = tuple(out.tolist())                    # np.array([b, c, p]) is fine too
    if isinstance(out, dict) or not isinstance(out, (tuple, list)) or len(out) != 3:
        return Problem("return the three numbers (b, c, p), e.g. as a tuple", "return type")
    got_b, got_c, p = out
    try:
        got_b, got_c = float(got_b), float(got_c)
    except (TypeError, ValueError):
        return Problem("b and c must be counts (numbers)", "return type")
    if (got_b, got_c) != (b, c):
        n_right_a, n_right_b = both_right + b, both_right + c
        named = {
            (c, b): ("b and c are swapped: b counts the points that A gets right and B wrong, "
                     "c the points that A gets wrong and B right", "swapped"),
            (both_right, wrong_same + wrong_apart): (
                "you counted the points where A and B agree (both right, both wrong): McNemar "
                "counts the disagreements, where exactly one of them is right", "agreements"),
            (wrong_same + wrong_apart, both_right): (
                "you counted the points where A and B agree (both wrong, both right): McNemar "
                "counts the disagreements, where exactly one of them is right", "agreements"),
            (n_right_a, n_right_b): (
                "those are the numbers of points each classifier gets right (their accuracies, "
                "an unpaired view): b and c count the points where exactly one is right",
                "accuracies"),
            (b, c + wrong_apart): (
                "c counts the points that B gets right and A wrong; you also counted points where "
                "both are wrong with different classes (their predictions differ, but neither "
                "is right)", "different predictions"),
            (b + wrong_apart, c): (
                "b counts the points that A gets right and B wrong; you also counted points where "
                "both are wrong with different classes (their predictions differ, but neither "
                "is right)", "different predictions"),
        }
        if (got_b, got_c) in named:
            return Problem(*named[got_b, got_c])
        return Problem(f"on a test with b = {b} points A right and B wrong and c = {c} the "
                       f"other way round, you returned b = {got_b:g}, c = {got_c:g}: compare "
                       f"each prediction with y, then count the points where exactly one of "
                       f"the two is right", "counts")
    if hasattr(p, "pvalue"):
        return Problem("p must be a number: take .pvalue of scipy's result", "return type")
    expected = min(1.0, 2 * _binom_cdf(min(b, c), b + c))
    problem = compare("p", p, expected,
                      mistakes=_p_mistakes(b, c, both_right, wrong_same, wrong_apart),
                      rtol=1e-6, atol=1e-12)
    if problem:
        return Problem(f"with b = {b}, c = {c}: {problem}", problem.mistake)
    return None


def check_mcnemar(student_fn):
    """Exercise: ``mcnemar(pred_a, pred_b, y)`` -> ``(b, c, p)``, McNemar's exact test."""

    def test(fn):
        for seed, case in enumerate(_MCNEMAR_CASES):
            pred_a, pred_b, y = _paired_predictions(*case, seed=10 * seed)
            out = fn(pred_a.copy(), pred_b.copy(), y.copy())
            problem = _judge_mcnemar(out, case, seed)
            if problem:
                return problem
        return None

    def test_no_disagreement(fn):
        # right and wrong on the same points: b = c = 0, nothing speaks against "equally good"
        pred_a, pred_b, y = _paired_predictions(*_NO_DISAGREEMENT, seed=90)
        try:
            out = fn(pred_a.copy(), pred_b.copy(), y.copy())
        except (ValueError, ZeroDivisionError) as err:
            return Problem(f"two classifiers that never disagree (b = c = 0) made your function "
                           f"fail ({type(err).__name__}: {err}). With no disagreement nothing "
                           f"speaks against equal accuracy: p = 1. scipy's binomtest(0, 0) "
                           f"refuses n = 0, so return p = 1 when b + c = 0", "b + c = 0")
        problem = _judge_mcnemar(out, _NO_DISAGREEMENT, 90)
        if problem:
            return Problem(f"{problem} (two classifiers that never disagree: p should be 1)",
                           problem.mistake)
        return None

    return run_checks("mcnemar", student_fn, [test, test_no_disagreement],
                      hint="pred_a, pred_b and y are integer arrays of one length; return "
                           "(b, c, p)")


# ---------------------------------------------------------------- decay_groups (PyTorch)
def _group_models():
    """The two models the check groups: (description, model, λ). Built from a fixed seed without
    touching the caller's random state (the notebook's later cells draw from it)."""
    import torch
    from torch import nn

    with torch.random.fork_rng():
        torch.manual_seed(0)
        mlp = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
        cnn = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                            nn.Linear(4 * 6 * 6, 16), nn.LayerNorm(16), nn.ReLU(),
                            nn.Linear(16, 3))
    return [("an MLP, nn.Sequential(Linear(2, 8), ReLU(), Dropout(0.5), Linear(8, 3))", mlp, 0.03),
            ("a small CNN, nn.Sequential(Conv2d(1, 4, 3), BatchNorm2d(4), ReLU(), Flatten(), "
             "Linear(144, 16), LayerNorm(16), ReLU(), Linear(16, 3))", cnn, 0.5)]


def _listed(names, limit=3):
    return ", ".join(repr(n) for n in names[:limit]) + (" ..." if len(names) > limit else "")


def _judge_groups(out, model, lam, what):
    import warnings

    import torch

    if isinstance(out, torch.optim.Optimizer):
        return Problem("return the parameter groups (a list of dicts), not an optimizer: the "
                       "caller builds its own, e.g. torch.optim.SGD(decay_groups(model, lam), "
                       "lr=0.3)", "return type")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt = torch.optim.SGD(out, lr=0.1)
    except (ValueError, TypeError) as err:
        if "more than one parameter group" in str(err):
            return Problem("a parameter is in two of your groups (torch.optim refuses that): put "
                           "each parameter in exactly one group", "twice")
        return Problem(f"torch.optim.SGD cannot use what you returned ({err}): return a list of "
                       "dicts such as [{'params': [...], 'weight_decay': lam}, "
                       "{'params': [...], 'weight_decay': 0.0}]", "return type")
    named = dict(model.named_parameters())
    owner = {id(p): name for name, p in named.items()}
    decay = {}
    for group in opt.param_groups:
        for p in group["params"]:
            if id(p) not in owner:
                return Problem("your groups hold tensors that are not the model's parameters "
                               "(copies, or detached tensors?): pass the parameters themselves, "
                               "from model.parameters() or model.named_parameters()", "foreign")
            decay[owner[id(p)]] = float(group["weight_decay"])
    frozen = [n for n, p in named.items() if not p.requires_grad]
    if frozen:
        return Problem(f"your function switched off requires_grad of {_listed(frozen)}: those "
                       "parameters must still train, only without weight decay", "froze")
    missing = [n for n in named if n not in decay]
    if missing:
        return Problem(f"{len(missing)} of the model's {len(named)} parameters are in no group "
                       f"({_listed(missing)}): an optimizer never updates a parameter it was not "
                       "given, so they would keep their initial values. Put every parameter in "
                       "exactly one group", "missing")
    weights = [n for n, p in named.items() if p.ndim >= 2]
    flat = [n for n in named if n not in weights]
    odd = sorted({decay[n] for n in weights} - {0.0, lam})
    if odd:
        return Problem(f"the weights get weight_decay {odd[0]:g} for lam = {lam:g}: give them "
                       "lam itself (the optimizer multiplies it by the learning rate)", "value")
    kind = {n: type(model.get_submodule(n.rpartition(".")[0])).__name__ for n in named}
    undecayed = [n for n in weights if decay[n] == 0.0]
    decayed_flat = [n for n in flat if decay[n] != 0.0]
    if undecayed == weights and decayed_flat == flat:
        return Problem("your groups are the wrong way round: the biases (and normalisation "
                       "parameters) are decayed, the weights are not", "swapped")
    if undecayed:
        convs = [n for n in undecayed if kind[n].startswith("Conv")]
        if convs == undecayed:
            return Problem(f"in {what}, the convolution's filters ({_listed(convs)}, "
                           f"{named[convs[0]].ndim}-D) are not decayed: they are weights like "
                           "a Linear layer's. A rule that lists only nn.Linear misses them: it "
                           "must catch every weight, whatever its layer",
                           "conv undecayed")
        return Problem(f"in {what}, these weights are not decayed: {_listed(undecayed)}; every "
                       "weight matrix and filter should get lam", "undecayed")
    if decayed_flat:
        biases = [n for n in decayed_flat if n.endswith("bias")]
        norms = [n for n in decayed_flat if "Norm" in kind[n]]
        if decayed_flat == flat:
            return Problem(f"in {what}, every parameter is decayed ({_listed(decayed_flat)} "
                           "included): that is weight_decay=lam on model.parameters(). Leave "
                           "the biases (and the scale and shift of normalisation layers) out: "
                           "they do not make the function steeper", "all decayed")
        if norms and set(biases) <= set(norms):
            layers = sorted({kind[n] for n in norms})
            return Problem(f"in {what}, the normalisation layers' parameters are decayed "
                           f"({_listed(norms)}, of {' and '.join(layers)}): they are 1-D and set "
                           "the scale and shift of a normalised signal, so decaying them fights "
                           "the normalisation. A rule by name ('bias', 'LayerNorm.weight') misses "
                           "them when the layers are named otherwise: what do these parameters "
                           "have in common, whatever their layer is called?", "norm decayed")
        if biases and not norms:
            return Problem(f"in {what}, the biases are decayed ({_listed(biases)}): a bias "
                           "multiplies no input, so it does not make the function steeper; "
                           "give it weight_decay 0", "bias decayed")
        return Problem(f"in {what}, these 1-D parameters are decayed: {_listed(decayed_flat)}; "
                       "only weight matrices and filters should be", "flat decayed")
    return None


def check_decay_groups(student_fn):
    """Exercise: ``decay_groups(model, weight_decay)`` -> parameter groups for ``torch.optim``
    that decay every weight matrix and filter and nothing else (not biases, not normalisation
    parameters). Tried on an MLP and on a small CNN with BatchNorm and LayerNorm."""

    def test(fn):
        for what, model, lam in _group_models():
            problem = _judge_groups(fn(model, lam), model, lam, what)
            if problem:
                return problem
        return None

    return run_checks("decay_groups", student_fn, [test],
                      hint="model is a torch.nn.Module; return a list of dicts, each with "
                           "'params' (a list of the model's parameters) and 'weight_decay'")


# ------------------------------------------------------------------------------ vanilla dropout
def check_vanilla_dropout(student_fn):
    """Exercise: ``vanilla_dropout(x, keep_prob, rng, training=True)`` (the original form)."""
    keep_prob = 0.8

    def test_training(fn):
        result = _survival(fn, _X, keep_prob, "keep_prob")
        if isinstance(result, str):
            return result
        out, kept, scale = result
        shared = _shared_mask(out, "rng.random(x.shape) < keep_prob")
        if shared:
            return shared
        if abs(kept - (1 - keep_prob)) < 0.02:
            return Problem(f"only {kept:.0%} of the entries survived: you dropped with "
                           "probability keep_prob. keep_prob is the probability to KEEP a unit: "
                           "keep where rng.random(x.shape) < keep_prob", "keep as rate")
        if abs(kept - keep_prob) > 0.02:
            return Problem(f"{kept:.0%} of the entries survived; with keep_prob={keep_prob} "
                           "about 80% should", "survival")
        if np.isclose(scale, 1 / keep_prob):
            return Problem("you scaled the survivors by 1/keep_prob during training: that is "
                           "inverted dropout. Vanilla dropout keeps survivors as they are and "
                           "scales at test time", "inverted")
        if np.isclose(scale, keep_prob):
            return Problem("you multiplied by keep_prob during training: that scaling belongs "
                           "to test time; during training keep the survivors as they are",
                           "test scale in training")
        if not np.isclose(scale, 1.0):
            return Problem("survivors must keep their value during training; yours are scaled "
                           f"by {scale:.3g}", "scale")
        return None

    def test_test_time(fn):
        out = fn(_X.copy(), keep_prob, np.random.default_rng(0), training=False)
        return compare("the test-time output", out, _X * keep_prob, mistakes=[
            Mistake("no test scale", "at test time every unit is present, so the next layer "
                    "would get 1/keep_prob times more input than during training: multiply x by "
                    "keep_prob", _X),
            Mistake("divided at test", "at test time multiply by keep_prob, do not divide (the "
                    "units were present only a fraction keep_prob of the time during training)",
                    _X / keep_prob),
        ])

    def test_keep_all(fn):
        out = fn(_X.copy(), 1.0, np.random.default_rng(0))
        if not np.array_equal(np.asarray(out), _X):
            return Problem("with keep_prob = 1 nothing is dropped: training must return x "
                           "unchanged", "keep 1")
        return None

    return run_checks("vanilla_dropout", student_fn,
                      [test_training, test_test_time, test_keep_all,
                       lambda fn: _uses_rng(fn, _X, keep_prob)],
                      hint="x is an array; keep_prob a float in (0, 1]; rng a numpy Generator")
