"""The checks of notebook 07 accept the reference solutions and name each typical mistake."""

import math

import numpy as np
import pytest

from coursekit.checks import weights as checks
from coursekit.solutions import weights as ref

torch = pytest.importorskip("torch")


def _not_attempted(*args):
    raise NotImplementedError


# ---------------------------------------------------------------- matching_entries
def _model_names(answer):
    # a student answer that first removes the wrapper prefixes right, then applies `answer`
    return lambda ck, ms: answer({ref.model_name(k): v for k, v in ck.items()}, ms)


def _strip_once(*prefixes):
    # removes each of `prefixes` once, in this order, from the start of a name
    def name(k):
        for p in prefixes:
            k = k.removeprefix(p)
        return k
    return lambda ck, ms: {name(k): v for k, v in ck.items()
                           if name(k) in ms and v.shape == ms[name(k)].shape}


def _strip_loop(ck, ms):
    out = {}
    for k, v in ck.items():
        while k.startswith(("module.", "_orig_mod.")):
            k = k.split(".", 1)[1] if k.startswith("module.") else k[len("_orig_mod."):]
        if k in ms and v.shape == ms[k].shape:
            out[k] = v
    return out


@pytest.mark.parametrize("answer", [
    _model_names(lambda ck, ms: {k: v for k, v in ck.items()
                                 if k in ms and v.shape == ms[k].shape}),
    _model_names(lambda ck, ms: {k: v for k, v in ck.items()
                                 if k in ms and v.size() == ms[k].size()}),
    _model_names(lambda ck, ms: {k: v.clone() for k, v in ck.items()
                                 if k in ms and tuple(v.shape) == tuple(ms[k].shape)}),
    _strip_loop,
    ref.matching_entries,
])
def test_matching_entries_accepts_every_right_answer(answer):
    assert checks.check_matching_entries(answer).passed is True


@pytest.mark.parametrize("wrong, phrase", [
    (_model_names(lambda ck, ms: {k: v for k, v in ck.items() if k in ms}),
     "Compare the shapes too"),
    (_model_names(lambda ck, ms: {k: v for k, v in ck.items()
                                  if k in ms and v.numel() == ms[k].numel()}),
     "fc.weight: checkpoint (20, 6), model (6, 20)"),
    (_model_names(lambda ck, ms: {k: v for k, v in ck.items()
                                  if k in ms and v.numel() == ms[k].numel()}),
     "the same number of elements is not enough"),
    (_model_names(lambda ck, ms: {k: v for k, v in ck.items() if k in ms and len(v) == len(ms[k])}),
     "the same first dimension is not enough"),
    (_model_names(lambda ck, ms: {k: v for k, v in ck.items()
                                  if k in ms and v.shape[0] == ms[k].shape[0]}),
     "enc.weight: checkpoint (5, 6), model (5, 4)"),
    (_model_names(lambda ck, ms: dict(ck)), "aux.weight is not in the model"),
    (lambda ck, ms: {}, "the result is empty"),
    (_model_names(lambda ck, ms: {k: ms[k] for k, v in ck.items()
                                  if k in ms and v.shape == ms[k].shape}),
     "take the value from the checkpoint"),
    (_model_names(lambda ck, ms: {k: v for k, v in ck.items() if k.startswith("body")}),
     "entries that fit are missing from your result: norm.weight"),
    (_model_names(lambda ck, ms: {k: v for k, v in ck.items() if k in ms and v.dim() > 1
                                  and v.shape == ms[k].shape}),
     "missing from your result: body.bias, norm.weight"),
    (_model_names(lambda ck, ms: {"x." + k: v for k, v in ck.items()}),
     "is not a name of the checkpoint"),
    (lambda ck, ms: [1, 2], "return a dict"),
    (_model_names(lambda ck, ms: {k: 2 * v for k, v in ck.items()
                                  if k in ms and v.shape == ms[k].shape}),
     "wrong values"),
    # the prefixes: one named mistake each
    (lambda ck, ms: {k: v for k, v in ck.items() if k in ms and v.shape == ms[k].shape},
     "prefix not stripped: every name of this checkpoint starts with 'module.'"),
    (lambda ck, ms: dict(ck), "prefix not stripped"),
    (_strip_once("module."), "only one kind of prefix removed: your function handles 'module.'"),
    (_strip_once("_orig_mod."), "only one kind of prefix removed"),
    (_strip_once("module.", "_orig_mod."), "only one of two prefixes removed"),
    (lambda ck, ms: {k.replace("module.", "").replace("_orig_mod.", ""): v for k, v in ck.items()
                     if k.replace("module.", "").replace("_orig_mod.", "") in ms},
     "stripped from the middle of a name: the model's submodule.weight"),
    (lambda ck, ms: {k.replace("module.", "").replace("_orig_mod.", ""): v
                     for k, v in ck.items()},
     "stripped from the middle of a name"),
])
def test_matching_entries_names_mistakes(wrong, phrase):
    result = checks.check_matching_entries(wrong)
    assert result.passed is False
    assert phrase in result.message


def test_matching_entries_messages_are_never_empty():
    # keeps one entry that fits and drops the others: the message names what is missing
    result = checks.check_matching_entries(
        lambda ck, ms: {"body.weight": ck["module.body.weight"]})
    assert result.passed is False
    assert result.message.rstrip().endswith(")") and "body.bias, norm.weight" in result.message


def test_matching_entries_not_attempted():
    assert "[TODO]" in checks.check_matching_entries(_not_attempted).message


# ---------------------------------------------------------------- torch_to_keras
def _np(state):
    return {k: np.asarray(v) for k, v in state.items()}


def _port(state, shape, *, conv=(2, 3, 1, 0), dense=(2, 3, 1, 0), bias=True):
    s, (c, h, w) = _np(state), shape
    kernel = s["conv.weight"].transpose(*conv)
    fc = s["fc.weight"].reshape(-1, c, h, w).transpose(*dense).reshape(h * w * c, -1)
    out = [kernel, s["conv.bias"], fc, s["fc.bias"]]
    return out if bias else [kernel, fc]


def test_torch_to_keras_accepts_reference_and_tuples_of_tensors():
    assert checks.check_torch_to_keras(ref.torch_to_keras).passed is True

    def as_tensors(state, shape):
        c, h, w = shape
        fc = state["fc.weight"].reshape(-1, c, h, w).permute(2, 3, 1, 0).reshape(h * w * c, -1)
        return (state["conv.weight"].permute(2, 3, 1, 0), state["conv.bias"], fc, state["fc.bias"])
    assert checks.check_torch_to_keras(as_tensors).passed is True


@pytest.mark.parametrize("wrong, phrase", [
    (lambda s, shape: _port(s, shape, conv=(3, 2, 1, 0)), "used .T"),
    (lambda s, shape: _port(s, shape, conv=(2, 3, 0, 1)), "in and out swapped"),
    (lambda s, shape: [_np(s)["conv.weight"]] + _port(s, shape)[1:], "still in PyTorch's layout"),
    (lambda s, shape: _port(s, shape)[:2] + [_np(s)["fc.weight"], _np(s)["fc.bias"]],
     "dense kernel is not transposed"),
    (lambda s, shape: _port(s, shape)[:2] + [_np(s)["fc.weight"].T, _np(s)["fc.bias"]],
     "flatten order"),
    (lambda s, shape: _port(s, shape, dense=(3, 2, 1, 0)), "H and W swapped"),
    (lambda s, shape: _port(s, shape, bias=False), "the biases were dropped"),
    (lambda s, shape: [a if i % 2 == 0 else 0 * a for i, a in enumerate(_port(s, shape))],
     "the conv bias is all zeros"),
    (lambda s, shape: _port(s, shape)[:3] + [None], "is None"),
    (lambda s, shape: _port(s, shape)[0], "list of four arrays"),
])
def test_torch_to_keras_names_mistakes(wrong, phrase):
    result = checks.check_torch_to_keras(wrong)
    assert result.passed is False
    assert phrase in result.message


def test_torch_to_keras_not_attempted():
    assert "[TODO]" in checks.check_torch_to_keras(_not_attempted).message


def test_keras_forward_matches_real_keras():
    # the check writes Keras' computation out in NumPy: it must be what Keras computes
    keras = pytest.importorskip("keras")
    torch.manual_seed(0)
    conv, fc = torch.nn.Conv2d(2, 3, 3), torch.nn.Linear(3 * 4 * 7, 5)
    state = {"conv.weight": conv.weight.detach(), "conv.bias": conv.bias.detach(),
             "fc.weight": fc.weight.detach(), "fc.bias": fc.bias.detach()}
    weights = ref.torch_to_keras(state, (3, 4, 7))
    model = keras.Sequential([keras.Input((6, 9, 2)), keras.layers.Conv2D(3, 3, activation="relu"),
                              keras.layers.Flatten(), keras.layers.Dense(5)])
    model.set_weights(weights)
    x = np.random.default_rng(0).normal(size=(2, 6, 9, 2)).astype("float32")
    assert np.allclose(model.predict(x, verbose=0), checks._keras_forward(weights, x), atol=1e-5)
    with torch.no_grad():
        torch_out = fc(torch.relu(conv(torch.tensor(x.transpose(0, 3, 1, 2)))).flatten(1)).numpy()
    assert np.allclose(torch_out, checks._keras_forward(weights, x), atol=1e-5)


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


def _freeze_only(m, pre):
    # never sets requires_grad=True: right on a fresh model, wrong on a partly frozen one
    for name, p in m.named_parameters():
        if not name.startswith(tuple(pre)):
            p.requires_grad_(False)
    return _count(m)


def test_freeze_all_but_rejects_an_answer_that_only_freezes():
    result = checks.check_freeze_all_but(_freeze_only)
    assert result.passed is False
    assert "2.bias, 2.weight stayed frozen" in result.message
    assert "only freezes" in result.message and "progressive unfreezing" in result.message


def test_messages_do_not_hand_out_the_code():
    wrongs = [checks.check_matching_entries(lambda ck, ms: 1 / 0),
              checks.check_torch_to_keras(lambda s, shape: 1 / 0),
              checks.check_magnitude_prune(lambda s, f: 1 / 0),
              checks.check_torch_to_keras(lambda s, shape: _port(s, shape, dense=(3, 2, 1, 0))),
              checks.check_torch_to_keras(lambda s, shape: _port(s, shape, conv=(3, 2, 1, 0))),
              checks.check_magnitude_prune(_threshold)]
    for result in wrongs:
        assert result.passed is False
        for recipe in ("transpose(2, 3, 1, 0)", "reshape(", "argsort", "view(-1)", ".items()",
                       "== model_state"):
            assert recipe not in result.message, (recipe, result.message)


def test_freeze_all_but_empty_prefixes():
    def no_empty_case(m, pre):
        if not pre:
            return _count(m)
        return ref.freeze_all_but(m, pre)
    result = checks.check_freeze_all_but(no_empty_case)
    assert result.passed is False and "no prefixes" in result.message


def test_checks_reject_non_callables():
    for check in (checks.check_matching_entries, checks.check_torch_to_keras,
                  checks.check_freeze_all_but, checks.check_magnitude_prune):
        with pytest.raises(TypeError, match="pass your function"):
            check(np.zeros(3))


# ---------------------------------------------------------------- magnitude_prune
def _prune_with(zero_fn):
    # a student answer: clone, then zero the flat indices that zero_fn(weight, k) picks
    def answer(state, f):
        out = {k: v.clone() for k, v in state.items()}
        w = out["weight"]
        w.view(-1)[zero_fn(w.flatten(), round(f * w.numel()))] = 0
        return out
    return answer


def _in_place(state, f):
    w = state["weight"]
    w.view(-1)[torch.argsort(w.abs().flatten())[:round(f * w.numel())]] = 0
    return state


def _threshold(state, f, strict=False):
    out = {k: v.clone() for k, v in state.items()}
    k = round(f * out["weight"].numel())
    if k:
        cut = out["weight"].abs().flatten().sort().values[k - 1]
        small = out["weight"].abs() < cut if strict else out["weight"].abs() <= cut
        out["weight"][small] = 0
    return out


def _with_bias(state, f):
    out = ref.magnitude_prune(state, f)
    out["bias"] = ref.magnitude_prune({"weight": state["bias"]}, f)["weight"]
    return out


def _per_row(state, f):
    out = {k: v.clone() for k, v in state.items()}
    for row in out["weight"]:
        row[torch.argsort(row.abs())[:round(f * row.numel())]] = 0
    return out


@pytest.mark.parametrize("answer", [
    ref.magnitude_prune,
    _prune_with(lambda w, k: torch.argsort(w.abs())[:k]),
    _prune_with(lambda w, k: torch.topk(w.abs(), k, largest=False).indices),
    # at ties this picks other entries than the reference: also right
    _prune_with(lambda w, k: torch.argsort(w.abs(), descending=True)[w.numel() - k:]),
])
def test_magnitude_prune_accepts_every_right_answer(answer):
    assert checks.check_magnitude_prune(answer).passed is True


@pytest.mark.parametrize("wrong, phrase", [
    (_prune_with(lambda w, k: torch.argsort(w)[:k]), "most negative"),
    (_prune_with(lambda w, k: torch.argsort(-w.abs())[:k]), "zeroed the largest"),
    (lambda s, f: ref.magnitude_prune(s, 1 - f), "share to remove"),
    (_in_place, "in place"),
    (_threshold, "the fraction asks for exactly 12"),
    (lambda s, f: _threshold(s, f, strict=True), "the count is off"),  # no tie at the cut
    (_with_bias, "you pruned (or changed) the bias"),
    (lambda s, f: {"weight": ref.magnitude_prune(s, f)["weight"] != 0, "bias": s["bias"]},
     "returned a mask"),
    (lambda s, f: ref.magnitude_prune(s, f)["weight"], "not only the weight"),
    (lambda s, f: None, "returned None"),
    (_per_row, "not the"),
])
def test_magnitude_prune_names_mistakes(wrong, phrase):
    result = checks.check_magnitude_prune(wrong)
    assert result.passed is False
    assert phrase in result.message


def _prune_count(count):
    # zeroes the `count(f * numel)` smallest |w|: right only when count rounds to the nearest
    def answer(state, f):
        out = {k: v.clone() for k, v in state.items()}
        w = out["weight"]
        w.view(-1)[torch.argsort(w.abs().flatten())[:count(f * w.numel())]] = 0
        return out
    return answer


@pytest.mark.parametrize("count, got, wanted", [
    (int, 7, 8),                        # 0.38 × 20 = 7.6: int() rounds down
    (math.ceil, 7, 6),                  # 0.3 × 21 = 6.3: ceil rounds up
])
def test_magnitude_prune_names_a_count_off_by_one(count, got, wanted):
    result = checks.check_magnitude_prune(_prune_count(count))
    assert result.passed is False
    assert "the count is off" in result.message
    assert f"you zeroed the {got} smallest weights" in result.message
    assert f"asks for exactly {wanted}" in result.message
    assert "threshold" not in result.message and "share |w|" not in result.message


def test_magnitude_prune_accepts_rounding_to_nearest():
    assert checks.check_magnitude_prune(_prune_count(round)).passed is True


def test_magnitude_prune_tie_message_still_names_ties():
    result = checks.check_magnitude_prune(_threshold)
    assert result.passed is False
    assert "share |w| = 1 at the cut" in result.message and "a threshold" in result.message


def test_magnitude_prune_not_attempted_and_needs_a_function():
    assert "[TODO]" in checks.check_magnitude_prune(_not_attempted).message
    with pytest.raises(TypeError, match="pass your function"):
        checks.check_magnitude_prune(0.5)
