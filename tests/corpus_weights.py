"""Answers to the exercises of notebook 07 (weights), right and wrong; see check_corpus.py.

Each function is one student's answer, reduced to what matters; a wrong one makes one mistake
(the comment says which). The checks are in coursekit/checks/weights.py.
"""

import numpy as np
import torch

from check_corpus import RIGHT, Answer

WRAPPERS = ("module.", "_orig_mod.")


# ---------------------------------------------------------------- matching_entries
def entries_while_loop(checkpoint, model_state):
    out = {}
    for name, value in checkpoint.items():
        while name.startswith(WRAPPERS):
            name = name[len("module."):] if name.startswith("module.") else name[len("_orig_mod."):]
        if name in model_state and value.shape == model_state[name].shape:
            out[name] = value
    return out


def entries_size_and_split(checkpoint, model_state):
    out = {}
    for name, value in checkpoint.items():
        parts = name.split(".")
        while parts and parts[0] in ("module", "_orig_mod"):
            parts = parts[1:]
        name = ".".join(parts)
        if name in model_state and value.size() == model_state[name].size():
            out[name] = value.clone()
    return out


def entries_no_prefix(checkpoint, model_state):
    # compares the names as they are in the file: every name keeps its 'module.' prefix
    return {k: v for k, v in checkpoint.items()
            if k in model_state and v.shape == model_state[k].shape}


def entries_replace_everywhere(checkpoint, model_state):
    # str.replace removes 'module.' inside 'submodule.weight' too
    out = {}
    for k, v in checkpoint.items():
        name = k.replace("module.", "").replace("_orig_mod.", "")
        if name in model_state and v.shape == model_state[name].shape:
            out[name] = v
    return out


def entries_numel(checkpoint, model_state):
    # same number of elements instead of the same shape
    out = {}
    for k, v in checkpoint.items():
        for prefix in ("module._orig_mod.", "_orig_mod.module.", "module.", "_orig_mod."):
            if k.startswith(prefix):
                k = k[len(prefix):]
                break
        if k in model_state and v.numel() == model_state[k].numel():
            out[k] = v
    return out


def entries_no_shape_test(checkpoint, model_state):
    # keeps every name the model has, whatever its shape
    out = {}
    for k, v in checkpoint.items():
        for prefix in ("module._orig_mod.", "_orig_mod.module.", "module.", "_orig_mod."):
            if k.startswith(prefix):
                k = k[len(prefix):]
                break
        if k in model_state:
            out[k] = v
    return out


def entries_module_only(checkpoint, model_state):
    # knows DataParallel's prefix, not torch.compile's
    out = {}
    for k, v in checkpoint.items():
        k = k.removeprefix("module.")
        if k in model_state and v.shape == model_state[k].shape:
            out[k] = v
    return out


def entries_model_values(checkpoint, model_state):
    # returns the model's own tensors for the names that fit
    fitting = entries_while_loop(checkpoint, model_state)
    return {k: model_state[k] for k in fitting}


# ---------------------------------------------------------------- torch_to_keras
def _np(state):
    return {k: np.asarray(v) for k, v in state.items()}


def port_reference_style(state, feature_shape):
    c, h, w = feature_shape
    s = _np(state)
    dense = s["fc.weight"].reshape(-1, c, h, w).transpose(2, 3, 1, 0).reshape(h * w * c, -1)
    return [s["conv.weight"].transpose(2, 3, 1, 0), s["conv.bias"], dense, s["fc.bias"]]


def port_with_permute(state, feature_shape):
    c, h, w = feature_shape
    fc = state["fc.weight"].reshape(-1, c, h, w).permute(2, 3, 1, 0).reshape(h * w * c, -1)
    return (state["conv.weight"].permute(2, 3, 1, 0), state["conv.bias"], fc, state["fc.bias"])


def port_dot_t(state, feature_shape):
    # .T on the conv kernel: (kw, kh, in, out), the filters mirrored
    out = port_reference_style(state, feature_shape)
    return [np.asarray(state["conv.weight"]).T] + out[1:]


def port_flatten_ignored(state, feature_shape):
    # the dense kernel only transposed: PyTorch's (C, H, W) flatten order kept
    out = port_reference_style(state, feature_shape)
    return out[:2] + [np.asarray(state["fc.weight"]).T, out[3]]


def port_no_transpose(state, feature_shape):
    # the dense kernel left in PyTorch's (out, in) layout
    out = port_reference_style(state, feature_shape)
    return out[:2] + [np.asarray(state["fc.weight"]), out[3]]


def port_no_biases(state, feature_shape):
    out = port_reference_style(state, feature_shape)
    return [out[0], out[2]]


# ---------------------------------------------------------------- magnitude_prune
def prune_with_torch_utils(state, fraction):
    # the framework call the notebook recommends: a float32 nn.Linear, l1_unstructured, remove
    from torch import nn
    from torch.nn.utils import prune

    layer = nn.Linear(state["weight"].shape[1], state["weight"].shape[0])
    layer.load_state_dict({k: torch.as_tensor(v) for k, v in state.items()})
    prune.l1_unstructured(layer, "weight", amount=fraction)
    prune.remove(layer, "weight")
    return {"weight": layer.weight.detach(), "bias": layer.bias.detach()}


def prune_argsort(layer_state, fraction):
    out = {k: v.clone() for k, v in layer_state.items()}
    w = out["weight"]
    w.view(-1)[torch.argsort(w.abs().flatten())[:round(fraction * w.numel())]] = 0
    return out


def prune_topk_mask(layer_state, fraction):
    w = layer_state["weight"]
    k = round(fraction * w.numel())
    mask = torch.ones(w.numel(), dtype=torch.bool)
    if k:
        mask[torch.topk(w.abs().flatten(), k, largest=False).indices] = False
    return {"weight": w * mask.reshape(w.shape), "bias": layer_state["bias"].clone()}


def prune_largest(layer_state, fraction):
    # ranks by descending |w|: zeroes the largest weights
    out = {k: v.clone() for k, v in layer_state.items()}
    w = out["weight"]
    w.view(-1)[torch.argsort(-w.abs().flatten())[:round(fraction * w.numel())]] = 0
    return out


def prune_signed(layer_state, fraction):
    # ranks by the signed value: zeroes the most negative weights
    out = {k: v.clone() for k, v in layer_state.items()}
    w = out["weight"]
    w.view(-1)[torch.argsort(w.flatten())[:round(fraction * w.numel())]] = 0
    return out


def prune_in_place(layer_state, fraction):
    # edits the caller's tensors
    w = layer_state["weight"]
    w.view(-1)[torch.argsort(w.abs().flatten())[:round(fraction * w.numel())]] = 0
    return layer_state


def prune_int_count(layer_state, fraction):
    # int() rounds 7.6 down to 7
    out = {k: v.clone() for k, v in layer_state.items()}
    w = out["weight"]
    w.view(-1)[torch.argsort(w.abs().flatten())[:int(fraction * w.numel())]] = 0
    return out


def prune_threshold(layer_state, fraction):
    # a threshold at the k-th smallest |w| zeroes every weight tied with it
    out = {k: v.clone() for k, v in layer_state.items()}
    k = round(fraction * out["weight"].numel())
    if k:
        cut = out["weight"].abs().flatten().sort().values[k - 1]
        out["weight"][out["weight"].abs() <= cut] = 0
    return out


def prune_per_row(layer_state, fraction):
    # ranks each row separately instead of the whole weight
    out = {k: v.clone() for k, v in layer_state.items()}
    for row in out["weight"]:
        row[torch.argsort(row.abs())[:round(fraction * row.numel())]] = 0
    return out


# ---------------------------------------------------------------- freeze_all_but
def freeze_reference_style(model, trainable_prefixes):
    for name, p in model.named_parameters():
        p.requires_grad = name.startswith(tuple(trainable_prefixes))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def freeze_any_loop(model, trainable_prefixes):
    total = 0
    for name, p in model.named_parameters():
        keep = any(name.startswith(prefix) for prefix in trainable_prefixes)
        p.requires_grad_(keep)
        total += p.numel() if keep else 0
    return total


def freeze_only(model, trainable_prefixes):
    # never sets requires_grad back to True: progressive unfreezing fails
    for name, p in model.named_parameters():
        if not name.startswith(tuple(trainable_prefixes)):
            p.requires_grad = False
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def freeze_counts_tensors(model, trainable_prefixes):
    # returns the number of trainable tensors, not of numbers
    freeze_reference_style(model, trainable_prefixes)
    return sum(1 for p in model.parameters() if p.requires_grad)


def freeze_contains(model, trainable_prefixes):
    # `prefix in name` also unfreezes names that only contain the prefix
    for name, p in model.named_parameters():
        p.requires_grad = any(prefix in name for prefix in trainable_prefixes)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ---------------------------------------------------------------- keep_classes
def keep_index(layer_state, classes):
    return {"weight": layer_state["weight"][classes], "bias": layer_state["bias"][classes]}


def keep_index_select(layer_state, classes):
    rows = torch.tensor(classes)
    return {name: value.index_select(0, rows).clone() for name, value in layer_state.items()}


def keep_numpy_float64(layer_state, classes):
    return {"weight": layer_state["weight"].numpy().astype(np.float64)[classes],
            "bias": layer_state["bias"].numpy().astype(np.float64)[classes]}


def keep_stack(layer_state, classes):
    return {"weight": torch.stack([layer_state["weight"][c] for c in classes]),
            "bias": torch.stack([layer_state["bias"][c] for c in classes])}


def keep_columns(layer_state, classes):
    # indexes the second axis: keeps input features instead of classes
    return {"weight": layer_state["weight"][:, classes], "bias": layer_state["bias"][classes]}


def keep_bias_uncut(layer_state, classes):
    # cuts the weight, forgets the bias
    return {"weight": layer_state["weight"][classes], "bias": layer_state["bias"]}


def keep_bias_first_rows(layer_state, classes):
    # the bias of the first len(classes) rows, not of the chosen classes
    return {"weight": layer_state["weight"][classes],
            "bias": layer_state["bias"][:len(classes)]}


def keep_sorted(layer_state, classes):
    # a boolean mask keeps the rows in sorted order, not in the order asked for
    mask = torch.zeros(len(layer_state["bias"]), dtype=torch.bool)
    mask[classes] = True
    return {"weight": layer_state["weight"][mask], "bias": layer_state["bias"][mask]}


def keep_zero_others(layer_state, classes):
    # zeroes the other rows instead of removing them
    out = {k: v.clone() for k, v in layer_state.items()}
    others = [c for c in range(len(out["bias"])) if c not in classes]
    out["weight"][others] = 0
    out["bias"][others] = 0
    return out


def keep_in_place(layer_state, classes):
    # writes the kept rows over the first rows of the given (pretrained) weight
    w, b = layer_state["weight"], layer_state["bias"]
    w[:len(classes)] = w[classes].clone()
    b[:len(classes)] = b[classes].clone()
    return {"weight": w[:len(classes)], "bias": b[:len(classes)]}


# ---------------------------------------------------------------- gray_stem
def gray_sum(weight):
    return weight.sum(dim=1, keepdim=True)


def gray_numpy(weight):
    return np.asarray(weight).sum(axis=1, keepdims=True)


def gray_add_channels(weight):
    return weight[:, 0:1] + weight[:, 1:2] + weight[:, 2:3]


def gray_float64(weight):
    return torch.einsum("oihw->ohw", weight.double()).unsqueeze(1)


def gray_mean(weight):
    # the average of the three filters: a third of the response
    return weight.mean(dim=1, keepdim=True)


def gray_wrong_axis(weight):
    # sums the output channels (axis 0)
    return weight.sum(dim=0, keepdim=True)


def gray_no_keepdim(weight):
    # loses the input-channel axis: (out, kh, kw)
    return weight.sum(dim=1)


def gray_green_only(weight):
    # keeps one colour's filter
    return weight[:, 1:2].clone()


def gray_luminance(weight):
    # the RGB-to-gray formula applied to the filters
    return 0.299 * weight[:, 0:1] + 0.587 * weight[:, 1:2] + 0.114 * weight[:, 2:3]


def gray_raw_pixels(weight):
    # folds the preprocessing's scale 1/128 in, not its offset
    return weight.sum(dim=1, keepdim=True) / 128


def gray_in_place(weight):
    # overwrites the pretrained stem's first channel, returns a view of it
    weight[:, 0] = weight.sum(dim=1)
    return weight[:, :1]


# ---------------------------------------------------------------- reduced from public code
def entries_cut_seven(checkpoint, model_state):
    # cuts len("module.") = 7 characters from every name, prefix or not (name = k[7:])
    out = {}
    for k, v in checkpoint.items():
        name = k[7:]
        if name in model_state and v.shape == model_state[name].shape:
            out[name] = v
    return out


def entries_module_once(checkpoint, model_state):
    # removes "module." where a name starts with it, once; "_orig_mod." stays
    out = {}
    for k, v in checkpoint.items():
        name = k[len("module."):] if k.startswith("module.") else k
        if name in model_state and v.shape == model_state[name].shape:
            out[name] = v
    return out


def keep_leading_rows(layer_state, classes):
    # keeps the first len(classes) rows and biases: classes 0..k-1, not the ones asked for
    k = len(classes)
    return {"weight": layer_state["weight"][:k], "bias": layer_state["bias"][:k]}


def gray_mean_then_unsqueeze(weight):
    # the mean over the colour axis, the axis put back with unsqueeze
    return weight.mean(dim=1).unsqueeze(1)


def gray_sum_keepdim(weight):
    return weight.sum(dim=1, keepdim=True)



# ---------------------------------------------------------------- more real code (lead, 2026-12-07)
def entries_replace_module_anywhere(checkpoint, model_state):
    # TeamOfProfGuo/Few_Shot_Seg_CWT convert_pth.py: k.replace('module.', '') on every name,
    # wherever it occurs (the original then saved every entry; here the exercise's shape test)
    out = {}
    for k, v in checkpoint.items():
        name = k.replace("module.", "")
        if name in model_state and v.shape == model_state[name].shape:
            out[name] = v
    return out


def entries_startswith_module(checkpoint, model_state):
    # meaten/RBPN_NTIRE2021 model/utils/misc.py fix_model_state_dict: strips a leading
    # 'module.' only, and loads every entry without comparing shapes
    out = {}
    for k, v in checkpoint.items():
        name = k[7:] if k.startswith("module.") else k
        if name in model_state:
            out[name] = v
    return out


def freeze_not_head(model, trainable_prefixes):
    # harvey-wei/dl_tutorial dl_pytorch_topics/dl_torch_freez_pretrained.py: sets
    # requires_grad = False where the name does not start with the head's prefix, never True
    prefixes = tuple(trainable_prefixes)
    for name, param in model.named_parameters():
        if not name.startswith(prefixes):
            param.requires_grad = False
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def freeze_everything(model, trainable_prefixes):
    # thaoducphung/deep-learning Exercises/frozen_parameters.py: freezes every parameter (the
    # original then builds a new head, which the exercise's model already has)
    for param in model.parameters():
        param.requires_grad = False
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ---- train_only(model, trainable_prefixes) -------------------------------------------------
def train_only_reference_style(model, trainable_prefixes):
    prefixes = tuple(trainable_prefixes)
    for name, module in model.named_modules():
        module.train(name.startswith(prefixes) if prefixes else False)


def train_only_eval_then_submodules(model, trainable_prefixes):
    # everything to eval(), then each prefixed module back to train(), children included
    model.eval()
    for name, module in model.named_modules():
        if any(name.startswith(p) for p in trainable_prefixes):
            module.train()


def train_only_train_only(model, trainable_prefixes):
    # what a training loop does: train() for the whole model, nothing else
    model.train()


def train_only_contains(model, trainable_prefixes):
    for name, module in model.named_modules():
        module.train(any(p in name for p in trainable_prefixes))


def train_only_real_every_batchnorm(model, trainable_prefixes):
    # msight-tech/research-ms-loss ret_benchmark/utils/freeze_bn.py: a function applied with
    # model.apply after model.train() that puts every module whose class name contains
    # "BatchNorm" in eval mode, wherever it sits
    def set_bn_eval(module):
        if "BatchNorm" in module.__class__.__name__:
            module.eval()

    model.train()
    model.apply(set_bn_eval)


def train_only_real_batchnorm2d(model, trainable_prefixes):
    # pytorch/vision references/depth/stereo/utils/norm.py: freeze_batch_norm walks
    # model.modules() and puts the nn.BatchNorm2d layers in eval mode (called after train())
    model.train()
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.eval()


def gray_mean_keepdim(weight):
    # Sall-lah/Object-Detection_Outfit_MODEL create_grey_scale_model.py: the mean over the
    # colour axis, written into a new one-channel Conv2d
    return weight.mean(1, keepdim=True)


def gray_mean_repeat(weight):
    # ewernn/mmdetection mmdet/models/backbones/resnet_gray.py: the mean over the input
    # channels, then .repeat(1, 1, 1, 1)
    return weight.mean(dim=1, keepdim=True).repeat(1, 1, 1, 1)


def prune_percentile_in_place(layer_state, fraction):
    # cabamarcos/SuperMask Second_approach/utils/prune.py: a percentile threshold on |w|,
    # written into the layer's own array (numpy() shares the tensor's memory)
    weights = layer_state["weight"].numpy()
    threshold = np.percentile(np.abs(weights), 100 * fraction)
    weights[np.abs(weights) < threshold] = 0
    return {"weight": torch.from_numpy(weights), "bias": layer_state["bias"]}


def prune_signed_with_bias(layer_state, fraction):
    # mnicholas2019/tfaionchip_proj3 pascal_voc/prune_utils.py: mask = value > threshold on
    # the signed values, applied to the bias as well (threshold here from the fraction)
    threshold = torch.quantile(layer_state["weight"].abs().flatten(), fraction)
    return {k: v * (v > threshold) for k, v in layer_state.items()}


def prune_l1_unstructured_docs(layer_state, fraction):
    # ahmadiehsan/personal_docs docs/ai/neural_network/optimization/magnitude_based_pruning.md:
    # prune.l1_unstructured on each Linear layer, then prune.remove
    from torch import nn
    from torch.nn.utils import prune

    out_f, in_f = layer_state["weight"].shape
    layer = nn.Linear(in_f, out_f)
    layer.load_state_dict({k: v.clone() for k, v in layer_state.items()})
    prune.l1_unstructured(layer, name="weight", amount=fraction)
    prune.remove(layer, "weight")
    return {"weight": layer.weight.detach(), "bias": layer.bias.detach()}




def entries_drop_components(checkpoint, model_state):
    # drops every 'module' / '_orig_mod' part of a name, also a layer's own in the middle
    out = {}
    for k, v in checkpoint.items():
        name = ".".join(p for p in k.split(".") if p not in ("module", "_orig_mod"))
        if name in model_state and v.shape == model_state[name].shape:
            out[name] = v
    return out


def entries_replace_if_starts(checkpoint, model_state):
    # replace("module.", "") when a name starts with "module.": also inside the name, and
    # "_orig_mod." is never removed
    out = {}
    for k, v in checkpoint.items():
        name = k.replace("module.", "") if k.startswith("module.") else k
        if name in model_state and v.shape == model_state[name].shape:
            out[name] = v
    return out


def entries_removeprefix_if_first(checkpoint, model_state):
    # strips "module." from every name only if the first name starts with it
    names = list(checkpoint)
    if names and names[0].startswith("module."):
        checkpoint = {k.removeprefix("module."): v for k, v in checkpoint.items()}
    return {k: v for k, v in checkpoint.items()
            if k in model_state and v.shape == model_state[k].shape}


def entries_cut_then_filter(checkpoint, model_state):
    # keeps every name the model has, whatever its shape (and cuts len('module.') from each)
    trimmed = {k[len("module."):]: v for k, v in checkpoint.items()}
    return {k: v for k, v in trimmed.items() if k in model_state}






def gray_parameter(weight):
    return torch.nn.Parameter(weight.sum(dim=1, keepdim=True))


ENTRIES = [
    Answer("check_matching_entries", entries_while_loop, RIGHT, "variant"),
    Answer("check_matching_entries", entries_size_and_split, RIGHT, "variant"),
    Answer("check_matching_entries", entries_no_prefix, "prefix not stripped", "variant",
           names=r"prefix not stripped"),
    Answer("check_matching_entries", entries_replace_everywhere, "prefix removed mid-name",
           "variant", names=r"middle of a name"),
    Answer("check_matching_entries", entries_numel, "numel instead of shape", "variant",
           names=r"same number of elements is not enough"),
    Answer("check_matching_entries", entries_no_shape_test, "no shape test", "variant",
           names=r"Compare the shapes too"),
    Answer("check_matching_entries", entries_module_only, "one kind of prefix", "variant",
           names=r"only one kind of prefix"),
    Answer("check_matching_entries", entries_model_values, "model's values", "variant",
           names=r"take the value from the checkpoint"),

    Answer("check_torch_to_keras", port_reference_style, RIGHT, "variant"),
    Answer("check_torch_to_keras", port_with_permute, RIGHT, "variant"),
    Answer("check_torch_to_keras", port_dot_t, ".T on the kernel", "variant", names=r"used \.T"),
    Answer("check_torch_to_keras", port_flatten_ignored, "flatten order", "variant",
           names=r"flatten order"),
    Answer("check_torch_to_keras", port_no_transpose, "dense not transposed", "variant",
           names=r"not transposed"),
    Answer("check_torch_to_keras", port_no_biases, "biases dropped", "variant",
           names=r"biases were dropped"),

    Answer("check_magnitude_prune", prune_argsort, RIGHT, "variant"),
    Answer("check_magnitude_prune", prune_with_torch_utils, RIGHT, "variant"),
    Answer("check_magnitude_prune", prune_topk_mask, RIGHT, "variant"),
    Answer("check_magnitude_prune", prune_largest, "largest zeroed", "variant",
           names=r"zeroed the largest"),
    Answer("check_magnitude_prune", prune_signed, "signed ranking", "variant",
           names=r"most negative"),
    Answer("check_magnitude_prune", prune_in_place, "in place", "variant", names=r"in place"),
    Answer("check_magnitude_prune", prune_int_count, "count rounded down", "variant",
           names=r"count is off"),
    Answer("check_magnitude_prune", prune_threshold, "threshold at ties", "variant",
           names=r"threshold"),
    Answer("check_magnitude_prune", prune_per_row, "per row", "variant",
           names=r"rank all entries of the weight together"),

    Answer("check_train_only", train_only_reference_style, RIGHT, "variant"),
    Answer("check_train_only", train_only_eval_then_submodules, RIGHT, "variant"),
    Answer("check_train_only", train_only_train_only, "train() only", "variant",
           names=r"every module is in train\(\) mode"),
    Answer("check_train_only", train_only_contains, "contains instead of startswith", "variant",
           names=r"not prefix in name"),
    Answer("check_freeze_all_but", freeze_reference_style, RIGHT, "variant"),
    Answer("check_freeze_all_but", freeze_any_loop, RIGHT, "variant"),
    Answer("check_freeze_all_but", freeze_only, "never unfreezes", "variant",
           names=r"only freezes"),
    Answer("check_freeze_all_but", freeze_counts_tensors, "counts tensors", "variant",
           names=r"trainable tensors"),
    Answer("check_freeze_all_but", freeze_contains, "contains instead of startswith",
           "variant", names=r"without starting with it"),

    Answer("check_keep_classes", keep_index, RIGHT, "variant"),
    Answer("check_keep_classes", keep_index_select, RIGHT, "variant"),
    Answer("check_keep_classes", keep_numpy_float64, RIGHT, "variant"),
    Answer("check_keep_classes", keep_stack, RIGHT, "variant"),
    Answer("check_keep_classes", keep_columns, "columns", "variant", names=r"kept columns"),
    Answer("check_keep_classes", keep_bias_uncut, "bias not cut", "variant",
           names=r"bias was not cut"),
    Answer("check_keep_classes", keep_bias_first_rows, "bias of the wrong rows", "variant",
           names=r"first \d+ entries"),
    Answer("check_keep_classes", keep_sorted, "sorted rows", "variant", names=r"sorted order"),
    Answer("check_keep_classes", keep_zero_others, "zeroed instead of removed", "variant",
           names=r"zeroed the other classes"),
    Answer("check_keep_classes", keep_in_place, "in place", "variant", names=r"in place"),

    Answer("check_gray_stem", gray_sum, RIGHT, "variant"),
    Answer("check_gray_stem", gray_parameter, RIGHT, "variant"),
    Answer("check_gray_stem", gray_numpy, RIGHT, "variant"),
    Answer("check_gray_stem", gray_add_channels, RIGHT, "variant"),
    Answer("check_gray_stem", gray_float64, RIGHT, "variant"),
    Answer("check_gray_stem", gray_mean, "averaged", "variant", names=r"averaged"),
    Answer("check_gray_stem", gray_wrong_axis, "wrong axis", "variant", names=r"axis 0"),
    Answer("check_gray_stem", gray_no_keepdim, "channel axis dropped", "variant",
           names=r"keep the input-channel axis"),
    Answer("check_gray_stem", gray_green_only, "one colour", "variant", names=r"one colour"),
    Answer("check_gray_stem", gray_luminance, "luminance weights", "variant",
           names=r"luminance"),
    Answer("check_gray_stem", gray_raw_pixels, "preprocessing scale without offset", "variant",
           names=r"offset"),
    Answer("check_gray_stem", gray_in_place, "in place", "variant", names=r"in place"),

    Answer("check_matching_entries", entries_drop_components, "module inside a name", "variant",
           names=r"middle of a name"),
    Answer("check_matching_entries", entries_replace_if_starts, "replace after startswith",
           "real: ChengYaofeng/ReMake run_tools/ddp_tools.py", names=r"middle of a name"),
    Answer("check_matching_entries", entries_removeprefix_if_first, "one kind of prefix",
           "real: synml/face-parsing-pytorch utils/state_dict.py",
           names=r"only one kind of prefix"),
    Answer("check_matching_entries", entries_cut_then_filter, "no shape test",
           "real: LeavingStarW/SSDPF models/models_util.py", names=r"Compare the shapes too"),
    Answer("check_matching_entries", entries_cut_seven, "fixed-length cut", "real: "
           "naodell/hgcal_gravnet_model scripts/helper_funcs.py", names=r"fixed part"),
    Answer("check_matching_entries", entries_module_once, "one kind of prefix", "real: "
           "Tsai-chia-hsiang/Defect-Classificaiton model/__init__.py",
           names=r"only one kind of prefix"),
    Answer("check_keep_classes", keep_leading_rows, "first rows", "real: JJGO/shrinkbench "
           "models/head.py", names=r"first \d+ rows"),
    Answer("check_gray_stem", gray_mean_then_unsqueeze, "averaged", "real: "
           "ghty011/cervical_spine code/models/backbone.py", names=r"averaged"),
    Answer("check_gray_stem", gray_sum_keepdim, RIGHT, "real: orientino/fer-loopai "
           "models/resnet.py"),

    Answer("check_matching_entries", entries_replace_module_anywhere, "prefix removed mid-name",
           "real: TeamOfProfGuo/Few_Shot_Seg_CWT convert_pth.py", names=r"middle of a name"),
    Answer("check_matching_entries", entries_startswith_module, "no shape test",
           "real: meaten/RBPN_NTIRE2021 model/utils/misc.py", names=r"Compare the shapes"),
    Answer("check_train_only", train_only_real_every_batchnorm, "every BatchNorm in eval",
           "real: msight-tech/research-ms-loss ret_benchmark/utils/freeze_bn.py",
           names=r"you put every BatchNorm in eval\(\), the trainable part's too"),
    Answer("check_train_only", train_only_real_batchnorm2d, "BatchNorm2d only",
           "real: pytorch/vision references/depth/stereo/utils/norm.py",
           names=r"not nn\.BatchNorm2d"),
    Answer("check_freeze_all_but", freeze_not_head, "never unfreezes",
           "real: harvey-wei/dl_tutorial dl_pytorch_topics/dl_torch_freez_pretrained.py",
           names=r"only freezes"),
    Answer("check_freeze_all_but", freeze_everything, "froze everything",
           "real: thaoducphung/deep-learning Exercises/frozen_parameters.py",
           names=r"froze everything"),
    Answer("check_gray_stem", gray_mean_keepdim, "averaged",
           "real: Sall-lah/Object-Detection_Outfit_MODEL create_grey_scale_model.py",
           names=r"averaged"),
    Answer("check_gray_stem", gray_mean_repeat, "averaged",
           "real: ewernn/mmdetection mmdet/models/backbones/resnet_gray.py", names=r"averaged"),
    Answer("check_magnitude_prune", prune_percentile_in_place, "input changed in place",
           "real: cabamarcos/SuperMask Second_approach/utils/prune.py", names=r"in place"),
    Answer("check_magnitude_prune", prune_signed_with_bias, "bias pruned",
           "real: mnicholas2019/tfaionchip_proj3 pascal_voc/prune_utils.py", names=r"the bias"),
    Answer("check_magnitude_prune", prune_l1_unstructured_docs, RIGHT, "real: ahmadiehsan/"
           "personal_docs docs/ai/neural_network/optimization/magnitude_based_pruning.md"),
]
