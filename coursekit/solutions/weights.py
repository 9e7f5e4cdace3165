"""Reference solutions to the exercises of notebook 07 (loading, setting and editing weights).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import numpy as np

WRAPPER_PREFIXES = ("module.", "_orig_mod.")   # DataParallel / DDP, torch.compile


def model_name(name):
    """``name`` without the wrapper prefixes at its start (any number, in any order)."""
    while name.startswith(WRAPPER_PREFIXES):
        name = next(name.removeprefix(p) for p in WRAPPER_PREFIXES if name.startswith(p))
    return name


def matching_entries(checkpoint, model_state):
    """The entries of ``checkpoint`` that fit ``model_state``, under the model's names.

    A checkpoint's names may start with wrapper prefixes (``module.`` from DataParallel or
    DistributedDataParallel, ``_orig_mod.`` from torch.compile, possibly both, in either order);
    they are removed from the start of each name only. An entry fits when the name left is in
    ``model_state`` and its shape equals the model's.
    """
    out = {}
    for name, value in checkpoint.items():
        name = model_name(name)
        if name in model_state and tuple(value.shape) == tuple(model_state[name].shape):
            out[name] = value
    return out


def torch_to_keras(state, feature_shape):
    """The weights of a PyTorch conv → ReLU → flatten → linear net, in Keras' order and layouts.

    Inputs: ``state`` holds ``conv.weight`` (out, in, kh, kw) (OIHW), ``conv.bias`` (out,),
    ``fc.weight`` (classes, C·H·W) and ``fc.bias`` (classes,), tensors or arrays;
    ``feature_shape`` is (C, H, W), the shape of the convolution's output that is flattened.
    Returns: ``[conv kernel (kh, kw, in, out) (HWIO), conv bias, dense kernel (H·W·C, classes),
    dense bias]``, the list a Keras Conv2D → Flatten → Dense model's ``set_weights`` takes.
    """
    channels, height, width = feature_shape
    kernel = np.asarray(state["conv.weight"]).transpose(2, 3, 1, 0)    # OIHW → HWIO
    fc = np.asarray(state["fc.weight"])                                  # (classes, C·H·W)
    # PyTorch flattens (C, H, W), Keras (H, W, C): reorder the inputs of the dense layer
    dense = fc.reshape(-1, channels, height, width).transpose(2, 3, 1, 0)
    dense = dense.reshape(height * width * channels, -1)                # (H·W·C, classes)
    return [kernel, np.asarray(state["conv.bias"]), dense, np.asarray(state["fc.bias"])]


def keep_classes(layer_state, classes):
    """A classifier head cut down to ``classes``: row i of the result is class ``classes[i]``.

    Inputs: ``layer_state`` ``{"weight": (C, F), "bias": (C,)}``, a linear classifier's state
    (``model._fc.state_dict()``: row c of the weight and entry c of the bias score class c);
    ``classes``, the class indices to keep, in the order wanted. Returns a new dict
    ``{"weight": (k, F), "bias": (k,)}``, k = len(classes), whose logits are the full layer's
    logits at ``classes``; the input is not modified.
    """
    rows = list(classes)
    return {"weight": layer_state["weight"][rows], "bias": layer_state["bias"][rows]}


def gray_stem(weight):
    """The first convolution's filters for a one-channel (gray) input.

    Input: ``weight`` (out, 3, kh, kw), filters trained on RGB inputs whose three channels are
    preprocessed alike ((pixel − 127) / 128 for EfficientNet-Lite0). A gray image puts the same
    values in all three channels, so each output adds the three filters' responses to those
    same values: one filter, their sum, gives the same output. Returns (out, 1, kh, kw), a new
    tensor.
    """
    return weight.sum(1, keepdim=True)


def freeze_all_but(model, trainable_prefixes):
    """Freeze every parameter whose name starts with none of ``trainable_prefixes``.

    Returns the number of trainable numbers (elements, not tensors) left.
    """
    prefixes = tuple(trainable_prefixes)
    for name, param in model.named_parameters():
        param.requires_grad_(name.startswith(prefixes))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def train_only(model, trainable_prefixes):
    """Training mode for fine-tuning the prefixed part only: every module whose name starts with
    one of ``trainable_prefixes`` trains, every other one (BatchNorm and dropout included) is
    in evaluation mode, so a training step changes nothing outside the trainable part."""
    prefixes = tuple(trainable_prefixes)
    for name, module in model.named_modules():
        module.train(bool(prefixes) and name.startswith(prefixes))


def magnitude_prune(layer_state, fraction):
    """A pruned copy of a layer's state: the smallest |w| of its weight set to 0, bias kept.

    Inputs: ``layer_state`` ``{"weight": tensor, "bias": tensor}`` (e.g. ``linear.state_dict()``);
    ``fraction`` in [0, 1]. Returns a new dict: exactly ``round(fraction · weight.numel())``
    weights with the smallest absolute values are 0, everything else (the bias included) is
    unchanged; the input is not modified.
    """
    import torch

    pruned = {name: value.clone(memory_format=torch.contiguous_format)
              for name, value in layer_state.items()}
    weight = pruned["weight"]
    k = round(fraction * weight.numel())
    smallest = torch.argsort(weight.abs().flatten(), stable=True)[:k]   # exactly k, ties too
    weight.view(-1)[smallest] = 0
    return pruned
