"""Weight-initialisation schemes in NumPy, with the same variances as PyTorch and Keras.

Shapes follow the Keras layout: a dense kernel is ``(n_in, n_out)`` and a convolution kernel is
``(kh, kw, in_channels, out_channels)``; :func:`fans` turns a shape into ``(fan_in, fan_out)``.

======================  ==================================  =========================
scheme                  distribution                        standard deviation
======================  ==================================  =========================
``zeros``               all 0                               0
``constant``            all ``value`` (required)            0
``uniform``             U(-bound, bound) (``bound`` req.)   bound / sqrt(3)
``normal``              N(0, std²), ``std`` = 0.01          std
``lecun_normal``        N(0, 1/fan_in)                      sqrt(1 / fan_in)
``lecun_uniform``       U(±sqrt(3 / fan_in))                sqrt(1 / fan_in)
``xavier_normal``       N(0, gain² · 2/(fan_in + fan_out))  gain·sqrt(2/(fan_in+fan_out))
``xavier_uniform``      U(±gain·sqrt(6/(fan_in + fan_out))) gain·sqrt(2/(fan_in+fan_out))
``he_normal``           N(0, 2/fan_in)                      sqrt(2 / fan_in)
``he_uniform``          U(±sqrt(6 / fan_in))                sqrt(2 / fan_in)
``torch_default``       U(±1/sqrt(fan_in)) (nn.Linear)      sqrt(1 / (3·fan_in))
======================  ==================================  =========================

``glorot_normal`` and ``glorot_uniform`` are aliases of the ``xavier_*`` schemes.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate

__all__ = ["fans", "expected_std", "initialize", "to_torch", "to_keras", "deep_relu_mlp",
           "linear_output_stds", "train_minibatches"]

SCHEMES = (
    "zeros", "constant", "uniform", "normal", "lecun_normal", "lecun_uniform",
    "xavier_normal", "xavier_uniform", "he_normal", "he_uniform", "torch_default",
)
ALIASES = {"glorot_normal": "xavier_normal", "glorot_uniform": "xavier_uniform"}
# scheme -> (variance scale, fan mode, distribution); variance = gain² · scale / fan
_VARIANCE_SCALING = {
    "lecun_normal": (1.0, "fan_in", "normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
    "xavier_normal": (1.0, "fan_avg", "normal"),
    "xavier_uniform": (1.0, "fan_avg", "uniform"),
    "he_normal": (2.0, "fan_in", "normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "torch_default": (1.0 / 3.0, "fan_in", "uniform"),
}


def fans(shape) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a kernel in Keras layout.

    Inputs: ``(n_in, n_out)``, or a convolution kernel ``(kh, kw, c_in, c_out)``.
    Returns ``(n_in, n_out)``, or ``(kh·kw·c_in, kh·kw·c_out)``: every output of a
    convolution sees ``kh·kw·c_in`` inputs.

    >>> fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = _validate.kernel_shape(shape)
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _std(scheme: str, fan_in: int, fan_out: int, p: dict) -> float:
    """The standard deviation of ``scheme`` for these fans (``p``: its checked keywords)."""
    if scheme in ("zeros", "constant"):
        return 0.0
    if scheme == "uniform":
        return p["bound"] / math.sqrt(3)
    if scheme == "normal":
        return p["std"]
    scale, mode, _ = _VARIANCE_SCALING[scheme]
    fan = fan_in if mode == "fan_in" else (fan_in + fan_out) / 2
    return p.get("gain", 1.0) * math.sqrt(scale / fan)


def expected_std(scheme: str, fan_in: int, fan_out: int, **kw) -> float:
    """The standard deviation of the weights that ``scheme`` draws for these fans.

    ``kw`` are the scheme's keywords (``value``, ``bound``, ``std`` or ``gain``), as for
    :func:`initialize`.

    >>> round(expected_std("he_normal", 256, 128), 4)  # sqrt(2 / 256)
    0.0884
    """
    scheme, p = _validate.scheme(scheme, kw, SCHEMES, ALIASES, fans=(fan_in, fan_out))
    return _std(scheme, fan_in, fan_out, p)


def _distribution(scheme: str, fan_in: int, fan_out: int, p: dict) -> tuple[str, float]:
    """Return ('constant', value), ('normal', std) or ('uniform', bound) for a scheme."""
    if scheme in ("zeros", "constant"):
        return "constant", p.get("value", 0.0)
    if scheme == "uniform":
        return "uniform", p["bound"]
    std = _std(scheme, fan_in, fan_out, p)
    if scheme == "normal" or _VARIANCE_SCALING[scheme][2] == "normal":
        return "normal", std
    return "uniform", std * math.sqrt(3)  # U(-a, a) has std a / sqrt(3)


def initialize(shape, scheme: str, *, rng=None, **kw) -> np.ndarray:
    """Draw a float64 weight array of ``shape`` (Keras layout) from ``scheme``.

    Inputs: ``shape`` as for :func:`fans`; ``scheme`` from the table above with its keywords
    ``kw``; ``rng`` None, an int seed or a ``numpy.random.Generator``.
    Returns a float64 array of ``shape``.

    >>> W = initialize((256, 128), "he_normal", rng=0)
    >>> W.shape, round(float(W.std()), 2)  # sqrt(2/256) = 0.088
    ((256, 128), 0.09)
    """
    scheme, p = _validate.scheme(scheme, kw, SCHEMES, ALIASES, rng_value=rng)
    fan_in, fan_out = fans(shape)
    kind, param = _distribution(scheme, fan_in, fan_out, p)
    shape = tuple(shape)
    if kind == "constant":
        return np.full(shape, param, dtype=np.float64)
    if kind == "normal":
        return p["rng"].normal(0.0, param, size=shape)
    return p["rng"].uniform(-param, param, size=shape)


def to_torch(scheme: str, **kw):
    """Return ``fill(tensor)`` that initialises a PyTorch weight in place with ``scheme``.

    PyTorch stores weights as ``(out, in, *kernel)``; the fans are computed from that layout
    exactly as ``torch.nn.init`` does, so ``to_torch("he_normal")`` matches
    ``torch.nn.init.kaiming_normal_(w, nonlinearity="relu")``.
    """
    scheme, p = _validate.scheme(scheme, kw, SCHEMES, ALIASES)

    def fill(tensor):
        import torch

        _validate.torch_kernel(tensor)
        receptive_field = math.prod(tensor.shape[2:])
        fan_in, fan_out = tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field
        kind, param = _distribution(scheme, fan_in, fan_out, p)
        with torch.no_grad():
            if kind == "constant":
                return tensor.fill_(param)
            if kind == "normal":
                return tensor.normal_(0.0, param)
            return tensor.uniform_(-param, param)

    fill.__name__ = f"init_{scheme}_"
    return fill


def to_keras(scheme: str, **kw):
    """Return the Keras initializer with the same variance as ``scheme``.

    Keras draws its variance-scaling normals from a normal truncated at two standard
    deviations, rescaled so that the variance is still ``scale / fan``.
    """
    scheme, p = _validate.scheme(scheme, kw, SCHEMES, ALIASES)
    import keras

    inits = keras.initializers
    if scheme in ("zeros", "constant"):
        return inits.Constant(p["value"]) if scheme == "constant" else inits.Zeros()
    if scheme == "uniform":
        return inits.RandomUniform(-p["bound"], p["bound"])
    if scheme == "normal":
        return inits.RandomNormal(stddev=p["std"])
    scale, mode, dist = _VARIANCE_SCALING[scheme]
    return inits.VarianceScaling(scale=scale * p.get("gain", 1.0) ** 2, mode=mode,
                                 distribution="truncated_normal" if dist == "normal" else "uniform")


def deep_relu_mlp(rule, depth: int = 30, width: int = 128, *, n_in: int = 64, n_out: int = 10,
                  seed: int = 0):
    """A float64 PyTorch MLP n_in -> width -> ... -> width -> n_out, initialised by ``rule``.

    Inputs: ``rule(module)``, applied to every submodule with ``model.apply``; ``depth`` >= 2
    ``nn.Linear`` layers with a ReLU after each but the last. Returns the ``nn.Sequential``
    (``net[2 * (k - 1)]`` is the k-th Linear layer).

    >>> net = deep_relu_mlp(lambda m: None, depth=3, width=8, seed=0)
    >>> [layer.weight.shape[1] for layer in net[::2]], net[-1].out_features
    ([64, 8, 8], 10)
    """
    depth, width = _validate.relu_mlp(rule, depth, width)
    import torch
    from torch import nn

    torch.manual_seed(seed)
    sizes = [n_in] + [width] * (depth - 1) + [n_out]
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(a, b, dtype=torch.float64), nn.ReLU()]
    return nn.Sequential(*layers[:-1]).apply(rule)


def linear_output_stds(net, x) -> np.ndarray:
    """The standard deviation of z_l, the output of every ``nn.Linear`` of ``net``, for batch ``x``.

    >>> import torch
    >>> net = deep_relu_mlp(lambda m: None, depth=2, width=4)
    >>> linear_output_stds(net, torch.zeros(5, 64, dtype=torch.float64)).shape
    (2,)
    """
    _validate.torch_sequential(net)
    import torch
    from torch import nn

    stds = []
    with torch.no_grad():
        for layer in net:
            x = layer(x)
            if isinstance(layer, nn.Linear):
                stds.append(x.std().item())
    return np.array(stds)


def train_minibatches(net, optimizer, X, y, *, steps: int, batch: int = 64,
                      seed: int = 0) -> np.ndarray:
    """Minimise the cross-entropy of ``net`` on (X, y) with mini-batches; return every step's loss.

    Each epoch visits the examples in a new random order (``seed`` fixes it) in batches of
    ``batch``; one optimiser step per batch, ``steps`` steps in all.

    >>> import torch
    >>> net = deep_relu_mlp(lambda m: None, depth=2, width=4)
    >>> X, y = torch.zeros(8, 64, dtype=torch.float64), torch.zeros(8, dtype=torch.long)
    >>> train_minibatches(net, torch.optim.SGD(net.parameters(), lr=0.1), X, y, steps=3,
    ...                   batch=4).shape
    (3,)
    """
    import torch
    from torch import nn

    steps, per_epoch = _validate.minibatches(X, steps, batch)
    gen, losses = torch.Generator().manual_seed(seed), []
    for step in range(steps):
        if step % per_epoch == 0:
            order = torch.randperm(len(X), generator=gen)
        idx = order[(step % per_epoch) * batch:(step % per_epoch + 1) * batch]
        loss = nn.functional.cross_entropy(net(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return np.array(losses)
