"""Checks for the exercises of notebook 04 (momentum as an exponentially weighted average).

Each check runs the student's function on several test vectors (different lengths, betas and
step counts) and names the typical mistake it recognises.
"""

from __future__ import annotations

import numpy as np

from ..solutions import momentum as ref
from ._core import compare, run_checks

__all__ = ["check_ewa_corrected", "check_momentum_step", "check_tuned_momentum",
           "check_adam_step"]

_rng = np.random.default_rng(4)
# (sequence, beta) pairs: a noisy level, a short ramp, a longer signal with a larger beta
_EWA_CASES = [(2.0 + _rng.normal(size=12), 0.8), (np.array([1.0, -3.0, 0.5, 4.0]), 0.5),
              (np.cos(np.arange(30) / 4.0) + 0.3 * _rng.normal(size=30), 0.95)]
# (x, buf, grad, lr, beta) for one momentum step
_MOMENTUM_CASES = [
    (np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -0.4]), np.array([0.2, -1.0, 0.6]), 0.1, 0.9),
    (np.zeros(4), np.zeros(4), _rng.normal(size=4), 0.5, 0.8),  # the very first step
    (_rng.normal(size=(2, 3)), _rng.normal(size=(2, 3)), _rng.normal(size=(2, 3)), 0.03, 0.99),
]
# (x, m, v, grad, t, lr, beta1, beta2, eps) for one Adam step
_ADAM_CASES = [
    (np.array([1.0, -2.0, 0.5]), np.array([0.05, -0.2, 0.1]), np.array([0.01, 0.3, 0.02]),
     np.array([0.2, -1.0, 0.6]), 3, 0.1, 0.9, 0.999, 1e-8),
    (np.array([0.5, 1.5]), np.zeros(2), np.zeros(2), np.array([-0.4, 2.0]), 1, 0.01, 0.9, 0.999,
     1e-8),
    (_rng.normal(size=5), 0.1 * _rng.normal(size=5), 0.05 * _rng.uniform(size=5),
     _rng.normal(size=5), 10, 0.003, 0.8, 0.99, 1e-3),
    # tiny gradients (about 1e-7 to 1e-6): sqrt(v_hat) is as small as eps, so where eps sits shows
    (np.array([0.3, -0.2, 1.0]), np.array([2e-7, -1e-7, 5e-7]), np.array([4e-14, 1e-14, 2e-13]),
     np.array([1e-6, -2e-7, 3e-7]), 4, 0.01, 0.9, 0.999, 1e-7),
]
# (lam_min, lam_max) for the tuned-momentum exercise
_TUNED_CASES = [(0.01, 1.0), (0.0025, 1.0), (0.5, 8.0)]


def _ewa_variant(values, beta, *, new_weight, old_weight, correct_power=None, start_at_first=False,
                 feed_back=False):
    """The EWA with the weights a typical mistake uses; ``correct_power(t)`` divides if given.

    ``feed_back``: the corrected value replaces v in the recursion (a typical slip).
    """
    out, v = np.empty(len(values)), 0.0
    for t, x in enumerate(values, start=1):
        v = x if (start_at_first and t == 1) else old_weight * v + new_weight * x
        out[t - 1] = v / (1 - beta ** correct_power(t)) if correct_power else v
        if feed_back:
            v = out[t - 1]
    return out


_T_FROM_ZERO = ("the first value came out as NaN or inf: t starts at 1, so the first correction "
                "divides by 1 - beta**1; with t = 0 you divided by 1 - beta**0 = 0")


def check_ewa_corrected(student_fn):
    """Exercise: ``ewa_corrected(values, beta)``: the bias-corrected EWA, one value per step."""

    def test_sequences(fn):
        for seq, beta in _EWA_CASES:
            try:
                got = fn(seq.copy(), beta)
            except ZeroDivisionError:
                return _T_FROM_ZERO
            shaped = np.asarray(got, dtype=float) if np.ndim(got) == 1 else None
            if (shaped is not None and len(shaped) == len(seq) and not np.isfinite(shaped[0])
                    and np.all(np.isfinite(shaped[1:]))):
                return _T_FROM_ZERO
            same = dict(new_weight=1 - beta, old_weight=beta)
            swapped = dict(new_weight=beta, old_weight=1 - beta)
            problem = compare(f"your EWA (beta = {beta}, {len(seq)} values)", got,
                              ref.ewa_corrected(seq, beta), mistakes={
                "no bias correction: divide v_t by (1 - beta**t), t = 1, 2, ... (the first values "
                "are pulled towards the start value 0)": _ewa_variant(seq, beta, **same),
                "you fed the corrected value back into the recursion: keep the raw v_t for the "
                "next step (v_t = beta*v_(t-1) + (1 - beta)*x_t) and divide only the value you "
                "return": _ewa_variant(seq, beta, **same, correct_power=lambda t: t,
                                       feed_back=True),
                "(1 - beta) is on the wrong term: the old average keeps weight beta, the new value "
                "gets (1 - beta)": _ewa_variant(seq, beta, **swapped, correct_power=lambda t: t),
                "(1 - beta) is on the wrong term (and the bias correction is missing): "
                "v_t = beta*v_(t-1) + (1 - beta)*x_t": _ewa_variant(seq, beta, **swapped),
                "the correction is off by one step: the first step is t = 1, so divide by "
                "(1 - beta**1) there, not by (1 - beta**2)":
                    _ewa_variant(seq, beta, **same, correct_power=lambda t: t + 1),
                "you started the average at the first value (v_1 = x_1): start at v_0 = 0 and "
                "correct the bias instead": _ewa_variant(seq, beta, **same, start_at_first=True),
            })
            if problem:
                return problem
        return None

    def test_constant(fn):
        got = fn(np.full(5, 3.0), 0.9)
        return compare("the corrected EWA of a constant 3.0", got, np.full(5, 3.0))

    return run_checks("ewa_corrected", student_fn, [test_sequences, test_constant],
                      hint="values is a 1-D array; return an array of the same length")


def check_momentum_step(student_fn):
    """Exercise: ``momentum_step(x, buf, grad, lr, beta) -> (new_x, new_buf)``, PyTorch's form."""

    def test(fn):
        for x, buf, grad, lr, beta in _MOMENTUM_CASES:
            result = fn(x.copy(), buf.copy(), grad.copy(), lr, beta)
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                return "return two arrays: the new x and the new buffer (in that order)"
            new_x, new_buf = ref.momentum_step(x, buf, grad, lr, beta)
            if (not np.allclose(new_x, new_buf) and np.shape(result[0]) == new_buf.shape
                    and np.allclose(result[0], new_buf) and np.allclose(result[1], new_x)):
                return ("you returned (new_buf, new_x): return the new x first, then the new "
                        "buffer")
            problem = (
                compare("new_buf", result[1], new_buf, mistakes={
                    "new_buf has (1 - beta) on the gradient: that is the EWA form; PyTorch's "
                    "buffer is beta*buf + grad": beta * buf + (1 - beta) * grad,
                    "(1 - beta) is on the wrong term: the buffer keeps beta*buf and adds grad":
                        (1 - beta) * buf + grad,
                    "new_buf contains the learning rate: that is Keras's velocity "
                    "(beta*v - lr*grad); PyTorch's buffer is beta*buf + grad and lr is applied "
                    "to x": beta * buf - lr * grad,
                    "you returned the old buffer: update it to beta*buf + grad": buf,
                })
                or compare("new_x", result[0], new_x, mistakes={
                    "wrong sign: step against the buffer, x - lr*buf (the buffer follows the "
                    "gradient, which points uphill)": x + lr * new_buf,
                    "x moved with the gradient alone: use the updated buffer, x - lr*new_buf":
                        x - lr * grad,
                    "x moved with the old buffer: update the buffer first, then x - lr*new_buf":
                        x - lr * buf,
                })
            )
            if problem:
                return problem
        return None

    return run_checks("momentum_step", student_fn, [test],
                      hint="x, buf and grad are arrays of the same shape; lr and beta are numbers")


def check_tuned_momentum(student_fn):
    """Exercise: ``tuned_momentum(lam_min, lam_max) -> (lr_ewa, beta, speedup)``."""

    def test(fn):
        for lam_min, lam_max in _TUNED_CASES:
            result = fn(lam_min, lam_max)
            if not isinstance(result, (tuple, list)) or len(result) != 3:
                return "return three numbers: lr_ewa, beta, speedup (in that order)"
            lr_ewa, beta, speedup = ref.tuned_momentum(lam_min, lam_max)
            kappa = lam_max / lam_min
            rate = np.sqrt(beta)
            lr_torch = lr_ewa * (1 - beta)
            where = f" (lam_min = {lam_min}, lam_max = {lam_max})"
            problem = (
                compare("beta", result[1], beta, mistakes={
                    "beta is the rate (sqrt(kappa) - 1)/(sqrt(kappa) + 1): the rate is sqrt(beta), "
                    "so square it": rate,
                })
                or compare("lr_ewa", result[0], lr_ewa, mistakes={
                    "that is PyTorch's learning rate: the EWA form takes lr_torch/(1 - beta) "
                    "(section 6)": lr_torch,
                    "you converted the wrong way: the EWA form's learning rate is "
                    "lr_torch/(1 - beta), larger than PyTorch's, not lr_torch*(1 - beta)":
                        lr_torch * (1 - beta),
                    "that is gradient descent's best step 2/(lam_min + lam_max), not momentum's "
                    "(2/(sqrt(lam_min) + sqrt(lam_max)))**2, converted to the EWA form":
                        2 / (lam_min + lam_max),
                })
                or compare("speedup", result[2], speedup, rtol=1e-3, mistakes={
                    "speedup is upside down: momentum's rate is smaller, so "
                    "ln(rate_momentum)/ln(rate_GD) is above 1": 1 / speedup,
                    "speedup of kappa: the prediction is about sqrt(kappa), ln(rate_momentum)/"
                    "ln(rate_GD) with rate_GD = (kappa - 1)/(kappa + 1)": kappa,
                    "speedup compares the rates themselves: compare iterations, "
                    "ln(rate_momentum)/ln(rate_GD)": ((kappa - 1) / (kappa + 1)) / rate,
                })
            )
            if problem:
                return problem + where
        return None

    return run_checks("tuned_momentum", student_fn, [test],
                      hint="lam_min and lam_max are positive numbers; return three numbers")


def _adam_x(x, m, v, t, lr, b1, b2, eps):
    """The Adam update of x from the *new* m and v, bias-corrected with step number t."""
    return x - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)


def check_adam_step(student_fn):
    """Exercise: ``adam_step(x, m, v, grad, t, lr, beta1, beta2, eps) -> (new_x, new_m, new_v)``."""

    def test(fn):
        for x, m, v, grad, t, lr, b1, b2, eps in _ADAM_CASES:
            result = fn(x.copy(), m.copy(), v.copy(), grad.copy(), t, lr, b1, b2, eps)
            if not isinstance(result, tuple) or len(result) != 3:
                return "return three arrays: new_x, new_m, new_v (in that order)"
            new_x, new_m, new_v = ref.adam_step(x, m, v, grad, t, lr, b1, b2, eps)
            m_hat, v_hat = new_m / (1 - b1**t), new_v / (1 - b2**t)
            old_m_hat, old_v_hat = m / (1 - b1**t), v / (1 - b2**t)
            off_by_one = {
                "t is off by one (you used t + 1): the step number t counts from 1 and is "
                "given to you; correct with 1 - beta**t": _adam_x(x, new_m, new_v, t + 1, lr, b1,
                                                                  b2, eps),
            }
            if t > 1:  # at t = 1, t - 1 would divide by zero
                off_by_one["t is off by one (you used t - 1): the step number t counts from 1 "
                           "and is given to you; correct with 1 - beta**t"] = _adam_x(
                    x, new_m, new_v, t - 1, lr, b1, b2, eps)
            problem = (
                compare("new_m", result[1], new_m, mistakes={
                    "you returned the bias-corrected m_hat as the new m: keep the raw average in "
                    "the state and correct it only to compute the step": m_hat,
                    "new_m: (1 - beta1) is on the wrong term; the old m keeps weight beta1":
                        (1 - b1) * m + b1 * grad,
                })
                or compare("new_v", result[2], new_v, mistakes={
                    "you returned the bias-corrected v_hat as the new v: keep the raw average in "
                    "the state and correct it only to compute the step": v_hat,
                    "new_v: (1 - beta2) is on the wrong term; the old v keeps weight beta2":
                        (1 - b2) * v + b2 * grad**2,
                    "new_v must average the squared gradients (grad**2), not the gradients":
                        b2 * v + (1 - b2) * grad,
                })
                or compare("new_x", result[0], new_x, mistakes={
                    "no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) first":
                        x - lr * new_m / (np.sqrt(new_v) + eps),
                    "only m is bias-corrected: v needs its own correction (1 - beta2**t)":
                        x - lr * m_hat / (np.sqrt(new_v) + eps),
                    "only v is bias-corrected: m needs its own correction (1 - beta1**t)":
                        x - lr * new_m / (np.sqrt(v_hat) + eps),
                    "the step used the old m and v: update m and v with this gradient first, "
                    "then step with the new ones":
                        x - lr * old_m_hat / (np.sqrt(old_v_hat) + eps),
                    "eps is inside the square root: PyTorch adds it outside, "
                    "m_hat / (sqrt(v_hat) + eps)": x - lr * m_hat / np.sqrt(v_hat + eps),
                    "eps is added to the uncorrected sqrt(v) (Keras's placement): in PyTorch's "
                    "form add it to sqrt(v_hat)": x - lr * np.sqrt(1 - b2**t) / (1 - b1**t)
                        * new_m / (np.sqrt(new_v) + eps),
                    "eps is missing: divide by sqrt(v_hat) + eps (it matters when the gradients "
                    "are tiny)": x - lr * m_hat / np.sqrt(v_hat),
                    "wrong sign: subtract the step, x - lr*m_hat/(sqrt(v_hat) + eps)":
                        x + lr * m_hat / (np.sqrt(v_hat) + eps),
                    "take the square root of v_hat: the step is m_hat / (sqrt(v_hat) + eps)":
                        x - lr * m_hat / (v_hat + eps),
                    **off_by_one,
                })
            )
            if problem:
                return f"{problem} (test with t = {t})"
        return None

    return run_checks("adam_step", student_fn, [test],
                      hint="t counts from 1; x, m, v and grad are arrays of the same shape")
