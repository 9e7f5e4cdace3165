"""Reference solutions of notebook 08 (looking inside a network), lesson key ``inside``."""

from __future__ import annotations

import torch


def conv_params(c_in, c_out, k, groups=1, bias=True):
    """Parameters of a k×k convolution from c_in to c_out channels in ``groups`` groups.

    Each of the c_out filters sees c_in / groups input channels over k × k positions, plus one
    bias per output channel. A linear layer n_in → n_out is the case k = 1.
    """
    return c_out * (c_in // groups) * k * k + (c_out if bias else 0)


def training_bytes(n_params, optimizer, weights_16bit=False):
    """Bytes that training keeps per part for ``n_params`` parameters (activations left out).

    Returns ``{"weights", "gradients", "optimizer state", "master copy"}`` in bytes. Plain SGD
    keeps no state, SGD with momentum one buffer per parameter, Adam two (the moving averages
    of the gradient and of its square). In float32 each number takes 4 bytes and the weights
    are their own master copy (0 bytes). With ``weights_16bit=True``, the layout of
    Micikevicius et al. 2018 as ZeRO counts it (Rajbhandari et al. 2020): 16-bit weights and
    gradients (2 + 2 bytes) for the arithmetic, and what accumulates over the steps in float32,
    a master copy of the weights (4) that every optimizer, plain SGD too, updates, and the
    optimizer state (4 per buffer). (torch.autocast instead keeps float32 weights and gradients,
    as in float32, and makes 16-bit copies per operation.)
    """
    buffers = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]
    size = 2 if weights_16bit else 4
    return {"weights": size * n_params, "gradients": size * n_params,
            "optimizer state": 4 * buffers * n_params,
            "master copy": 4 * n_params if weights_16bit else 0}


def diagnosis():
    """Which bug broke each of the four mystery runs (see ``checks.mystery_runs``), and the
    panel where the bug itself shows: already far from the healthy run at step 0, or the monitor
    of the very quantity the bug changes (``checks.EVIDENCE`` lists every accepted panel)."""
    return {"A": ("zero_grad", "grad_norm"), "B": ("eval", "bn_var"),
            "C": ("lr", "update_ratio"), "D": ("init", "loss")}


def first_nonfinite(model, x):
    """Name of the first module (in the order the forward pass runs them) whose output holds a
    NaN or an infinity, or None when every output is finite."""
    found = []

    def hook(name):
        def check(module, inputs, output):
            if torch.is_tensor(output) and not found and not torch.isfinite(output).all():
                found.append(name)
        return check

    handles = [m.register_forward_hook(hook(name)) for name, m in model.named_modules() if name]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return found[0] if found else None
