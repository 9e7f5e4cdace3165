"""Checks for the exercises of notebook 07 (loading, setting and editing weights)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..solutions import weights as ref
from ._core import compare, run_checks

_SHAPES_MODEL = {"body.weight": (5, 4), "body.bias": (5,), "head.weight": (3, 5),
                 "head.bias": (3,), "norm.weight": (5,)}
_SHAPES_CKPT = {"body.weight": (5, 4), "body.bias": (5,), "head.weight": (10, 5),
                "head.bias": (10,), "aux.weight": (2, 5), "norm.weight": (5,)}


def _arrays(shapes, seed):
    rng = np.random.default_rng(seed)
    return {name: rng.normal(size=shape) for name, shape in shapes.items()}


def check_matching_entries(student_fn):
    """Exercise: ``matching_entries(checkpoint, model_state) -> dict`` of the entries that fit."""
    checkpoint, model_state = _arrays(_SHAPES_CKPT, 0), _arrays(_SHAPES_MODEL, 1)

    def test(fn):
        got = fn(dict(checkpoint), dict(model_state))
        if not isinstance(got, Mapping):
            return f"return a dict of name -> array, got {type(got).__name__}"
        expected = ref.matching_entries(checkpoint, model_state)
        keys = set(got)
        if keys >= {"head.weight", "head.bias"} and "aux.weight" not in keys:
            return ("you kept head.weight and head.bias, whose shapes differ (10 classes in the "
                    "checkpoint, 3 in the model): loading them fails with a size mismatch. "
                    "Compare the shapes too")
        if "aux.weight" in keys:
            return ("aux.weight is not in the model (an 'unexpected' key): keep only names the "
                    "model has")
        if not keys:
            return "the result is empty: body.weight, body.bias and norm.weight fit the model"
        if keys != set(expected):
            missing = sorted(set(expected) - keys)
            return f"entries that fit are missing from your result: {', '.join(missing)}"
        for name in expected:
            if got[name] is model_state[name] or np.array_equal(got[name], model_state[name]):
                return (f"{name} holds the model's current value: take the value from the "
                        "checkpoint")
            problem = compare(name, got[name], checkpoint[name])
            if problem:
                return problem
        return None

    return run_checks("matching_entries", student_fn, [test],
                      hint="loop over checkpoint.items() and keep name -> value when the name "
                           "is in model_state and value.shape == model_state[name].shape")


def check_torch_linear_to_keras(student_fn):
    """Exercise: ``torch_linear_to_keras(weight, bias) -> [kernel, bias]`` for a Keras Dense."""
    rng = np.random.default_rng(3)

    def make_test(n_out, n_in):
        weight, bias = rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)

        def test(fn):
            got = fn(weight.copy(), bias.copy())
            if not isinstance(got, (list, tuple)) or len(got) != 2:
                return ("return a list of two arrays, [kernel, bias]: the order "
                        "layer.set_weights expects")
            kernel, b = ref.torch_linear_to_keras(weight, bias)
            return (compare("kernel", got[0], kernel, mistakes={
                "the kernel is not transposed: PyTorch stores (out, in), Keras (in, out); "
                "use weight.T": weight,
            }) or compare("bias", got[1], b, mistakes={
                "the bias came back as a (1, out) row: return it with shape (out,)":
                    bias[None, :],
            }))

        return test

    # a square layer too: there the transpose mistake keeps the shape and only the values differ
    return run_checks("torch_linear_to_keras", student_fn, [make_test(3, 5), make_test(4, 4)])


def check_freeze_all_but(student_fn):
    """Exercise: ``freeze_all_but(model, trainable_prefixes) -> number of trainable numbers``."""
    import torch

    def make_model():
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(),
                                   torch.nn.Linear(5, 4), torch.nn.ReLU(),
                                   torch.nn.Linear(4, 3))

    def test(fn):
        model, reference = make_model(), make_model()
        expected_count = ref.freeze_all_but(reference, ["2.", "4."])
        got = fn(model, ["2.", "4."])
        state = {n: p.requires_grad for n, p in model.named_parameters()}
        expected = {n: p.requires_grad for n, p in reference.named_parameters()}
        if state != expected:
            if all(state.values()):
                return ("every parameter is still trainable: set requires_grad to False for the "
                        "parameters whose name does not start with a prefix")
            if not any(state.values()):
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
        got = fn(model, [])
        if any(p.requires_grad for p in model.parameters()) or got != 0:
            return "with no prefixes every parameter should be frozen and the count 0"
        return None

    return run_checks("freeze_all_but", student_fn, [test, test_empty],
                      hint="model.named_parameters() gives (name, parameter); "
                           "param.requires_grad_(flag) sets the flag")


def check_magnitude_prune(student_fn):
    """Exercise: ``magnitude_prune(weight, fraction)`` -> copy with the smallest |w| zeroed."""
    rng = np.random.default_rng(7)

    def make_test(shape, fraction):
        weight = rng.normal(size=shape)

        def test(fn):
            given = weight.copy()
            got = fn(given, fraction)
            if got is None:
                return "your function returned None: return the pruned copy"
            got = np.asarray(got)
            if got.dtype == bool:
                return ("you returned a mask (True/False): return the weights with the pruned "
                        "entries set to 0, e.g. weight * mask")
            k = int(round(fraction * weight.size))
            flat = weight.ravel()
            order = np.argsort(flat)                    # by signed value
            by_value = flat.copy()
            by_value[order[:k]] = 0
            largest = flat.copy()
            largest[np.argsort(np.abs(flat))[::-1][:k]] = 0
            kept = flat.copy()
            kept[np.argsort(np.abs(flat))[:weight.size - k]] = 0
            problem = compare(f"magnitude_prune(weight of shape {shape}, {fraction})", got,
                              ref.magnitude_prune(weight, fraction), mistakes={
                "you zeroed the most negative weights: sort by the absolute value, np.abs(weight)":
                    by_value.reshape(shape),
                "you zeroed the largest weights: magnitude pruning removes the smallest |w|":
                    largest.reshape(shape),
                "fraction is the share to remove, not the share to keep":
                    kept.reshape(shape),
            })
            if problem:
                return problem
            if not np.array_equal(given, weight):
                return ("you changed the input array in place: work on a copy "
                        "(weight.copy()), the caller may still need the original")
            return None

        return test

    # a matrix (flatten before ranking, keep the shape) and a fraction that needs rounding
    return run_checks("magnitude_prune", student_fn,
                      [make_test((4, 5), 0.5), make_test((3, 7), 0.3), make_test((10,), 0.0)],
                      hint="np.argsort(np.abs(weight), axis=None) ranks all entries; "
                           "set pruned.flat[...] = 0 on a copy")
