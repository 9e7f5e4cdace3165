"""Checks for the exercises of notebook 03 (L2 regularisation, weight decay and dropout).

The dropout checks do not insist on one particular way of drawing the mask: they look at what
fraction of the entries survives (over 100 000 entries, so the count is precise to about 0.5%),
by how much the survivors are scaled, and what happens at test time.
"""

from __future__ import annotations

import numpy as np

from ..solutions import regularization as ref
from ._core import compare, run_checks

__all__ = ["check_l2_update", "check_vanilla_dropout", "check_dropout_forward",
           "check_dropout_backward", "check_adam_step"]

# A weight vector with both signs, and a data gradient that is not parallel to it.
_W = np.array([2.0, -1.5, 0.5, -0.25, 0.0, 3.0])
_G = np.array([0.4, 0.1, -0.3, 0.2, -0.5, -0.1])
_LR, _LAM = 0.1, 0.5


def check_l2_update(student_fn):
    """Exercise: ``l2_update(w, grad, lr, lam)``, one step on ``loss + (lam/2)·‖w‖²``."""

    def test(fn):
        w, g, lr, lam = _W, _G, _LR, _LAM
        got = fn(w.copy(), g.copy(), lr, lam)
        return compare("the updated w", got, ref.l2_update(w, g, lr, lam), mistakes={
            "the decay has the wrong sign: the penalty's gradient lam·w is *subtracted* "
            "(times lr), so the weight is multiplied by (1 - lr·lam), a number below 1":
                (1 + lr * lam) * w - lr * g,
            "the decay is missing the learning rate: the step is lr times the whole gradient "
            "(grad + lam·w), so the factor is (1 - lr·lam), not (1 - lam)":
                (1 - lam) * w - lr * g,
            "the decay is twice too strong: the gradient of (lam/2)·w² is lam·w, not 2·lam·w":
                (1 - 2 * lr * lam) * w - lr * g,
            "the decay is half as strong as it should be: the gradient of (lam/2)·w² is lam·w":
                (1 - lr * lam / 2) * w - lr * g,
            "you shrank the data-gradient step too: only the old weight is multiplied by "
            "(1 - lr·lam); then subtract lr·grad": (1 - lr * lam) * (w - lr * g),
            "the data-loss step is missing: subtract lr·grad as well":
                (1 - lr * lam) * w,
            "the data-loss step goes uphill: subtract lr·grad, do not add it":
                (1 - lr * lam) * w + lr * g,
            "that is the L1 update (lam·sign(w)); here the penalty is (lam/2)·w², "
            "whose gradient is lam·w": w - lr * lam * np.sign(w) - lr * g,
        })

    return run_checks("l2_update", student_fn, [test],
                      hint="w and grad are arrays of the same shape; lr and lam are floats")


def _survival(fn, x, param, name):
    """Call ``fn`` in training mode; return (output, fraction kept, survivor scale) or a message."""
    x_in = x.copy()
    out = fn(x_in, param, np.random.default_rng(7))
    if not np.array_equal(x_in, x):
        return "x was changed in place: return a new array (e.g. x * mask), leave x as it was"
    try:
        out = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        return f"return an array, got {type(out).__name__}"
    if out.shape != x.shape:
        return f"the output should have x's shape {x.shape}, yours has shape {out.shape}"
    kept = out != 0
    if not kept.any():
        return f"every entry was dropped (with {name}={param})"
    ratios = out[kept] / x[kept]
    if not np.allclose(ratios, ratios[0], rtol=1e-6):
        return ("each entry must be either 0 or the input times one common factor; yours are "
                "scaled by different amounts (use one mask of 0/1 and one scale)")
    return out, float(kept.mean()), float(ratios[0])


def _uses_rng(fn, x, param):
    a = fn(x.copy(), param, np.random.default_rng(3))
    b = fn(x.copy(), param, np.random.default_rng(3))
    c = fn(x.copy(), param, np.random.default_rng(4))
    if not np.array_equal(a, b) or np.array_equal(a, c):
        return ("draw the random numbers from the rng argument (e.g. rng.random(x.shape)), "
                "not from np.random: the same rng seed must give the same mask")
    return None


_X = 1.0 + np.random.default_rng(11).random((200, 500))    # all entries nonzero


def check_vanilla_dropout(student_fn):
    """Exercise: ``vanilla_dropout(x, keep_prob, rng, training=True)`` (the original form)."""
    keep_prob = 0.8

    def test_training(fn):
        result = _survival(fn, _X, keep_prob, "keep_prob")
        if isinstance(result, str):
            return result
        _, kept, scale = result
        if abs(kept - (1 - keep_prob)) < 0.02:
            return (f"only {kept:.0%} of the entries survived: you dropped with probability "
                    "keep_prob. keep_prob is the probability to KEEP a unit: keep where "
                    "rng.random(x.shape) < keep_prob")
        if abs(kept - keep_prob) > 0.02:
            return (f"{kept:.0%} of the entries survived; with keep_prob={keep_prob} about 80% "
                    "should")
        if np.isclose(scale, 1 / keep_prob):
            return ("you scaled the survivors by 1/keep_prob during training: that is inverted "
                    "dropout. Vanilla dropout keeps survivors as they are and scales at test time")
        if np.isclose(scale, keep_prob):
            return ("you multiplied by keep_prob during training: that scaling belongs to test "
                    "time; during training keep the survivors as they are")
        if not np.isclose(scale, 1.0):
            return ("survivors must keep their value during training; yours are scaled by "
                    f"{scale:.3g}")
        return None

    def test_test_time(fn):
        out = fn(_X.copy(), keep_prob, np.random.default_rng(0), training=False)
        return compare("the test-time output", out, _X * keep_prob, mistakes={
            "at test time every unit is present, so the next layer would get 1/keep_prob times "
            "more input than during training: multiply x by keep_prob": _X,
            "at test time multiply by keep_prob, do not divide (the units were present only a "
            "fraction keep_prob of the time during training)": _X / keep_prob,
        })

    def test_keep_all(fn):
        out = fn(_X.copy(), 1.0, np.random.default_rng(0))
        if not np.array_equal(np.asarray(out), _X):
            return "with keep_prob = 1 nothing is dropped: training must return x unchanged"
        return None

    return run_checks("vanilla_dropout", student_fn,
                      [test_training, test_test_time, test_keep_all,
                       lambda fn: _uses_rng(fn, _X, keep_prob)],
                      hint="x is an array; keep_prob a float in (0, 1]; rng a numpy Generator")


def check_dropout_forward(student_fn):
    """Exercise: ``dropout_forward(x, rate, rng, training=True)`` -> ``(out, keep)``, inverted."""
    rate = 0.3

    def split(result):
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return None, None, "return a pair (out, keep): the output and the mask you used"
        out, keep = result
        try:
            keep = np.asarray(keep)
        except (TypeError, ValueError):
            return None, None, "keep must be an array (the mask)"
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
            return str(feedback)
        if isinstance(result, str):
            return result
        _, kept, scale = result
        if abs(kept - rate) < 0.02:
            return (f"only {kept:.0%} of the entries survived: you dropped with the keep "
                    "probability 1 - rate. rate is the probability to DROP a unit: keep where "
                    "rng.random(x.shape) >= rate")
        if abs(kept - (1 - rate)) > 0.02:
            return f"{kept:.0%} of the entries survived; with rate={rate} about 70% should"
        if np.isclose(scale, 1.0):
            return ("the survivors are not scaled: inverted dropout divides them by (1 - rate) "
                    "during training, so the expected output equals x")
        if np.isclose(scale, 1 - rate):
            return "divide the survivors by (1 - rate), do not multiply by it"
        if np.isclose(scale, 1 / rate):
            return "divide by the keep probability (1 - rate), not by rate"
        if not np.isclose(scale, 1 / (1 - rate)):
            return (f"survivors should be scaled by 1/(1 - rate) = {1 / (1 - rate):.4g}, yours "
                    f"by {scale:.4g}")
        return None

    def test_mask(fn):
        out, keep, problem = split(fn(_X.copy(), rate, np.random.default_rng(5)))
        if problem:
            return problem
        if keep.shape != _X.shape:
            return f"keep must have x's shape {_X.shape}, yours has shape {keep.shape}"
        if not np.array_equal(keep.astype(bool), keep.astype(float) != 0) or \
                not set(np.unique(keep.astype(float))) <= {0.0, 1.0}:
            return "keep must be a mask of True/False (or 1/0) values, not the scaled factors"
        keep = keep.astype(bool)
        if np.array_equal(np.asarray(out) != 0, ~keep):
            return ("keep is inverted: it must be True where an entry SURVIVED (the backward "
                    "pass lets the gradient through exactly there)")
        if not np.array_equal(np.asarray(out) != 0, keep):
            return ("the mask you return is not the one you used: the backward pass needs the "
                    "very same mask, so return the array you multiplied x by (before scaling)")
        return None

    def test_eval_and_rate_zero(fn):
        for training, r, what in [(False, rate, "in evaluation mode"), (True, 0.0, "with rate 0")]:
            out, keep, problem = split(fn(_X.copy(), r, np.random.default_rng(0),
                                          training=training))
            if problem:
                return problem
            if not np.array_equal(np.asarray(out), _X):
                return f"{what} nothing is dropped and nothing scaled: out must be x exactly"
            if keep.shape != _X.shape or not np.all(keep):
                return (f"{what} every entry survives: keep must be all True "
                        "(np.ones(x.shape, dtype=bool))")
        return None

    def test_rng(fn):
        return _uses_rng(as_single(fn), _X, rate)

    return run_checks("dropout_forward", student_fn,
                      [test_training, test_mask, test_eval_and_rate_zero, test_rng],
                      hint="x is an array; rate a float in [0, 1); rng a numpy Generator; "
                           "return (out, keep)")


class _Feedback(Exception):
    """Internal: a message for the student raised from inside a wrapped call."""


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
        if not (np.array_equal(dout_in, dout) and np.array_equal(keep_in, keep)):
            return "dout or keep was changed in place: return a new array"
        # the forward pass with this mask held fixed is linear in x: differentiate it numerically
        numeric = numerical_gradient(lambda x_: float(np.sum(dout * (x_ * keep / (1 - rate)))),
                                     x.copy())
        scaled = dout * keep
        problem = compare("dL/dx", got, numeric, mistakes={
            "the survivors' gradient is not scaled: the forward pass divided by (1 - rate), so "
            "the backward pass must too": scaled,
            "multiply by 1/(1 - rate), not by (1 - rate)": scaled * (1 - rate),
            "divide by the keep probability (1 - rate), not by rate": scaled / rate,
            "the gradient flows where keep is False: it must pass only where the entry survived "
            "(multiply by keep, not by ~keep or 1 - keep)": dout * ~keep / (1 - rate),
            "the mask is missing: a dropped entry did not influence the output, so its gradient "
            "is 0 (multiply by keep)": dout / (1 - rate),
            "you returned dout unchanged: apply the forward pass's mask and scale": dout,
        }, rtol=1e-6, atol=1e-8)
        got = np.asarray(got, dtype=float)
        if problem and "wrong values" in problem and (np.any(got[~keep] != 0)
                                                      or np.any(got[keep] == 0)):
            return ("your gradient is zero in other places than the mask says: reuse the keep "
                    "mask you are given, never draw a new one in the backward pass")
        return problem

    return run_checks("dropout_backward", student_fn, [test],
                      hint="dout is dL/dout, keep the boolean mask of the forward pass, rate "
                           "the drop probability; return dL/dx of x's shape")


def check_adam_step(student_fn):
    """Exercise: ``adam_step(w, g, m, v, t, *, lr, lam, decoupled)`` -> ``(w, m, v)``, Adam + L2
    (coupled) or AdamW (decoupled), run for three steps on a quadratic and compared."""
    h, c = np.array([0.1, 1.0, 10.0]), np.array([2.0, -3.0, 1.0])
    lr, lam = 0.1, 0.2

    def run(fn, decoupled, steps=3):
        w, m, v = np.array([1.5, 1.0, -1.0]), np.zeros(3), np.zeros(3)
        for t in range(1, steps + 1):
            out = fn(w.copy(), h * (w - c), m.copy(), v.copy(), t, lr=lr, lam=lam,
                     decoupled=decoupled)
            if not isinstance(out, (tuple, list)) or len(out) != 3:
                raise _Feedback("return the three arrays (w, m, v)")
            w, m, v = (np.asarray(a, dtype=float) for a in out)
        return w

    def variant(decoupled, **change):
        def fn(w, g, m, v, t, *, lr, lam, decoupled=decoupled):
            b1, b2, eps = 0.9, 0.999, 1e-8
            if change.get("swap"):
                decoupled = not decoupled
            if decoupled and not change.get("after"):
                w = w * (1 - (1 if change.get("no_lr") else lr) * lam)
            elif not decoupled:
                g = g + lam * w
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * (g if change.get("v_not_squared") else g**2)
            if change.get("no_correction"):
                m_hat, v_hat = m, v
            else:
                m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
            w = w - lr * m_hat / (np.sqrt(np.abs(v_hat)) + eps)
            if decoupled and change.get("after"):
                w = w * (1 - lr * lam)
            return w, m, v
        return fn

    def test(fn):
        for decoupled in (False, True):
            try:
                got = run(fn, decoupled)
            except _Feedback as feedback:
                return str(feedback)
            name = "AdamW (decoupled=True)" if decoupled else "Adam + L2 (decoupled=False)"
            with np.errstate(all="ignore"):
                mistakes = {
                    "coupled and decoupled are swapped: decoupled=True shrinks w directly "
                    "(w *= 1 - lr·lam), decoupled=False adds lam·w to the gradient":
                        run(variant(decoupled, swap=True), decoupled),
                    "the bias correction is missing: divide m by (1 - b1**t) and v by "
                    "(1 - b2**t)": run(variant(decoupled, no_correction=True), decoupled),
                    "v is the running average of the *squared* gradient (g**2)":
                        run(variant(decoupled, v_not_squared=True), decoupled),
                }
                if decoupled:
                    mistakes["the decoupled decay is multiplied by the learning rate in "
                             "PyTorch and Keras: w *= 1 - lr·lam, not 1 - lam"] = run(
                        variant(decoupled, no_lr=True), decoupled)
                    mistakes["shrink w before the Adam step (as torch.optim.AdamW does), "
                             "not after it: otherwise the step itself is shrunk too"] = run(
                        variant(decoupled, after=True), decoupled)
            problem = compare(f"w after 3 steps of {name}", got, run(ref.adam_step, decoupled),
                              mistakes=mistakes, rtol=1e-7, atol=1e-10)
            if problem:
                return f"{name}: {problem}"
        return None

    return run_checks("adam_step", student_fn, [test],
                      hint="w, g, m, v are arrays of one shape, t starts at 1; return the new "
                           "(w, m, v)")
