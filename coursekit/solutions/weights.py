"""Reference solutions to the exercises of notebook 07 (loading, setting and editing weights).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import numpy as np


def matching_entries(checkpoint, model_state):
    """The entries of ``checkpoint`` whose name is in ``model_state`` with the same shape."""
    return {name: value for name, value in checkpoint.items()
            if name in model_state and tuple(value.shape) == tuple(model_state[name].shape)}


def torch_linear_to_keras(weight, bias):
    """PyTorch ``nn.Linear`` weight (out, in), bias (out,) -> Keras [kernel (in, out), bias]."""
    return [np.asarray(weight).T.copy(), np.asarray(bias).copy()]


def freeze_all_but(model, trainable_prefixes):
    """Freeze every parameter whose name starts with none of ``trainable_prefixes``.

    Returns the number of trainable numbers (elements, not tensors) left.
    """
    prefixes = tuple(trainable_prefixes)
    for name, param in model.named_parameters():
        param.requires_grad_(name.startswith(prefixes))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def magnitude_prune(weight, fraction):
    """A copy of ``weight`` with the ``round(fraction * weight.size)`` smallest |w| set to 0."""
    weight = np.asarray(weight)
    pruned = weight.copy()
    k = int(round(fraction * weight.size))
    pruned.flat[np.argsort(np.abs(weight), axis=None)[:k]] = 0
    return pruned
