"""Answers to the exercises of notebook 08 (inside), right and wrong; see check_corpus.py."""

import numpy as np
import torch

from check_corpus import RIGHT, Answer

# ---- exercise 1: conv_params


def conv_params_weight_shape(c_in, c_out, k, groups=1, bias=True):
    # from the shape of nn.Conv2d's weight, (c_out, c_in // groups, k, k)
    return int(np.prod([c_out, c_in // groups, k, k])) + (c_out if bias else 0)


def conv_params_divide_at_end(c_in, c_out, k, groups=1, bias=True):
    return c_in * c_out * k**2 / groups + bias * c_out            # a float; same number


def conv_params_numel(c_in, c_out, k, groups=1, bias=True):
    # builds the layer and counts with numel (allowed: the check compares numbers)
    layer = torch.nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias)
    return sum(p.numel() for p in layer.parameters())


def conv_params_no_bias(c_in, c_out, k, groups=1, bias=True):
    return c_out * (c_in // groups) * k * k


def conv_params_k_not_squared(c_in, c_out, k, groups=1, bias=True):
    return c_in * c_out * k // groups + (c_out if bias else 0)


def conv_params_groups_ignored(c_in, c_out, k, groups=1, bias=True):
    return c_in * c_out * k * k + (c_out if bias else 0)


def conv_params_groups_twice(c_in, c_out, k, groups=1, bias=True):
    return (c_in // groups) * (c_out // groups) * k * k + (c_out if bias else 0)


def conv_params_bias_per_input(c_in, c_out, k, groups=1, bias=True):
    return c_out * (c_in // groups) * k * k + (c_in if bias else 0)


def conv_params_bias_always(c_in, c_out, k, groups=1, bias=True):
    # the bias argument ignored: counted every time
    return c_out * (c_in // groups) * k * k + c_out


def conv_params_expected_formula(c_in, c_out, k, groups=1, bias=True):
    # reduced from a script that checks m * dk * dk * n against numel() for a bias-free,
    # ungrouped convolution: the formula has no bias and no groups
    return c_in * k * k * c_out


# ---- exercise 2: training_bytes

STATE = {"sgd": 0, "momentum": 1, "adam": 2}


def training_bytes_per_parameter(n_params, optimizer, mixed_precision=False):
    state = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]
    if mixed_precision:                      # 16-bit weights and gradients, float32 master + state
        return (2 + 2 + 4 + 4 * state) * n_params
    return (2 + state) * n_params * 4


def training_bytes_if_chain(n_params, optimizer, mixed_precision=False):
    size = 2 if mixed_precision else 4
    total = 2 * n_params * size                                # weights and gradients
    if mixed_precision:
        total += 4 * n_params                                  # the float32 master weights
    if optimizer == "momentum":
        total += 4 * n_params
    elif optimizer == "adam":
        total += 8 * n_params
    return float(total)


def training_bytes_flag_ignored(n_params, optimizer, mixed_precision=False):
    # the same total: the master copy costs what the 16-bit weights and gradients save
    return (2 + {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]) * n_params * 4


def training_bytes_bits(n_params, optimizer, mixed_precision=False):
    return (2 + STATE[optimizer]) * n_params * 4 * 8


def training_bytes_no_gradients(n_params, optimizer, mixed_precision=False):
    return (1 + STATE[optimizer]) * n_params * 4


def training_bytes_adam_one_moment(n_params, optimizer, mixed_precision=False):
    copies = {"sgd": 2, "momentum": 3, "adam": 3}[optimizer]
    return copies * n_params * 4


def training_bytes_adam_four_buffers(n_params, optimizer, mixed_precision=False):
    # m, v and the bias-corrected m_hat, v_hat all stored
    copies = {"sgd": 2, "momentum": 3, "adam": 6}[optimizer]
    return copies * n_params * 4


def training_bytes_all_half(n_params, optimizer, mixed_precision=False):
    return (2 + STATE[optimizer]) * n_params * (2 if mixed_precision else 4)


def training_bytes_no_master(n_params, optimizer, mixed_precision=False):
    if mixed_precision:
        return (2 + 2 + 4 * STATE[optimizer]) * n_params
    return (2 + STATE[optimizer]) * n_params * 4


def training_bytes_megabytes(n_params, optimizer, mixed_precision=False):
    return (2 + STATE[optimizer]) * n_params * 4 / 2**20


def training_bytes_trainable_dtype(n_params, optimizer, mixed_precision=False):
    # reduced from a memory estimator: weights and gradients at the training dtype's bytes
    # (2 in bf16/fp16), optimizer state at 4 bytes per number, no float32 master copy
    per_number = 2 if mixed_precision else 4
    state = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]
    return n_params * per_number * 2 + n_params * state * 4


def training_bytes_state_only(n_params, optimizer, mixed_precision=False):
    return STATE[optimizer] * n_params * 4


# ---- exercise 3: diagnosis (the answer itself)

RIGHT_DIAGNOSIS = {"A": "zero_grad", "B": "eval", "C": "lr", "D": "init"}

# ---- exercise 4: first_nonfinite


def first_nonfinite_list(model, x):
    bad, handles = [], []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(
                lambda m, i, o, name=name: bad.append(name) if not torch.isfinite(o).all()
                else None))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return bad[0] if bad else None


def first_nonfinite_isnan(model, x):
    bad, handles = [], []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(
                lambda m, i, o, name=name: bad.append(name) if torch.isnan(o).any() else None))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return bad[0] if bad else None


def first_nonfinite_last(model, x):
    found = [None]
    handles = [m.register_forward_hook(
        lambda m, i, o, name=name: found.__setitem__(0, name) if not torch.isfinite(o).all()
        else None) for name, m in model.named_modules() if name]
    model(x)
    for h in handles:
        h.remove()
    return found[0]


def first_nonfinite_keeps_hooks(model, x):
    bad = []
    for name, module in model.named_modules():
        if name:
            module.register_forward_hook(
                lambda m, i, o, name=name: bad.append(name) if not torch.isfinite(o).all()
                else None)
    model(x)
    return bad[0] if bad else None


def first_nonfinite_definition_order(model, x):
    outputs, handles = {}, []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(
                lambda m, i, o, name=name: outputs.__setitem__(name, o)))
    model(x)
    for h in handles:
        h.remove()
    for name, _ in model.named_modules():                      # definition order, not run order
        if name in outputs and not torch.isfinite(outputs[name]).all():
            return name
    return None


def first_nonfinite_returns_module(model, x):
    bad, handles = [], []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(
                lambda m, i, o: bad.append(m) if not torch.isfinite(o).all() else None))
    model(x)
    for h in handles:
        h.remove()
    return bad[0] if bad else None


def first_nonfinite_status_table(model, x):
    # reduced from a debugging helper: a hook on every module (the root too) records "NaN",
    # "Inf" or "OK" per layer name; the caller removes the returned handles after the forward
    # pass, without try/finally
    status = {}
    handles = []
    for name, module in model.named_modules():
        def make_hook(layer_name):
            def hook(module, inputs, output):
                if torch.isnan(output).any():
                    status[layer_name] = "NaN"
                elif torch.isinf(output).any():
                    status[layer_name] = "Inf"
                else:
                    status[layer_name] = "OK"
            return hook
        handles.append(module.register_forward_hook(make_hook(name)))
    model(x)
    for handle in handles:
        handle.remove()
    return next((name for name, s in status.items() if s != "OK"), None)


def first_nonfinite_late_binding(model, x):
    # the lambda reads `name` when it runs: always the last module's name
    bad, handles = [], []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(
                lambda m, i, o: bad.append(name)  # noqa: B023 - the planted bug
                if not torch.isfinite(o).all() else None))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return bad[0] if bad else None


def first_nonfinite_children_only(model, x):
    bad, handles = [], []
    for name, module in model.named_children():
        handles.append(module.register_forward_hook(
            lambda m, i, o, name=name: bad.append(name) if not torch.isfinite(o).all() else None))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return bad[0] if bad else None


def first_nonfinite_no_finally(model, x):
    bad, handles = [], []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(
                lambda m, i, o, name=name: bad.append(name) if not torch.isfinite(o).all()
                else None))
    model(x)                                                  # an error here leaves the hooks
    for h in handles:
        h.remove()
    return bad[0] if bad else None


ENTRIES = [
    Answer("check_conv_params", conv_params_weight_shape, RIGHT, "variant"),
    Answer("check_conv_params", conv_params_divide_at_end, RIGHT, "variant"),
    Answer("check_conv_params", conv_params_numel, RIGHT, "variant"),
    Answer("check_conv_params", conv_params_no_bias, "no bias", "variant",
           names=r"left out the bias"),
    Answer("check_conv_params", conv_params_k_not_squared, "k instead of k²", "variant",
           names=r"k\*\*2, not k"),
    Answer("check_conv_params", conv_params_groups_ignored, "groups ignored", "variant",
           names=r"c_in / groups input channels"),
    Answer("check_conv_params", conv_params_groups_twice, "groups divided twice", "variant",
           names=r"divide by groups once"),
    Answer("check_conv_params", conv_params_bias_per_input, "bias per input channel", "variant",
           names=r"per \*output\* channel"),
    Answer("check_conv_params", conv_params_bias_always, "bias counted when bias=False",
           "variant", names=r"bias=False means"),
    Answer("check_conv_params", conv_params_expected_formula, "bias and groups left out",
           "real: manuel-suarez/pytorch-cv-code-examples segnet/eval_parameters.py",
           names=r"left out the bias"),
    Answer("check_training_bytes", training_bytes_per_parameter, RIGHT, "variant"),
    Answer("check_training_bytes", training_bytes_trainable_dtype, "no float32 master copy",
           "real: KCaverly/axolotl_memory src/axolotl_memory/optimizer.py",
           names=r"master copy of the weights \(4 bytes"),
    Answer("check_training_bytes", training_bytes_if_chain, RIGHT, "variant"),
    Answer("check_training_bytes", training_bytes_flag_ignored, RIGHT, "variant"),
    Answer("check_training_bytes", training_bytes_bits, "bits", "variant", names=r"in bits"),
    Answer("check_training_bytes", training_bytes_no_gradients, "no gradients", "variant",
           names=r"count both the weights and their gradients"),
    Answer("check_training_bytes", training_bytes_adam_one_moment, "Adam with one moment",
           "variant", names=r"two numbers per parameter"),
    Answer("check_training_bytes", training_bytes_adam_four_buffers, "Adam keeps m̂ and v̂",
           "variant", names=r"computed on the fly"),
    Answer("check_training_bytes", training_bytes_all_half, "everything in 16 bits", "variant",
           names=r"does not halve everything"),
    Answer("check_training_bytes", training_bytes_no_master, "no float32 master copy",
           "variant", names=r"master copy of the weights \(4 bytes"),
    Answer("check_training_bytes", training_bytes_megabytes, "megabytes", "variant",
           names=r"not megabytes"),
    Answer("check_training_bytes", training_bytes_state_only, "state only", "variant",
           names=r"add the weights and the gradients"),
    Answer("check_diagnosis", RIGHT_DIAGNOSIS, RIGHT, "variant"),
    Answer("check_diagnosis", {"A": "optimizer.zero_grad() missing", "B": "EVAL",
                               "C": "learning rate too high", "D": "bad initialisation"},
           RIGHT, "variant"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "A": "lr"}, "zero_grad as lr", "variant",
           names=r"run A .*exactly the healthy run's first step"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "B": "healthy"}, "eval as healthy", "variant",
           names=r"running variance never leaves"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "C": "zero_grad"}, "lr as zero_grad",
           "variant", names=r"before any gradient could pile up"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "C": "init"}, "lr as init", "variant",
           names=r"well-initialised"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "D": "lr"}, "init as lr", "variant",
           names=r"loss at step 0"),
    Answer("check_diagnosis", {"A": "lr", "B": "init", "C": "zero_grad", "D": "eval"},
           "every run wrong", "variant", names=r"run A"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "D": "overfitting"}, "not a listed cause",
           "variant", names=r"not one of the diagnoses"),
    Answer("check_first_nonfinite", first_nonfinite_list, RIGHT, "variant"),
    Answer("check_first_nonfinite", first_nonfinite_isnan, "isnan only", "variant",
           names=r"torch\.isfinite"),
    Answer("check_first_nonfinite", first_nonfinite_last, "the last, not the first", "variant",
           names=r"keep the first"),
    Answer("check_first_nonfinite", first_nonfinite_keeps_hooks, "hooks left on the model",
           "variant", names=r"hooks are still on the model"),
    Answer("check_first_nonfinite", first_nonfinite_definition_order, "definition order",
           "variant", names=r"defined first but runs last"),
    Answer("check_first_nonfinite", first_nonfinite_returns_module, "returns the module",
           "variant", names=r"return the module's name"),
    Answer("check_first_nonfinite", first_nonfinite_status_table, "hooks kept when forward fails",
           "real: klee232/adp-3-human-retina-python "
           "Phase_1_Segmentation/models_2D/model_checking.py",
           names=r"in a `finally:` block"),
    Answer("check_first_nonfinite", first_nonfinite_late_binding, "late-binding lambda",
           "variant", names=r"reads `name` when it runs"),
    Answer("check_first_nonfinite", first_nonfinite_children_only, "named_children only",
           "variant", names=r"named_children\(\) does not"),
    Answer("check_first_nonfinite", first_nonfinite_no_finally, "hooks kept when forward fails",
           "variant", names=r"in a `finally:` block"),
]
