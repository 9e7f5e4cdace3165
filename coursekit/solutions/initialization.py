"""Reference solutions to the exercises of notebook 02 (initialisation schemes).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import math


def he_std(fan_in, fan_out):
    """Standard deviation of He (Kaiming) normal weights: Var = 2 / fan_in, so sqrt(2 / fan_in)."""
    return math.sqrt(2.0 / fan_in)


def conv_fans(shape):
    """``(fan_in, fan_out)`` of a Keras convolution kernel of shape ``(kh, kw, c_in, c_out)``."""
    kh, kw, c_in, c_out = shape
    return kh * kw * c_in, kh * kw * c_out


def he_normal(shape, rng):
    """Weights of ``shape`` (Keras layout, dense or conv) from N(0, 2/fan_in), drawn by ``rng``."""
    receptive_field = math.prod(shape[:-2])
    fan_in = shape[-2] * receptive_field
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)
