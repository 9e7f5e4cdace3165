"""Checks for the exercises of notebook 07 (loading, setting and editing weights)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from ..solutions import weights as ref
from ._core import Mistake, Problem, compare, run_checks

# The cases, as state dicts of torch tensors (what model.state_dict() and torch.load give):
# (model shapes, checkpoint shapes, prefix of every checkpoint name). The second has a
# transposed entry with the same number of elements, so comparing sizes (numel) instead of
# shapes is caught; the third differs only in the second dimension, so comparing the first
# dimension alone is caught. The prefixes are those of wrapped models: DataParallel (and
# DistributedDataParallel) add `module.`, torch.compile adds `_orig_mod.`, both wrappers add
# both, the outermost wrapper's first (DataParallel(torch.compile(m)) saves `module._orig_mod.`).
# `submodule.weight` and `block.module.weight` hold `module.` inside a layer's own name, which
# must stay.
_CASES = [
    ({"body.weight": (5, 4), "body.bias": (5,), "head.weight": (3, 5), "head.bias": (3,),
      "norm.weight": (5,), "submodule.weight": (2, 3)},
     {"body.weight": (5, 4), "body.bias": (5,), "head.weight": (10, 5), "head.bias": (10,),
      "aux.weight": (2, 5), "norm.weight": (5,), "submodule.weight": (2, 3)}, "module."),
    # a layer called `module` inside a name (block.module.weight) keeps that part too
    ({"block.module.weight": (2, 2), "dense.weight": (3, 2), "head.bias": (3,)},
     {"block.module.weight": (2, 2), "dense.weight": (3, 2), "head.bias": (3,)},
     "_orig_mod.module."),
    ({"conv.weight": (4, 3, 3, 3), "conv.bias": (4,), "fc.weight": (6, 20), "fc.bias": (6,)},
     {"conv.weight": (4, 3, 3, 3), "conv.bias": (4,), "fc.weight": (20, 6), "fc.bias": (6,)},
     "_orig_mod."),
    # the same first dimension, another second one: comparing len() or shape[0] is not enough
    ({"enc.weight": (5, 4), "enc.bias": (5,), "dec.weight": (4, 5)},
     {"enc.weight": (5, 6), "enc.bias": (5,), "dec.weight": (4, 5)}, ""),
    ({"body.weight": (3, 2), "body.bias": (3,)},
     {"body.weight": (3, 2), "body.bias": (3,)}, "_orig_mod.module."),
    ({"body.weight": (3, 2), "body.bias": (3,)},
     {"body.weight": (3, 2), "body.bias": (3,)}, "module._orig_mod."),
    # names of other layers that end with a model's name: `encoder.head.weight` (the model's
    # shape) beside `head.weight` (another shape), `decoder.fc.weight` and no `fc.weight`.
    # Matching by suffix (name.endswith(model_name)) loads them into the wrong layers.
    ({"body.weight": (5, 4), "head.weight": (3, 5), "head.bias": (3,), "fc.weight": (2, 5)},
     {"encoder.head.weight": (3, 5), "body.weight": (5, 4), "head.weight": (10, 5),
      "head.bias": (3,), "decoder.fc.weight": (2, 5)}, "module."),
]
_WRAPPERS = {"module.": "DataParallel", "_orig_mod.": "torch.compile"}


def _tensors(shapes, seed):
    import torch

    generator = torch.Generator().manual_seed(seed)
    return {name: torch.randn(shape, generator=generator) for name, shape in shapes.items()}


def _shape(value):
    return tuple(getattr(value, "shape", ()))


def _same_tensor(value, entry):
    """Is ``value`` the checkpoint's ``entry`` (the same tensor, or a copy of it)?"""
    if value is entry:
        return True
    try:
        array = np.asarray(value.detach().cpu() if hasattr(value, "detach") else value)
    except Exception:  # noqa: BLE001 - not array-like: not this entry
        return False
    return array.shape == tuple(entry.shape) and np.array_equal(array, entry.numpy())


def _listed(names):
    return ", ".join(str(n) for n in sorted(names, key=str))


def check_matching_entries(student_fn):
    """Exercise: ``matching_entries(checkpoint, model_state) -> dict`` of the entries that fit.

    Both arguments are state dicts of torch tensors, like ``torch.load(...)`` and
    ``model.state_dict()``; any test of the shapes (``.shape``, ``.size()``) is accepted. The
    checkpoint's names may start with the wrapper prefixes ``module.`` and ``_orig_mod.`` (one,
    both in either order, or none); the result uses the model's names. Named mistakes: a prefix
    not removed, only one kind of prefix (or only one of two) removed, a prefix removed from
    the middle of a name, ``str.lstrip`` used as if it removed a prefix, and the shape mistakes.
    """
    import torch

    prefixes = tuple(_WRAPPERS)

    def make_test(model_shapes, checkpoint_shapes, prefix, seed):
        plain = _tensors(checkpoint_shapes, seed)
        checkpoint = {prefix + name: value for name, value in plain.items()}
        model_state = _tensors(model_shapes, seed + 1)
        origin = {ref.model_name(name): name for name in checkpoint}   # model name → checkpoint's
        expected = ref.matching_entries(checkpoint, model_state)
        example = next(iter(expected))
        inside = sorted(n for n in expected if any(p in n for p in prefixes))
        mangled = set()                         # names with a prefix removed from the middle
        for name in checkpoint:
            for cut in prefixes:
                mangled |= {name.replace(cut, ""), name.replace(cut, "").replace(
                    prefixes[0] if cut != prefixes[0] else prefixes[1], "")}
        mangled -= set(origin)

        def handles(fn, with_prefix, empty=False):
            # does fn give the right names when every checkpoint name starts with `with_prefix`?
            # (empty=True: does it return nothing even without any prefix?)
            try:
                got = fn({with_prefix + n: v for n, v in plain.items()}, dict(model_state))
                if empty:
                    got = fn(dict(plain), dict(model_state))
            except Exception:  # noqa: BLE001 - any error counts as "not handled"
                return False
            if empty:
                return isinstance(got, Mapping) and not got
            return isinstance(got, Mapping) and set(got) == set(expected)

        def prefix_problem(fn):
            # the student's answer is right without prefixes but not with this checkpoint's
            what = " and ".join(_WRAPPERS[p] for p in prefixes if p in prefix)
            start = (f"every name of this checkpoint starts with '{prefix}' (added by {what}): "
                     f"the model's '{example}' is '{prefix}{example}' in the file")
            handled = [p for p in prefixes if handles(fn, p)]
            if len(handled) == 2:
                return (f"only one of two prefixes removed: {start}. Your function handles each "
                        "prefix alone; remove wrapper prefixes from the start of a name as long "
                        "as one is there, in whichever order they come")
            if handled:
                return (f"only one kind of prefix removed: your function handles "
                        f"'{handled[0]}' but {start}. Both kinds, 'module.' and '_orig_mod.', "
                        "can occur")
            return (f"prefix not stripped: {start}, so no name of the file matches the model "
                    "as it is. Remove the wrapper prefixes ('module.' and '_orig_mod.') from "
                    "the start of each name before matching, and return the entries under the "
                    "model's names")

        def lstrips(fn):
            # does fn lose names that merely start with letters of 'module.' (str.lstrip)?
            probe = _tensors({"dense.weight": (2,), "head.weight": (2,)}, seed)
            try:
                got = fn(dict(probe), dict(probe))
            except Exception:  # noqa: BLE001 - any error: not this mistake
                return False
            return isinstance(got, Mapping) and "head.weight" in got and "dense.weight" not in got

        def middle(names):
            return (f"stripped from the middle of a name: the model's {_listed(names)} contains "
                    "'module.' as part of a layer's own name, and that part must stay. Remove "
                    "a wrapper prefix only where a name starts with it")

        def suffix_problem(got):
            # a model name filled with the entry of another layer whose name ends with it
            names = sorted((k for k in got if k in model_state), key=lambda k: (k not in origin,
                                                                                  str(k)))
            for name in names:
                for other, value in checkpoint.items():
                    if (ref.model_name(other) != name and other.endswith("." + name)
                            and _same_tensor(got[name], value)):
                        own = (f" (the checkpoint's own '{origin[name]}' is another entry)"
                               if name in origin else "")
                        return Problem(
                            f"matched by suffix: your '{name}' is the checkpoint's '{other}', "
                            f"another layer whose name merely ends with '{name}'{own}. Remove "
                            "only the wrapper prefixes from the start of a name, then compare "
                            "the whole name that is left with the model's", "suffix")
            return None

        def test(fn):
            got = fn(dict(checkpoint), dict(model_state))
            if not isinstance(got, Mapping):
                return f"return a dict of name -> tensor, got {type(got).__name__}"
            problem = suffix_problem(got)
            if problem:
                return problem
            keys = set(got)
            if (prefix and keys != set(expected) and keys <= set(checkpoint)
                    and {ref.model_name(k) for k in keys} == set(expected)):
                return (f"you kept the right entries but under the checkpoint's names ("
                        f"'{prefix}{example}' instead of '{example}'): load_state_dict looks "
                        "them up by the model's names, so nothing would load. Use the name "
                        "left after removing the prefixes as the key")
            if keys != set(expected) and lstrips(fn):
                return ("str.lstrip('module.') removes any of the characters m, o, d, u, l, e "
                        "and '.' from the left, not the word: 'dense.weight' loses its 'de'. "
                        "Remove a prefix only where a name starts with it, by that prefix's "
                        "length (or str.removeprefix)")
            if keys != set(expected) and handles(fn, "layer1."):
                return ("you cut a fixed part from the start of every name (e.g. name[7:], "
                        "the length of 'module.'): it also maps 'layer1.body.weight' to "
                        "'body.weight', cuts '_orig_mod.' short and breaks names without a "
                        "prefix. Remove a wrapper prefix only where a name starts with it, by "
                        "that prefix's own length")
            wrong = sorted((k for k in keys if k not in model_state), key=str)
            lost = set(inside) - keys           # names with 'module.' inside that are missing
            if lost and set(wrong) & mangled and not any(str(k).startswith(prefixes)
                                                         for k in wrong):
                return middle(lost)
            if prefix and keys != set(expected) and handles(fn, ""):
                return prefix_problem(fn)
            if not keys:
                if prefix and not handles(fn, prefix, empty=True):
                    return prefix_problem(fn)
                return (f"the result is empty: {_listed(expected)} have the same name "
                        "and shape in the checkpoint and the model")
            if any(str(k).startswith(prefixes) for k in wrong):
                return prefix_problem(fn)
            if lost and set(expected) - set(inside) <= keys:
                return middle(lost)
            if wrong:
                foreign = [k for k in wrong if k not in origin]
                if foreign:
                    return (f"{_listed(foreign)} is not a name of the checkpoint (with or "
                            "without its wrapper prefixes): return entries of the checkpoint "
                            "only")
                return (f"{_listed(wrong)} is not in the model (an 'unexpected' key): "
                        "keep only names the model has")
            foreign = sorted(k for k in keys if k not in origin)
            if foreign:
                return (f"{_listed(foreign)} is not a name of the checkpoint (with or without "
                        "its wrapper prefixes): return entries of the checkpoint only")
            mismatched = sorted(k for k in keys
                                if _shape(checkpoint[origin[k]]) != _shape(model_state[k]))
            if mismatched:
                details = "; ".join(f"{k}: checkpoint {_shape(checkpoint[origin[k]])}, model "
                                    f"{_shape(model_state[k])}" for k in mismatched)
                same_size = any(checkpoint[origin[k]].numel() == model_state[k].numel()
                                for k in mismatched)
                same_first = any(_shape(checkpoint[origin[k]])[:1] == _shape(model_state[k])[:1]
                                 for k in mismatched)
                why = (" (the same number of elements is not enough)" if same_size else
                       " (the same first dimension is not enough: every dimension must agree)"
                       if same_first else "")
                return (f"you kept {', '.join(mismatched)}, whose shapes differ ({details}): "
                        "loading them fails with a size mismatch. Compare the shapes too" + why)
            missing = sorted(set(expected) - keys)
            if missing:
                return (f"entries that fit are missing from your result: {', '.join(missing)} "
                        "(same name and same shape in the checkpoint and the model)")
            for name in sorted(expected):
                value = got[name]
                if not isinstance(value, torch.Tensor):
                    return (f"{name} is a {type(value).__name__}, not a tensor: "
                            "load_state_dict accepts only tensors, so keep the checkpoint's "
                            "tensor as it is")
                if value is model_state[name] or np.array_equal(np.asarray(value),
                                                                np.asarray(model_state[name])):
                    return (f"{name} holds the model's current value: take the value from the "
                            "checkpoint")
                problem = compare(name, value, checkpoint[origin[name]])
                if problem:
                    return problem
            return None

        return test

    tests = [make_test(model, ckpt, prefix, 10 * i)
             for i, (model, ckpt, prefix) in enumerate(_CASES)]
    return run_checks("matching_entries", student_fn, tests,
                      hint="remove the wrapper prefixes at the start of each name; an entry "
                           "fits when the name left exists in the model and its whole shape "
                           "(every dimension) is the model's; the value comes from the "
                           "checkpoint")


def _keras_forward(weights, x_nhwc):
    """What a Keras Conv2D(valid, ReLU) → Flatten → Dense model computes, in NumPy (NHWC)."""
    kernel, conv_bias, dense, dense_bias = (np.asarray(w, dtype=np.float64) for w in weights)
    windows = np.lib.stride_tricks.sliding_window_view(x_nhwc, kernel.shape[:2], axis=(1, 2))
    maps = np.maximum(np.einsum("nijcab,abco->nijo", windows, kernel) + conv_bias, 0)
    return maps.reshape(len(x_nhwc), -1) @ dense + dense_bias      # flatten in (H, W, C) order


def check_torch_to_keras(student_fn):
    """Exercise: ``torch_to_keras(state, feature_shape) -> [kernel, bias, dense kernel, bias]``.

    Right means: Keras, given the returned list, computes the same outputs as the PyTorch net
    (here Keras' computation is written out in NumPy). Typical mistakes are named.
    """
    import torch

    def make_test(c_in, c_out, height, width, classes, seed):
        torch.manual_seed(seed)
        conv = torch.nn.Conv2d(c_in, c_out, 3).double()
        fc = torch.nn.Linear(c_out * (height - 2) * (width - 2), classes).double()
        state = {"conv.weight": conv.weight.detach(), "conv.bias": conv.bias.detach(),
                 "fc.weight": fc.weight.detach(), "fc.bias": fc.bias.detach()}
        feature_shape = (c_out, height - 2, width - 2)
        x = torch.randn(3, c_in, height, width, dtype=torch.float64)
        with torch.no_grad():
            wanted = fc(torch.relu(conv(x)).flatten(1)).numpy()
        x_nhwc = x.numpy().transpose(0, 2, 3, 1)
        expected = ref.torch_to_keras(state, feature_shape)
        w_conv, w_fc = state["conv.weight"].numpy(), state["fc.weight"].numpy()
        c, h, w = feature_shape
        names = ["the conv kernel", "the conv bias", "the dense kernel", "the dense bias"]
        mistakes = [{
            "the conv kernel is still in PyTorch's layout (out, in, kh, kw): Keras wants "
            "(kh, kw, in, out), so every axis has to move": w_conv,
            "the conv kernel used .T, which gives (kw, kh, in, out): every filter is mirrored "
            "across its diagonal; name the new position of each axis explicitly": w_conv.T,
            "the conv kernel has in and out swapped: (kh, kw, out, in); Keras wants (kh, kw, "
            "in, out)": w_conv.transpose(2, 3, 0, 1),
        }, {
            "the conv bias is all zeros: copy the bias, do not drop it": np.zeros(c_out),
        }, {
            "the dense kernel is not transposed: PyTorch's Linear stores (out, in), Keras' "
            "Dense (in, out)": w_fc,
            "flatten order: the dense kernel's rows are in PyTorch's (C, H, W) flatten order, "
            "but Keras flattens a channels-last map in (H, W, C) order, so row r of Keras' "
            "kernel must hold the weights of the map position that Keras puts at r": w_fc.T,
            "the dense kernel's rows have H and W swapped: Keras' order is height, then width, "
            "then channel (channel fastest)":
                w_fc.reshape(-1, c, h, w).transpose(3, 2, 1, 0).reshape(h * w * c, -1),
        }, {
            "the dense bias is all zeros: copy the bias, do not drop it": np.zeros(classes),
        }]

        def test(fn):
            got = fn({k: v.clone() for k, v in state.items()}, feature_shape)
            if not isinstance(got, (list, tuple)):
                return ("return a list of four arrays, [conv kernel, conv bias, dense kernel, "
                        "dense bias], the order model.set_weights expects; got "
                        f"{type(got).__name__}")
            if len(got) == 2:
                return ("you returned two arrays: the biases were dropped. Keras wants "
                        "[conv kernel, conv bias, dense kernel, dense bias]")
            if len(got) != 4:
                return (f"return four arrays, [conv kernel, conv bias, dense kernel, dense bias]; "
                        f"you returned {len(got)}")
            if any(g is None for g in got):
                return "one of the four arrays is None: a bias was dropped? copy all four"
            arrays = [np.asarray(g, dtype=np.float64) for g in got]
            if all(a.shape == e.shape for a, e in zip(arrays, expected, strict=True)):
                outputs = _keras_forward(arrays, x_nhwc)
                if np.allclose(outputs, wanted, rtol=1e-6, atol=1e-9):
                    return None
            for name, a, e, known in zip(names, arrays, expected, mistakes, strict=True):
                problem = compare(f"{name} (conv {c_in}→{c_out}, map {c}×{h}×{w})", a, e,
                                  mistakes=known)
                if problem:
                    return problem
            gap = np.abs(_keras_forward(arrays, x_nhwc) - wanted).max()
            return f"the outputs differ from PyTorch's by up to {gap:.3g}"

        return test

    # square maps (where .T keeps the shape) and a non-square one (where H and W cannot mix)
    return run_checks("torch_to_keras", student_fn,
                      [make_test(2, 3, 6, 6, 4, 0), make_test(1, 4, 6, 9, 5, 1)],
                      hint="np.asarray(tensor) gives an array; the conv kernel goes from (out, in, "
                           "kh, kw) to (kh, kw, in, out); the dense kernel's rows follow the "
                           "flatten order of an (H, W, C) map")


def _call_with_prefixes(fn, model, prefixes):
    """(what the student's ``fn(model, prefixes)`` returns, None), or (None, the message) when it
    passed the list of prefixes to ``str.startswith``, which takes a string or a tuple only."""
    try:
        return fn(model, prefixes), None
    except TypeError as err:
        if "startswith" in str(err) and "not list" in str(err):
            return None, ("str.startswith accepts a string or a tuple of strings, not a list: "
                          "pass tuple(trainable_prefixes)")
        raise


def check_freeze_all_but(student_fn):
    """Exercise: ``freeze_all_but(model, trainable_prefixes) -> number of trainable numbers``."""
    import torch

    def make_model():
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(),
                                   torch.nn.Linear(5, 4), torch.nn.ReLU(),
                                   torch.nn.Linear(4, 3))

    def split_names(fn):
        # does fn freeze the right layers when the prefixes are given as whole first parts?
        model, reference = make_model(), make_model()
        ref.freeze_all_but(reference, ["2.", "4."])
        try:
            fn(model, ["2", "4"])
        except Exception:  # noqa: BLE001 - any error: not this mistake
            return False
        return all(p.requires_grad == q.requires_grad
                   for p, q in zip(model.parameters(), reference.parameters(), strict=True))

    def test(fn):
        model, reference = make_model(), make_model()
        expected_count = ref.freeze_all_but(reference, ["2.", "4."])
        got, problem = _call_with_prefixes(fn, model, ["2.", "4."])
        if problem:
            return problem
        state = {n: p.requires_grad for n, p in model.named_parameters()}
        expected = {n: p.requires_grad for n, p in reference.named_parameters()}
        if state != expected:
            if all(state.values()):
                return ("every parameter is still trainable: set requires_grad to False for the "
                        "parameters whose name does not start with a prefix")
            if not any(state.values()):
                if split_names(fn):
                    return ("you compared the first part of each name (name.split('.')[0]) with "
                            "the prefixes: a prefix is the start of the name as a string, e.g. "
                            "'2.' or 'blocks.3.', and can end with a dot or span several parts. "
                            "Test name.startswith(prefix)")
                return "you froze everything: the layers named by the prefixes must stay trainable"
            if all(state[n] != expected[n] for n in state):
                return ("it is the wrong way round: keep the prefixed parameters trainable, "
                        "freeze the rest")
            wrong = sorted(n for n in state if state[n] != expected[n])
            return f"requires_grad is wrong for {', '.join(wrong)}"
        if got == sum(1 for p in model.parameters() if p.requires_grad):
            return ("you returned the number of trainable tensors; return the number of "
                    "trainable numbers: sum p.numel()")
        if got == sum(p.numel() for p in model.parameters()):
            return "you counted all parameters: count only those with requires_grad"
        if got == sum(p.numel() for p in model.parameters() if not p.requires_grad):
            return ("you counted the frozen numbers: return the number of trainable ones "
                    "(requires_grad True)")
        if got != expected_count:
            return f"the count should be {expected_count}, yours is {got!r}"
        # a prefix that also appears inside a longer name must not unfreeze that name
        nested = torch.nn.ModuleDict({"head": torch.nn.Linear(3, 2),
                                      "body": torch.nn.ModuleDict({"head": torch.nn.Linear(2, 2)})})
        fn(nested, ["head."])
        inside = sorted(n for n, p in nested.named_parameters()
                        if p.requires_grad and not n.startswith("head."))
        if inside:
            return (f"{', '.join(inside)} contains the prefix 'head.' without starting with it, "
                    "yet stays trainable: test name.startswith(prefix), not prefix in name")
        return None

    def test_empty(fn):
        model = make_model()
        got, problem = _call_with_prefixes(fn, model, [])
        if problem:
            return problem
        if any(p.requires_grad for p in model.parameters()) or got != 0:
            return "with no prefixes every parameter should be frozen and the count 0"
        return None

    def test_unfreeze(fn):
        # progressive unfreezing: the model comes in partly frozen (only "4." trainable), and
        # the call must make "2." trainable again
        model, reference = make_model(), make_model()
        for net in (model, reference):
            for name, param in net.named_parameters():
                param.requires_grad_(name.startswith("4."))
        expected_count = ref.freeze_all_but(reference, ["2.", "4."])
        got, problem = _call_with_prefixes(fn, model, ["2.", "4."])
        if problem:
            return problem
        still_frozen = sorted(n for n, p in model.named_parameters()
                              if n.startswith("2.") and not p.requires_grad)
        if still_frozen:
            return (f"on a model that was already partly frozen, {', '.join(still_frozen)} "
                    "stayed frozen although its name starts with a prefix: your function only "
                    "freezes. It must also make the prefixed parameters trainable, whatever "
                    "their flag was before (progressive unfreezing calls it again with more "
                    "prefixes)")
        if got != expected_count:
            return (f"on a partly frozen model the count should be {expected_count}, yours is "
                    f"{got!r}")
        return None

    return run_checks("freeze_all_but", student_fn, [test, test_empty, test_unfreeze],
                      hint="model.named_parameters() gives (name, parameter); "
                           "param.requires_grad_(flag) sets the flag")


def check_train_only(student_fn):
    """Exercise: ``train_only(model, trainable_prefixes)``: the prefixed modules train, every
    other module (BatchNorm and dropout included) is in evaluation mode."""
    import torch
    from torch import nn

    def make_model():
        # a frozen body with BatchNorm and dropout, a module called "head" inside it, and a
        # trainable head with its own BatchNorm and dropout; made without touching the random
        # state of the notebook
        with torch.random.fork_rng():
            body = nn.Sequential()
            body.add_module("fc", nn.Linear(4, 6))
            body.add_module("bn", nn.BatchNorm1d(6))
            body.add_module("head", nn.Dropout(0.5))    # named like the trainable part
            body.add_module("act", nn.ReLU())
            body.add_module("drop", nn.Dropout(0.5))
            head = nn.Sequential(nn.Linear(6, 6), nn.BatchNorm1d(6), nn.Dropout(0.5),
                                 nn.Linear(6, 3))
            return nn.Sequential(OrderedDict([("body", body), ("head", head)]))

    def kinds(model):
        # (name, module) of every BatchNorm and Dropout, the modules whose mode matters
        return [(n, m) for n, m in model.named_modules()
                if isinstance(m, (nn.modules.batchnorm._BatchNorm, nn.Dropout))]

    def test(fn):
        for start in ("eval", "train"):                # the mode the model comes in
            model = make_model()
            getattr(model, start)()
            _, problem = _call_with_prefixes(fn, model, ["head"])
            if problem:
                return problem
            modes = {n: m.training for n, m in kinds(model)}
            frozen_bn = [n for n, on in modes.items() if on and n == "body.bn"]
            frozen_drop = [n for n, on in modes.items() if on and n in ("body.head", "body.drop")]
            head_off = [n for n, on in modes.items() if not on and n.startswith("head")]
            if all(modes.values()):
                return ("every module is in train() mode: BatchNorm in the frozen part still "
                        "updates its running statistics at every forward pass, and its dropout "
                        "still drops. Put every module outside the prefixes in eval() (if you "
                        "picked modules by class: this BatchNorm is nn.BatchNorm1d, not "
                        "nn.BatchNorm2d; decide by the module's name)")
            if not any(modes.values()):
                return ("every module is in eval() mode, the trainable part too: its BatchNorm "
                        "would never learn the new data's statistics. Modules whose name starts "
                        "with a prefix must train")
            if frozen_drop == ["body.head"] and not frozen_bn and not head_off:
                return ("body.head (a Dropout inside the frozen body) trains: its name contains "
                        "'head' without starting with it. Test name.startswith(prefix), not "
                        "prefix in name")
            if head_off and not frozen_bn:
                return (f"you put every BatchNorm in eval(), the trainable part's too "
                        f"({', '.join(head_off)} is in eval() mode): it would never learn the "
                        f"new data's statistics. Decide by the module's name, not its class")
            if frozen_bn:
                return ("the frozen part's BatchNorm (body.bn) is still in train() mode: it keeps "
                        "moving its running statistics. Put every module whose name starts with "
                        "none of the prefixes in eval(), whatever its class")
            if frozen_drop:
                return (f"the frozen part's Dropout ({', '.join(frozen_drop)}) is still in "
                        "train() mode, so the frozen features change from step to step. A module "
                        "without parameters belongs to the frozen part by its name too")
            if head_off:
                return f"{', '.join(head_off)} should train: its name starts with the prefix"
        return None

    def test_step(fn):
        # what the exercise is for: a training step leaves the frozen part exactly as it was
        model = make_model()
        _, problem = _call_with_prefixes(fn, model, ["head"])
        if problem:
            return problem
        for name, param in model.named_parameters():
            param.requires_grad_(name.startswith("head"))
        before = {k: v.clone() for k, v in model.state_dict().items()}
        with torch.random.fork_rng():
            torch.manual_seed(0)
            x = torch.randn(8, 4)
            opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
            model(x).sum().backward()
            opt.step()
        moved = sorted(k for k, v in model.state_dict().items()
                       if k.startswith("body.") and not torch.equal(v, before[k]))
        if moved:
            return (f"after one training step the frozen part changed ({', '.join(moved)}): "
                    "its BatchNorm must be in eval() mode")
        return None

    def test_nested(fn):
        # progressive unfreezing names a block inside a module: only that block trains
        model = make_model()
        _, problem = _call_with_prefixes(fn, model, ["body.bn", "head"])
        if problem:
            return problem
        modes = {n: m.training for n, m in kinds(model)}
        if not modes["body.bn"]:
            return ("with the prefixes ['body.bn', 'head'], body.bn stays in eval() mode: a "
                    "prefix can name a module inside another (progressive unfreezing names "
                    "blocks), so test every module of named_modules(), not only the children")
        if modes["body.drop"]:
            return ("with the prefixes ['body.bn', 'head'], body.drop trains: only the modules "
                    "whose own name starts with a prefix train")
        return None

    return run_checks("train_only", student_fn, [test, test_step, test_nested],
                      hint="model.named_modules() gives (name, module); module.train() and "
                           "module.eval() set one module's mode (and its children's)")


def check_magnitude_prune(student_fn):
    """Exercise: ``magnitude_prune(layer_state, fraction)`` -> a pruned copy of the state dict.

    Right means: exactly ``round(fraction · n)`` weights are 0, none of them larger in |w| than
    a kept one (at ties any choice is right), the rest and the bias unchanged, the input intact.
    """
    import torch

    def make_test(weight, bias, fraction):
        weight = torch.as_tensor(weight, dtype=torch.float32)
        bias = torch.as_tensor(bias, dtype=torch.float32)   # float32, as a layer's bias
        w, n = weight.numpy().ravel(), weight.numel()
        k = round(fraction * n)
        by_magnitude = np.argsort(np.abs(w), kind="stable")

        def zeroed_by(order, count):
            mask = np.zeros(n, dtype=bool)
            mask[order[:count]] = True
            return mask

        def test(fn):
            given = {"weight": weight.clone(), "bias": bias.clone()}
            got = fn(given, fraction)
            if got is None:
                return "your function returned None: return the pruned copy of the dict"
            if not isinstance(got, Mapping):
                return ("return a dict like the input, {'weight': ..., 'bias': ...}, not only "
                        f"the weight (got {type(got).__name__})")
            if set(got) != {"weight", "bias"}:
                return f"return the keys 'weight' and 'bias', got {sorted(map(str, got))}"
            if not torch.equal(given["weight"], weight) or not torch.equal(given["bias"], bias):
                return ("you changed the input in place: clone the tensors first "
                        "(value.clone()); the caller may still need the original")
            new = np.asarray(got["weight"])
            if new.dtype == bool:
                return ("you returned a mask (True/False): return the weights with the pruned "
                        "entries set to 0, e.g. weight * mask")
            if new.shape != tuple(weight.shape):
                return (f"the pruned weight should keep the shape {tuple(weight.shape)}, yours "
                        f"has {new.shape}: zero entries, do not remove them")
            if not np.array_equal(np.asarray(got["bias"]), bias.numpy()):
                return ("you pruned (or changed) the bias: prune only the weight, as "
                        "torch.nn.utils.prune.l1_unstructured(layer, 'weight') does")
            new = new.ravel()
            zero = new == 0
            if not np.all(zero | (new == w)):
                return "weights that are not pruned must keep their values"
            if zero.sum() == k and (k in (0, n) or np.abs(w[zero]).max() <= np.abs(w[~zero]).min()):
                return None
            if k and np.array_equal(zero, zeroed_by(np.argsort(-np.abs(w)), k)):
                return ("you zeroed the largest weights: magnitude pruning removes the smallest "
                        "|w|")
            if k and np.array_equal(zero, zeroed_by(np.argsort(w), k)):
                return ("you zeroed the most negative weights: rank by the absolute value, "
                        "weight.abs()")
            if zero.sum() == n - k and n - k != k:
                return ("fraction is the share to remove, not the share to keep: you zeroed "
                        f"{zero.sum()} of {n}, the fraction asks for {k}")
            consistent = (zero.all() or not zero.any()
                          or np.abs(w[zero]).max() <= np.abs(w[~zero]).min())
            if consistent:
                cut = np.abs(w[by_magnitude[k - 1 if k else 0]])
                at_cut = np.abs(w) == cut
                below = int(np.sum(np.abs(w) < cut))
                if at_cut.sum() > 1 and zero.sum() in (below, below + int(at_cut.sum())):
                    return (f"you zeroed {zero.sum()} weights, the fraction asks for exactly {k} "
                            f"(round(fraction * numel)); {int(at_cut.sum())} weights share "
                            f"|w| = {cut:g} at the cut, and a threshold (|w| <= t or < t) zeroes "
                            "all or none of them: choose the entries by their rank in |w|, not "
                            "by comparing with a value, so that exactly that many are zeroed")
                return (f"the count is off: you zeroed the {zero.sum()} smallest weights, the "
                        f"fraction asks for exactly {k}: fraction × numel = {fraction:g} × {n} = "
                        f"{fraction * n:g}, rounded to the nearest whole number. Always rounding "
                        "down (or always up) gives one too few (or too many) for some fractions")
            return (f"the {zero.sum()} zeroed weights are not the {k} with the smallest |w|: "
                    "rank all entries of the weight together by weight.abs()")

        return test

    rng = np.random.default_rng(7)
    ties = np.tile([0.5, -0.5, 1.0, -1.0, 2.0, -2.0], 4).reshape(4, 6)   # 8 entries per |w|
    return run_checks("magnitude_prune", student_fn, [
        make_test(rng.normal(size=(4, 5)), rng.normal(size=4) * 0.01, 0.5),
        make_test(rng.normal(size=(3, 7)), rng.normal(size=3), 0.3),       # 6.3 → 6 weights
        make_test(rng.normal(size=(4, 5)), rng.normal(size=4), 0.38),      # 7.6 → 8 weights
        make_test(ties, np.array([0.1, -0.2, 0.3, 0.0]), 0.5),             # the cut in a tie
        make_test(rng.normal(size=(2, 5)), rng.normal(size=2), 0.0),
    ], hint="rank all entries of the weight together (not row by row) by their absolute "
            "value, zero the k lowest-ranked in a copy, leave the bias and the input alone")


def _unchanged(given, original) -> bool:
    """True when every tensor of ``given`` still equals its copy in ``original``."""
    import torch

    return all(torch.equal(given[k], original[k]) for k in original)


def check_keep_classes(student_fn):
    """Exercise: ``keep_classes(layer_state, classes) -> {"weight": (k, F), "bias": (k,)}``.

    Right means: row i of the new weight and entry i of the new bias are those of class
    ``classes[i]``, so the new layer's logits are the full layer's at ``classes`` (in that
    order); the input dict and its tensors are left as they were. Tensors or arrays, float32 or
    float64, are accepted (the notebook converts them). Named mistakes: columns instead of rows,
    the bias of the wrong rows (or not cut), the classes sorted, the other rows zeroed instead of
    removed, an edit of the given layer in place.
    """
    import torch

    def make_test(n_classes, n_features, classes, seed):
        generator = torch.Generator().manual_seed(seed)
        weight = torch.randn(n_classes, n_features, generator=generator)      # float32, like _fc
        bias = torch.randn(n_classes, generator=generator) * 0.1
        expected = ref.keep_classes({"weight": weight, "bias": bias}, classes)
        rows, k = list(classes), len(classes)
        in_order = sorted(rows)
        zeroed = torch.zeros_like(weight)
        zeroed[rows] = weight[rows]
        weight_mistakes = [
            Mistake("columns", "you kept columns: weight[:, classes] picks input features. Row c "
                    "of a Linear layer's weight (out, in) scores class c: keep rows",
                    weight[:, rows]),
            Mistake("columns", "you kept columns of the transposed weight, i.e. input features; "
                    "a Linear layer's weight is (out, in): keep its rows as they are",
                    weight.T[rows]),
            Mistake("first rows", f"you kept the first {k} rows (weight[:{k}]), classes 0 "
                    f"to {k - 1}: keep the rows of the classes asked for, {rows}, in that order",
                    weight[:k]),
            Mistake("sorted", f"the rows are in sorted order ({in_order}); row i of the new "
                    f"layer must be class classes[i] ({rows}), or the logits come out in "
                    "another order than asked", weight[in_order]),
            Mistake("zeroed", "you zeroed the other classes' rows: remove them instead, so the "
                    f"new layer has {k} outputs, one per kept class", zeroed),
        ]
        bias_mistakes = [
            Mistake("bias rows", f"the bias holds the first {k} entries: entry i must be the "
                    "bias of class classes[i], the same rows as the weight", bias[:k]),
            Mistake("bias rows", "the bias is in sorted class order, the weight is not: take "
                    "the bias of the same rows, in the same order", bias[in_order]),
            Mistake("bias dropped", "the bias is all zeros: cut it like the weight, do not drop "
                    "it (each class keeps its own bias)", torch.zeros(k)),
        ]

        def test(fn):
            given = {"weight": weight.clone(), "bias": bias.clone()}
            got = fn(given, list(classes))
            if not isinstance(got, Mapping):
                return Problem("return a dict {'weight': ..., 'bias': ...} like the input (the "
                               f"next cell loads it into a Linear layer), got "
                               f"{type(got).__name__}", "return type")
            if set(got) != {"weight", "bias"}:
                return Problem(f"return the keys 'weight' and 'bias', got "
                               f"{sorted(map(str, got))}", "keys")
            if not _unchanged(given, {"weight": weight, "bias": bias}):
                return Problem("you changed the layer you were given, in place: in the notebook "
                               "that is the pretrained network's own classifier. Build new "
                               "tensors (indexing with a list of rows gives a copy)", "in place")
            if np.asarray(got["bias"]).shape == (n_classes,) and np.asarray(
                    got["weight"]).shape == (k, n_features):
                if np.array_equal(np.asarray(got["bias"]), bias.numpy()):
                    return Problem(f"the bias was not cut: it still has {n_classes} entries, "
                                   f"one per class of the full layer; keep entries classes "
                                   f"(the same rows as the weight)", "bias rows")
            return (compare("the new weight", got["weight"], expected["weight"],
                            mistakes=weight_mistakes)
                    or compare("the new bias", got["bias"], expected["bias"],
                               mistakes=bias_mistakes))

        return test

    return run_checks("keep_classes", student_fn, [
        # more features than classes, as in _fc (1000 × 1280): weight[:, classes] runs silently
        make_test(7, 9, [4, 1, 6], 0),          # unsorted: the order of classes matters
        make_test(9, 12, [2, 8], 1),
        make_test(6, 8, [5], 2),                # one class: still a (1, F) weight
    ], hint="layer_state['weight'] is (classes, features): row c scores class c; the bias has "
            "one entry per class")


def check_gray_stem(student_fn):
    """Exercise: ``gray_stem(weight) -> (out, 1, kh, kw)`` filters for a gray input.

    Right means: a convolution with the returned filters, applied to a gray image preprocessed
    like each colour channel ((p − 127) / 128), gives the output the RGB filters give on that
    image repeated in the three channels; the given weight is left as it was. Tensors, arrays or
    nested lists, at float32 or float64 precision, are accepted (the notebook converts them).
    Named mistakes: averaging, the wrong axis (output channels), the channel axis dropped, one
    colour only, luminance weights, the preprocessing's scale folded in without its offset,
    three channels returned, an edit of the given (pretrained) weight in place.
    """
    import torch
    import torch.nn.functional as F

    def make_test(c_out, kernel, stride, seed):
        generator = torch.Generator().manual_seed(seed)
        weight = torch.randn(c_out, 3, kernel, kernel, generator=generator) * 0.2   # float32
        pixels = torch.randint(0, 256, (2, 1, 11, 11), generator=generator).float()
        gray = (pixels - 127.0) / 128.0                # preprocessed like each colour channel
        w64 = weight.double()                          # exact sums: float32 answers pass too
        wanted = F.conv2d(gray.repeat(1, 3, 1, 1).double(), w64, stride=stride,
                          padding=kernel // 2)
        expected = ref.gray_stem(w64)
        r, g, b = w64[:, 0:1], w64[:, 1:2], w64[:, 2:3]
        mistakes = [
            Mistake("averaged", "you averaged the three filters: the gray value enters all "
                    "three input channels, so the output adds the three filters' responses. "
                    "The average gives a third of it", w64.mean(1, keepdim=True)),
            Mistake("wrong axis", "you summed over axis 0, the output channels (the 3 you see "
                    "in the result is the colour axis left over): the colours are axis 1 of a "
                    "PyTorch weight (out, in, kh, kw)", w64.sum(0, keepdim=True)),
            Mistake("no channel axis", f"the result has shape (out, kh, kw): keep the input-"
                    f"channel axis with length 1, (out, 1, kh, kw) = ({c_out}, 1, {kernel}, "
                    f"{kernel}), or the convolution cannot use it", w64.sum(1)),
            Mistake("one colour", "you kept the filter of one colour only: a gray image drives "
                    "all three, and the output adds all three responses", r),
            Mistake("one colour", "you kept the filter of one colour only: a gray image drives "
                    "all three, and the output adds all three responses", g),
            Mistake("one colour", "you kept the filter of one colour only: a gray image drives "
                    "all three, and the output adds all three responses", b),
            Mistake("luminance", "luminance weights (0.299, 0.587, 0.114) turn a colour image "
                    "into gray; here the image is already gray and the same value reaches "
                    "every filter: add the three filters, each with weight 1",
                    0.299 * r + 0.587 * g + 0.114 * b),
            Mistake("luminance", "luminance weights (0.2126, 0.7152, 0.0722) turn a colour image "
                    "into gray; here the image is already gray and the same value reaches "
                    "every filter: add the three filters, each with weight 1",
                    0.2126 * r + 0.7152 * g + 0.0722 * b),
            Mistake("preprocessing", "you divided by 128, as if the new filters had to take raw "
                    "pixels: they take the gray image preprocessed like each colour channel, "
                    "(p − 127)/128. Folding the preprocessing in would also need its offset "
                    "(−127/128), which a bias-free convolution cannot hold",
                    w64.sum(1, keepdim=True) / 128),
            Mistake("times 3", "you multiplied the sum by 3: the sum of the three filters is "
                    "already the whole response to a gray image (every channel carries the same "
                    "value); times 3 makes the output three times too large",
                    3 * w64.sum(1, keepdim=True)),
            Mistake("three channels", "you returned three input channels; the gray image has "
                    "one: the result is (out, 1, kh, kw)",
                    w64.sum(1, keepdim=True).repeat(1, 3, 1, 1)),
        ]

        def test(fn):
            given = weight.clone()
            got = fn(given)
            if got is not None and not torch.equal(given, weight):
                return Problem("you changed the weight you were given, in place: in the notebook "
                               "that is the pretrained network's own stem, which the colour "
                               "network still needs. Compute a new tensor", "in place")
            if isinstance(got, torch.Tensor):
                got = got.detach()                     # an nn.Parameter is a right answer too
            # float32 sums, even handed back as a list of Python floats, are right answers:
            # float32 precision (the named mistakes are at least 1e-2 away)
            problem = compare("the gray weight", got, expected, mistakes=mistakes, rtol=1e-5,
                              atol=1e-6)
            if problem:
                return problem
            out = F.conv2d(gray.double(), torch.as_tensor(np.asarray(got, dtype=np.float64)),
                           stride=stride, padding=kernel // 2)
            gap = float((out - wanted).abs().max())
            if gap > 1e-4:
                return Problem(f"on a gray image the outputs differ from the RGB filters' by up "
                               f"to {gap:.3g}", "values")
            return None

        return test

    return run_checks("gray_stem", student_fn, [make_test(4, 3, 2, 0), make_test(5, 5, 1, 1)],
                      hint="the weight is (out, in, kh, kw); a gray image has the same values "
                           "in its three input channels")
