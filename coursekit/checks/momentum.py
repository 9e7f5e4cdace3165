"""Checks for the exercises of notebook 04 (momentum as an exponentially weighted average).

Each check runs the student's function on several test vectors (different lengths, betas, step
counts and learning rates) and names the typical mistake it recognises. The prediction of what
the decay does under Adam (``check_predict_decay``) accepts Adam + L2's answer within 10 %: it is
a model (a step of about lr per step), and a student who simulates instead gets a little less.
The Adam check declares one family of mistakes (the Adam update itself, then coupled L2 and
decoupled weight decay) and names a mistake only when it explains the student's results on every
test vector, in all three outputs or in the first output it gets wrong.
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import ewa as _ewa_module
from .. import optim as _optim_module
from ..solutions import momentum as ref
from ._core import Mistake, Problem, _as_array, compare, run_checks, watch_calls

__all__ = ["check_ewa_corrected", "check_corrected_velocity_step", "check_tuned_momentum",
           "check_predict_decay", "check_adam_step"]

_rng = np.random.default_rng(4)
# (sequence, beta) pairs: a noisy level, a short ramp, a longer signal with a larger beta
_EWA_CASES = [(2.0 + _rng.normal(size=12), 0.8), (np.array([1.0, -3.0, 0.5, 4.0]), 0.5),
              (np.cos(np.arange(30) / 4.0) + 0.3 * _rng.normal(size=30), 0.95)]
# (x, v, grad, lr, prev_lr, beta) for one step of the Keras form with momentum correction.
# No learning rate equals 1 - beta and no ratio lr/prev_lr equals beta or 1 - beta, so that
# no two mistakes give the same numbers by accident.
_VELOCITY_CASES = [
    (np.array([1.0, -2.0, 0.5]), np.array([-0.3, 0.2, 0.05]), np.array([0.4, -1.0, 0.6]),
     0.04, 0.4, 0.8),                                       # the learning rate drops ten-fold
    (np.array([0.2, 0.7]), np.array([0.1, -0.4]), np.array([-0.5, 0.3]), 0.3, 0.1, 0.9),  # rises
    (np.array([1.5, -0.5, 2.0]), np.zeros(3), np.array([0.7, 0.2, -0.9]), 0.2, 0.2, 0.9),  # t = 1
    (_rng.normal(size=(2, 3)), 0.1 * _rng.normal(size=(2, 3)), _rng.normal(size=(2, 3)),
     0.02, 0.02, 0.99),                                     # a constant learning rate
]
# (h_min, h_max), the smallest and largest curvature, for the tuned-momentum exercise
_TUNED_CASES = [(0.01, 1.0), (0.0025, 1.0), (0.5, 8.0)]
# (x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, decoupled) for one Adam step. Case 0
# has a squared gradient below v (AMSGrad's maximum differs from v there), case 3 gradients so
# small that sqrt(v_hat) is as small as eps (where eps sits shows), cases 4-7 weight decay with
# a coordinate the data gradient leaves alone, case 8 an eps as large as sqrt(v_hat) (an eps of
# one's own shows).
_ADAM_CASES = [
    (np.array([1.0, -2.0, 0.5]), np.array([0.05, -0.2, 0.1]), np.array([0.01, 0.3, 0.02]),
     np.array([0.2, -0.1, 0.6]), 3, 0.1, 0.9, 0.95, 1e-8, 0.0, False),
    (np.array([0.5, 1.5]), np.zeros(2), np.zeros(2), np.array([-0.4, 2.0]), 1, 0.01, 0.9, 0.999,
     1e-8, 0.0, False),
    (_rng.normal(size=5), 0.1 * _rng.normal(size=5), 0.05 * _rng.uniform(size=5),
     _rng.normal(size=5), 10, 0.003, 0.8, 0.99, 1e-3, 0.0, False),
    (np.array([0.3, -0.2, 1.0]), np.array([2e-7, -1e-7, 5e-7]), np.array([4e-14, 1e-14, 2e-13]),
     np.array([1e-6, -2e-7, 3e-7]), 4, 0.01, 0.9, 0.999, 1e-7, 0.0, False),
    (np.array([2.0, -1.0, 0.5]), np.array([0.1, -0.3, 0.0]), np.array([0.02, 0.1, 0.01]),
     np.array([0.5, -0.8, 0.0]), 5, 0.1, 0.9, 0.999, 1e-8, 0.5, False),
    (np.array([2.0, -1.0, 0.5]), np.array([0.1, -0.3, 0.0]), np.array([0.02, 0.1, 0.01]),
     np.array([0.5, -0.8, 0.0]), 5, 0.1, 0.9, 0.999, 1e-8, 0.5, True),
    (np.array([1.0, 3.0]), np.zeros(2), np.zeros(2), np.array([0.0, 0.6]), 1, 0.05, 0.8, 0.99,
     1e-8, 0.2, False),
    (np.array([1.0, 3.0]), np.zeros(2), np.zeros(2), np.array([0.0, 0.6]), 1, 0.05, 0.8, 0.99,
     1e-8, 0.2, True),
    (np.array([1.0, -0.5]), np.array([0.01, -0.02]), np.array([1e-4, 4e-4]),
     np.array([0.05, -0.1]), 2, 0.1, 0.9, 0.99, 0.1, 0.0, False),
]


def _ewa_variant(values, beta, *, new_weight, old_weight, divisor=None, start_at_first=False,
                 feed_back=False):
    """The EWA with the weights a typical mistake uses; ``divisor(t)`` divides if given.

    ``feed_back``: the corrected value replaces m in the recursion (a typical slip).
    """
    out, m = np.empty(len(values)), 0.0
    for t, x in enumerate(values, start=1):
        m = x if (start_at_first and t == 1) else old_weight * m + new_weight * x
        out[t - 1] = m / divisor(t) if divisor else m
        if feed_back:
            m = out[t - 1]
    return out


def _power(shift=0):
    """The divisor 1 - beta**(t + shift), as a function of beta and t."""
    return lambda beta: (lambda t: 1 - beta ** (t + shift))


_T_FROM_ZERO = Problem("the first value came out as NaN or inf: t starts at 1, so the first "
                       "correction divides by 1 - beta**1; with t = 0 (or the exponent t - 1) "
                       "you divided by 1 - beta**0 = 0", "t from 0")


_CALLED_EWA = Problem("your function calls the course's `ewa` (coursekit.ewa), which the exercise "
                      "rules out: write the recursion m_t = beta*m_(t-1) + (1 - beta)*x_t and "
                      "its correction yourself, with a loop", "called ewa")


_CALLED_OPTIMAL = Problem("your function calls the course's `optim.optimal_momentum`, which "
                          "answers the exercise: derive beta and PyTorch's learning rate from "
                          "the two ends of the band yourself (two equations, two unknowns)",
                          "called optimal_momentum")


def _integer_dtype(values) -> str | None:
    """The name of the integer dtype of ``values`` (an array, tensor or list), else None."""
    try:
        dtype = _as_array(values).dtype
    except (TypeError, ValueError):
        return None
    return str(dtype) if dtype.kind in "iub" else None


def check_ewa_corrected(student_fn):
    """Exercise: ``ewa_corrected(values, beta)``: the bias-corrected EWA, one value per step.

    The exercise asks for a loop of one's own: a function that calls ``coursekit.ewa.ewa`` (under
    any name) is rejected, whatever it returns."""

    def test_sequences(fn):
        for seq, beta in _EWA_CASES:
            try:
                with watch_calls(_ewa_module.ewa.__code__) as calls:
                    got = fn(seq.copy(), beta)
            except ZeroDivisionError:
                return _T_FROM_ZERO
            if calls:
                return _CALLED_EWA
            shaped = np.asarray(got, dtype=float) if np.ndim(got) == 1 else None
            if (shaped is not None and len(shaped) == len(seq) and not np.isfinite(shaped[0])
                    and np.all(np.isfinite(shaped[1:]))):
                return _T_FROM_ZERO
            if (shaped is not None and len(shaped) == len(seq) and _integer_dtype(got)
                    and not np.allclose(shaped, ref.ewa_corrected(seq, beta))):
                return Problem(f"your averages came back as whole numbers ({_integer_dtype(got)})"
                               ": storing a float in an integer array cuts it to an integer. "
                               "Create the output with a float dtype, e.g. "
                               "np.zeros(len(values)), not dtype=int", "integer output")
            if shaped is not None and len(shaped) == len(seq) + 1:
                return Problem(f"you returned {len(seq) + 1} values for {len(seq)} inputs: leave "
                               "out the start value m_0 = 0 and return one value per step, "
                               "m_hat_1 ... m_hat_T", "m0 included")
            same = dict(new_weight=1 - beta, old_weight=beta)
            swapped = dict(new_weight=beta, old_weight=1 - beta)
            right = _power()(beta)
            last = 1 - beta ** len(seq)  # the last step's divisor
            problem = compare(f"your EWA (beta = {beta}, {len(seq)} values)", got,
                              ref.ewa_corrected(seq, beta), mistakes=[
                Mistake("no correction", "no bias correction: divide m_t by (1 - beta**t), "
                        "t = 1, 2, ... (the first values are pulled towards the start value 0)",
                        _ewa_variant(seq, beta, **same)),
                Mistake("multiplied", "you multiplied m_t by (1 - beta**t): divide by it. The "
                        "weights on the data add up to 1 - beta**t, less than 1, so the "
                        "correction must make the early averages larger",
                        _ewa_variant(seq, beta, **same,
                                     divisor=lambda t, b=beta: 1 / (1 - b**t))),
                Mistake("fed back", "you fed the corrected value back into the recursion: keep "
                        "the raw m_t for the next step (m_t = beta*m_(t-1) + (1 - beta)*x_t) and "
                        "divide only the value you return",
                        _ewa_variant(seq, beta, **same, divisor=right, feed_back=True)),
                Mistake("weights swapped", "(1 - beta) is on the wrong term: the old average "
                        "keeps weight beta, the new value gets (1 - beta)",
                        _ewa_variant(seq, beta, **swapped, divisor=right)),
                Mistake("weights swapped, no correction", "(1 - beta) is on the wrong term (and "
                        "the bias correction is missing): m_t = beta*m_(t-1) + (1 - beta)*x_t",
                        _ewa_variant(seq, beta, **swapped)),
                Mistake("t + 1", "the correction is off by one step: the first step is t = 1, "
                        "so divide by (1 - beta**1) there, not by (1 - beta**2)",
                        _ewa_variant(seq, beta, **same, divisor=_power(1)(beta))),
                Mistake("(1-beta)**t", "you divided by (1 - beta)**t: the weight that is really "
                        "there after t steps is 1 - beta**t (the power is on beta alone)",
                        _ewa_variant(seq, beta, **same, divisor=lambda t, b=beta: (1 - b) ** t)),
                Mistake("forgot (1-beta)", "your averages are 1/(1 - beta) times too large: "
                        "the new value enters with weight (1 - beta), m_t = beta*m_(t-1) + "
                        "(1 - beta)*x_t; without it m_t is momentum's running sum, not an "
                        "average", _ewa_variant(seq, beta, new_weight=1.0, old_weight=beta,
                                                divisor=right)),
                Mistake("divided by 1 - beta", "you computed momentum's running sum b_t = "
                        "beta*b_(t-1) + x_t, which grows towards x/(1 - beta): either you "
                        "divided by (1 - beta) or the new value lacks its weight (1 - beta). "
                        "The average is m_t = beta*m_(t-1) + (1 - beta)*x_t, and its divisor "
                        "changes with the step: 1 - beta**t",
                        _ewa_variant(seq, beta, **same, divisor=lambda t, b=beta: 1 - b)),
                Mistake("last divisor", "you divided every average by the last step's "
                        "(1 - beta**T): each step t has its own divisor 1 - beta**t, small at "
                        "the start, close to 1 later",
                        _ewa_variant(seq, beta, **same, divisor=lambda t, d=last: d)),
                Mistake("start at x1", "you started the average at the first value (m_1 = x_1): "
                        "start at m_0 = 0 and correct the bias instead",
                        _ewa_variant(seq, beta, **same, start_at_first=True)),
                Mistake("start at x1 and correct", "you started the average at the first value "
                        "(m_1 = x_1) and corrected it as well: the correction 1 - beta**t "
                        "undoes the pull of m_0 = 0, so start at m_0 = 0",
                        _ewa_variant(seq, beta, **same, divisor=right, start_at_first=True)),
            ])
            if problem:
                return problem
        return None

    def test_constant(fn):
        got = fn(np.full(5, 3.0), 0.9)
        return compare("the corrected EWA of a constant 3.0", got, np.full(5, 3.0))

    return run_checks("ewa_corrected", student_fn, [test_sequences, test_constant],
                      hint="values is a 1-D array; return an array of the same length")


def _pair(result, what: str):
    """The two arrays of a returned pair, or a Problem saying what was returned instead."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return Problem(f"return two arrays, {what} (a tuple or a list), got "
                       f"{type(result).__name__}", "return type")
    return result


def check_corrected_velocity_step(student_fn):
    """Exercise: ``corrected_velocity_step(x, v, grad, lr, prev_lr, beta) -> (new_x, new_v)``:
    Keras's momentum form whose trajectory stays PyTorch's when the learning rate changes.

    Float64 only: the cell after the exercise compares the whole run with PyTorch's to 1e-12."""

    def test(fn):
        for x, v, grad, lr, prev_lr, beta in _VELOCITY_CASES:
            result = _pair(fn(x.copy(), v.copy(), grad.copy(), lr, prev_lr, beta),
                           "new_x then new_v")
            if isinstance(result, Problem):
                return result
            new_x, new_v = ref.corrected_velocity_step(x, v, grad, lr, prev_lr, beta)
            got_x, got_v = (_as_array(a) for a in result)
            if (got_x.shape == new_v.shape and not np.allclose(new_x, new_v)
                    and np.allclose(got_x, new_v) and np.allclose(got_v, new_x)):
                return Problem("you returned (new_v, new_x): return the new x first, then the "
                               "new velocity", "order")
            ratio = lr / prev_lr
            where = f" (test with lr = {lr}, prev_lr = {prev_lr}, beta = {beta})"
            b = -v / prev_lr                        # PyTorch's buffer before this step
            problem = (
                compare("new_v", got_v, new_v, allow_float32=False, mistakes=[
                    Mistake("no correction", "new_v is Keras's plain update beta*v - lr*grad: "
                            "when the learning rate changes, the old velocity still carries "
                            "the old rate. Rescale it so that v = -lr*b holds for the new lr",
                            beta * v - lr * grad),
                    Mistake("ratio inverted", "the correction is upside down: the old velocity "
                            "was built with prev_lr and must now carry lr, so it is multiplied "
                            "by lr/prev_lr, not prev_lr/lr", beta * v / ratio - lr * grad),
                    Mistake("times lr", "you multiplied the old velocity by lr: it already "
                            "carries prev_lr, so multiply by the ratio lr/prev_lr",
                            beta * lr * v - lr * grad),
                    Mistake("divided only", "you divided the old velocity by prev_lr (that "
                            "gives PyTorch's buffer, up to the sign) but did not multiply by "
                            "the new lr", beta * v / prev_lr - lr * grad),
                    Mistake("old lr on gradient", "the new gradient gets the new learning rate "
                            "lr, not prev_lr", beta * ratio * v - prev_lr * grad),
                    Mistake("old lr everywhere", "new_v uses the old learning rate prev_lr for "
                            "the gradient and no correction: the step must use the new lr",
                            beta * v - prev_lr * grad),
                    Mistake("buffer returned", "you returned PyTorch's buffer b, not Keras's "
                            "velocity: the velocity is v = -lr*b", beta * b + grad),
                    Mistake("gradient sign", "the gradient enters the velocity with a minus "
                            "sign (v = ... - lr*grad): the velocity points downhill",
                            beta * ratio * v + lr * grad),
                    Mistake("rescaled whole", "you rescaled the whole new velocity, new "
                            "gradient included: the term lr*grad already carries the new rate; "
                            "only the old velocity, built with prev_lr, needs the factor",
                            ratio * (beta * v - lr * grad)),
                    Mistake("beta dropped", "beta is missing: the old velocity still decays by "
                            "beta at every step, as well as being rescaled", ratio * v - lr * grad),
                    Mistake("EWA form", "that is the EWA form's average, beta*v + (1 - beta)*grad "
                            "(deeplearning.ai's update_parameters_with_momentum), not Keras's "
                            "velocity: Keras's velocity carries the learning rate (section 3's "
                            "table)", beta * v + (1 - beta) * grad),
                    Mistake("EWA form corrected", "that is the EWA form's average, beta*v + "
                            "(1 - beta)*grad, with the rate ratio: this exercise uses Keras's "
                            "velocity, which carries the learning rate (section 3's table)",
                            beta * ratio * v + (1 - beta) * grad),
                    Mistake("EWA scaling", "the gradient term carries a factor (1 - beta), as "
                            "in the EWA form: Keras's velocity adds the gradient times the "
                            "learning rate alone (section 3's table)",
                            beta * ratio * v - (1 - beta) * lr * grad),
                    Mistake("EWA scaling uncorrected", "two slips: the gradient term carries "
                            "the EWA form's factor (1 - beta), and the old velocity is not "
                            "rescaled for the new learning rate",
                            beta * v - (1 - beta) * lr * grad),
                    Mistake("buffer form", "that is PyTorch's buffer update beta*b + grad applied "
                            "to Keras's velocity v: the velocity carries the learning rate "
                            "(v = -lr*b)", beta * v + grad),
                    Mistake("positive velocity", "your velocity points uphill (v = beta*v + "
                            "lr*grad, then x - v): in Keras's form the velocity points "
                            "downhill and new_x = x + new_v", beta * v + lr * grad),
                ])
                or compare("new_x", got_x, new_x, allow_float32=False, mistakes=[
                    Mistake("x minus v", "in Keras's form the velocity already points downhill: "
                            "new_x = x + new_v, not x - new_v", x - new_v),
                    Mistake("old v", "x moved with the old velocity: update v first, then "
                            "new_x = x + new_v", x + v),
                    Mistake("nesterov", "that is Nesterov's look-ahead step, x + beta*new_v - "
                            "lr*grad: this exercise is plain momentum, new_x = x + new_v",
                            x + beta * new_v - lr * grad),
                ])
            )
            if problem:
                return Problem(problem + where, problem.mistake)
        return None

    return run_checks("corrected_velocity_step", student_fn, [test],
                      hint="x, v and grad are arrays of one shape; lr, prev_lr and beta are "
                           "numbers; return (new_x, new_v)")


def _numbers(result, n: int, what: str):
    """The ``n`` numbers of a returned tuple, list or 1-D array, or a Problem saying what to
    return instead."""
    if isinstance(result, (tuple, list)) and len(result) == n:
        return list(result)
    try:
        array = _as_array(result)
    except (TypeError, ValueError):
        array = None
    if array is not None and array.shape == (n,) and array.dtype.kind in "iuf":
        return list(array)
    return Problem(f"return {what} (a tuple, a list or an array of {n} numbers), got "
                   f"{type(result).__name__}", "return type")


def _rounded_speedups(speedups) -> list:
    """The speed-ups of ``_TUNED_CASES`` from iteration counts rounded to whole numbers, if one
    tolerance (1, 2 or 5 times 10**-k, k = 1 ... 16) and one rounding (ceil, floor, round) give
    all of ``speedups``; else a list of None. Named only when it explains every case: a single
    rounded ratio near the answer could be a coincidence."""
    try:
        got = [float(_as_array(s).reshape(-1)[0]) for s in speedups]
    except (TypeError, ValueError, IndexError):
        return [None] * len(_TUNED_CASES)
    for rounding in (np.ceil, np.floor, np.round):
        for tol in (m * 10.0**-k for k in range(1, 17) for m in (1, 2, 5)):
            ratios = []
            for h_min, h_max in _TUNED_CASES:
                kappa = h_max / h_min
                rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
                n_gd = rounding(np.log(tol) / np.log((kappa - 1) / (kappa + 1)))
                n_mom = rounding(np.log(tol) / np.log(rate))
                ratios.append(n_gd / n_mom if n_mom else np.inf)
            if np.allclose(got, ratios, rtol=1e-6, atol=0):
                return ratios
    return [None] * len(_TUNED_CASES)


def check_tuned_momentum(student_fn):
    """Exercise: ``tuned_momentum(h_min, h_max) -> (lr_ewa, beta, speedup)``.

    The exercise asks for a derivation: a function that calls ``coursekit.optim.optimal_momentum``
    (under any name) is rejected, whatever it returns."""

    def test(fn):
        results = []
        for h_min, h_max in _TUNED_CASES:
            with watch_calls(_optim_module.optimal_momentum.__code__) as calls:
                answer = fn(h_min, h_max)
            if calls:
                return _CALLED_OPTIMAL
            result = _numbers(answer, 3, "three numbers: lr_ewa, beta, speedup (in that order)")
            if isinstance(result, Problem):
                return result
            results.append(result)
        rounded = _rounded_speedups([result[2] for result in results])
        for (h_min, h_max), result, ceiled in zip(_TUNED_CASES, results, rounded, strict=True):
            lr_ewa, beta, speedup = ref.tuned_momentum(h_min, h_max)
            kappa = h_max / h_min
            rate = np.sqrt(beta)
            rate_gd = (kappa - 1) / (kappa + 1)
            lr_torch = lr_ewa * (1 - beta)
            where = f" (h_min = {h_min}, h_max = {h_max})"
            problem = (
                compare("beta", result[1], beta, mistakes=[
                    Mistake("beta is the rate", "beta is the rate at which the error shrinks: "
                            "section 5's rate is sqrt(beta), so your value is sqrt(beta), not "
                            "beta", rate),
                ])
                or compare("lr_ewa", result[0], lr_ewa, mistakes=[
                    Mistake("torch lr", "that is PyTorch's learning rate: the EWA form takes "
                            "lr_torch/(1 - beta) (section 3)", lr_torch),
                    Mistake("converted the wrong way", "you converted the wrong way: the EWA "
                            "form's learning rate is lr_torch/(1 - beta), larger than "
                            "PyTorch's, not lr_torch*(1 - beta)", lr_torch * (1 - beta)),
                    Mistake("gd lr", "that is gradient descent's best step 2/(h_min + h_max): "
                            "solve the two band conditions of section 5 for momentum's eta "
                            "instead, then convert it to the EWA form", 2 / (h_min + h_max)),
                    Mistake("no square", "PyTorch's learning rate lacks its square: adding the "
                            "square roots of the two conditions gives sqrt(eta), not eta; square "
                            "it before converting to the EWA form",
                            2 / (np.sqrt(h_min) + np.sqrt(h_max)) / (1 - beta)),
                    Mistake("no square, torch lr", "two slips: PyTorch's learning rate lacks its "
                            "square (yours is its square root), and the EWA form takes "
                            "lr_torch/(1 - beta) (section 3)",
                            2 / (np.sqrt(h_min) + np.sqrt(h_max))),
                ])
                or compare("speedup", result[2], speedup, rtol=1e-3, mistakes=[
                    Mistake("inverted", "speedup is upside down: momentum's rate is smaller, so "
                            "ln(rate_momentum)/ln(rate_GD) is above 1", 1 / speedup),
                    Mistake("kappa", "a speedup of kappa is far too large: compare the "
                            "iteration counts the two rates need for the same tolerance", kappa),
                    Mistake("sqrt kappa", "sqrt(kappa) is the rule of thumb: predict the ratio "
                            "of iteration counts from the two rates themselves (slightly above "
                            "sqrt(kappa))", np.sqrt(kappa)),
                    Mistake("beta for the rate", "momentum's error shrinks by sqrt(beta) per "
                            "step, not by beta: with ln(beta) the speed-up comes out twice too "
                            "large", np.log(beta) / np.log(rate_gd)),
                    Mistake("one minus rates", "you compared 1 - rate: the iterations to reach a "
                            "tolerance are ln(tolerance)/ln(rate), so compare the logarithms of "
                            "the rates", (1 - rate) / (1 - rate_gd)),
                    Mistake("rates", "speedup compares the rates themselves: compare "
                            "iterations, ln(rate_momentum)/ln(rate_GD)", rate_gd / rate),
                    *([Mistake("ceiled iterations", "you rounded the two iteration counts to "
                               "whole numbers before dividing them, so your speedup depends on "
                               "the tolerance eps: divide the unrounded counts "
                               "ln(eps)/ln(rate); eps then cancels", ceiled)]
                      if ceiled is not None else []),
                ])
            )
            if problem:
                return Problem(problem + where, problem.mistake)
        return None

    return run_checks("tuned_momentum", student_fn, [test],
                      hint="h_min and h_max are positive numbers; return three numbers")


# (w0, steps, lr, weight_decay) for the prediction of the decay of a weight without data
# gradient. steps*lr stays well below w0 (the weight does not reach 0), and w0*weight_decay is
# never 1, so that Adam + L2's answer never equals AdamW's linearised one.
_DECAY_CASES = [(2.0, 40, 0.02, 0.3), (1.0, 50, 0.01, 0.1), (0.5, 100, 0.001, 3.0)]


def check_predict_decay(student_fn):
    """Exercise: ``predict_decay(w0, steps, lr, weight_decay) -> (adam_l2, adamw)``: how far the
    decay moves a weight whose data gradient is 0, under Adam + L2 and under AdamW.

    Adam + L2's answer is a model (a step of about lr per step), so a prediction within 10 % of
    it counts; AdamW's shrink is exact (2 % allows its exponential approximation).
    """

    def test(fn):
        for w0, steps, lr, wd in _DECAY_CASES:
            result = _numbers(fn(w0, steps, lr, wd), 2, "two numbers: adam_l2, adamw (in that "
                              "order)")
            if isinstance(result, Problem):
                return result
            adam_l2, adamw = ref.predict_decay(w0, steps, lr, wd)
            sgd = w0 * steps * lr * wd                    # the shrink without compounding
            got = [_as_array(r) for r in result]
            if any(a.size != 1 or a.dtype.kind not in "iuf" for a in got):
                return Problem("return two numbers: adam_l2, adamw (each a single number)",
                               "return type")
            got = [float(a.reshape(-1)[0]) for a in got]
            if np.isclose(got[0], adamw, rtol=0.02) and np.isclose(got[1], adam_l2, rtol=0.1):
                return Problem("you returned (adamw, adam_l2): return Adam + L2's distance "
                               "first, then AdamW's", "order")
            where = f" (w0 = {w0}, steps = {steps}, lr = {lr}, weight_decay = {wd})"
            problem = (
                compare("adam_l2", got[0], adam_l2, rtol=0.1, mistakes=[
                    Mistake("L2 as in SGD", "that is how far SGD's L2 term lr*weight_decay*w "
                            "per step would move it: Adam divides the gradient weight_decay*w by "
                            "its own size sqrt(v_hat), so a steady gradient gives a step of "
                            "about lr, whatever weight_decay is", sgd),
                    Mistake("L2 as AdamW", "that is AdamW's shrink: Adam + L2 puts "
                            "weight_decay*w into the gradient, and Adam divides it by "
                            "sqrt(v_hat) (\"Going further: Adam\")", adamw),
                    Mistake("lr times decay", "the factor weight_decay cancels in Adam's "
                            "division m_hat/sqrt(v_hat): what is left per step is about lr",
                            steps * lr * wd),
                    Mistake("L2 position", "that is where the weight ends: return how far the "
                            "decay moved it", w0 - adam_l2),
                    Mistake("L2 zero", "Adam + L2 does move this weight: its gradient is "
                            "weight_decay*w, not 0", 0.0),
                ])
                or compare("adamw", got[1], adamw, rtol=0.02, mistakes=[
                    Mistake("linearised", "the shrink compounds: every step multiplies w by "
                            "(1 - lr*weight_decay), so the later steps shrink an already smaller "
                            "weight and the distances do not simply add up", sgd),
                    Mistake("no lr", "PyTorch's AdamW shrinks by the factor (1 - "
                            "lr*weight_decay) per step, not (1 - weight_decay)",
                            w0 * (1 - (1 - wd) ** steps)),
                    Mistake("Adam step added", "with no data gradient m and v stay 0, and "
                            "Adam's own step is 0/(0 + eps) = 0: only the shrink moves the "
                            "weight", adamw + steps * lr),
                    Mistake("AdamW as Adam + L2", "that is Adam + L2's answer: AdamW's shrink "
                            "happens outside Adam's division, so its size does depend on "
                            "weight_decay", adam_l2),
                    Mistake("AdamW position", "that is where the weight ends: return how far "
                            "the decay moved it", w0 - adamw),
                    Mistake("no w0", f"you left out w0: the shrink multiplies the weight, so "
                            f"the distance it moves is proportional to w0, and yours is exactly "
                            f"w0 = {w0:g} times too {'small' if w0 > 1 else 'large'}",
                            1 - (1 - lr * wd) ** steps),
                ])
            )
            if problem:
                return Problem(problem + where, problem.mistake)
        return None

    return run_checks("predict_decay", student_fn, [test],
                      hint="w0, steps, lr and weight_decay are numbers; return two numbers")


# ------------------------------------------------------------------------------ Adam
def _adam_variant(x, m, v, grad, t, lr, b1, b2, eps, wd, decoupled, **bug):
    """One Adam step as written with the slips named in ``bug`` (none: the right step)."""
    if bug.get("defaults"):
        b1, b2, eps = 0.9, 0.999, 1e-8
    if "own eps" in bug:
        eps = bug["own eps"]
    if bug.get("swap"):
        decoupled = not decoupled
    if bug.get("always coupled"):
        decoupled = False
    if bug.get("no decay"):
        wd = 0.0
    x_old, g_m, g_v = x, grad, grad
    shrink = 1 - (wd if bug.get("decay without lr") else lr * wd)
    if decoupled:
        if not bug.get("decay after step"):
            x = x * shrink
        if bug.get("decay twice"):
            g_m = g_v = grad + wd * x_old
    elif not bug.get("L2 after division"):
        l2 = (2 if bug.get("L2 doubled") else 1) * wd * x_old
        g_m = grad + l2
        g_v = grad if bug.get("L2 only in m") else grad + l2
    w1 = (b1, 1 - b1) if bug.get("m weights swapped") else (1 - b1, b1)   # (new, old) weights
    w2 = (b2, 1 - b2) if bug.get("v weights swapped") else (1 - b2, b2)
    new_m = w1[1] * m + w1[0] * g_m
    new_v = w2[1] * v + w2[0] * (g_v if bug.get("v not squared") else g_v**2)
    if bug.get("amsgrad state"):
        new_v = np.maximum(v, new_v)
    s = t + bug.get("shift", 0)
    step_m, step_v = (m, v) if bug.get("old state") else (new_m, new_v)
    if bug.get("amsgrad step"):
        step_v = np.maximum(v, new_v)
    s_m = bug.get("power", s) if bug.get("fixed power m", bug.get("fixed power")) else s
    s_v = bug.get("power", s) if bug.get("fixed power v", bug.get("fixed power")) else s

    def corrector(beta, power):
        if bug.get("beta power"):              # divided by beta**t, not 1 - beta**t
            return beta**power
        return 1 - (beta if bug.get("no power") else beta**power)

    with np.errstate(divide="ignore", invalid="ignore"):
        m_hat = (step_m if bug.get("no correction") or bug.get("only v")
                 else step_m / corrector(b1, s_m))
        v_hat = (step_v if bug.get("no correction") or bug.get("only m")
                 else step_v / corrector(b2, s_v))
        eps_at = bug.get("eps at", "outside")
        if eps_at == "inside":
            step = m_hat / np.sqrt(v_hat + eps)
        elif eps_at == "keras":
            step = np.sqrt(1 - b2**s) / (1 - b1**s) * step_m / (np.sqrt(step_v) + eps)
        elif eps_at == "keras inside":
            step = np.sqrt(1 - b2**s) / (1 - b1**s) * step_m / np.sqrt(step_v + eps)
        elif eps_at == "none":
            step = m_hat / np.sqrt(v_hat)
        elif eps_at == "no sqrt":
            step = m_hat / (v_hat + eps)
        else:
            step = m_hat / (np.sqrt(v_hat) + eps)
    rate = 1.0 if bug.get("no lr") else lr
    new_x = x + rate * step if bug.get("sign") else x - rate * step
    if bug.get("L2 after division") and not decoupled:
        new_x = new_x - lr * wd * x_old
    if bug.get("decay after step") and decoupled:
        new_x = new_x * shrink
    return (new_x, m_hat if bug.get("m_hat stored") else new_m,
            v_hat if bug.get("v_hat stored") else new_v)


_CORRECT_BOTH = "divide m by (1 - beta1**t) and v by (1 - beta2**t)"
#: The family of Adam mistakes: (id, message, the slip in _adam_variant's terms)
ADAM_MISTAKES = [
    ("m_hat stored", "you returned the bias-corrected m_hat as the new m: keep the raw average "
     "in the state and correct it only to compute the step", {"m_hat stored": True}),
    ("hats stored", "you returned the bias-corrected m_hat and v_hat as the new m and v: keep "
     "the raw averages in the state and correct them only to compute the step",
     {"m_hat stored": True, "v_hat stored": True}),
    ("v_hat stored", "you returned the bias-corrected v_hat as the new v: keep the raw average "
     "in the state and correct it only to compute the step (feeding v_hat back inflates v at "
     "every step)", {"v_hat stored": True}),
    ("t + 1", "t is off by one (you used t + 1): t is given, counts from 1, and the corrections "
     "are 1 - beta**t", {"shift": 1}),
    ("t - 1", "t is off by one (you used t - 1): t is given, counts from 1, and the corrections "
     "are 1 - beta**t", {"shift": -1}),
    ("no correction", f"no bias correction: {_CORRECT_BOTH} before the step",
     {"no correction": True}),
    ("fixed power", "v's bias correction uses a fixed power (1 - beta2**2): the power is the "
     "step count, 1 - beta2**t", {"fixed power v": True, "power": 2}),
    ("fixed powers", "the bias corrections use a fixed power (1 - beta**2): the power is the "
     "step count, 1 - beta1**t and 1 - beta2**t", {"fixed power": True, "power": 2}),
    ("beta power", f"you divided by beta**t: the correction divides by 1 - beta**t; "
     f"{_CORRECT_BOTH}", {"beta power": True}),
    ("no power", f"you divided by (1 - beta): the correction is 1 - beta**t, with the power t "
     f"(it tends to 1 as t grows); {_CORRECT_BOTH}", {"no power": True}),
    ("only m corrected", "only m is bias-corrected: v needs its own correction (1 - beta2**t)",
     {"only m": True}),
    ("only v corrected", "only v is bias-corrected: m needs its own correction (1 - beta1**t)",
     {"only v": True}),
    ("v not squared", "new_v must average the squared gradients (grad**2), not the gradients",
     {"v not squared": True}),
    ("m weights swapped", "new_m: (1 - beta1) is on the wrong term; the old m keeps weight beta1",
     {"m weights swapped": True}),
    ("v weights swapped", "new_v: (1 - beta2) is on the wrong term; the old v keeps weight beta2",
     {"v weights swapped": True}),
    ("eps inside sqrt", "eps is inside the square root: PyTorch adds it outside, "
     "m_hat / (sqrt(v_hat) + eps)", {"eps at": "inside"}),
    ("eps keras", "eps is added to the uncorrected sqrt(v) (Keras's placement): in PyTorch's "
     "form add it to sqrt(v_hat)", {"eps at": "keras"}),
    ("eps keras inside", "eps is inside the square root of the uncorrected v (the form with "
     "the corrections folded into the step size): in PyTorch's form add eps outside, to "
     "sqrt(v_hat)", {"eps at": "keras inside"}),
    ("own eps", "eps was ignored (you used 1e-7, a common default): use the eps passed in",
     {"own eps": 1e-7}),
    ("eps missing", "eps is missing: divide by sqrt(v_hat) + eps (it matters when the gradients "
     "are tiny)", {"eps at": "none"}),
    ("no sqrt", "take the square root of v_hat: the step is m_hat / (sqrt(v_hat) + eps)",
     {"eps at": "no sqrt"}),
    ("sign", "wrong sign: subtract the step, x - lr*m_hat/(sqrt(v_hat) + eps)", {"sign": True}),
    ("old state", "the step used the old m and v: update m and v with this gradient first, then "
     "step with the new ones", {"old state": True}),
    ("amsgrad", "that is AMSGrad, not Adam: you kept the running maximum of v. Adam stores and "
     "uses the average v itself", {"amsgrad state": True}),
    ("amsgrad step", "that is AMSGrad's step, not Adam's: you divided by the maximum of the old "
     "and the new v. Adam divides by the new v", {"amsgrad step": True}),
    ("defaults", "beta1, beta2 or eps were ignored (you used the defaults 0.9, 0.999, 1e-8): use "
     "the values passed in", {"defaults": True}),
    ("no lr", "the learning rate is missing: the step is lr * m_hat / (sqrt(v_hat) + eps)",
     {"no lr": True}),
    ("coupled/decoupled swapped", "coupled and decoupled are swapped: decoupled=True (AdamW) "
     "shrinks x by (1 - lr*weight_decay) outside Adam; decoupled=False (Adam + L2) adds "
     "weight_decay*x to the gradient", {"swap": True}),
    ("L2 after division", "with decoupled=False, weight_decay*x belongs in the gradient, before "
     "m and v: added after Adam's division it is AdamW's decay, not L2",
     {"L2 after division": True}),
    ("L2 only in m", "weight_decay*x must join the gradient for v as well as for m: coupled L2 "
     "changes the gradient itself", {"L2 only in m": True}),
    ("L2 doubled", "the L2 term is twice too large: PyTorch's weight_decay adds weight_decay*x "
     "to the gradient (the gradient of (weight_decay/2)*||x||^2)", {"L2 doubled": True}),
    ("decay without lr", "the decoupled decay is multiplied by the learning rate (PyTorch and "
     "Keras): x *= 1 - lr*weight_decay, not 1 - weight_decay", {"decay without lr": True}),
    ("decay after step", "shrink x before the Adam step, as torch.optim.AdamW does, not after "
     "it (after, the step itself is shrunk too)", {"decay after step": True}),
    ("always coupled", "with decoupled=True you still added weight_decay*x to the gradient, as "
     "for Adam + L2: AdamW leaves the gradient alone and shrinks x by (1 - lr*weight_decay) "
     "instead", {"always coupled": True}),
    ("decay twice", "with decoupled=True the decay is only the shrink x *= 1 - lr*weight_decay: "
     "do not add weight_decay*x to the gradient as well", {"decay twice": True}),
    ("decay ignored", "weight_decay is ignored: with decoupled=False add weight_decay*x to the "
     "gradient, with decoupled=True shrink x by (1 - lr*weight_decay)", {"no decay": True}),
]
_ADAM_ORDER = ("new_x", "new_m", "new_v")


def _close(got, want, float32: bool) -> bool:
    rtol, atol = (1e-4, 1e-6) if float32 else (1e-6, 1e-9)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol,
                                                        equal_nan=True))


def _explaining_pair(answers, expected):
    """``(id, message)`` of two declared slips that together give the student's results on every
    test vector (all three outputs), or None."""
    for (id1, msg1, bug1), (id2, msg2, bug2) in itertools.combinations(ADAM_MISTAKES, 2):
        if set(bug1) & set(bug2):
            continue                               # two versions of one line
        bug = {**bug1, **bug2}
        explains = True
        for (got, f32), case in zip(answers, _ADAM_CASES, strict=True):
            variant = _adam_variant(*case, **bug)
            if not all(_close(g, w, f32) for g, w in zip(got, variant, strict=True)):
                explains = False
                break
        if explains and any(not _close(np.asarray(a, dtype=float), w, False)
                            for case, want in zip(_ADAM_CASES, expected, strict=True)
                            for a, w in zip(_adam_variant(*case, **bug), want, strict=True)):
            return f"{id1} + {id2}", f"two slips: {msg1}; and {msg2}"
    return None


def check_adam_step(student_fn):
    """Exercise: ``adam_step(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay, decoupled)
    -> (new_x, new_m, new_v)``: Adam, with coupled L2 or AdamW's decoupled decay."""

    def call(fn, case):
        x, m, v, grad, t, lr, b1, b2, eps, wd, decoupled = case
        return fn(x.copy(), m.copy(), v.copy(), grad.copy(), t, lr=lr, beta1=b1, beta2=b2,
                  eps=eps, weight_decay=wd, decoupled=decoupled)

    def describe(case) -> str:
        t, wd, decoupled = case[4], case[9], case[10]
        decay = ("no weight decay" if wd == 0 else
                 f"weight_decay = {wd}, decoupled={decoupled}")
        return f" (test with t = {t}, {decay})"

    def test(fn):
        answers = []
        for case in _ADAM_CASES:
            try:
                result = call(fn, case)
            except ZeroDivisionError:
                return Problem("division by zero: the bias corrections are 1 - beta**t with t "
                               "counting from 1, never 1 - beta**0", "t - 1")
            if not isinstance(result, (tuple, list)) or len(result) != 3:
                return Problem("return three arrays: new_x, new_m, new_v (in that order; a "
                               "tuple or a list)", "return type")
            got = [_as_array(a) for a in result]
            float32 = any(a.dtype in (np.float32, np.float16) for a in got)
            answers.append(([a.astype(np.float64) for a in got], float32))
        expected = [ref.adam_step(*case[:4], case[4], case[5], case[6], case[7], case[8], case[9],
                                  case[10]) for case in _ADAM_CASES]
        wrong = [i for i, ((got, f32), want) in enumerate(zip(answers, expected, strict=True))
                 if not all(_close(g, w, f32) for g, w in zip(got, want, strict=True))]
        if not wrong:
            return None
        first = wrong[0]
        got, f32 = answers[first]
        for order in itertools.permutations(range(3)):
            if order != (0, 1, 2) and all(_close(got[i], expected[first][j], f32)
                                          for i, j in enumerate(order)):
                names = ", ".join(_ADAM_ORDER[j] for j in order)
                return Problem(f"you returned ({names}): return (new_x, new_m, new_v) in that "
                               f"order", "order")
        # A mistake is named only if it explains the answers to every test vector: all three
        # outputs, or else one wrong output (new_m, new_v, then new_x) on every vector with the
        # rest of the state as the mistake predicts, so that of two slips made at once the one
        # that shows first in the state is named.
        variants = {mistake_id: [_adam_variant(*case, **bug) for case in _ADAM_CASES]
                    for mistake_id, _, bug in ADAM_MISTAKES}
        wrong_at = {k: [i for i, ((got_i, f32_i), want) in enumerate(zip(answers, expected,
                                                                           strict=True))
                        if not _close(got_i[k], want[k], f32_i)] for k in (1, 2, 0)}
        for outputs in ((0, 1, 2), *((k,) for k in (1, 2, 0) if wrong_at[k])):
            shown = first if len(outputs) == 3 else wrong_at[outputs[0]][0]
            for mistake_id, message, _ in ADAM_MISTAKES:
                pairs = list(zip(answers, variants[mistake_id], expected, strict=True))
                differs = any(not _close(var[k], want[k], False)
                              for _, var, want in pairs for k in outputs)
                explains = all(_close(answer[k], var[k], f32_i)
                               for (answer, f32_i), var, _ in pairs for k in outputs)
                # named from one output only if the state it predicts (new_m, new_v) is the
                # student's too: new_x may carry a second slip, the state may not contradict
                agrees = all(_close(answer[j], var[j], f32_i) for (answer, f32_i), var, _ in pairs
                             for j in (1, 2) if j not in outputs)
                if differs and explains and agrees:
                    return Problem(message + describe(_ADAM_CASES[shown]), mistake_id)
        # Two slips at once (real code often has two, e.g. a fixed power and no square root):
        # named only if the pair explains every output on every test vector.
        pair = _explaining_pair(answers, expected)
        if pair is not None:
            return Problem(pair[1] + describe(_ADAM_CASES[first]), pair[0])
        for name, g, w in zip(("new_m", "new_v", "new_x"), (got[1], got[2], got[0]),
                              (expected[first][1], expected[first][2], expected[first][0]),
                              strict=True):
            problem = compare(name, g.astype(np.float32) if f32 else g, w)
            if problem:
                return Problem(problem + describe(_ADAM_CASES[first]), problem.mistake)
        return None

    return run_checks("adam_step", student_fn, [test],
                      hint="t counts from 1; x, m, v and grad are arrays of one shape; keep the "
                           "keyword names of the signature")
