"""Reference solutions to the exercises of notebook 02 (initialisation schemes).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
"""

import math


def he_std(fan_in, fan_out, slope=0.0):
    """Standard deviation of He (Kaiming) normal weights for a (leaky) ReLU of negative ``slope``.

    A leaky ReLU keeps the positive half of z and multiplies the negative half by ``slope`` a, so
    E[f(z)²] = (1 + a²)/2 · Var(z); keeping Var(z) needs Var(w) = 2 / ((1 + a²)·fan_in).
    ``slope=0`` is the ReLU rule sqrt(2 / fan_in); ``slope=1`` (linear) gives LeCun's
    sqrt(1 / fan_in).
    """
    return math.sqrt(2.0 / ((1.0 + slope**2) * fan_in))


def conv_fans(shape):
    """``(fan_in, fan_out)`` of a Keras convolution kernel of shape ``(kh, kw, c_in, c_out)``."""
    kh, kw, c_in, c_out = shape
    return kh * kw * c_in, kh * kw * c_out


def he_normal(shape, rng):
    """Weights of ``shape`` (Keras layout, dense or conv) from N(0, 2/fan_in), drawn by ``rng``."""
    receptive_field = math.prod(shape[:-2])
    fan_in = shape[-2] * receptive_field
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)


def predict_std(widths, variances):
    """Predicted std of the pre-activations ``z_1 .. z_L`` of a ReLU stack with N(0, 1) input.

    Inputs: ``widths`` = ``[n_0, n_1, ..., n_L]`` (``n_0`` the input size), ``variances`` =
    ``[Var(W_1), ..., Var(W_L)]``, ``W_l`` of shape ``(n_{l-1}, n_l)``, ReLU after every layer.
    Returns: a float array of shape ``(L,)``. Var(z_1) = n_0·Var(W_1)·E[x²] with E[x²] = 1;
    after a ReLU E[h²] = Var(z)/2, so Var(z_l) = n_{l-1}·Var(W_l)·Var(z_{l-1})/2.
    """
    import numpy as np

    second_moment, stds = 1.0, []
    for n_in, var in zip(widths[:-1], variances, strict=True):
        q = n_in * var * second_moment
        stds.append(math.sqrt(q))
        second_moment = q / 2
    return np.array(stds)


def init_he_(module):
    """He initialisation for ``model.apply``: an ``nn.Linear`` gets weights from N(0, 2/fan_in)
    and a zero bias; every other module (ReLU, LayerNorm, the container) is left as it is.

    PyTorch stores a Linear weight as ``(out_features, in_features)``, so fan_in is
    ``weight.shape[1]``; the ``torch.nn.init`` functions fill a tensor in place without recording
    a gradient. (``nn.init.kaiming_normal_(module.weight, nonlinearity="relu")`` does the same.)
    """
    from torch import nn

    if isinstance(module, nn.Linear):
        fan_in = module.weight.shape[1]
        nn.init.normal_(module.weight, 0.0, math.sqrt(2.0 / fan_in))
        if module.bias is not None:
            nn.init.zeros_(module.bias)


#: The input of Exercise 2: x ~ N(0, INPUT_STD²), so E[x²] = 4.
INPUT_STD = 2.0


def predicted_std_z20():
    """Predicted std of ``z_20`` in a ReLU stack 64 -> 128 -> ... with N(0, 4) input, zero biases.

    Returns ``(he, torch_default)``. Var(z_1) = n_0·Var(w)·E[x²] with E[x²] = 4 (the input is
    not a ReLU output); every later layer multiplies by n·Var(w)/2. He, Var(w) = 2/n: 8, then
    ×1, so sqrt(8) at every depth. PyTorch's default U(±1/sqrt(n)), Var(w) = 1/(3n): 4/3, then
    ×1/6 per layer, so Var(z_20) = (4/3)·(1/6)^19.
    """
    ex2 = INPUT_STD**2
    return math.sqrt(2.0 * ex2), math.sqrt(ex2 / 3.0 * (1.0 / 6.0) ** 19)
