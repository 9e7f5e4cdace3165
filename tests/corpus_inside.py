"""Answers to the exercises of notebook 08 (inside), right and wrong; see check_corpus.py. The
ones whose source is ``real:`` are reduced from public code: parameter counts from StartML
students, a study note and a numel helper, memory estimators, NaN-finding hooks."""

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


def _parts(weights, gradients, state, master=0):
    return {"weights": weights, "gradients": gradients, "optimizer state": state,
            "master copy": master}


def training_bytes_per_parameter(n_params, optimizer, mixed_precision=False):
    state = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]
    if mixed_precision:                      # 16-bit weights and gradients, float32 master + state
        return _parts(2 * n_params, 2 * n_params, 4 * state * n_params, 4 * n_params)
    return _parts(4 * n_params, 4 * n_params, 4 * state * n_params)


def training_bytes_if_chain(n_params, optimizer, mixed_precision=False):
    size = 2 if mixed_precision else 4
    parts = {"weights": float(n_params * size), "gradients": float(n_params * size),
             "optimizer state": 0.0, "master copy": 0.0}
    if mixed_precision:
        parts["master copy"] = 4.0 * n_params                 # the float32 master weights
    if optimizer == "momentum":
        parts["optimizer state"] = 4.0 * n_params
    elif optimizer == "adam":
        parts["optimizer state"] = 8.0 * n_params
    return parts


def training_bytes_flag_ignored(n_params, optimizer, mixed_precision=False):
    # the same total as the right answer: the master copy costs what 16 bits save
    return _parts(4 * n_params, 4 * n_params, 4 * STATE[optimizer] * n_params)


def training_bytes_no_gradients(n_params, optimizer, mixed_precision=False):
    return _parts(4 * n_params, 0, 4 * STATE[optimizer] * n_params)


def training_bytes_no_weights(n_params, optimizer, mixed_precision=False):
    size = 2 if mixed_precision else 4
    return _parts(0, size * n_params, 4 * STATE[optimizer] * n_params,
                  4 * n_params if mixed_precision else 0)


def training_bytes_adam_one_moment(n_params, optimizer, mixed_precision=False):
    buffers = {"sgd": 0, "momentum": 1, "adam": 1}[optimizer]
    return _parts(4 * n_params, 4 * n_params, 4 * buffers * n_params)


def training_bytes_adam_four_buffers(n_params, optimizer, mixed_precision=False):
    # m, v and the bias-corrected m_hat, v_hat all stored
    buffers = {"sgd": 0, "momentum": 1, "adam": 4}[optimizer]
    return _parts(4 * n_params, 4 * n_params, 4 * buffers * n_params)


def training_bytes_all_half(n_params, optimizer, mixed_precision=False):
    size = 2 if mixed_precision else 4
    return _parts(size * n_params, size * n_params, size * STATE[optimizer] * n_params)


def training_bytes_no_master(n_params, optimizer, mixed_precision=False):
    size = 2 if mixed_precision else 4
    return _parts(size * n_params, size * n_params, 4 * STATE[optimizer] * n_params)


def training_bytes_megabytes(n_params, optimizer, mixed_precision=False):
    parts = training_bytes_per_parameter(n_params, optimizer, mixed_precision)
    return {k: v / 2**20 for k, v in parts.items()}


def training_bytes_trainable_dtype(n_params, optimizer, mixed_precision=False):
    # reduced from a memory estimator: weights and gradients at the training dtype's bytes
    # (2 in bf16/fp16), optimizer state at 4 bytes per number, no float32 master copy
    per_number = 2 if mixed_precision else 4
    state = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]
    return _parts(n_params * per_number, n_params * per_number, n_params * state * 4)


def training_bytes_total_only(n_params, optimizer, mixed_precision=False):
    return (2 + STATE[optimizer]) * n_params * 4


# ---- exercise 3: diagnosis (the answer itself)

RIGHT_DIAGNOSIS = {"A": ("zero_grad", "grad_norm"), "B": ("eval", "bn_var"),
                   "C": ("lr", "update_ratio"), "D": ("init", "loss")}

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


# ---- reduced from real, public code (December 2026)
# Karpov.courses' StartML deep-learning lesson asks for count_parameters_conv(in_channels,
# out_channels, kernel_size, bias) without groups: the students' formulas, called with this
# exercise's arguments, ignore groups.


def conv_params_real_startml_int_bias(c_in, c_out, k, groups=1, bias=True):
    # (in_channels · k² + int(bias)) · out_channels
    return (c_in * k**2 + int(bias)) * c_out


def conv_params_real_startml_subtract_bias(c_in, c_out, k, groups=1, bias=True):
    # out · (in · k² + 1), minus out_channels when there is no bias
    result = c_out * (c_in * k**2 + 1)
    return result if bias else result - c_out


def conv_params_real_notes_formula(c_in, c_out, k, groups=1, bias=True):
    # a study note's formula c_in · c_out · k · k + c_out ("the last term is for bias"),
    # applied whatever bias and groups are
    return c_in * c_out * k * k + c_out


def conv_params_real_numel_helper(c_in, c_out, k, groups=1, bias=True):
    # the helper sum(p.numel() for p in m.parameters()) on a Conv2d built from the arguments
    def num_parameters(m):
        return sum(p.numel() for p in m.parameters())

    return num_parameters(torch.nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias))


def first_nonfinite_real_isnan_helper(model, x):
    # a check_nan(tensor, name) helper that tests torch.isnan(tensor).any() only, called from
    # a forward hook on every module
    found, handles = [], []

    def check_nan(tensor, name):
        if torch.isnan(tensor).any():
            found.append(name)
            return True
        return False

    def make_hook(name):
        def hook(module, inputs, output):
            check_nan(output, name)               # the hook itself returns None
        return hook

    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(make_hook(name)))
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return found[0] if found else None


def training_bytes_real_sgd_class_no_state(n_params, optimizer, mixed_precision=False):
    # an estimator that picks the number of moments by optimizer class: Adam 2, SGD 0, so SGD
    # with momentum gets no state; weights and gradients at 4 bytes (its AMP factor halves only
    # the activations, which this exercise leaves out)
    moments = {"adam": 2, "sgd": 0, "momentum": 0}[optimizer]
    model_memory = 4 * n_params
    gradient_memory = model_memory
    return _parts(model_memory, gradient_memory, moments * gradient_memory)


def first_nonfinite_real_detector_context(model, x):
    # a NaN detector class: a forward hook on every named module (the root too) that tags each
    # module with its name, keeps only the first NaN/Inf report, and removes its hooks in
    # __exit__, so `with Detector(model): model(x)` cleans up even when the forward pass fails
    class Detector:
        def __init__(self, model):
            self.first, self.handles, self.names = None, [], {}
            for name, module in model.named_modules():
                self.names[module] = name
                self.handles.append(module.register_forward_hook(self.hook))

        def hook(self, module, inputs, output):
            if self.first is None and torch.is_floating_point(output) and output.numel() >= 2:
                if torch.isnan(output).any() or torch.isinf(output).any():
                    self.first = self.names[module]

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            for handle in self.handles:
                handle.remove()

    with Detector(model) as detector:
        model(x)
    return detector.first


def first_nonfinite_real_raising_partial_hooks(model, x):
    # hooks made with functools.partial(hook, module_path=name, raise_exception=True) on every
    # module: each tests input and output with torch.isnan and raises at the first NaN; the
    # handles register_forward_hook returns are not kept, so the hooks stay on the model
    from functools import partial

    class NaNFound(ValueError):
        pass

    def debug_nan_hook(module, inputs, output, module_path=None, raise_exception=False):
        for target in (*inputs, output):
            if isinstance(target, torch.Tensor) and torch.isnan(target).any() and raise_exception:
                raise NaNFound(module_path)

    for name, module in model.named_modules():
        module.register_forward_hook(partial(debug_nan_hook, module_path=name,
                                             raise_exception=True))
    try:
        model(x)
    except NaNFound as found:
        return found.args[0]
    return None


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
    Answer("check_training_bytes", training_bytes_total_only, "a total, not the parts",
           "variant", names=r"return a dict with one entry per part"),
    Answer("check_training_bytes", training_bytes_no_weights, "no weights", "variant",
           names=r"count the weights themselves"),
    Answer("check_training_bytes", training_bytes_if_chain, RIGHT, "variant"),
    Answer("check_training_bytes", training_bytes_flag_ignored, "mixed precision flag ignored",
           "variant", names=r"torch\.autocast's layout, right for autocast"),
    Answer("check_training_bytes", training_bytes_no_gradients, "no gradients", "variant",
           names=r"count the gradients"),
    Answer("check_training_bytes", training_bytes_adam_one_moment, "Adam with one moment",
           "variant", names=r"two numbers per parameter"),
    Answer("check_training_bytes", training_bytes_adam_four_buffers, "Adam keeps m̂ and v̂",
           "variant", names=r"computed on the fly"),
    Answer("check_training_bytes", training_bytes_all_half, "everything in 16 bits", "variant",
           names=r"state stays in float32"),
    Answer("check_training_bytes", training_bytes_no_master, "no float32 master copy",
           "variant", names=r"master copy of the weights \(4 bytes"),
    Answer("check_training_bytes", training_bytes_megabytes, "megabytes", "variant",
           names=r"not megabytes"),
    Answer("check_diagnosis", RIGHT_DIAGNOSIS, RIGHT, "variant"),
    Answer("check_diagnosis", {"A": ["optimizer.zero_grad() missing", "gradient norm"],
                               "B": ("EVAL", "BatchNorm running variance"),
                               "C": ("learning rate too high", "update/weight ratio"),
                               "D": ("bad initialisation", "Loss")},
           RIGHT, "variant"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "D": ("init", "grad_norm")}, RIGHT, "variant"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "D": ("init", "update_ratio")},
           "init read from the update ratio", "variant", names=r"at step 0 this run's update"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "A": ("lr", "grad_norm")}, "zero_grad as lr",
           "variant", names=r"run A .*exactly the healthy run's first step"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "B": ("healthy", None)}, "eval as healthy",
           "variant", names=r"never moves from where it starts"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "C": ("zero_grad", "grad_norm")},
           "lr as zero_grad", "variant", names=r"before any gradient could pile up"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "D": ("overfitting", "loss")},
           "not a listed cause", "variant", names=r"not one of the causes"),
    Answer("check_diagnosis", {**RIGHT_DIAGNOSIS, "C": ("lr", "dead")}, "lr read from dead ReLUs",
           "variant", names=r"does not show the bug itself"),
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
    # reduced from real, public code
    Answer("check_conv_params", conv_params_real_startml_int_bias, "groups ignored",
           "real: faiabolll/kc-startml-e-tarasov dl_3/task8.py",
           names=r"c_in / groups input channels"),
    Answer("check_conv_params", conv_params_real_startml_int_bias, "groups ignored",
           "real: Bunsans/StartML 3_module_DL/3rd_lesson_3_module/count_parameters_conv.py",
           names=r"c_in / groups input channels"),
    Answer("check_conv_params", conv_params_real_startml_subtract_bias, "groups ignored",
           "real: BaranovDanila/StartML Deep Learning/Lesson3_Conv_nn_Part1/Task1.py",
           names=r"c_in / groups input channels"),
    Answer("check_conv_params", conv_params_real_notes_formula, "bias always, groups ignored",
           "real: remykarem/remykarem.github.io ai-book/src/cnn.md", names=r"bias=False means"),
    Answer("check_conv_params", conv_params_real_numel_helper, RIGHT,
           "real: manuel-suarez/pytorch-cv-code-examples segnet/eval_parameters.py"),
    Answer("check_first_nonfinite", first_nonfinite_real_isnan_helper, "isnan only",
           "real: MDK8888/GPTFast GPTFast/Helpers/GPTQ/check_nan.py", names=r"torch\.isfinite"),
    Answer("check_training_bytes", training_bytes_real_sgd_class_no_state,
           "momentum counted without state",
           "real: krishnateja95/COVID19_Benchmarking utils/memory_utils.py",
           names=r"momentum keeps one buffer per parameter"),
    Answer("check_first_nonfinite", first_nonfinite_real_detector_context, RIGHT,
           "real: facebookresearch/fairseq fairseq/nan_detector.py"),
    Answer("check_first_nonfinite", first_nonfinite_real_raising_partial_hooks,
           "hooks never removed (and isnan only)",
           "real: Modalities/modalities src/modalities/utils/debug.py",
           names=r"hooks are still on the model"),
]
