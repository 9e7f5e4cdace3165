"""Checks for the exercises of notebook 01 (backpropagation by hand).

Every exercise of this lesson computes in float64: a gradient check cannot tell a right float32
gradient from a wrong one (the notebook's "Going further: step size and precision"), so each
check rejects a float32 result with the same named message.
"""

from __future__ import annotations

import secrets

import numpy as np

from ..gradcheck import relative_error
from ..solutions import backprop as ref
from ._core import Mistake, Problem, compare, run_checks

PARAM_NAMES = ("W1", "b1", "W2", "b2")
THREE_LAYER_PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")
WRONG, RIGHT = 1e-3, 1e-7     # a gradient check's error above WRONG: wrong; below RIGHT: right


def _as_array(value):
    """A float array from NumPy, a list, a number or a torch tensor (detached)."""
    return np.asarray(value.detach() if hasattr(value, "detach") else value, dtype=float)


def _as_scalar(value):
    """A float from a number, a 0-d or one-entry array, or a torch scalar."""
    return float(_as_array(value).reshape(()))


def _is_float32(value) -> bool:
    dtype = getattr(value, "dtype", None)
    return dtype is not None and str(dtype).removeprefix("torch.") in ("float32", "float16")


def _pair(result, what: str):
    """``(first, second)`` from a tuple or list of two, or the message saying what to return."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return None, Problem(f"return two things: {what}", "return type")
    return tuple(result), None


# ---- Exercise 1: the backward pass of section 1's three-layer tanh network --------------------
def _three_layer_data():
    """Section 1's shapes (2-8-8-3, tanh) on 5 samples, away from any saturation (tests)."""
    rng = np.random.default_rng(7)
    params = {}
    for k, (n_in, n_out) in enumerate([(2, 8), (8, 8), (8, 3)], 1):
        params[f"W{k}"] = rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)
        params[f"b{k}"] = rng.normal(size=n_out) * 0.1
    return params, rng.normal(size=(5, 2)), np.array([2, 0, 2, 1, 0])


#: The backward pass of section 2 as nine quantities, in the order they are computed, each with
#: its right expression and the parameters whose gradient it feeds. A planted bug replaces one
#: expression; these names are the answers ``check_planted_bug`` accepts.
BACKWARD_STEPS = {
    "delta3": ("(p - onehot) / N", ("W3", "b3", "W2", "b2", "W1", "b1")),
    "dW3": ("a2.T @ delta3", ("W3",)),
    "db3": ("delta3.sum(axis=0)", ("b3",)),
    "delta2": ("(delta3 @ W3.T) * (1 - a2**2)", ("W2", "b2", "W1", "b1")),
    "dW2": ("a1.T @ delta2", ("W2",)),
    "db2": ("delta2.sum(axis=0)", ("b2",)),
    "delta1": ("(delta2 @ W2.T) * (1 - a1**2)", ("W1", "b1")),
    "dW1": ("X.T @ delta1", ("W1",)),
    "db1": ("delta1.sum(axis=0)", ("b1",)),
}

#: Wrong expressions students write, per step, with what is wrong. Exercise 1's check names them;
#: Exercise 3 plants one of them.
_PLANTED = {
    "delta3": [("p - onehot", "the 1/N of the mean loss is missing, so every gradient is N "
                "times too large"),
               ("p / N", "the one-hot labels are not subtracted"),
               ("(onehot - p) / N", "the sign is flipped"),
               ("(p - np.isin(np.arange(p.shape[1]), y)) / N", "`d[:, y] -= 1` subtracts 1 from "
                "whole columns (every row, for each class that occurs in y); subtract it only at "
                "each sample's own class: `d[np.arange(N), y] -= 1`")],
    "dW3": [("a2.T @ delta3 / N", "divides by N a second time (delta3 already holds 1/N)"),
            ("z2.T @ delta3", "uses the pre-activation z2 where the layer's input a2 belongs")],
    "db3": [("delta3.mean(axis=0)", "averages where it must sum (delta3 already holds 1/N)"),
            ("-delta3.sum(axis=0)", "the sign is flipped")],
    "delta2": [("(delta3 @ W3.T) * (1 - z2**2)", "tanh's derivative from the pre-activation "
                "z2: it is 1 - a2**2, with a2 = tanh(z2)"),
               ("(delta3 @ W3.T) * a2", "multiplies by tanh itself, not by its derivative"),
               ("(delta3 @ W3.T) * (1 - a1**2)", "takes the derivative from a1, the layer "
                "below; delta2 belongs to layer 2, whose output is a2"),
               ("delta3 @ W3.T", "the tanh derivative is missing"),
               ("(delta3 @ W3.T) * (1 - a2**2) / N", "divides by N a second time when passing "
                "the delta down (delta3 already holds 1/N)")],
    "dW2": [("a2.T @ delta2", "uses the layer's output a2 where its input a1 belongs"),
            ("delta2.T @ a1", "the product in the wrong order: the transpose of the right "
             "answer, with the same (8, 8) shape")],
    "db2": [("(delta3 @ W3.T).sum(axis=0)", "sums the gradient before the tanh derivative"),
            ("delta2.mean(axis=0)", "averages where it must sum")],
    "delta1": [("(delta2 @ W2) * (1 - a1**2)", "W2 is not transposed (its square shape hides "
                "it)"),
               ("(delta2 @ W2.T) * (1 - z1**2)", "tanh's derivative from the pre-activation "
                "z1"),
               ("(delta2 @ W2.T) * a1", "multiplies by tanh itself, not by its derivative"),
               ("(delta2 @ W2.T) * (1 - a2**2)", "takes the derivative from a2, the layer "
                "above; delta1 belongs to layer 1, whose output is a1")],
    "dW1": [("X.T @ delta2", "uses delta2, the delta of the layer above"),
            ("X.T @ delta1 / N", "divides by N a second time")],
    "db1": [("(delta2 @ W2.T).sum(axis=0)", "sums the gradient before the tanh derivative"),
            ("delta2.sum(axis=0)", "uses delta2, the delta of the layer above")],
}


#: Wrong lines that Exercise 1's check names but Exercise 3 never plants (adding them to
#: :data:`_PLANTED` would change which bug each seed draws).
_NAMED_ONLY = {
    "delta2": [("(delta3 @ W3.T) * (1 - np.tanh(a2)**2)", "applies tanh to a2, which is already "
                "tanh(z2): the derivative is then taken at the wrong point; it is 1 - a2**2")],
    "delta1": [("(delta2 @ W2.T) * (1 - np.tanh(a1)**2)", "applies tanh to a1, which is already "
                "tanh(z1): the derivative is then taken at the wrong point; it is 1 - a1**2")],
}


def _forward(params, X):
    """Section 1's forward pass: the arrays the backward pass reads, as the notebook keeps them."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.tanh(z1)
    z2 = a1 @ params["W2"] + params["b2"]
    a2 = np.tanh(z2)
    z3 = a2 @ params["W3"] + params["b3"]
    probs = np.exp(z3 - z3.max(axis=1, keepdims=True))
    return {"X": X, "z1": z1, "a1": a1, "z2": z2, "a2": a2, "z3": z3,
            "probs": probs / probs.sum(axis=1, keepdims=True)}


def _namespace(params, X, y):
    """The names a line of the backward pass may read (the forward pass, W1-W3, p, onehot, y,
    N, len, np), before any quantity of the backward pass is computed."""
    v = {**_forward(params, X), "N": len(y), "y": y, "len": len, "np": np}
    v.update({k: params[k] for k in ("W1", "W2", "W3")})
    v["p"], v["onehot"] = v["probs"], np.eye(v["z3"].shape[1])[y]
    return v


def _three_layer_net(params, X, y, wrong=None):
    """Loss and gradients of section 1's tanh network; ``wrong = (step, expression)`` plants
    a bug."""
    v = _namespace(params, X, y)
    loss, _ = ref.softmax_cross_entropy(v["z3"], y)
    for step, (expression, _) in BACKWARD_STEPS.items():
        if wrong is not None and wrong[0] == step:
            expression = wrong[1]
        v[step] = eval(expression, {"__builtins__": {}}, v)  # noqa: S307 - the module's own strings
    return loss, {k: v[f"d{k}"] for k in THREE_LAYER_PARAMS}


def _copy(arrays):
    return {k: v.copy() for k, v in arrays.items()}


def _and(names):
    """['dW1'] -> 'dW1'; ['dW1', 'db1', 'dW2'] -> 'dW1, db1 and dW2'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _first_wrong(grads, expected, problem):
    """A wrong gradient that no declared mistake explains: say which gradients are right and
    which quantity of the backward pass spoils exactly the wrong ones (BACKWARD_STEPS), then
    the comparison's own ``problem``.

    >>> params, X, y = _three_layer_data()
    >>> right = ref.backward(params, _forward(params, X), y)
    >>> grads = {**right, "W1": 2 * right["W1"], "b1": 2 * right["b1"]}
    >>> print(_first_wrong(grads, right, "...").split(", the one")[0])
    dW3, db3, dW2 and db2 right, dW1 and db1 wrong: look at delta1
    """
    order = ("W3", "b3", "W2", "b2", "W1", "b1")           # the order backward computes them
    wrong = [k for k in order if np.shape(grads[k]) != expected[k].shape
             or not np.allclose(grads[k], expected[k], rtol=1e-6, atol=1e-9)]
    right = [f"d{k}" for k in order if k not in wrong]
    found = [step for step, (_, feeds) in BACKWARD_STEPS.items() if set(feeds) == set(wrong)]
    said = (f"{_and(right)} right, {_and([f'd{k}' for k in wrong])} wrong" if right
            else "all six gradients wrong")
    if found and found[0].startswith("delta"):
        where = f"look at {found[0]}, the one quantity they all come from"
    elif found:
        where = f"look at the line of {found[0]} itself"
    else:
        where = (f"start with d{wrong[0]}, the first wrong one in the order the backward pass "
                 f"computes them")
    first = found[0] if found else f"d{wrong[0]}"
    return Problem(f"{said}: {where}. {problem}", f"first wrong: {first}")


def check_backward(student_fn):
    """Exercise: ``backward(params, cache, y) -> {name: gradient}`` for section 1's network.

    Each gradient is compared in the order the backward pass computes them (W3, b3, W2, b2, W1,
    b1); a wrong one is matched against the gradients that each typical wrong line of
    :data:`_PLANTED` and :data:`_NAMED_ONLY` produces, among those that leave the earlier
    gradients right. A wrong one that no declared mistake explains is located: the message
    lists the right and the wrong gradients and names the quantity that spoils exactly the wrong
    ones ("dW2 and db2 right, dW1 and db1 wrong: look at delta1").
    """
    params, X, y = _three_layer_data()
    cache = _forward(params, X)
    expected = ref.backward(params, cache, y)
    variants = [(step, expr, what, _three_layer_net(params, X, y, (step, expr))[1])
                for table in (_PLANTED, _NAMED_ONLY)
                for step, wrongs in table.items() for expr, what in wrongs]

    def test(fn):
        p, c = _copy(params), _copy(cache)
        grads = fn(p, c, y.copy())
        changed = [k for k in cache if not np.array_equal(c[k], cache[k])]
        if changed:
            return Problem(f"your function changed cache[{changed[0]!r}] in place (for example "
                           f"`delta3 = cache['probs']` and then `delta3[...] -= 1`): start from "
                           f"a copy, `delta3 = probs.copy()`; the later cells read the cache "
                           f"again", "changed cache")
        if any(not np.array_equal(p[k], params[k]) for k in params):
            return Problem("your function changed params: computing gradients must not update "
                           "weights", "changed params")
        if not isinstance(grads, dict):
            return Problem("return the gradients as a dict {'W1': dW1, 'b1': db1, 'W2': dW2, "
                           "'b2': db2, 'W3': dW3, 'b3': db3}", "not a dict")
        if sorted(grads) != sorted(THREE_LAYER_PARAMS):
            return Problem(f"the dict must have the keys of params (W1, b1, W2, b2, W3, b3), "
                           f"got {sorted(grads)}", "keys")
        arrays = {k: _as_array(g) for k, g in grads.items()}
        if not any(_is_float32(g) for g in grads.values()):
            for step, expr, what, wrong in variants:       # one wrong line explains them all
                if all(arrays[k].shape == wrong[k].shape and np.allclose(arrays[k], wrong[k])
                       for k in wrong):
                    return Problem(f"your gradients are those of a backward pass with {step} = "
                                   f"{expr}: {what}", f"{step}: {expr}")
        n = len(y)
        candidates = list(variants)
        for k in ("W3", "b3", "W2", "b2", "W1", "b1"):
            shape = np.shape(_as_array(grads[k]))
            if k.startswith("b") and shape == (1, expected[k].size):
                return Problem(f"d{k} has shape {shape}, b{k[1]} has shape {expected[k].shape}: "
                               f"sum over the batch with .sum(axis=0), without keepdims=True",
                               "keepdims")
            mistakes = [
                Mistake("times N", f"d{k} is N times too large: delta3 already holds the 1/N of "
                        f"the mean loss; do not multiply by N", expected[k] * n),
                Mistake("over N", f"d{k} is N times too small: the 1/N is already inside "
                        f"delta3; sum over the batch, do not average or divide again",
                        expected[k] / n),
            ] + [Mistake(f"{step}: {expr}", f"your d{k} is what a backward pass with {step} = "
                         f"{expr} gives: {what}", wrong[k])
                 for step, expr, what, wrong in candidates]
            if k.startswith("W") and expected[k].shape[0] != expected[k].shape[1]:
                mistakes.append(Mistake("transposed", f"d{k} is transposed: it must have "
                                        f"{k}'s shape {expected[k].shape}; the layer's input "
                                        f"comes first, a.T @ delta", expected[k].T))
            if problem := compare(f"d{k}", grads[k], expected[k], mistakes=mistakes,
                                  allow_float32=False):
                return _first_wrong(arrays, expected, problem) if problem.mistake == "values" \
                    else problem
            candidates = [v for v in candidates if np.allclose(v[3][k], expected[k])]
        return None

    return run_checks("backward", student_fn, [test],
                      hint="X is (N, 2), a1 and a2 are (N, 8), probs is (N, 3); every gradient "
                           "has the shape of its parameter, every delta the shape of its layer's "
                           "output")


# ---- Exercise 2: a gradient check for any network ----------------------------------------------
def _net_data():
    """A small problem on which no pre-activation comes near ReLU's kink (checked in tests)."""
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(6, 3)), np.array([0, 1, 2, 1, 0, 2])
    params = {"W1": rng.normal(size=(3, 5)), "b1": rng.normal(size=5) * 0.5,
              "W2": rng.normal(size=(5, 3)), "b2": rng.normal(size=3) * 0.5}
    return params, X, y


def _net_with_scaled_grad(name, factor):
    def net(params, X, y):
        loss, grads = ref.two_layer_net(params, X, y)
        grads[name] = grads[name] * factor
        return loss, grads
    return net


def _net_with_one_sign_flipped(name, index):
    """One entry of one gradient negated: the norm of the gradient does not change."""
    def net(params, X, y):
        loss, grads = ref.two_layer_net(params, X, y)
        grads[name] = grads[name].copy()
        grads[name][index] *= -1
        return loss, grads
    return net


def _net_with_two_entries_swapped(name, i, j):
    """Two entries of one gradient swapped: same norm, same set of values."""
    def net(params, X, y):
        loss, grads = ref.two_layer_net(params, X, y)
        g = grads[name] = grads[name].copy()
        g[i], g[j] = g[j], g[i]
        return loss, grads
    return net


def _scaled_net(net_fn, factor):
    """``net_fn`` with its loss and every gradient multiplied by ``factor`` (another unit)."""
    def net(params, X, y):
        loss, grads = net_fn(params, X, y)
        return loss * factor, {k: g * factor for k, g in grads.items()}
    return net


# The buggy networks the check tries, with the wording of the bug. The flipped and swapped
# entries are not the first entry of their array (tests check that they are far from 0).
_BUGGY_NETS = (
    ("W2", "whose W2 gradient is 1.5 times too large", _net_with_scaled_grad("W2", 1.5)),
    ("b2", "with the sign of one entry of b2's gradient flipped (same norm)",
     _net_with_one_sign_flipped("b2", 2)),
    ("W1", "with two entries of W1's gradient swapped (same norm, same values)",
     _net_with_two_entries_swapped("W1", (1, 2), (1, 3))),
)


def _non_finite(errors, names=PARAM_NAMES):
    bad = [k for k in names if not np.isfinite(float(errors[k]))]
    if bad:
        return Problem(f"your check returned {float(errors[bad[0]])} for {', '.join(bad)}: an "
                       "elementwise |g - n| / max(|g|, |n|) is 0/0 where both gradients are 0 (a "
                       "ReLU unit that is off for every sample). Return relative_error(analytic, "
                       "numerical) for the whole array, or skip the entries where both are 0",
                       "nan")
    return None


def _forward_difference_errors(net_fn, params, X, y, h):
    """What a gradient check with the one-sided difference (L(w + h) - L(w)) / h reports."""
    params = _copy(params)
    base, grads = net_fn(params, X, y)
    errors = {}
    for name, p in params.items():
        numerical = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            numerical[i] = (net_fn(params, X, y)[0] - base) / h
            p[i] = old
        errors[name] = relative_error(grads[name], numerical)
    return errors


def _calls_numerical_gradient(fn) -> bool:
    """Whether ``fn``'s code (nested functions included) reads ``numerical_gradient``, by that
    name or through another name bound to it (a global or a closure variable)."""
    from .. import gradcheck

    names, todo = set(), [getattr(fn, "__code__", None)]
    while todo:
        code = todo.pop()
        if code is not None:
            names.update(code.co_names + code.co_freevars)
            todo += [c for c in code.co_consts if hasattr(c, "co_names")]
    bound = [getattr(fn, "__globals__", {}).get(n) for n in names]
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            bound.append(cell.cell_contents)
        except ValueError:                              # a closure variable not yet assigned
            pass
    return "numerical_gradient" in names or any(v is gradcheck.numerical_gradient for v in bound)


def check_gradient_check(student_fn):
    """Exercise: ``gradient_check(net_fn, params, X, y, h=1e-5) -> {name: relative error}``.

    Accepted: an error that is scale-free and near 0 for every right gradient (array-wide as
    ``relative_error``, or a norm form); the largest elementwise error is named as a mistake (it
    flags right gradients with tiny entries). The tests try a right network, three buggy ones, a
    three-layer one, other units, another step ``h`` and a tiny entry, so that whatever passes
    here gives Exercise 3 the right pattern of wrong gradients.
    """
    params, X, y = _net_data()

    def run(fn, net, *h):
        p = _copy(params)
        errors = fn(net, p, X.copy(), y.copy(), *h)
        drift = [k for k in params if not np.all(
            np.abs(np.asarray(p[k]) - params[k]) <= 4 * np.spacing(np.abs(params[k])))]
        return errors, drift

    def values(errors, names=PARAM_NAMES):
        return np.array([float(errors[k]) for k in names])

    def test_own_loop(_):
        if _calls_numerical_gradient(student_fn):       # the function itself, not its recorder
            return Problem("your check calls coursekit's numerical_gradient: the loop it hides is "
                           "the exercise. Write it yourself: for each entry i of each parameter "
                           "(np.ndindex(p.shape)), set p[i] to old + h and to old - h, take the "
                           "two losses, divide their difference by 2h and put p[i] back",
                           "library shortcut")
        return None

    def test_correct_net(fn):
        errors, changed = run(fn, ref.two_layer_net)
        if changed:
            return Problem(f"params[{changed[0]!r}] was changed: after perturbing an entry, put "
                           f"its old value back (old = p[i] first, p[i] = old at the end)",
                           "not restored")
        if not isinstance(errors, dict) or sorted(errors) != sorted(PARAM_NAMES):
            return Problem("return a dict {parameter name: relative error} with one entry per "
                           "parameter", "not a dict")
        booleans = [k for k in PARAM_NAMES if np.asarray(errors[k]).dtype == bool]
        if booleans:
            return Problem(f"your check returned True or False for {booleans[0]}: a verdict "
                           "(np.allclose or a comparison), not an error. Return the "
                           "number relative_error(grads[name], numerical), so that the reader "
                           "sees how far right and wrong lie apart", "boolean")
        if message := _non_finite(errors):
            return message
        found = values(errors)
        if np.allclose(found, 0.5, atol=0.02) and _right_on_linear(fn, params, X, y, factor=0.5):
            return Problem("every relative error is 0.5 for a correct network: your numerical "
                           "gradient is half the true one. Your second loss is taken at w, not "
                           "at w - h: after p[i] = old + h, set p[i] = old - h (down by 2h from "
                           "there), then put old back", "second loss at w")
        if np.allclose(found, 0.5, atol=0.02) or np.allclose(found, 1 / 3, atol=0.02):
            return Problem(f"every relative error is {found.mean():.2g} for a correct network: "
                           "your numerical gradient is twice the true one. The two losses are "
                           "2h apart: divide their difference by 2h, not by h", "divide by h")
        if np.all(found > 0.5):
            if _right_on_linear(fn, params, X, y, h=1.0):
                return Problem("every relative error is about 1 for a correct network at "
                               "h = 1e-5, yet on a loss that is linear in the weights, with "
                               "h = 1, your check is right: your numerical gradient is the true "
                               "one times h squared. In Python, (a - b) / 2 * h divides by 2 and "
                               "then multiplies by h: write (a - b) / (2 * h)", "precedence")
            return Problem("every relative error is about 1 for a correct network: the "
                           "numerical gradient is 0, so the loss never saw the perturbation. "
                           "Change params[name][i] itself, in place (net_fn reads params), not "
                           "an entry of a copy", "perturbed a copy")
        if np.any(found > RIGHT):
            worst = PARAM_NAMES[int(found.argmax())]
            vectors = [k for k in PARAM_NAMES if params[k].ndim == 1]
            matrices = [k for k in PARAM_NAMES if params[k].ndim > 1]
            if (max(float(errors[k]) for k in vectors) < RIGHT
                    and min(float(errors[k]) for k in matrices) > 1e-2):
                return Problem(f"for a correct network your check is right for "
                               f"{' and '.join(vectors)} but reports about "
                               f"{found.max():.1g} for {' and '.join(matrices)}: on a 2-D array "
                               "p[i] with one index is a whole row, so `for i in range(len(p))` "
                               "perturbs a row at a time and fills each row of numerical with "
                               "one number. Walk every entry: for i in np.ndindex(p.shape)",
                               "whole rows")
            one_sided = values(_forward_difference_errors(ref.two_layer_net, params, X, y, 1e-5))
            if np.all((found > one_sided / 3) & (found < 3 * one_sided)):
                return Problem(f"for a correct network your check reports {found.max():.1g} for "
                               f"{worst}: the size of the error of the one-sided difference "
                               "(L(w + h) - L(w)) / h, which shrinks only like h. Evaluate the "
                               "loss at w + h and at w - h and divide by 2h", "forward difference")
            return Problem(f"for a correct network your check reports {found.max():.1g} for "
                           f"{worst}; expected below 1e-7. Use centred differences with "
                           "h = 1e-5 in float64 and relative_error(analytic, numerical)", "values")
        return None

    def test_buggy_nets(fn):
        for name, bug, net in _BUGGY_NETS:
            errors, _ = run(fn, net)
            if message := _non_finite(errors):
                return message
            found = values(errors)
            if found.max() > RIGHT and np.allclose(found, found[0], rtol=1e-12, atol=0):
                return Problem(f"for a network {bug} your check reports the same error, "
                               f"{found[0]:.1g}, for every parameter: one number for the whole "
                               "network (as deeplearning.ai's gradient_check_n returns) cannot "
                               f"say which gradient is wrong. Compute one error per parameter, "
                               "relative_error(grads[name], numerical) for each name", "one number")
            others = [k for k in PARAM_NAMES if k != name]
            if not float(errors[name]) > 1e-2 or max(float(errors[k]) for k in others) > RIGHT:
                return Problem(f"for a network {bug} your check should report a large error for "
                               f"{name} only; it reported "
                               + ", ".join(f"{k} {float(v):.1g}" for k, v in errors.items())
                               + ". Compare the arrays entry by entry (relative_error), not their "
                                 "norms, and perturb every entry of every parameter", "blind")
        return None

    def test_any_network(fn):
        # the planted-bug network of section 1's shape has six parameters, W3 and b3 too
        p3, X3, y3 = _three_layer_data()
        errors = fn(_three_layer_net, p3, X3, y3)
        if not isinstance(errors, dict) or sorted(errors) != sorted(p3):
            got = sorted(errors) if isinstance(errors, dict) else type(errors).__name__
            return Problem(f"for a network with the parameters {', '.join(p3)} your check "
                           f"returned {got}: loop over the names in params itself (for name in "
                           "params), not over a fixed list, so that it works for any network",
                           "fixed names")
        if message := _non_finite(errors, tuple(p3)):
            return message
        worst = max(p3, key=lambda k: float(errors[k]))
        if float(errors[worst]) > RIGHT:
            return Problem(f"for a correct three-layer tanh network your check reports "
                           f"{float(errors[worst]):.1g} for {worst}; expected below 1e-7",
                           "values")
        return None

    def test_tiny_entry(fn):
        # a right gradient with a tiny entry next to a large one: the tiny entry's own relative
        # error is all round-off (the loss is near 100, the entry's effect near 1e-14)
        def net(params, X_, y_):
            v = params["v"]
            return 100 + 0.3 * v[0] ** 2 + 1e-9 * v[1], {"v": np.array([0.6 * v[0], 1e-9])}
        errors = fn(net, {"v": np.array([1.0, 0.5])}, X.copy(), y.copy())
        if float(errors["v"]) > RIGHT:
            return Problem(f"for a right gradient (0.6, 1e-9) your check reports "
                           f"{float(errors['v']):.1g}: an elementwise error |g_i - n_i| / "
                           f"max(|g_i|, |n_i|) is large on a tiny entry, whose finite difference "
                           f"is mostly round-off (\"Going further: the elementwise error\"). "
                           f"Report the array-wide relative_error(grads[name], numerical), the "
                           f"number this lesson's thresholds are for", "elementwise")
        return None

    def test_units(fn):
        # the same buggy network in other units: loss and gradients 1000 times larger
        name, _, net = _BUGGY_NETS[0]
        small, _ = run(fn, net)
        large, _ = run(fn, _scaled_net(net, 1e3))
        small, large = float(small[name]), float(large[name])
        ratio = large / small if small > 0 else 1.0        # an error of 0: the next test says why
        if not 0.1 < ratio < 10:
            return Problem(f"your error for {name} changed {ratio:.3g}-fold when the loss and "
                           f"its gradients were multiplied by 1000 (the same network in other "
                           f"units): an absolute difference such as max|g - n| depends on the "
                           f"units. Divide by the size of the gradients, as relative_error does",
                           "absolute error")
        return None

    def test_step(fn):
        # h = 1e-2 on the smooth tanh network: the truncation error, about h**2, becomes visible
        p3, X3, y3 = _three_layer_data()
        yours = values(fn(_three_layer_net, _copy(p3), X3, y3, 1e-2), THREE_LAYER_PARAMS)
        expected = values(ref.gradient_check(_three_layer_net, _copy(p3), X3, y3, 1e-2),
                          THREE_LAYER_PARAMS)
        if yours.max() < expected.max() / 30:
            return Problem(f"with h = 1e-2 your check reports at most {yours.max():.1g}, the "
                           f"error of a much smaller step (centred differences with h = 1e-2 "
                           f"give about {expected.max():.0e}): your function ignores its "
                           f"argument h. Perturb by h and divide by 2h with the h it was given",
                           "ignores h")
        if yours.max() > 0.1:
            return Problem(f"with h = 1e-2 your check reports {yours.max():.1g} for a correct "
                           f"network (expected about {expected.max():.0e}): use the given h "
                           f"both to perturb the entry and to divide (by 2h)", "mixed steps")
        return None

    return run_checks("gradient_check", student_fn,
                      [test_own_loop, test_correct_net, test_units, test_buggy_nets,
                       test_any_network,
                       test_step, test_tiny_entry])


# ---- Exercise 3: a planted bug, found by gradient-checking layer by layer -----------------------
#: A delta step is drawn this many times as often as a weight or bias step: a wrong delta spoils
#: several gradients, the pattern the exercise teaches to read (2/3 of the draws are deltas).
DELTA_WEIGHT = 4.0
class _NetworkWithABug:
    """Section 1's network with one wrong line in its backward pass, drawn from ``seed``."""

    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        self.seed = seed
        steps = list(_PLANTED)
        weights = np.array([DELTA_WEIGHT if s.startswith("delta") else 1.0 for s in steps])
        step = steps[rng.choice(len(steps), p=weights / weights.sum())]
        expression, self._what = _PLANTED[step][rng.integers(len(_PLANTED[step]))]
        self._wrong = (step, expression)

    def __call__(self, params, X, y):
        if not isinstance(params, dict) or sorted(params) != sorted(THREE_LAYER_PARAMS):
            raise TypeError("params must be a dict with the keys W1, b1, W2, b2, W3, b3 (the "
                            "network of section 1)")
        return _three_layer_net(params, np.asarray(X, dtype=float), np.asarray(y), self._wrong)

    def __repr__(self):
        return f"network_with_a_bug(seed={self.seed})"


_SESSION_SEED = []       # drawn at the first call without a seed, kept for the session


def network_with_a_bug(seed=None):
    """Section 1's network, ``net_fn(params, X, y) -> (loss, grads)``, with one planted bug.

    The bug is one of :data:`BACKWARD_STEPS` computed wrongly, drawn from ``seed``. Without a
    seed, a random one is drawn at the first call and kept for the rest of the session, so
    running the cell again keeps the bug (a new session draws a new one); a number picks another.
    """
    if seed is None:
        if not _SESSION_SEED:
            _SESSION_SEED.append(secrets.randbelow(2**32))
        seed = _SESSION_SEED[0]
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a whole number >= 0 (or None for this session's bug), "
                        f"got {seed!r:.40}")
    return _NetworkWithABug(int(seed))


def _step_name(answer):
    """'dW2', 'dw2', 'delta_2', 'δ2' -> the step's name, or None."""
    key = answer.strip().replace("δ", "delta").replace("_", "").replace(" ", "").lower()
    return {name.lower(): name for name in BACKWARD_STEPS}.get(key)


def _listing(names):
    return ", ".join(names) if names else "none"


def _table(errors):
    """'W1 3e-01 (wrong), b1 below 1e-7, ...': a gradient check's result, read."""
    parts = []
    for k in THREE_LAYER_PARAMS:
        e = float(errors[k])
        parts.append(f"{k} {e:.0e} (wrong)" if e > WRONG else
                     f"{k} below 1e-7" if e < RIGHT else f"{k} {e:.0e}")
    return ", ".join(parts)


_FIX_NAMES = ("p, onehot, y, N (= len(y)), X, z1, a1, z2, a2, W2, W3, delta3, delta2, delta1, len "
              "and np")


def _fix_shapes(step, fix, arrays, X, y):
    """(shape of ``fix``, shape the right expression gives) for ``step``, or None if ``fix``
    cannot be computed at all."""
    v = _namespace(arrays, X, y)
    for name, (expression, _) in BACKWARD_STEPS.items():
        if name == step:
            try:
                wrong = np.shape(eval(fix, {"__builtins__": {}}, v))  # noqa: S307 - feedback only
            except Exception:  # noqa: BLE001
                return None
            return wrong, np.shape(eval(expression, {"__builtins__": {}}, v))  # noqa: S307
        v[name] = eval(expression, {"__builtins__": {}}, v)  # noqa: S307 - the module's own strings
    return None


def _right_on_linear(fn, params, X, y, factor=1.0, h=1e-3):
    """Whether ``fn``, with step ``h``, finds no error on a loss linear in the weights whose
    reported gradient is ``factor`` times the true one. With ``factor`` 0.5 that means its
    numerical gradient is half the truth; with ``h = 1`` and ``factor`` 1, a numerical gradient
    multiplied by h instead of divided is right there and only there."""
    slopes = {k: np.linspace(-1.0, 1.0, np.size(v)).reshape(np.shape(v)) for k, v in params.items()}

    def linear(p, X_, y_):
        return (sum(float((slopes[k] * p[k]).sum()) for k in slopes),
                {k: factor * v for k, v in slopes.items()})

    try:
        errors = fn(linear, _copy(params), X.copy(), y.copy(), h)
        return all(float(errors[k]) < 1e-6 for k in params)
    except Exception:  # noqa: BLE001 - a check that fails here is judged by the other tests
        return False


def _fix_problem(step, fix, net_fn, params, X, y):
    """None if ``fix`` (an expression for ``step``) repairs ``net_fn``, else what is wrong."""
    if not isinstance(fix, str) or not fix.strip():
        return Problem("fix must be a string: the right-hand side of the line, e.g. "
                       "fix = \"...\" with the expression that computes " + step, "fix type")
    arrays = {k: np.array(v, dtype=float) for k, v in params.items()}

    def errors_with(expression, X=X, y=y):
        return ref.gradient_check(
            lambda p, X_, y_: _three_layer_net(p, X_, y_, (step, expression)),
            _copy(arrays), X, y)

    try:
        errors = errors_with(fix.strip())
        half = len(y) // 2 + 1
        other = (errors_with(fix.strip(), X[:half], y[:half])  # another batch size
                 if all(float(errors[k]) < RIGHT for k in THREE_LAYER_PARAMS) else None)
    except Exception as err:  # noqa: BLE001 - the student's expression is feedback
        shapes = _fix_shapes(step, fix.strip(), arrays, X, y)
        if shapes is not None and shapes[0] != shapes[1]:
            return Problem(f"your fix {fix.strip()!r} gives {step} the shape {shapes[0]}, but "
                           f"{step} must have the shape {shapes[1]}: which axis does your "
                           "expression sum over, or which transpose does it miss?", "fix shape")
        return Problem(f"your fix {fix.strip()!r} could not be computed ({type(err).__name__}: "
                       f"{err}); write one expression with the names {_FIX_NAMES}", "fix error")
    still = [k for k in THREE_LAYER_PARAMS if not float(errors[k]) < RIGHT]
    if not still:
        if all(float(other[k]) < RIGHT for k in THREE_LAYER_PARAMS):
            return None
        return Problem(f"your fix {fix.strip()!r} repairs this batch of {len(y)} samples but not "
                       f"a batch of {half}: write the batch size as N (or len(y)), not a number",
                       "fix batch size")
    _, grads = _three_layer_net(arrays, X, y, (step, fix.strip()))
    for expression, what in _PLANTED[step]:
        _, wrong = _three_layer_net(arrays, X, y, (step, expression))
        if all(np.allclose(grads[k], wrong[k], rtol=1e-9, atol=1e-14) for k in grads):
            return Problem(f"with your fix, {step} = {fix.strip()}: {what}",
                           "fix " + expression)
    return Problem(f"with your fix, a gradient check still marks {_listing(still)} wrong: "
                   f"compare your expression for {step} with rules 1-3 of section 2",
                   "fix still wrong")


def check_planted_bug(suspect, errors, net_fn, params, X, y, fix=None):
    """Exercise: locate the wrong quantity of ``net_fn``'s backward pass, then repair it.

    ``errors`` is what the student's ``gradient_check(net_fn, params, X, y)`` returned; the
    check prints it as a table. It must show the same gradients wrong (error above 1e-3) as a
    gradient check of ``net_fn`` on those arrays; ``suspect`` names one of
    :data:`BACKWARD_STEPS` and must be the step whose wrong value spoils exactly those. Then
    the check shows that step's line and ``fix``, the right-hand side that repairs it (a string),
    must make every gradient pass a gradient check; a known wrong expression is named.
    """
    if suspect is not None and not isinstance(suspect, str):
        raise TypeError(f"suspect must be the name of a quantity of the backward pass, a string "
                        f"such as 'dW2' or 'delta2', got {type(suspect).__name__}")
    if not isinstance(net_fn, _NetworkWithABug):
        raise TypeError("net_fn must be the network that checks.network_with_a_bug() returned")
    names = ", ".join(BACKWARD_STEPS)
    evidence = isinstance(errors, dict) and sorted(errors) == sorted(THREE_LAYER_PARAMS)
    readable = evidence and _non_finite(errors, THREE_LAYER_PARAMS) is None
    table = f" Your errors: {_table(errors)}." if readable else ""

    def test(answer):
        if answer is None and errors is None:
            raise NotImplementedError
        if errors is not None and not evidence:
            return Problem("errors must be what gradient_check(buggy_net, params3, X, y) "
                           "returns: a dict with one relative error per parameter (W1, b1, W2, "
                           "b2, W3, b3)", "no evidence")
        if evidence and (message := _non_finite(errors, THREE_LAYER_PARAMS)):
            return message
        measured = ref.gradient_check(net_fn, {k: np.array(v, dtype=float) for k, v in
                                               params.items()}, X, y)
        wrong = [k for k in THREE_LAYER_PARAMS if measured[k] > WRONG]
        if evidence:
            yours = [k for k in THREE_LAYER_PARAMS if float(errors[k]) > WRONG]
            if yours != wrong:
                return Problem(f"your errors mark {_listing(yours)} wrong, but a gradient check "
                               f"of this buggy_net on these arrays marks {_listing(wrong)} "
                               "wrong: compute errors3 again, with "
                               "gradient_check(buggy_net, params3, X, y) on this cell's "
                               "buggy_net", "other evidence")
        if answer is None:
            return None
        step = _step_name(answer)
        if step is None:
            hint = (f" ('d{answer.strip()}' computes {answer.strip()}'s gradient)"
                    if answer.strip() in THREE_LAYER_PARAMS else "")
            return Problem(f"name one quantity of the backward pass: {names}{hint}", "not a step")
        if not evidence:
            return Problem("pass the evidence too: errors3 = gradient_check(buggy_net, params3, "
                           "X, y), a dict with one relative error per parameter", "no evidence")
        feeds = BACKWARD_STEPS[step][1]
        if set(feeds) == set(wrong):
            if fix is None:
                raise NotImplementedError
            return _fix_problem(step, fix, net_fn, params, X, y)
        if set(feeds) < set(wrong):
            return Problem(f"{step} feeds only {_listing(feeds)}, but your errors show "
                           f"{_listing([k for k in wrong if k not in feeds])} wrong too. A wrong "
                           "quantity spoils every gradient computed from it: look for the one "
                           "that all the wrong gradients share, walking back from the loss",
                           "spoils more")
        if set(feeds) > set(wrong):
            return Problem(f"a wrong {step} would spoil {_listing(feeds)}, but your errors show "
                           f"only {_listing(wrong)} wrong: look for a quantity that feeds "
                           "exactly those", "spoils less")
        return Problem(f"{step} feeds {_listing(feeds)}, but your errors show {_listing(wrong)} "
                       "wrong: the bug is where the wrong gradients come from", "other step")

    def with_table(answer):
        problem = test(answer)
        if problem is None and answer is None:          # evidence in, no suspect yet
            raise NotImplementedError
        if problem and problem.mistake and problem.mistake.startswith("fix"):
            return problem
        return Problem(f"{problem}.{table}", problem.mistake) if problem else None

    todo = ("not attempted yet: set errors3 to what your gradient_check returns for buggy_net "
            "and run this cell again; it prints the errors as a table.")
    if readable:
        todo = (f"your errors: {_table(errors)}. Which single quantity of the backward pass, "
                f"computed wrongly, spoils exactly the gradients marked wrong? Set suspect to "
                f"its name and run this cell again.")
        found = _step_name(suspect) if isinstance(suspect, str) else None
        if found is not None and found == net_fn._wrong[0]:
            todo = (f"right: a wrong {found} spoils exactly "
                    f"{_listing(BACKWARD_STEPS[found][1])}. buggy_net computes it as\n"
                    f"      {found} = {net_fn._wrong[1]}\n"
                    f"  What is wrong with this line? Set fix to the right-hand side that "
                    f"repairs it, as a string, and run this cell again.")
    result = run_checks("planted bug", lambda: suspect, [lambda fn: with_table(fn())],
                        todo=todo)
    if result.passed:
        step, expression = net_fn._wrong
        print(f"  The bug: {step} = {expression}, where {BACKWARD_STEPS[step][0]} is right "
              f"({net_fn._what}). For another, run checks.network_with_a_bug(seed=...) with any "
              f"number.")
    return result


# ---- Going further: sigmoid + binary cross-entropy, a layer the lesson did not show -------------
def _sigmoid_bce_mistakes(z, y):
    """The loss and dz that typical derivations of sigmoid + binary cross-entropy produce."""
    n = len(z)
    p = 1.0 / (1.0 + np.exp(-z))
    loss, dz = ref.sigmoid_bce(z, y)
    loss_mistakes = [
        Mistake("summed", "loss is N times too large: take the mean over the batch, not the sum",
                loss * n),
        Mistake("one term", "the loss has only the y·log(p) term: a sample with y = 0 "
                "contributes -log(1 - p)", -np.mean(y * np.log(p))),
        Mistake("loss sign", "the loss is negative: it is MINUS the mean of y·log p + (1 - y)·"
                "log(1 - p), and the log of a probability is at most 0", -loss),
    ]
    dz_mistakes = [
        Mistake("no 1/N", "dz is N times too large: the loss is a mean over N samples, so each "
                "dz_i carries a factor 1/N", p - y),
        Mistake("dz sign", "dz has the wrong sign: the loss must fall when z moves p towards "
                "the label y; check which term is subtracted from which", (y - p) / n),
        Mistake("p not p-y", "dz is p/N: the part that comes from the label y is missing; "
                "differentiate both terms of the loss", p / n),
        Mistake("dL/dp", "that is dL/dp, the gradient with respect to the probability; the "
                "layer's input is z: chain it with dp/dz = p(1 - p) and simplify",
                -(y / p - (1 - y) / (1 - p)) / n),
        Mistake("sigmoid twice", "dz has an extra factor p(1 - p): the sigmoid's derivative "
                "is already inside your result (it cancels the cross-entropy's "
                "denominators); you applied it twice", (p - y) * p * (1 - p) / n),
        Mistake("z not p", "dz uses the logit z where the probability p = sigmoid(z) belongs",
                (z - y) / n),
    ]
    return loss, dz, loss_mistakes, dz_mistakes


def check_sigmoid_bce(student_fn, gradient_check=None):
    """Exercise: ``sigmoid_bce(z, y) -> (loss, dz)``, derived by the student.

    ``p = sigmoid(z)``, ``loss = -mean(y log p + (1 - y) log(1 - p))``, ``dz = dloss/dz``.
    With ``gradient_check`` (the student's, once its check passes) a wrong ``dz`` is reported
    together with what that gradient check says about the student's own loss and dz.
    """
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=6) * 2, np.array([0, 1, 1, 0, 1, 0])
    grad_check = gradient_check or ref.gradient_check

    def own_verdict(fn):
        """What a gradient check of the student's loss says about the student's dz."""
        def as_net(params, _X, labels):
            loss, dz = fn(params["z"], labels)
            return _as_scalar(loss), {"z": _as_array(dz)}
        try:
            error = float(grad_check(as_net, {"z": z.copy()}, z[:, None], y.copy())["z"])
        except Exception:  # noqa: BLE001 - the verdict is an extra; without it the message stands
            return ""
        return (f" (your gradient_check of your loss flags this dz too: relative error "
                f"{error:.1g})" if error > 1e-6 else "")

    def test_values(fn):
        result, message = _pair(fn(z.copy(), y.copy()),
                                "the loss (a number) and dz (an array shaped like z)")
        if message:
            return message
        loss, dz, loss_mistakes, dz_mistakes = _sigmoid_bce_mistakes(z, y)
        if any(getattr(value, "requires_grad", False) for value in result):
            return Problem("your loss or dz is a torch tensor that requires grad: return plain "
                           "numbers (loss.item(), dz.detach()); the later cells compute with "
                           "NumPy", "requires grad")
        if _is_float32(result[0]):
            return Problem("the loss is float32: compute in float64 here (float32 keeps only "
                           "about 7 digits, and no gradient check can judge its gradient)",
                           "float32")
        if np.size(_as_array(result[0])) != 1:
            return Problem(f"the loss must be one number, the mean over the batch; yours has "
                           f"{np.size(_as_array(result[0]))} entries", "loss not a number")
        if (problem := compare("loss", _as_scalar(result[0]), loss, mistakes=loss_mistakes)):
            return problem
        problem = compare("dz", result[1], dz, mistakes=dz_mistakes, allow_float32=False)
        if problem and problem.mistake not in ("float32", "type", "none", "shape", "nan"):
            return Problem(problem + own_verdict(fn), problem.mistake)
        return problem

    def test_large_logits(fn):
        big, y_big = np.array([800.0, -800.0, 40.0, -40.0]), np.array([0, 1, 1, 0])
        with np.errstate(all="ignore"):
            loss, dz = fn(big.copy(), y_big.copy())
        loss = _as_scalar(loss)
        expected_loss, expected_dz = ref.sigmoid_bce(big, y_big)
        if not np.isfinite(loss) or not np.all(np.isfinite(_as_array(dz))):
            return Problem("for z = 800 with y = 0 your loss or dz is inf or NaN: sigmoid(800) "
                           "rounds to 1 and log(1 - p) = log(0). Write the logs without forming "
                           "p: log p = -np.logaddexp(0, -z) and log(1 - p) = -np.logaddexp(0, z)",
                           "log of 0")
        if abs(loss - expected_loss) > 1e-6 * expected_loss:
            return Problem(f"your loss for z = [800, -800, 40, -40], y = [0, 1, 1, 0] is "
                           f"{loss:.4g}, the exact value {expected_loss:.4g} (each of the first "
                           "two samples costs 800): a small constant inside the log, or a "
                           "clipped p, caps it. Use np.logaddexp", "capped")
        return compare("dz for large logits", dz, expected_dz, allow_float32=False)

    return run_checks("sigmoid_bce", student_fn, [test_values, test_large_logits],
                      hint="z and y have shape (N,); return (loss, dz) with dz shaped like z")


# ---- Going further: a two-layer ReLU network from building blocks ------------------------------
# Shapes chosen so that every transpose mistake changes a shape: N=4 samples, D=3, H=5.
_rng = np.random.default_rng(1)
_X, _W, _DOUT = _rng.normal(size=(4, 3)), _rng.normal(size=(3, 5)), _rng.normal(size=(4, 5))


def check_affine_backward(student_fn):
    """Exercise: ``affine_backward(dout, x, W) -> (dx, dW, db)`` for ``out = x @ W + b``."""

    def test(fn):
        result = fn(_DOUT.copy(), _X.copy(), _W.copy())
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            return Problem("return three arrays: dx, dW, db (in that order)", "return type")
        dx, dW, db = ref.affine_backward(_DOUT, _X, _W)
        n = len(_X)
        if np.shape(_as_array(result[2])) == (1, db.size):
            return Problem(f"db has shape (1, {db.size}), b has shape ({db.size},): sum over the "
                           f"batch with .sum(axis=0), without keepdims=True", "keepdims")
        return (
            compare("dx", result[0], dx, allow_float32=False, mistakes=[
                Mistake("dx / N", "dx is N times too small: dout already holds the 1/N of the "
                        "mean loss; pass it back as dout @ W.T without dividing again", dx / n),
            ])
            or compare("dW", result[1], dW, allow_float32=False, mistakes=[
                Mistake("transposed", "dW is transposed: use x.T @ dout, which has W's shape "
                        "(D, H)", dW.T),
                Mistake("dW / N", "dW is N times too small: sum over the batch (x.T @ dout), "
                        "do not average; the 1/N is already inside dout", dW / n),
                Mistake("dW * N", "dW is N times too large: dout already holds the 1/N of the "
                        "mean loss; do not multiply by N", dW * n),
            ])
            or compare("db", result[2], db, allow_float32=False, mistakes=[
                Mistake("db per sample", "db must have b's shape (H,): sum dout over the batch "
                        "axis (axis=0)", _DOUT),
                Mistake("db / N", "db is N times too small: sum over the batch, do not average",
                        db / n),
                Mistake("db axis", "db sums over the wrong axis: the batch is axis 0",
                        _DOUT.sum(axis=1)),
            ])
        )

    return run_checks("affine_backward", student_fn, [test],
                      hint="x is (N, D), W is (D, H), dout is (N, H); each gradient has the "
                           "shape of the thing it is the gradient of")


def check_tanh_derivative(student_fn):
    """Warm-up: ``tanh_derivative(a)``, d tanh(z)/dz written with the output ``a = tanh z``."""
    a = np.tanh(np.array([-2.5, -1.2, -0.4, 0.0, 0.3, 0.9, 3.0]))

    def test(fn):
        return compare("tanh_derivative(a)", fn(a.copy()), ref.tanh_derivative(a),
                       allow_float32=False, mistakes=[
            Mistake("tanh again", "a is already tanh(z): applying tanh to it again gives the "
                    "derivative at the wrong point; write the derivative with a itself",
                    1 - np.tanh(a) ** 2),
            Mistake("sigmoid", "a(1 - a) is the derivative of the sigmoid, written with its "
                    "output; differentiate tanh = sinh/cosh instead", a * (1 - a)),
            Mistake("odd", "tanh is odd, so its derivative is even: it takes the same value at a "
                    "and -a; yours does not", 1 - a),
            Mistake("plus", "the slope of tanh is largest at z = 0 (where a = 0) and falls "
                    "towards 0 as |a| approaches 1; yours grows", 1 + a ** 2),
        ])

    return run_checks("tanh_derivative", student_fn, [test])


def check_relu_backward(student_fn):
    """Exercise: ``relu_backward(dout, z) -> dz`` for ``a = max(z, 0)``."""
    # an entry above 6 (ReLU6 differs from ReLU only there) and exact zeros (the kink)
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 7.5], [1.0, -1.0, 2.0, 0.0, -3.0]])
    dout = np.array([[0.3, -1.2, 0.7, -0.4, 2.0], [-0.6, 0.9, 1.5, -2.2, 0.1]])

    def test(fn):
        expected = ref.relu_backward(dout, z)
        return compare("dz", fn(dout.copy(), z.copy()), expected, allow_float32=False, mistakes=[
            Mistake("mask alone", "you returned the mask (z > 0) alone: multiply it by the "
                    "upstream gradient dout", (z > 0).astype(float)),
            Mistake("times z", "multiply dout by the derivative of ReLU (1 where z > 0, else 0), "
                    "not by z itself", dout * z),
            Mistake("mask from dout", "the mask must come from the layer's input z, not from "
                    "the sign of dout", np.maximum(dout, 0)),
            Mistake("z >= 0", "at z = 0 use the derivative 0 (z > 0, not z >= 0): PyTorch and "
                    "TensorFlow do the same", dout * (z >= 0)),
            Mistake("relu6", "that is ReLU6's derivative (0 above 6 as well): ReLU's is 1 for "
                    "every z > 0", dout * ((z > 0) & (z < 6))),
            Mistake("leaky", "that is a leaky ReLU's derivative (a small slope below 0): ReLU's "
                    "is exactly 0 for z <= 0", np.where(z > 0, dout, 0.01 * dout)),
        ])

    return run_checks("relu_backward", student_fn, [test])


def _wrong_column_subtraction(probs, y):
    """``d[:, y] -= 1``: subtracts 1 in whole columns instead of at one entry per row."""
    d = probs.copy()
    d[:, y] -= 1
    return d / len(y)


def _column_block_losses(logits, y):
    """The losses that ``[:, y]`` (an N x N block, every row at every label) gives in the
    usual ways of writing the loss: from log-probabilities (mean over the block, or its sum over
    N), and from the logits minus the log-sum-exp (shifted by each row's maximum or not)."""
    n = len(y)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    lse = np.log(np.exp(logits).sum(axis=1))
    lse_shifted = np.log(np.exp(shifted).sum(axis=1))
    return [-log_probs[:, y].mean(), -log_probs[:, y].sum() / n,
            (-shifted[:, y].sum() + lse_shifted.sum()) / n,
            (-logits[:, y].sum() + lse.sum()) / n]


def check_softmax_cross_entropy(student_fn):
    """Exercise: ``softmax_cross_entropy(logits, y) -> (loss, dlogits)``, mean over the batch."""
    rng = np.random.default_rng(2)
    logits, y = rng.normal(size=(6, 4)), np.array([0, 3, 1, 1, 2, 0])

    def test_values(fn):
        result, message = _pair(fn(logits.copy(), y.copy()),
                                "the loss (a float) and dlogits (an array like logits)")
        if message:
            return message
        loss, dlogits = ref.softmax_cross_entropy(logits, y)
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        if _is_float32(result[0]):
            return Problem("the loss is float32: compute in float64 here (float32 keeps only "
                           "about 7 digits)", "float32")
        return (
            compare("loss", _as_array(result[0]).reshape(()), loss, mistakes=[
                Mistake("summed", "loss is N times too large: take the mean over the batch, not "
                        "the sum", loss * len(y)),
            ] + [Mistake("[:, y] block", "log_probs[:, y] picks an N x N block (every row at every "
                         "label): index one entry per row with log_probs[np.arange(N), y]", wrong)
                 for wrong in _column_block_losses(logits, y)])
            or compare("dlogits", result[1], dlogits, allow_float32=False, mistakes=[
                Mistake("no 1/N", "dlogits is N times too large: the loss is a mean, so divide "
                        "by N", dlogits * len(y)),
                Mistake("no -1", "dlogits is softmax(logits)/N: subtract 1 at the true class of "
                        "each row first", probs / len(y)),
                Mistake("d[:, y]", "d[:, y] -= 1 subtracts 1 in whole columns: subtract it at "
                        "one entry per row with d[np.arange(N), y] -= 1",
                        _wrong_column_subtraction(probs, y)),
                Mistake("sign", "dlogits has the wrong sign: it is (softmax - onehot)/N, the "
                        "probabilities minus the labels", -dlogits),
            ])
        )

    def test_large_logits(fn):
        big, y_big = np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 10.0]]), np.array([0, 2])
        with np.errstate(all="ignore"):
            loss, dlogits = fn(big.copy(), y_big.copy())
        loss = _as_scalar(loss)
        if not np.all(np.isfinite(_as_array(dlogits))):
            return Problem("with logits like 1000 you get NaN or inf: subtract each row's "
                           "maximum before np.exp (it does not change the softmax)", "overflow")
        if not np.isfinite(loss):
            return Problem("the loss is inf for the row [0, 800, 10] with label 2: after "
                           "subtracting the maximum, p[y] = exp(-790) underflows to 0 and -log(0)"
                           " = inf. Take the log without forming p: log p = shifted - "
                           "log(sum(exp(shifted))), the log-sum-exp trick", "log of 0")
        expected = ref.softmax_cross_entropy(big, y_big)[0]
        if loss < expected * (1 - 1e-6):
            return Problem(f"your loss for these logits is {loss:.4g}, the exact value "
                           f"{expected:.4g}: for the row [0, 800, 10] with label 2, -log p[y] = "
                           "790. A small constant added inside the log (or a clipped p) caps "
                           "it; compute log p exactly with the log-sum-exp trick, log p = "
                           "shifted - log(sum(exp(shifted)))", "capped")
        return compare("loss for large logits", loss, expected)

    return run_checks("softmax_cross_entropy", student_fn, [test_values, test_large_logits])


def _wrong_net_grads(params, X, y):
    """The gradients that typical assembly mistakes produce, for the messages of the check."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.maximum(z1, 0)
    _, dlogits = ref.softmax_cross_entropy(a1 @ params["W2"] + params["b2"], y)
    da1 = dlogits @ params["W2"].T
    scores_no_relu = z1 @ params["W2"] + params["b2"]
    return {
        "loss_no_relu": ref.softmax_cross_entropy(scores_no_relu, y)[0],
        "no_relu": (X.T @ da1, da1.sum(axis=0)),
        "z_not_a": z1.T @ dlogits,
        "mask_from_grad": (X.T @ (da1 * (da1 > 0)), (da1 * (da1 > 0)).sum(axis=0)),
    }


def check_two_layer_net(student_fn):
    """Exercise: ``two_layer_net(params, X, y) -> (loss, grads)`` from the building blocks."""
    params, X, y = _net_data()

    def test(fn):
        before = _copy(params)
        result = fn(before, X.copy(), y.copy())
        if any(not np.array_equal(before[k], params[k]) for k in params):
            return Problem("your function changed params: computing gradients must not update "
                           "weights", "changed params")
        result, message = _pair(result, "(loss, grads) with grads a dict {'W1': ..., 'b1': ..., "
                                        "'W2': ..., 'b2': ...}")
        if message or not isinstance(result[1], dict):
            return message or Problem("return (loss, grads) with grads a dict {'W1': ..., "
                                      "'b1': ..., 'W2': ..., 'b2': ...}", "return type")
        loss, grads = result
        if sorted(grads) != sorted(PARAM_NAMES):
            return Problem(f"grads must have the keys W1, b1, W2, b2 (one per parameter), "
                           f"got {sorted(grads)}", "keys")
        ref_loss, ref_grads = ref.two_layer_net(params, X, y)
        wrong = _wrong_net_grads(params, X, y)
        if _is_float32(loss):
            return Problem("the loss is float32: compute in float64 here (float32 keeps only "
                           "about 7 digits)", "float32")
        return (
            compare("loss", _as_array(loss).reshape(()), ref_loss, mistakes=[
                Mistake("no relu forward", "your loss is that of a network without the ReLU: "
                        "the scores must come from a1 = relu(z1), not from the pre-activation z1",
                        wrong["loss_no_relu"]),
                Mistake("summed", "loss is N times too large: take the mean over the batch, not "
                        "the sum", ref_loss * len(y)),
            ])
            or compare("W2's gradient", grads["W2"], ref_grads["W2"], allow_float32=False,
                       mistakes=[
                Mistake("z not a", "dW2 must use the input of layer 2, a1 = relu(z1), not the "
                        "pre-activation z1", wrong["z_not_a"]),
                Mistake("transposed", "dW2 is transposed: use a1.T @ dscores, which has W2's "
                        "shape", ref_grads["W2"].T),
                Mistake("no 1/N", "dW2 is N times too large: the loss is a mean, so dscores "
                        "carries 1/N", ref_grads["W2"] * len(y)),
            ])
            or compare("b2's gradient", grads["b2"], ref_grads["b2"], allow_float32=False,
                       mistakes=[
                Mistake("no 1/N", "db2 is N times too large: the loss is a mean, so dscores "
                        "carries 1/N", ref_grads["b2"] * len(y)),
            ])
            or compare("W1's gradient", grads["W1"], ref_grads["W1"], allow_float32=False,
                       mistakes=[
                Mistake("no relu", "dW1 skips the ReLU: pass da1 through relu_backward(da1, z1) "
                        "before the first layer's affine_backward", wrong["no_relu"][0]),
                Mistake("mask from grad", "the ReLU mask must come from z1 (the forward pass), "
                        "not from the sign of the gradient", wrong["mask_from_grad"][0]),
            ])
            or compare("b1's gradient", grads["b1"], ref_grads["b1"], allow_float32=False,
                       mistakes=[
                Mistake("no relu", "db1 skips the ReLU: sum dz1 = relu_backward(da1, z1), not "
                        "da1", wrong["no_relu"][1]),
            ])
        )

    return run_checks("two_layer_net", student_fn, [test],
                      hint="run the checks of the building blocks first; then follow the "
                           "forward pass backwards: softmax_cross_entropy, affine_backward "
                           "(layer 2), relu_backward, affine_backward (layer 1)")
