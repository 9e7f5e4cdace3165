"""The checks of notebook 07 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import weights as checks
from coursekit.solutions import weights as ref

torch = pytest.importorskip("torch")


def _not_attempted(*args):
    raise NotImplementedError


# ---------------------------------------------------------------- matching_entries
def test_matching_entries_accepts_reference():
    assert checks.check_matching_entries(ref.matching_entries).passed is True


@pytest.mark.parametrize("wrong, phrase", [
    (lambda ck, ms: {k: v for k, v in ck.items() if k in ms}, "Compare the shapes too"),
    (lambda ck, ms: dict(ck), "not in the model"),
    (lambda ck, ms: {}, "the result is empty"),
    (lambda ck, ms: {k: ms[k] for k, v in ck.items() if k in ms and v.shape == ms[k].shape},
     "take the value from the checkpoint"),
    (lambda ck, ms: {k: v for k, v in ck.items() if k.startswith("body")}, "norm.weight"),
    (lambda ck, ms: [1, 2], "return a dict"),
    (lambda ck, ms: {k: 2 * v for k, v in ck.items() if k in ms and v.shape == ms[k].shape},
     "wrong values"),
])
def test_matching_entries_names_mistakes(wrong, phrase):
    result = checks.check_matching_entries(wrong)
    assert result.passed is False
    assert phrase in result.message


def test_matching_entries_not_attempted():
    assert "[TODO]" in checks.check_matching_entries(_not_attempted).message


# ---------------------------------------------------------------- torch_linear_to_keras
def test_torch_linear_to_keras_accepts_reference():
    assert checks.check_torch_linear_to_keras(ref.torch_linear_to_keras).passed is True


def test_torch_linear_to_keras_accepts_tuples_and_tensors():
    def as_tensors(w, b):
        return (torch.tensor(w).T, torch.tensor(b))
    assert checks.check_torch_linear_to_keras(as_tensors).passed is True


@pytest.mark.parametrize("wrong, phrase", [
    (lambda w, b: [w, b], "not transposed"),
    (lambda w, b: [w.T, b[None, :]], "(1, out) row"),
    (lambda w, b: w.T, "list of two arrays"),
    (lambda w, b: [b, w.T], "kernel should have shape"),
])
def test_torch_linear_to_keras_names_mistakes(wrong, phrase):
    result = checks.check_torch_linear_to_keras(wrong)
    assert result.passed is False
    assert phrase in result.message


def test_square_transpose_mistake_is_caught():
    # passes the (3, 5) test by reshaping, but the square layer reveals the missing transpose
    def reshaped(w, b):
        return [w.reshape(w.shape[1], w.shape[0]), b]
    result = checks.check_torch_linear_to_keras(reshaped)
    assert result.passed is False
    assert "not transposed" in result.message or "wrong values" in result.message


# ---------------------------------------------------------------- freeze_all_but
def test_freeze_all_but_accepts_reference():
    assert checks.check_freeze_all_but(ref.freeze_all_but).passed is True


def _set(model, flag_fn):
    for name, p in model.named_parameters():
        p.requires_grad_(flag_fn(name))


def _count(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda m, pre: _count(m), "still trainable"),
    (lambda m, pre: (_set(m, lambda n: False), 0)[1], "froze everything"),
    (lambda m, pre: (_set(m, lambda n: not n.startswith(tuple(pre))), _count(m))[1],
     "wrong way round"),
    (lambda m, pre: (_set(m, lambda n: n.startswith(tuple(pre))),
                     sum(1 for p in m.parameters() if p.requires_grad))[1], "trainable tensors"),
    (lambda m, pre: (_set(m, lambda n: n.startswith(tuple(pre))),
                     sum(p.numel() for p in m.parameters()))[1], "counted all parameters"),
    (lambda m, pre: (_set(m, lambda n: n.startswith(tuple(pre))), None)[1], "the count should"),
    (lambda m, pre: (_set(m, lambda n: n.startswith(tuple(pre)) and "weight" in n),
                     _count(m))[1], "requires_grad is wrong for 2.bias"),
    (lambda m, pre: (_set(m, lambda n: any(p in n for p in pre)), _count(m))[1],
     "body.head.bias, body.head.weight contains the prefix 'head.' without starting with it"),
])
def test_freeze_all_but_names_mistakes(wrong, phrase):
    result = checks.check_freeze_all_but(wrong)
    assert result.passed is False
    assert phrase in result.message


def test_freeze_all_but_empty_prefixes():
    def no_empty_case(m, pre):
        if not pre:
            return _count(m)
        return ref.freeze_all_but(m, pre)
    result = checks.check_freeze_all_but(no_empty_case)
    assert result.passed is False and "no prefixes" in result.message


def test_checks_reject_non_callables():
    for check in (checks.check_matching_entries, checks.check_torch_linear_to_keras,
                  checks.check_freeze_all_but):
        with pytest.raises(TypeError, match="pass your function"):
            check(np.zeros(3))


# ---------------------------------------------------------------- magnitude_prune
def test_magnitude_prune_accepts_reference_and_says_todo():
    assert checks.check_magnitude_prune(ref.magnitude_prune).passed is True
    assert "[TODO]" in checks.check_magnitude_prune(_not_attempted).message


def _signed(w, f):
    out = w.copy()
    out.flat[np.argsort(w, axis=None)[:round(f * w.size)]] = 0
    return out


def _largest(w, f):
    out = w.copy()
    out.flat[np.argsort(-np.abs(w), axis=None)[:round(f * w.size)]] = 0
    return out


def _keep_fraction(w, f):
    return ref.magnitude_prune(w, 1 - f)


def _in_place(w, f):
    w.flat[np.argsort(np.abs(w), axis=None)[:round(f * w.size)]] = 0
    return w


def _mask(w, f):
    return ref.magnitude_prune(w, f) != 0


def _per_row(w, f):
    return np.stack([ref.magnitude_prune(r, f) for r in np.atleast_2d(w)]).reshape(w.shape)


@pytest.mark.parametrize("wrong, phrase", [
    (_signed, "most negative"),
    (_largest, "removes the smallest"),
    (_keep_fraction, "share to remove"),
    (_in_place, "in place"),
    (_mask, "returned a mask"),
    (lambda w, f: None, "returned None"),
    (_per_row, "wrong values"),
])
def test_magnitude_prune_names_mistakes(wrong, phrase):
    result = checks.check_magnitude_prune(wrong)
    assert result.passed is False
    assert phrase in result.message


def test_magnitude_prune_check_needs_a_function():
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_magnitude_prune(0.5)
