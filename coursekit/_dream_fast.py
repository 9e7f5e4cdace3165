"""Speed machinery behind :func:`coursekit.dream.deepdream` (private; not lesson material).

The lesson's algorithm (octaves, jitter, gradient normalisation, the ascent step) is written
out in :mod:`coursekit.dream`. This module only makes each forward/backward pass cheaper:

* :func:`frozen_copy` returns a copy of the network with every BatchNorm folded into the
  convolution before it, weights frozen and stored "channels last", cached until the
  model's weights change;
* :func:`objective_and_gradient` runs one forward pass to a layer and one backward pass to
  the pixels.
"""

from __future__ import annotations

import copy
import weakref

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

# model -> (fingerprint of its tensors, frozen copy); entries vanish with the model
_FROZEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _fingerprint(model) -> tuple:
    """Changes whenever a parameter or buffer is replaced or modified in place (``_version``)."""
    return tuple((id(t), t._version) for t in model.state_dict(keep_vars=True).values())


def frozen_copy(model):
    """A copy of the EfficientNet ``model`` for gradient ascent on the input: same function,
    less work.

    In eval mode a BatchNorm layer is a fixed affine map, so it folds into the convolution
    before it (w' = w·γ/σ, b' = β − μ·γ/σ): a third fewer layers to run forwards and backwards.
    The weights are frozen (``requires_grad=False``), so the backward pass computes only the
    gradient with respect to the pixels, and stored "channels last", the layout the CPU
    convolutions prefer. The model passed in is left as it is. The copy is kept for the next
    call until the model's weights change.
    """
    key = _fingerprint(model)
    cached = _FROZEN.get(model)
    if cached is not None and cached[0] == key:
        return cached[1]
    net = copy.deepcopy(model).eval()
    pairs = [(net, "_conv_stem", "_bn0"), (net, "_conv_head", "_bn1")]
    for block in net._blocks:
        if hasattr(block, "_expand_conv"):
            pairs.append((block, "_expand_conv", "_bn0"))
        pairs += [(block, "_depthwise_conv", "_bn1"), (block, "_project_conv", "_bn2")]
    for module, conv, bn in pairs:
        setattr(module, conv, fuse_conv_bn_eval(getattr(module, conv), getattr(module, bn)))
        setattr(module, bn, nn.Identity())
    net = net.requires_grad_(False).to(memory_format=torch.channels_last)
    _FROZEN[model] = (key, net)
    return net


def objective_and_gradient(net, x: torch.Tensor, layer: str, channel: int | None):
    """``(objective, d objective / d x)`` for a preprocessed image ``x`` (1, 3, H, W).

    The objective is the mean square of ``layer``'s activations, or with ``channel`` the mean
    of that channel.
    """
    x = x.contiguous(memory_format=torch.channels_last).requires_grad_(True)
    with torch.enable_grad():
        act = net.features(x, layer)
        objective = (act[:, channel] if channel is not None else act.square()).mean()
        (grad,) = torch.autograd.grad(objective, x)
    return objective.item(), grad
