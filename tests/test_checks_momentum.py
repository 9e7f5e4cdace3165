"""The checks of notebook 04 accept the reference solutions and name each typical mistake."""

import math
import sys

import numpy as np
import pytest

from coursekit.checks import momentum as checks
from coursekit.solutions import momentum as sol


def _not_done(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("check,fn", [(checks.check_ewa_corrected, sol.ewa_corrected),
                                      (checks.check_corrected_velocity_step,
                                       sol.corrected_velocity_step),
                                      (checks.check_tuned_momentum, sol.tuned_momentum),
                                      (checks.check_predict_decay, sol.predict_decay),
                                      (checks.check_adam_step, sol.adam_step)])
def test_checks_accept_the_reference_and_report_not_attempted(check, fn, capsys):
    assert check(fn).passed is True
    assert "[PASS]" in capsys.readouterr().out
    result = check(_not_done)
    assert result.passed is False and "not attempted" in result.message
    assert result.mistake == "todo"


def test_checks_reject_a_non_function():
    for check in (checks.check_ewa_corrected, checks.check_corrected_velocity_step,
                  checks.check_tuned_momentum, checks.check_predict_decay, checks.check_adam_step):
        with pytest.raises(TypeError, match="pass your function"):
            check("my_function")


# ---- ewa_corrected ------------------------------------------------------------------------
def _ewa(values, beta, new, old, power=None, first=False, divisor=None):
    out, v = [], 0.0
    for t, x in enumerate(values, start=1):
        v = x if first and t == 1 else old * v + new * x
        if divisor:
            v_out = v / divisor(t)
        else:
            v_out = v / (1 - beta ** power(t)) if power else v
        out.append(v_out)
    return np.array(out)


def _ewa_fed_back(values, beta):
    out, v = [], 0.0
    for t, x in enumerate(values, start=1):
        v = (beta * v + (1 - beta) * x) / (1 - beta**t)  # corrected value fed back
        out.append(v)
    return np.array(out)


def _ewa_t_from_zero(values, beta):
    out, v = [], 0.0
    for t, x in enumerate(values):  # t = 0, 1, ...: the first correction divides by zero
        v = beta * v + (1 - beta) * x
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(np.float64(v) / (1 - np.float64(beta) ** t))
    return np.array(out)


def _ewa_t_from_zero_python(values, beta):
    out, v = [], 0.0
    for t, x in enumerate(values):
        v = beta * v + (1 - beta) * float(x)
        out.append(v / (1 - float(beta) ** t))  # ZeroDivisionError at t = 0
    return out


def _ewa_t_minus_one_numpy(values, beta):
    with np.errstate(divide="ignore", invalid="ignore"):  # inf at t = 1
        return _ewa(values, beta, 1 - beta, beta, lambda t: t - 1)


def _ewa_t_minus_one_python(values, beta):
    out, v = [], 0.0
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * float(x)
        out.append(v / (1 - float(beta) ** (t - 1)))  # ZeroDivisionError at t = 1
    return out


@pytest.mark.parametrize("wrong,mistake,phrase", [
    (lambda x, b: _ewa(x, b, 1 - b, b), "no correction", "no bias correction"),
    (lambda x, b: _ewa(x, b, b, 1 - b, lambda t: t), "weights swapped", "wrong term"),
    (lambda x, b: _ewa(x, b, b, 1 - b), "weights swapped, no correction",
     "wrong term (and the bias correction is missing)"),
    (lambda x, b: _ewa(x, b, 1 - b, b, lambda t: t + 1), "t + 1", "off by one"),
    (lambda x, b: _ewa(x, b, 1 - b, b, divisor=lambda t: 1 / (1 - b**t)), "multiplied",
     "you multiplied m_t by (1 - beta**t)"),
    (lambda x, b: _ewa(x, b, 1 - b, b, first=True), "start at x1",
     "started the average at the first value"),
    (lambda x, b: _ewa(x, b, 1 - b, b, lambda t: t, first=True), "start at x1 and correct",
     "and corrected it as well"),
    (lambda x, b: _ewa(x, b, 1 - b, b, divisor=lambda t: (1 - b) ** t), "(1-beta)**t",
     "you divided by (1 - beta)**t"),
    (_ewa_fed_back, "fed back", "fed the corrected value back into the recursion"),
    (lambda x, b: _ewa(x, b, 1 - b, b, divisor=lambda t: 1 - b), "divided by 1 - beta",
     "divided by (1 - beta) or the new value lacks its weight"),
    (lambda x, b: _ewa(x, b, 1.0, b), "divided by 1 - beta",  # the running sum, as above
     "momentum's running sum b_t"),
    (lambda x, b: _ewa(x, b, 1.0, b, lambda t: t), "forgot (1-beta)",
     "1/(1 - beta) times too large"),
    (lambda x, b: _ewa(x, b, 1 - b, b, divisor=lambda t: 1 - b ** len(x)), "last divisor",
     "the last step's (1 - beta**T)"),
    (_ewa_t_minus_one_numpy, "t from 0", "the exponent t - 1"),
    (_ewa_t_minus_one_python, "t from 0", "the exponent t - 1"),
    (_ewa_t_from_zero, "t from 0", "t starts at 1"),
    (_ewa_t_from_zero_python, "t from 0", "t starts at 1"),
    (lambda x, b: -sol.ewa_corrected(x, b), "sign", "wrong sign: your result is the negative"),
    (lambda x, b: sol.ewa_corrected(x, b)[:-1], "shape", "shape"),
])
def test_ewa_check_names_the_mistake(wrong, mistake, phrase):
    result = checks.check_ewa_corrected(wrong)
    assert result.passed is False
    assert result.mistake == mistake and phrase in result.message


def _ewa_into_int_array(values, beta):
    out, v = np.zeros(len(values), dtype=int), 0.0  # each average is cut to an integer
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out[t - 1] = v / (1 - beta**t)
    return out


def test_ewa_check_names_an_integer_output_array():
    import torch

    for wrong in (_ewa_into_int_array, lambda x, b: torch.as_tensor(_ewa_into_int_array(x, b))):
        result = checks.check_ewa_corrected(wrong)
        assert result.passed is False and result.mistake == "integer output"
        assert "came back as whole numbers (int64)" in result.message


def test_ewa_check_rejects_a_call_to_the_course_ewa():
    # the exercise says "without coursekit.ewa": a call is named even when the values are right
    import coursekit.ewa
    from coursekit.ewa import ewa

    profile_before = sys.getprofile()
    for wrong in (lambda x, b: ewa(x, b, bias_correction=True),
                  lambda x, b: coursekit.ewa.ewa(x, b) / (1 - b ** np.arange(1, len(x) + 1))):
        result = checks.check_ewa_corrected(wrong)
        assert result.passed is False and result.mistake == "called ewa"
        assert "calls the course's `ewa`" in result.message
    assert checks.check_ewa_corrected(sol.ewa_corrected).passed
    assert sys.getprofile() is profile_before  # the watch is switched off again


def test_ewa_check_accepts_a_list_and_float32():
    assert checks.check_ewa_corrected(lambda x, b: list(sol.ewa_corrected(x, b))).passed
    assert checks.check_ewa_corrected(
        lambda x, b: sol.ewa_corrected(x, b).astype(np.float32)).passed


def test_ewa_check_uses_several_sequences():
    def only_beta_08(values, beta):
        return sol.ewa_corrected(values, 0.8)  # ignores beta: right for the first case only

    result = checks.check_ewa_corrected(only_beta_08)
    assert result.passed is False and "beta = 0.5" in result.message
    assert checks.check_ewa_corrected(lambda x, b: np.full(len(x), 2.0)).passed is False


def test_check_reports_an_error_raised_by_the_student():
    def broken(values, beta):
        return values @ np.ones((3, 3))

    result = checks.check_ewa_corrected(broken)
    assert result.passed is False and "raised ValueError" in result.message


# ---- corrected_velocity_step (momentum correction) ----------------------------------------
def _velocity(kind):
    def fn(x, v, g, lr, prev_lr, beta):
        ratio = lr / prev_lr
        new_v = {
            "no correction": beta * v - lr * g,
            "ratio inverted": beta * v / ratio - lr * g,
            "times lr": beta * lr * v - lr * g,
            "divided only": beta * v / prev_lr - lr * g,
            "old lr on gradient": beta * ratio * v - prev_lr * g,
            "old lr everywhere": beta * v - prev_lr * g,
            "gradient sign": beta * ratio * v + lr * g,
            "rescaled whole": ratio * (beta * v - lr * g),
            "beta dropped": ratio * v - lr * g,
        }.get(kind, beta * ratio * v - lr * g)
        if kind == "buffer returned":
            b = beta * (-v / prev_lr) + g
            return x - lr * b, b
        if kind == "x minus v":
            return x - new_v, new_v
        if kind == "old v":
            return x + v, new_v
        if kind == "order":
            return new_v, x + new_v
        if kind == "one output":
            return x + new_v
        return x + new_v, new_v
    return fn


@pytest.mark.parametrize("kind,phrase", [
    ("no correction", "Keras's plain update"), ("ratio inverted", "upside down"),
    ("times lr", "multiplied the old velocity by lr"), ("divided only", "divided the old velocity"),
    ("old lr on gradient", "the new gradient gets the new learning rate"),
    ("old lr everywhere", "uses the old learning rate prev_lr"),
    ("buffer returned", "returned PyTorch's buffer"), ("gradient sign", "minus sign"),
    ("rescaled whole", "rescaled the whole new velocity"), ("beta dropped", "beta is missing"),
    ("x minus v", "not x - new_v"), ("old v", "old velocity"),
    ("order", "you returned (new_v, new_x)"), ("one output", "return two arrays"),
])
def test_velocity_check_names_the_mistake(kind, phrase):
    result = checks.check_corrected_velocity_step(_velocity(kind))
    assert result.passed is False
    assert phrase in result.message
    expected = "return type" if kind == "one output" else kind
    assert result.mistake == expected


def test_velocity_check_accepts_natural_correct_forms():
    def via_torch_buffer(x, v, g, lr, prev_lr, beta):
        b = beta * (-v / prev_lr) + g          # PyTorch's buffer, then back to the velocity
        return x - lr * b, -lr * b

    assert checks.check_corrected_velocity_step(via_torch_buffer).passed
    assert checks.check_corrected_velocity_step(
        lambda *a: list(sol.corrected_velocity_step(*a))).passed


def test_velocity_check_asks_for_float64_which_the_next_cell_needs():
    def in_float32(*args):
        return tuple(np.float32(a) for a in sol.corrected_velocity_step(*args))

    result = checks.check_corrected_velocity_step(in_float32)
    assert result.passed is False and result.mistake == "float32"
    assert "compute in float64" in result.message


def test_velocity_check_uses_several_learning_rates():
    def hard_coded_ratio(x, v, g, lr, prev_lr, beta):
        return sol.corrected_velocity_step(x, v, g, lr, lr / 0.1, beta)  # right for one case

    assert checks.check_corrected_velocity_step(hard_coded_ratio).passed is False


def test_no_velocity_test_vector_makes_two_mistakes_coincide():
    for _, _, _, lr, prev_lr, beta in checks._VELOCITY_CASES:
        assert not np.isclose(lr, 1 - beta) and not np.isclose(lr / prev_lr, beta)
        assert not np.isclose(lr / prev_lr, 1 - beta)


# ---- tuned_momentum ------------------------------------------------------------------------
def _tuned(kind):
    def fn(h_min, h_max):
        kappa = h_max / h_min
        rate = (kappa**0.5 - 1) / (kappa**0.5 + 1)
        beta = rate if kind == "beta_is_rate" else rate**2
        lr_torch = (2 / (h_min**0.5 + h_max**0.5)) ** 2
        lr = {"torch_lr": lr_torch, "wrong_way": lr_torch * (1 - beta),
              "gd_lr": 2 / (h_min + h_max)}.get(kind, lr_torch / (1 - beta))
        rate_gd = (kappa - 1) / (kappa + 1)
        speedup = np.log(rate) / np.log(rate_gd)
        speedup = {"inverted": 1 / speedup, "kappa": kappa, "rates": rate_gd / rate,
                   "sqrt_kappa": kappa**0.5, "beta_for_rate": np.log(rate**2) / np.log(rate_gd),
                   "one_minus_rates": (1 - rate) / (1 - rate_gd)}.get(kind, speedup)
        if kind == "two_outputs":
            return lr, beta
        if kind == "array":
            return np.array([lr, beta, speedup])
        return lr, beta, speedup
    return fn


@pytest.mark.parametrize("kind,phrase", [
    ("beta_is_rate", "beta is the rate"), ("torch_lr", "that is PyTorch's learning rate"),
    ("wrong_way", "converted the wrong way"), ("gd_lr", "gradient descent's best step"),
    ("inverted", "upside down"), ("kappa", "speedup of kappa is far too large"),
    ("rates", "compares the rates themselves"), ("two_outputs", "return three numbers"),
    ("sqrt_kappa", "sqrt(kappa) is the rule of thumb"),
    ("beta_for_rate", "shrinks by sqrt(beta) per step, not by beta"),
    ("one_minus_rates", "you compared 1 - rate"),
])
def test_tuned_momentum_check_names_the_mistake(kind, phrase):
    result = checks.check_tuned_momentum(_tuned(kind))
    assert result.passed is False
    assert phrase in result.message


@pytest.mark.parametrize("squared_wrong,mistake", [(False, "no square"),
                                                  (True, "no square, torch lr")])
def test_tuned_momentum_check_names_a_missing_square(squared_wrong, mistake):
    def fn(h_min, h_max):
        _, beta, speedup = sol.tuned_momentum(h_min, h_max)
        lr_torch = 2 / (np.sqrt(h_min) + np.sqrt(h_max))  # the square is missing
        return (lr_torch if squared_wrong else lr_torch / (1 - beta)), beta, speedup

    result = checks.check_tuned_momentum(fn)
    assert result.passed is False and result.mistake == mistake
    assert "lacks its square" in result.message


@pytest.mark.parametrize("rounding,tol", [(math.ceil, 1e-6), (math.ceil, 1e-8), (int, 1e-3),
                                          (round, 2e-5)])
def test_tuned_momentum_check_names_rounded_iteration_counts(rounding, tol):
    def fn(h_min, h_max):
        lr_ewa, beta, _ = sol.tuned_momentum(h_min, h_max)
        kappa = h_max / h_min
        n_gd = rounding(math.log(tol) / math.log((kappa - 1) / (kappa + 1)))
        n_mom = rounding(math.log(tol) / math.log(math.sqrt(beta)))
        return lr_ewa, beta, n_gd / n_mom

    result = checks.check_tuned_momentum(fn)
    assert result.passed is False and result.mistake == "ceiled iterations"
    assert "depends on the tolerance eps" in result.message


def test_tuned_momentum_check_does_not_call_a_near_miss_rounding():
    # a speed-up off by 0.2 % in one case only is not explained by rounded counts: generic
    def fn(h_min, h_max):
        lr_ewa, beta, speedup = sol.tuned_momentum(h_min, h_max)
        return lr_ewa, beta, speedup * (0.998 if h_min == 0.01 else 1.0)

    result = checks.check_tuned_momentum(fn)
    assert result.passed is False and result.mistake == "values"


def test_tuned_momentum_check_rejects_a_call_to_optimal_momentum():
    # the exercise is the derivation: the course's optim.optimal_momentum is named even when the
    # values are right, and the watch is switched off again
    from coursekit import optim

    def with_helper(h_min, h_max):
        tuned = optim.optimal_momentum([h_min, h_max])
        return tuned["lr"] / (1 - tuned["beta"]), tuned["beta"], sol.tuned_momentum(h_min, h_max)[2]

    profile_before = sys.getprofile()
    result = checks.check_tuned_momentum(with_helper)
    assert result.passed is False and result.mistake == "called optimal_momentum"
    assert "derive beta" in result.message
    assert checks.check_tuned_momentum(sol.tuned_momentum).passed
    assert sys.getprofile() is profile_before


def test_tuned_momentum_check_accepts_a_list_an_array_and_a_tensor():
    import torch

    assert checks.check_tuned_momentum(lambda a, b: list(sol.tuned_momentum(a, b))).passed
    assert checks.check_tuned_momentum(_tuned("array")).passed
    assert checks.check_tuned_momentum(
        lambda a, b: torch.tensor(sol.tuned_momentum(a, b), dtype=torch.float64)).passed
    wrong_length = checks.check_tuned_momentum(lambda a, b: np.ones(4))
    assert wrong_length.passed is False and wrong_length.mistake == "return type"


# ---- predict_decay (what the decay does under Adam + L2 and AdamW) ------------------------
def _predict(kind):
    def fn(w0, steps, lr, wd):
        adam_l2, adamw = steps * lr, w0 * (1 - (1 - lr * wd) ** steps)
        adam_l2 = {"sgd": w0 * steps * lr * wd, "as_adamw": adamw, "lr_wd": steps * lr * wd,
                   "position_l2": w0 - steps * lr, "zero": 0.0}.get(kind, adam_l2)
        adamw = {"linearised": w0 * steps * lr * wd, "no_lr": w0 * (1 - (1 - wd) ** steps),
                 "adam_step_added": adamw + steps * lr, "as_l2": steps * lr,
                 "position_w": w0 * (1 - lr * wd) ** steps,
                 "no_w0": 1 - (1 - lr * wd) ** steps}.get(kind, adamw)
        if kind == "swapped":
            return adamw, adam_l2
        if kind == "one_number":
            return adam_l2
        return adam_l2, adamw
    return fn


@pytest.mark.parametrize("kind,mistake,phrase", [
    ("sgd", "L2 as in SGD", "SGD's L2 term"), ("as_adamw", "L2 as AdamW", "that is AdamW's"),
    ("lr_wd", "lr times decay", "the factor weight_decay cancels"),
    ("position_l2", "L2 position", "where the weight ends"), ("zero", "L2 zero", "does move"),
    ("linearised", "linearised", "the shrink compounds"), ("no_lr", "no lr", "not (1 - weight"),
    ("adam_step_added", "Adam step added", "Adam's own step is 0"),
    ("as_l2", "AdamW as Adam + L2", "that is Adam + L2's answer"),
    ("position_w", "AdamW position", "where the weight ends"),
    # w0 = 2 in the first case: exactly 2 times too small, not "by less than a factor of 2"
    ("no_w0", "no w0", "you left out w0"),
    ("no_w0", "no w0", "exactly w0 = 2 times too small"),
    ("swapped", "order", "you returned (adamw, adam_l2)"),
    ("one_number", "return type", "return two numbers"),
])
def test_predict_decay_check_names_the_mistake(kind, mistake, phrase):
    result = checks.check_predict_decay(_predict(kind))
    assert result.passed is False
    assert result.mistake == mistake and phrase in result.message


def test_predict_decay_check_accepts_natural_predictions():
    import math

    from coursekit import optim

    def simulated(w0, steps, lr, wd):                 # measuring instead of predicting is fine
        end = [optim.adam(lambda w: 0 * w, [w0], lr=lr, steps=steps, weight_decay=wd,
                          decoupled=d)[-1, 0] for d in (False, True)]
        return w0 - end[0], w0 - end[1]

    def exponential(w0, steps, lr, wd):               # the shrink as exp(-lr*wd*steps)
        return steps * lr, w0 * (1 - math.exp(-lr * wd * steps))

    for fn in (simulated, exponential, lambda *a: list(sol.predict_decay(*a)),
               lambda *a: np.array(sol.predict_decay(*a))):
        result = checks.check_predict_decay(fn)
        assert result.passed is True, result.message


def test_predict_decay_cases_keep_the_mistakes_apart():
    for w0, steps, lr, wd in checks._DECAY_CASES:
        assert steps * lr <= 0.5 * w0 and not np.isclose(w0 * wd, 1)
    # a case with w0 != 1 (the first) tells an answer without w0 from the right one
    assert checks._DECAY_CASES[0][0] != 1


def test_predict_decay_without_w0_in_the_exponential_form_is_named_too():
    import math

    result = checks.check_predict_decay(
        lambda w0, steps, lr, wd: (steps * lr, 1 - math.exp(-lr * wd * steps)))
    assert result.mistake == "no w0" and "less than a factor of 2" not in result.message


# ---- adam_step (Adam, Adam + L2, AdamW) ----------------------------------------------------
def _declared(bug):
    def fn(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
           decoupled=False):
        return checks._adam_variant(x, m, v, grad, t, lr, beta1, beta2, eps, weight_decay,
                                    decoupled, **bug)
    return fn


@pytest.mark.parametrize("mistake,message,bug", checks.ADAM_MISTAKES,
                         ids=[m[0] for m in checks.ADAM_MISTAKES])
def test_adam_check_names_every_declared_mistake(mistake, message, bug):
    result = checks.check_adam_step(_declared(bug))
    assert result.passed is False
    assert result.mistake == mistake and message in result.message


def test_every_declared_adam_mistake_changes_the_result_of_some_test_vector():
    """Otherwise the mistake could never be caught; and no two mistakes give equal results.
    Compared at float32 precision, so that a float32 answer's mistakes are caught too."""
    outputs = {}
    for mistake, _, bug in checks.ADAM_MISTAKES:
        out = np.concatenate([np.concatenate(checks._adam_variant(*case, **bug))
                              for case in checks._ADAM_CASES])
        right = np.concatenate([np.concatenate(sol.adam_step(*case))
                                for case in checks._ADAM_CASES])
        tolerance = dict(rtol=1e-4, atol=1e-6, equal_nan=True)
        assert not np.allclose(out, right, **tolerance), mistake
        for other, seen in outputs.items():
            assert not np.allclose(out, seen, **tolerance), (mistake, other)
        outputs[mistake] = out


def _adam_written(kind):
    """Adam written by hand in the ways students write it, right and wrong."""
    def fn(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
           decoupled=False):
        if decoupled:
            shrink = x * lr * weight_decay
        else:
            grad = grad + weight_decay * x
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        if kind == "kingma-ba efficient form":       # Algorithm 1's step size with eps-hat
            alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
            step = alpha * m / (np.sqrt(v) + eps * np.sqrt(1 - beta2**t))
        else:
            step = lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        new_x = x - step - (shrink if decoupled else 0)   # decay subtracted with the step
        if kind == "list":
            return [new_x, m, v]
        if kind == "float32":
            return new_x.astype(np.float32), m.astype(np.float32), v.astype(np.float32)
        if kind == "order x v m":
            return new_x, v, m
        if kind == "order m v x":
            return m, v, new_x
        return new_x, m, v
    return fn


@pytest.mark.parametrize("kind", ["plain", "kingma-ba efficient form", "list", "float32"])
def test_adam_check_accepts_natural_correct_forms(kind):
    result = checks.check_adam_step(_adam_written(kind))
    assert result.passed is True, result.message


@pytest.mark.parametrize("kind,phrase", [("order x v m", "you returned (new_x, new_v, new_m)"),
                                         ("order m v x", "you returned (new_m, new_v, new_x)")])
def test_adam_check_names_a_swapped_return_order(kind, phrase):
    result = checks.check_adam_step(_adam_written(kind))
    assert result.passed is False and result.mistake == "order" and phrase in result.message


def test_adam_check_names_t_minus_one_also_when_python_raises():
    def python_floats(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                      weight_decay=0.0, decoupled=False):
        c = 1 - float(beta1) ** (t - 1)
        if c == 0:
            raise ZeroDivisionError("float division by zero")
        return sol.adam_step(x, m, v, grad, t - 1, lr, beta1, beta2, eps, weight_decay, decoupled)

    result = checks.check_adam_step(python_floats)
    assert result.passed is False and result.mistake == "t - 1"


def test_adam_check_calls_an_unfinished_helper_by_its_name():
    def adam_core(x, m, v, grad, t, lr, beta1, beta2, eps):
        raise NotImplementedError

    def with_decay(x, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                   weight_decay=0.0, decoupled=False):
        return adam_core(x, m, v, grad, t, lr, beta1, beta2, eps)

    result = checks.check_adam_step(with_decay)
    assert result.passed is False and "adam_core" in result.message


def test_adam_check_reports_renamed_keywords():
    def renamed(x, m, v, grad, t, lr, b1, b2, eps, weight_decay, decoupled):
        return sol.adam_step(x, m, v, grad, t, lr, b1, b2, eps, weight_decay, decoupled)

    result = checks.check_adam_step(renamed)
    assert result.passed is False and "unexpected keyword" in result.message
    assert "keep the keyword names" in result.message


@pytest.mark.parametrize("mistake,message,bug", checks.ADAM_MISTAKES,
                         ids=[m[0] for m in checks.ADAM_MISTAKES])
def test_adam_check_names_every_declared_mistake_in_float32_too(mistake, message, bug):
    def as_float32(*args, **kwargs):
        return tuple(np.asarray(a, dtype=np.float32) for a in _declared(bug)(*args, **kwargs))

    result = checks.check_adam_step(as_float32)
    assert result.passed is False and result.mistake == mistake


# ---- what passes works downstream ----------------------------------------------------------
def _downstream_namespace():
    """What the notebook's cells after the exercises need, computed without Keras."""
    import math

    import matplotlib.pyplot as plt
    import torch

    from coursekit import optim
    from coursekit.ewa import ewa
    from coursekit.plotting import PALETTE
    from coursekit.widgets import momentum as momentum_widget

    EIGS = np.array([0.01, 0.1, 1.0])
    _, grad = optim.quadratic(EIGS)
    theta0, beta, steps = np.array([1.0, -2.0, 0.5]), 0.9, 60
    schedule = [0.5] * 21 + [0.05] * 39
    sched = {form: optim.sgd_momentum(grad, theta0, lr=schedule, beta=beta, steps=steps,
                                      form=form) for form in ("torch", "keras")}
    x = momentum_widget.signal()
    return dict(np=np, math=math, plt=plt, optim=optim, ewa=ewa, PALETTE=PALETTE, torch=torch,
                solutions=sol, checks=checks, x=x, t=np.arange(1, x.size + 1), grad=grad,
                theta0=theta0, beta=beta, steps=steps, schedule=schedule,
                sched_torch=sched["torch"], sched_keras=sched["keras"],
                step_len={k: np.linalg.norm(np.diff(v, axis=0), axis=1) for k, v in sched.items()})


def _cells(*ids):
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "notebooks" / "04_momentum_as_ewa.ipynb"
    cells = {c["id"]: "".join(c["source"]) for c in json.loads(path.read_text())["cells"]}
    return [cells[i] for i in ids]


_DOWNSTREAM = {  # exercise: (its result's name, the cells that use it, then their verify cells)
    "check_ewa_corrected": ("exercise_1", ("be6c84e9",)),
    "check_corrected_velocity_step": ("exercise_a", ("velocity-run", "v-ex2-use")),
    "check_predict_decay": ("exercise_b", ("decay-momentum", "8ddf918f", "v-decay")),
    "check_adam_step": ("exercise_c", ("decay-momentum", "ex5-use", "v-ex5-use")),
}


def _accepted():
    import check_corpus

    return [a for a in check_corpus.corpus()["momentum"]
            if a.mistake == check_corpus.RIGHT and a.check in _DOWNSTREAM]


@pytest.mark.parametrize("answer", _accepted(), ids=lambda a: a.fn.__name__)
def test_every_accepted_answer_runs_the_cells_that_use_it(answer, capsys):
    """Issue 23: a pass must not break a later cell. Run the notebook's own downstream cells
    (and their verify cells) with the student's function in place of the reference."""
    name, ids = _DOWNSTREAM[answer.check]
    ns = _downstream_namespace()
    ns[name] = getattr(checks, answer.check)(answer.fn)
    assert ns[name].passed
    for source in _cells(*ids):
        exec(compile(source.replace("plt.show()", "plt.close('all')"), "<cell>", "exec"), ns)
    assert f"your {answer.check.removeprefix('check_')}" in capsys.readouterr().out or \
        answer.check == "check_ewa_corrected"


# ---- classes found in real student code (tests/corpus_momentum.py cites them) ---------------
@pytest.mark.parametrize("kind,new_v,mistake,phrase", [
    ("EWA form", lambda x, v, g, lr, plr, b: b * v + (1 - b) * g, "EWA form", "EWA form's average"),
    ("EWA form with the ratio", lambda x, v, g, lr, plr, b: b * (lr / plr) * v + (1 - b) * g,
     "EWA form corrected", "EWA form's average"),
    ("PyTorch buffer form", lambda x, v, g, lr, plr, b: b * v + g, "buffer form",
     "PyTorch's buffer update"),
    ("uphill velocity", lambda x, v, g, lr, plr, b: b * v + lr * g, "positive velocity",
     "points uphill"),
])
def test_velocity_check_names_other_forms_of_momentum(kind, new_v, mistake, phrase):
    def student(x, v, g, lr, prev_lr, beta):
        nv = new_v(x, v, g, lr, prev_lr, beta)
        return x - lr * nv, nv

    result = checks.check_corrected_velocity_step(student)
    assert result.passed is False and result.mistake == mistake and phrase in result.message


@pytest.mark.parametrize("first,second", [("fixed power", "no sqrt"),
                                          ("only m corrected", "no sqrt"),
                                          ("eps keras inside", "own eps"), ("sign", "t + 1")])
def test_adam_check_names_two_slips_made_at_once(first, second):
    bugs = {mistake_id: bug for mistake_id, _, bug in checks.ADAM_MISTAKES}
    result = checks.check_adam_step(_declared({**bugs[first], **bugs[second]}))
    assert result.passed is False
    assert result.mistake in (f"{first} + {second}", f"{second} + {first}"), result.message
    assert result.message.count(";") >= 1 and "two slips" in result.message


def test_adam_check_does_not_name_a_pair_for_an_unrelated_answer():
    def unrelated(x, m, v, grad, t, **kw):
        return x * 0.5, m + 1, v + 2

    result = checks.check_adam_step(unrelated)
    assert result.passed is False and "two slips" not in result.message


def test_velocity_check_names_nesterovs_step():
    def nesterov(x, v, g, lr, prev_lr, beta):
        _, new_v = sol.corrected_velocity_step(x, v, g, lr, prev_lr, beta)
        return x + beta * new_v - lr * g, new_v

    result = checks.check_corrected_velocity_step(nesterov)
    assert result.passed is False and result.mistake == "nesterov"


@pytest.mark.parametrize("new_v,mistake", [
    (lambda v, g, lr, plr, b: b * (lr / plr) * v - (1 - b) * lr * g, "EWA scaling"),
    (lambda v, g, lr, plr, b: b * v - (1 - b) * lr * g, "EWA scaling uncorrected"),
])
def test_velocity_check_names_the_ewa_factor_on_the_gradient(new_v, mistake):
    def student(x, v, g, lr, prev_lr, beta):
        nv = new_v(v, g, lr, prev_lr, beta)
        return x + nv, nv

    result = checks.check_corrected_velocity_step(student)
    assert result.passed is False and result.mistake == mistake, result.message
    assert "(1 - beta)" in result.message and "is expected" not in result.message


@pytest.mark.parametrize("first,second,named", [
    ("L2 only in m", "eps inside sqrt", "L2 only in m"),
    ("v_hat stored", "eps inside sqrt", "v_hat stored"),
])
def test_adam_check_names_the_state_slip_its_other_outputs_agree_with(first, second, named):
    """Review 04 B: a mistake is named from one wrong output only if the rest of the state it
    predicts is the student's too (not 'L2 after division' when new_m is right)."""
    bugs = {mistake_id: bug for mistake_id, _, bug in checks.ADAM_MISTAKES}
    result = checks.check_adam_step(_declared({**bugs[first], **bugs[second]}))
    assert result.passed is False
    assert result.mistake in (named, f"{first} + {second}", f"{second} + {first}"), result.message


def test_ewa_check_names_an_answer_that_includes_the_start_value():
    def with_m0(values, beta):
        out = [0.0]
        m = 0.0
        for t, x in enumerate(values, start=1):
            m = beta * m + (1 - beta) * x
            out.append(m / (1 - beta**t))
        return np.array(out)

    result = checks.check_ewa_corrected(with_m0)
    assert result.passed is False and result.mistake == "m0 included", result.message
    assert "leave out the start value" in result.message
