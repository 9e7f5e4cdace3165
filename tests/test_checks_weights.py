"""The checks of notebook 07 accept the reference solutions and name each typical mistake, and
what they accept works in the notebook cells that use it."""

import copy
import json
import math
from pathlib import Path

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
    (lambda ck, ms: {k[7:]: v for k, v in ck.items() if k[7:] in ms
                     and v.shape == ms[k[7:]].shape}, "you cut a fixed part from the start"),
    (lambda ck, ms: {k.replace("module.", "").replace("_orig_mod.", ""): v for k, v in ck.items()
                     if k.replace("module.", "").replace("_orig_mod.", "") in ms},
     "stripped from the middle of a name: the model's submodule.weight"),
    (lambda ck, ms: {k.replace("module.", "").replace("_orig_mod.", ""): v
                     for k, v in ck.items()},
     "stripped from the middle of a name"),
    # str.lstrip removes characters, not a prefix: 'dense.weight' -> 'nse.weight'
    (lambda ck, ms: {k.lstrip("module.").lstrip("_orig_mod."): v for k, v in ck.items()  # noqa: B005
                     if k.lstrip("module.").lstrip("_orig_mod.") in ms},  # noqa: B005
     "str.lstrip('module.') removes any of the characters"),
    # dropping every 'module' part of a name, also a layer's own in the middle
    (lambda ck, ms: {n: v for k, v in ck.items()
                     if (n := ".".join(p for p in k.split(".") if p not in ("module", "_orig_mod")))
                     in ms and v.shape == ms[n].shape},
     "stripped from the middle of a name: the model's block.module.weight"),
    # the right entries, returned under the checkpoint's (prefixed) names
    (lambda ck, ms: {k: v for k, v in ck.items() if (n := ref.model_name(k)) in ms
                     and v.shape == ms[n].shape},
     "you kept the right entries but under the checkpoint's names"),
    # NumPy values pass every test of names and shapes but load_state_dict refuses them
    (_model_names(lambda ck, ms: {k: v.numpy() for k, v in ck.items()
                                  if k in ms and v.shape == ms[k].shape}),
     "is a ndarray, not a tensor: load_state_dict accepts only tensors"),
])
def test_matching_entries_names_mistakes(wrong, phrase):
    result = checks.check_matching_entries(wrong)
    assert result.passed is False
    assert phrase in result.message


def _suffix_last(ck, ms):
    # maskrcnn-benchmark's way: a checkpoint name fits a model name it ends with (the last wins)
    out = {}
    for name, target in ms.items():
        for k, v in ck.items():
            if k.endswith(name) and v.shape == target.shape:
                out[name] = v
    return out


def _suffix_first(ck, ms):
    # the same with the first name that ends with the model's, shape tested after the match
    out = {}
    for name, target in ms.items():
        k = next((k for k in ck if k.endswith(name)), None)
        if k is not None and ck[k].shape == target.shape:
            out[name] = ck[k]
    return out


def _suffix_shortest(ck, ms):
    # the shortest checkpoint name that ends with the model's and has its shape
    out = {}
    for name, target in ms.items():
        fits = [k for k in ck if k.endswith(name) and ck[k].shape == target.shape]
        if fits:
            out[name] = ck[min(fits, key=len)]
    return out


@pytest.mark.parametrize("wrong", [_suffix_last, _suffix_first, _suffix_shortest])
def test_matching_entries_names_suffix_matching(wrong):
    result = checks.check_matching_entries(wrong)
    assert result.passed is False
    assert result.mistake == "suffix"
    assert "matched by suffix" in result.message
    assert "'module.encoder.head.weight'" in result.message or "decoder.fc" in result.message


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
    (lambda m, pre: (_set(m, lambda n: n.split(".")[0] in pre), _count(m))[1],
     "compared the first part of each name"),
    (lambda m, pre: (_set(m, lambda n: n.startswith(tuple(pre))),
                     sum(p.numel() for p in m.parameters() if not p.requires_grad))[1],
     "counted the frozen numbers"),
    # str.startswith wants a tuple: a list raises a TypeError, which gets its own message
    (lambda m, pre: (_set(m, lambda n: n.startswith(pre)), _count(m))[1],
     "str.startswith accepts a string or a tuple of strings, not a list"),
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


# ---------------------------------------------------------------- keep_classes
def _keep(rows_of, bias_of=None):
    # a student answer: the weight rows picked by rows_of(classes), the bias by bias_of
    bias_of = bias_of or rows_of
    return lambda s, classes: {"weight": s["weight"][rows_of(classes)],
                               "bias": s["bias"][bias_of(classes)]}


KEEP_RIGHT = [
    ref.keep_classes,
    _keep(list),
    lambda s, c: {k: v.index_select(0, torch.tensor(c)) for k, v in s.items()},
    lambda s, c: {"weight": torch.stack([s["weight"][i] for i in c]),
                  "bias": torch.stack([s["bias"][i] for i in c])},
    lambda s, c: {k: v.numpy()[c] for k, v in s.items()},                  # NumPy
    lambda s, c: {k: v.double()[c] for k, v in s.items()},                 # float64
    lambda s, c: {k: v[torch.as_tensor(c)] for k, v in s.items()},
]


@pytest.mark.parametrize("answer", KEEP_RIGHT)
def test_keep_classes_accepts_every_right_answer(answer):
    assert checks.check_keep_classes(answer).passed is True


def _keep_zeroed(s, classes):
    out = {k: v.clone() for k, v in s.items()}
    others = [c for c in range(len(out["bias"])) if c not in classes]
    out["weight"][others] = 0
    out["bias"][others] = 0
    return out


def _keep_in_place(s, classes):
    w, b = s["weight"], s["bias"]
    w[:len(classes)] = w[classes].clone()
    b[:len(classes)] = b[classes].clone()
    return {"weight": w[:len(classes)], "bias": b[:len(classes)]}


@pytest.mark.parametrize("wrong, phrase, mistake", [
    (lambda s, c: {"weight": s["weight"][:, c], "bias": s["bias"][c]}, "you kept columns",
     "columns"),
    (lambda s, c: {"weight": s["weight"].T[c], "bias": s["bias"][c]}, "columns of the transposed",
     "columns"),
    (_keep(sorted), "sorted order", "sorted"),
    (lambda s, c: {"weight": s["weight"][:len(c)], "bias": s["bias"][:len(c)]},
     "you kept the first 3 rows", "first rows"),
    (_keep_zeroed, "zeroed the other classes' rows", "zeroed"),
    (lambda s, c: {"weight": s["weight"][c], "bias": s["bias"]}, "the bias was not cut",
     "bias rows"),
    (_keep(list, lambda c: slice(0, len(c))), "the bias holds the first", "bias rows"),
    (_keep(list, sorted), "the bias is in sorted class order", "bias rows"),
    (lambda s, c: {"weight": s["weight"][c], "bias": torch.zeros(len(c))}, "bias is all zeros",
     "bias dropped"),
    (_keep_in_place, "in place", "in place"),
    (lambda s, c: s["weight"][c], "return a dict", "return type"),
    (lambda s, c: {"w": s["weight"][c], "b": s["bias"][c]}, "return the keys", "keys"),
])
def test_keep_classes_names_mistakes(wrong, phrase, mistake):
    result = checks.check_keep_classes(wrong)
    assert result.passed is False
    assert phrase in result.message
    assert result.mistake == mistake


def test_keep_classes_not_attempted():
    assert "[TODO]" in checks.check_keep_classes(_not_attempted).message


# ---------------------------------------------------------------- gray_stem
GRAY_RIGHT = [
    ref.gray_stem,
    lambda w: torch.sum(w, dim=1, keepdim=True),
    lambda w: w[:, 0:1] + w[:, 1:2] + w[:, 2:3],
    lambda w: np.asarray(w).sum(axis=1, keepdims=True),                  # NumPy
    lambda w: w.double().sum(1, keepdim=True),                            # float64
    lambda w: torch.einsum("oihw->ohw", w).unsqueeze(1),
    lambda w: w.float().sum(1, keepdim=True).tolist(),                   # float32, as a list
    lambda w: torch.nn.Parameter(w.sum(1, keepdim=True)),                # requires grad
]


@pytest.mark.parametrize("answer", GRAY_RIGHT)
def test_gray_stem_accepts_every_right_answer(answer):
    assert checks.check_gray_stem(answer).passed is True


def _gray_in_place(w):
    w[:, 0] = w.sum(dim=1)
    return w[:, :1]


@pytest.mark.parametrize("wrong, phrase, mistake", [
    (lambda w: w.mean(1, keepdim=True), "you averaged the three filters", "averaged"),
    (lambda w: w.sum(0, keepdim=True), "you summed over axis 0", "wrong axis"),
    (lambda w: w.sum(1), "keep the input-channel axis", "no channel axis"),
    (lambda w: w[:, :1].clone(), "one colour only", "one colour"),
    (lambda w: w[:, 2:3].clone(), "one colour only", "one colour"),
    (lambda w: 0.299 * w[:, :1] + 0.587 * w[:, 1:2] + 0.114 * w[:, 2:3], "luminance weights",
     "luminance"),
    (lambda w: w.sum(1, keepdim=True) / 128, "offset", "preprocessing"),
    (lambda w: w.sum(1, keepdim=True).repeat(1, 3, 1, 1), "three input channels",
     "three channels"),
    (_gray_in_place, "in place", "in place"),
    (lambda w: None, "returned nothing", "none"),
    (lambda w: 3 * w.sum(1, keepdim=True), "multiplied the sum by 3", "times 3"),
    (lambda w: 2 * w.sum(1, keepdim=True), "wrong values", "values"),
])
def test_gray_stem_names_mistakes(wrong, phrase, mistake):
    result = checks.check_gray_stem(wrong)
    assert result.passed is False
    assert phrase in result.message
    assert result.mistake == mistake


def test_gray_stem_not_attempted():
    assert "[TODO]" in checks.check_gray_stem(_not_attempted).message


def test_new_checks_reject_non_callables():
    for check in (checks.check_keep_classes, checks.check_gray_stem):
        with pytest.raises(TypeError, match="pass your function"):
            check(np.zeros(3))


# ---------------------------------------------------------------- what passes works downstream
NOTEBOOK = (Path(__file__).resolve().parents[1] / "notebooks"
            / "07_loading_and_editing_weights.ipynb")


def _cell(cell_id):
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    return "".join(next(c for c in cells if c["id"] == cell_id)["source"])


def test_downstream_lines_are_the_notebooks():
    """The conversions below are the notebook's own lines: they cannot drift apart."""
    assert ("head.load_state_dict({k: torch.as_tensor(np.asarray(v), dtype=torch.float32) for k, v "
            "in cut.items()})") in _cell("kc07use1")
    assert ("gray_model._conv_stem.weight = nn.Parameter(torch.as_tensor(stem_weight, "
            "dtype=torch.float32).clone())") in _cell("gs07use1")
    assert "{k: np.asarray(v) for k, v in prune_fn(fc_state, p).items()}" in _cell("1a1acf4a")
    assert ("{k: torch.as_tensor(np.asarray(v), dtype=torch.float64)\n"
            "                                for k, v in prune_fn(probe.state_dict(), f).items()}"
            ) in _cell("pf07cd01")


@pytest.mark.parametrize("answer", KEEP_RIGHT)
def test_every_accepted_keep_classes_works_in_the_next_cell(answer):
    torch.manual_seed(0)
    full = torch.nn.Linear(12, 9)
    classes = [7, 2, 5]
    cut = answer(full.state_dict(), classes)
    head = torch.nn.Linear(12, len(classes))
    head.load_state_dict({k: torch.as_tensor(np.asarray(v), dtype=torch.float32)
                          for k, v in cut.items()})
    x = torch.randn(4, 12)
    with torch.no_grad():
        assert torch.allclose(head(x), full(x)[:, classes], atol=1e-6)
    assert full.weight.shape == (9, 12)


@pytest.mark.parametrize("answer", GRAY_RIGHT)
def test_every_accepted_gray_stem_works_in_the_next_cell(answer):
    from coursekit.efficientnet import SameConv2d

    torch.manual_seed(0)
    stem = SameConv2d(3, 8, 3, 2)
    original = stem.weight.detach().clone()
    gray = copy.deepcopy(stem)
    stem_weight = answer(stem.weight.detach())
    gray.weight = torch.nn.Parameter(torch.as_tensor(stem_weight, dtype=torch.float32).clone())
    gray.in_channels = 1
    x = (torch.randint(0, 256, (2, 1, 15, 15)).float() - 127) / 128
    with torch.no_grad():
        assert torch.allclose(gray(x), stem(x.repeat(1, 3, 1, 1)), atol=1e-5)
    assert torch.equal(stem.weight, original)


@pytest.mark.parametrize("answer", [ref.magnitude_prune,
                                    lambda s, f: {k: v.numpy().copy() for k, v in
                                                  ref.magnitude_prune(s, f).items()}])
def test_every_accepted_magnitude_prune_works_in_the_next_cells(answer):
    torch.manual_seed(0)
    layer = torch.nn.Linear(20, 10).double()
    assert checks.check_magnitude_prune(answer).passed
    pruned = {k: np.asarray(v) for k, v in answer(layer.state_dict(), 0.9).items()}
    assert (pruned["weight"] == 0).sum() == 180
    again = copy.deepcopy(layer)
    again.load_state_dict({k: torch.as_tensor(np.asarray(v), dtype=torch.float64)
                           for k, v in answer(layer.state_dict(), 0.9).items()})
    assert int((again.weight == 0).sum()) == 180


def test_train_only_accepts_the_reference_and_names_the_usual_mistakes(capsys):
    from torch import nn

    assert checks.check_train_only(ref.train_only).passed

    def unfinished(model, prefixes):
        raise NotImplementedError

    assert checks.check_train_only(unfinished).mistake == "todo"

    def batchnorm_by_requires_grad(model, prefixes):
        # freeze by name, then eval() the BatchNorm layers whose parameters are frozen: the
        # frozen part's dropout, which has no parameters, keeps dropping
        for name, param in model.named_parameters():
            param.requires_grad_(name.startswith(tuple(prefixes)))
        model.train()
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm) and not any(
                    p.requires_grad for p in module.parameters()):
                module.eval()

    result = checks.check_train_only(batchnorm_by_requires_grad)
    assert not result.passed and "body.drop" in result.message and "by its name" in result.message

    def with_a_list(model, prefixes):
        for name, module in model.named_modules():
            module.train(name.startswith(prefixes))

    result = checks.check_train_only(with_a_list)
    assert not result.passed and "tuple(trainable_prefixes)" in result.message
    state = torch.get_rng_state()
    checks.check_train_only(ref.train_only)
    assert torch.equal(state, torch.get_rng_state())       # the notebook's random state stays
    capsys.readouterr()
