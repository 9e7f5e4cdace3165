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

__all__ = ["fans", "expected_std", "initialize", "to_torch", "to_keras"]

SCHEMES = (
    "zeros", "constant", "uniform", "normal", "lecun_normal", "lecun_uniform",
    "xavier_normal", "xavier_uniform", "he_normal", "he_uniform", "torch_default",
)
ALIASES = {"glorot_normal": "xavier_normal", "glorot_uniform": "xavier_uniform"}
# scheme -> (variance scale, fan mode, distribution); variance = scale / fan
_VARIANCE_SCALING = {
    "lecun_normal": (1.0, "fan_in", "normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
    "xavier_normal": (1.0, "fan_avg", "normal"),
    "xavier_uniform": (1.0, "fan_avg", "uniform"),
    "he_normal": (2.0, "fan_in", "normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "torch_default": (1.0 / 3.0, "fan_in", "uniform"),
}
_ALLOWED_KW = {"constant": {"value"}, "uniform": {"bound"}, "normal": {"std"},
               "xavier_normal": {"gain"}, "xavier_uniform": {"gain"}}


def _canonical(scheme, kw: dict) -> str:
    if isinstance(scheme, str) and scheme in ALIASES:
        scheme = ALIASES[scheme]
    _validate.choice(scheme, "scheme", SCHEMES + tuple(ALIASES))
    unexpected = set(kw) - _ALLOWED_KW.get(scheme, set())
    if unexpected:
        allowed = sorted(_ALLOWED_KW.get(scheme, set())) or ["none"]
        raise TypeError(f"scheme {scheme!r} takes no argument {sorted(unexpected)}; "
                        f"allowed: {', '.join(allowed)}")
    required = {"constant": "value", "uniform": "bound"}.get(scheme)
    if required and required not in kw:
        raise TypeError(f"scheme {scheme!r} needs the keyword argument {required!r}, "
                        f"e.g. initialize(shape, {scheme!r}, {required}=0.1)")
    return scheme


def fans(shape) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a kernel in Keras layout.

    ``(n_in, n_out)`` gives ``(n_in, n_out)``; a convolution kernel ``(kh, kw, c_in, c_out)``
    gives ``(kh·kw·c_in, kh·kw·c_out)``: every output sees ``kh·kw·c_in`` inputs.
    """
    if not isinstance(shape, (tuple, list)) or not all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in shape
    ):
        raise TypeError(f"shape must be a tuple of ints, got {shape!r}")
    if len(shape) < 2:
        raise ValueError(f"shape must have at least 2 dimensions (n_in, n_out), got "
                         f"{tuple(shape)}; a bias vector has no fan-in/fan-out: initialise it "
                         "with 'zeros'")
    if any(d <= 0 for d in shape):
        raise ValueError(f"shape must have positive dimensions, got {tuple(shape)}")
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


def _scaling_std(scheme: str, fan_in: int, fan_out: int, gain: float) -> float:
    scale, mode, _ = _VARIANCE_SCALING[scheme]
    fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return gain * math.sqrt(scale / fan)


def expected_std(scheme: str, fan_in: int, fan_out: int, **kw) -> float:
    """The standard deviation of the weights that ``scheme`` draws for these fans.

    ``kw`` are the scheme's keywords (``value``, ``bound``, ``std`` or ``gain``), as for
    :func:`initialize`; e.g. ``expected_std("he_normal", 256, 128)`` is ``sqrt(2/256)``.
    """
    scheme = _canonical(scheme, kw)
    _validate.positive_int(fan_in, "fan_in")
    _validate.positive_int(fan_out, "fan_out")
    if scheme == "constant":
        _validate.real(kw["value"], "value")
    if scheme in ("zeros", "constant"):
        return 0.0
    if scheme == "uniform":
        return _validate.real(kw["bound"], "bound", low=0) / math.sqrt(3)
    if scheme == "normal":
        return _validate.real(kw.get("std", 0.01), "std", low=0)
    gain = _validate.real(kw.get("gain", 1.0), "gain", low=0, low_open=True)
    return _scaling_std(scheme, fan_in, fan_out, gain)


def _distribution(scheme: str, fan_in: int, fan_out: int, kw: dict) -> tuple[str, float]:
    """Return ('constant', value), ('normal', std) or ('uniform', bound) for a scheme."""
    if scheme == "zeros":
        return "constant", 0.0
    if scheme == "constant":
        return "constant", _validate.real(kw["value"], "value")
    if scheme == "uniform":
        return "uniform", _validate.real(kw["bound"], "bound", low=0)
    std = expected_std(scheme, fan_in, fan_out, **kw)
    if scheme == "normal" or _VARIANCE_SCALING[scheme][2] == "normal":
        return "normal", std
    return "uniform", std * math.sqrt(3)


def initialize(shape, scheme: str, *, rng=None, **kw) -> np.ndarray:
    """Draw a float64 weight array of ``shape`` (Keras layout) from ``scheme``.

    >>> initialize((256, 128), "he_normal", rng=0).std()  # close to sqrt(2/256) = 0.088
    """
    scheme = _canonical(scheme, kw)
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else shape
    fan_in, fan_out = fans(shape)
    kind, param = _distribution(scheme, fan_in, fan_out, kw)
    gen = _validate.rng(rng)
    if kind == "constant":
        return np.full(shape, param, dtype=np.float64)
    if kind == "normal":
        return gen.normal(0.0, param, size=shape)
    return gen.uniform(-param, param, size=shape)


def to_torch(scheme: str, **kw):
    """Return ``fill(tensor)`` that initialises a PyTorch weight in place with ``scheme``.

    PyTorch stores weights as ``(out, in, *kernel)``; the fans are computed from that layout
    exactly as ``torch.nn.init`` does, so ``to_torch("he_normal")`` matches
    ``torch.nn.init.kaiming_normal_(w, nonlinearity="relu")``.
    """
    scheme = _canonical(scheme, kw)
    expected_std(scheme, 1, 1, **kw)  # check the keywords' values now, not at the first call

    def fill(tensor):
        import torch

        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
        if tensor.dim() < 2:
            raise ValueError(f"tensor must have at least 2 dimensions, got shape "
                             f"{tuple(tensor.shape)}; initialise biases with torch.nn.init.zeros_")
        receptive_field = math.prod(tensor.shape[2:])
        fan_in, fan_out = tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field
        kind, param = _distribution(scheme, fan_in, fan_out, kw)
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
    scheme = _canonical(scheme, kw)
    import keras

    inits = keras.initializers
    if scheme == "zeros":
        return inits.Zeros()
    if scheme == "constant":
        return inits.Constant(_validate.real(kw["value"], "value"))
    if scheme == "uniform":
        bound = _validate.real(kw["bound"], "bound", low=0)
        return inits.RandomUniform(-bound, bound)
    if scheme == "normal":
        return inits.RandomNormal(stddev=_validate.real(kw.get("std", 0.01), "std", low=0))
    gain = _validate.real(kw.get("gain", 1.0), "gain", low=0, low_open=True)
    scale, mode, dist = _VARIANCE_SCALING[scheme]
    return inits.VarianceScaling(scale=scale * gain**2, mode=mode,
                                 distribution="truncated_normal" if dist == "normal" else "uniform")
