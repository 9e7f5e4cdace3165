"""Answers to the exercises of notebook 02 (initialisation), right and wrong; see check_corpus.py.

Every answer here is the course's own (``source="variant"``): the mistakes instructors see in
class, written as small functions. Answers reduced from real public student code are added
separately.
"""

import math

import numpy as np
import torch
from torch import nn

from check_corpus import RIGHT, Answer


# ---------------------------------------------------------------- he_std (leaky ReLU)
def he_std_right(fan_in, fan_out, slope=0.0):
    return math.sqrt(2 / ((1 + slope**2) * fan_in))


def he_std_numpy(fan_in, fan_out, slope=0.0):
    return np.sqrt(2.0 / (fan_in * (1.0 + slope * slope)))


def he_std_torch_gain(fan_in, fan_out, slope=0.0):
    return nn.init.calculate_gain("leaky_relu", slope) / math.sqrt(fan_in)


def he_std_fan_out(fan_in, fan_out, slope=0.0):
    return math.sqrt(2 / ((1 + slope**2) * fan_out))


def he_std_variance(fan_in, fan_out, slope=0.0):
    return 2 / ((1 + slope**2) * fan_in)


def he_std_lecun(fan_in, fan_out, slope=0.0):
    return math.sqrt(1 / fan_in)


def he_std_ignores_slope(fan_in, fan_out, slope=0.0):
    return math.sqrt(2 / fan_in)


def he_std_slope_not_squared(fan_in, fan_out, slope=0.0):
    return math.sqrt(2 / ((1 + slope) * fan_in))


def he_std_xavier(fan_in, fan_out, slope=0.0):
    return math.sqrt(2 / (fan_in + fan_out))


def he_std_sqrt_of_two_only(fan_in, fan_out, slope=0.0):
    return math.sqrt(2) / fan_in


# ---------------------------------------------------------------- conv_fans
def conv_fans_right(shape):
    kh, kw, c_in, c_out = shape
    return kh * kw * c_in, kh * kw * c_out


def conv_fans_list(shape):
    receptive = shape[0] * shape[1]
    return [receptive * shape[2], receptive * shape[3]]


def conv_fans_channels_only(shape):
    return shape[2], shape[3]


def conv_fans_swapped(shape):
    kh, kw, c_in, c_out = shape
    return kh * kw * c_out, kh * kw * c_in


def conv_fans_torch_order(shape):
    c_out, c_in, kh, kw = shape  # reads a Keras kernel as PyTorch's (out, in, kh, kw)
    return c_in * kh * kw, c_out * kh * kw


# ---------------------------------------------------------------- he_normal
def _fan_in(shape):
    return shape[-2] * math.prod(shape[:-2])


def he_normal_right(shape, rng):
    return rng.normal(0.0, math.sqrt(2 / _fan_in(shape)), size=shape)


def he_normal_standard_normal_scaled(shape, rng):
    return rng.standard_normal(shape) * math.sqrt(2 / _fan_in(shape))


def he_normal_variance_as_std(shape, rng):
    return rng.normal(0.0, 2 / _fan_in(shape), size=shape)


def he_normal_first_dim(shape, rng):
    return rng.normal(0.0, math.sqrt(2 / shape[0]), size=shape)


def he_normal_global_rng(shape, rng):
    return np.random.default_rng().normal(0.0, math.sqrt(2 / _fan_in(shape)), size=shape)


def he_normal_uniform(shape, rng):
    bound = math.sqrt(6 / _fan_in(shape))
    return rng.uniform(-bound, bound, size=shape)


# ---------------------------------------------------------------- predict_std
def predict_std_right(widths, variances):
    out, second_moment = [], 1.0
    for n_in, var in zip(widths[:-1], variances, strict=True):
        q = n_in * var * second_moment
        out.append(math.sqrt(q))
        second_moment = q / 2
    return out


def predict_std_fan_out(widths, variances):
    out, second_moment = [], 1.0
    for n_out, var in zip(widths[1:], variances, strict=True):
        q = n_out * var * second_moment
        out.append(math.sqrt(q))
        second_moment = q / 2
    return out


def predict_std_no_relu(widths, variances):
    out, second_moment = [], 1.0
    for n_in, var in zip(widths[:-1], variances, strict=True):
        second_moment = n_in * var * second_moment
        out.append(math.sqrt(second_moment))
    return out


def predict_std_variances(widths, variances):
    out, second_moment = [], 1.0
    for n_in, var in zip(widths[:-1], variances, strict=True):
        q = n_in * var * second_moment
        out.append(q)
        second_moment = q / 2
    return out


# ---------------------------------------------------------------- init_he_ (model.apply)
def init_he_right(module):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, 0.0, math.sqrt(2 / module.in_features))
        nn.init.zeros_(module.bias)


def init_he_kaiming(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)


def init_he_kaiming_uniform(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
        module.bias.data.zero_()


def init_he_no_grad(module):
    if type(module) is nn.Linear:
        with torch.no_grad():
            module.weight.normal_(0.0, (2 / module.weight.shape[1]) ** 0.5)
            module.bias.fill_(0.0)


def init_he_new_parameter(module):
    if isinstance(module, nn.Linear):
        w = torch.randn(module.out_features, module.in_features, dtype=module.weight.dtype)
        module.weight = nn.Parameter(w * math.sqrt(2 / module.in_features))
        nn.init.zeros_(module.bias)


def init_he_fan_out(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(module.bias)


def init_he_shape0(module):
    # fan_in read from the first dimension, as for a Keras (in, out) kernel
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, 0.0, math.sqrt(2 / module.weight.shape[0]))
        nn.init.zeros_(module.bias)


def init_he_no_relu_factor(module):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, 0.0, math.sqrt(1 / module.in_features))
        nn.init.zeros_(module.bias)


def init_he_variance_as_std(module):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, 0.0, 2 / module.in_features)
        nn.init.zeros_(module.bias)


def init_he_bias_with_weight_rule(module):
    if isinstance(module, nn.Linear):
        std = math.sqrt(2 / module.in_features)
        nn.init.normal_(module.weight, 0.0, std)
        nn.init.normal_(module.bias, 0.0, std)


def init_he_bias_left(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")


def init_he_every_module(module):
    nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
    nn.init.zeros_(module.bias)


def init_he_hasattr(module):
    if hasattr(module, "weight"):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)


def init_he_without_no_grad(module):
    if isinstance(module, nn.Linear):
        module.weight.normal_(0.0, math.sqrt(2 / module.in_features))
        module.bias.zero_()


def init_he_assign_tensor(module):
    if isinstance(module, nn.Linear):
        module.weight = torch.randn(module.out_features, module.in_features) * math.sqrt(
            2 / module.in_features)


def init_he_float32_data(module):
    if isinstance(module, nn.Linear):
        module.weight.data = torch.randn(module.out_features, module.in_features) * math.sqrt(
            2 / module.in_features)
        module.bias.data.zero_()


def init_he_transposed(module):
    if isinstance(module, nn.Linear):
        n_out, n_in = module.weight.shape
        module.weight.data = torch.randn(n_in, n_out, dtype=module.weight.dtype) * math.sqrt(
            2 / n_in)
        module.bias.data.zero_()


def init_he_uniform_bound(module):
    if isinstance(module, nn.Linear):
        bound = math.sqrt(2 / module.in_features)
        nn.init.uniform_(module.weight, -bound, bound)
        nn.init.zeros_(module.bias)


def init_he_xavier(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_normal_(module.weight)
        nn.init.zeros_(module.bias)


def init_he_wrong_class(module):
    if isinstance(module, nn.Conv2d):  # never true in a dense network: nothing changes
        nn.init.kaiming_normal_(module.weight)


ENTRIES = [
    Answer("check_he_std", he_std_right, RIGHT, "variant"),
    Answer("check_he_std", he_std_numpy, RIGHT, "variant"),
    Answer("check_he_std", he_std_torch_gain, RIGHT, "variant"),
    Answer("check_he_std", he_std_fan_out, "fan_out", "variant", names=r"fan_out"),
    Answer("check_he_std", he_std_variance, "variance", "variant", names=r"variance"),
    Answer("check_he_std", he_std_lecun, "LeCun", "variant", names=r"LeCun"),
    Answer("check_he_std", he_std_ignores_slope, "slope ignored", "variant",
           names=r"ignored the slope"),
    Answer("check_he_std", he_std_slope_not_squared, "slope not squared", "variant",
           names=r"1 \+ a²"),
    Answer("check_he_std", he_std_xavier, "Xavier", "variant", names=r"Xavier"),
    Answer("check_he_std", he_std_sqrt_of_two_only, "sqrt placement", "variant",
           names=r"square root must cover"),
    Answer("check_conv_fans", conv_fans_right, RIGHT, "variant"),
    Answer("check_conv_fans", conv_fans_list, RIGHT, "variant"),
    Answer("check_conv_fans", conv_fans_channels_only, "no receptive field", "variant",
           names=r"receptive field"),
    Answer("check_conv_fans", conv_fans_swapped, "swapped", "variant", names=r"swapped"),
    Answer("check_conv_fans", conv_fans_torch_order, "PyTorch order", "variant",
           names=r"PyTorch's \(out, in, kh, kw\)"),
    Answer("check_he_normal", he_normal_right, RIGHT, "variant"),
    Answer("check_he_normal", he_normal_standard_normal_scaled, RIGHT, "variant"),
    Answer("check_he_normal", he_normal_variance_as_std, "variance as std", "variant",
           names=r"variance 2/fan_in as the standard deviation"),
    Answer("check_he_normal", he_normal_first_dim, "shape[0] as fan_in", "variant",
           names=r"not shape\[0\]"),
    Answer("check_he_normal", he_normal_global_rng, "global rng", "variant",
           names=r"rng you are given"),
    Answer("check_he_normal", he_normal_uniform, "uniform", "variant", names=r"uniform"),
    Answer("check_predict_std", predict_std_right, RIGHT, "variant"),
    Answer("check_predict_std", predict_std_fan_out, "fan_out", "variant", names=r"fan_out"),
    Answer("check_predict_std", predict_std_no_relu, "no ReLU factor", "variant",
           names=r"forgot the ReLU"),
    Answer("check_predict_std", predict_std_variances, "variances", "variant",
           names=r"those are variances"),
    Answer("check_init_he", init_he_right, RIGHT, "variant"),
    Answer("check_init_he", init_he_kaiming, RIGHT, "variant"),
    Answer("check_init_he", init_he_kaiming_uniform, RIGHT, "variant"),
    Answer("check_init_he", init_he_no_grad, RIGHT, "variant"),
    Answer("check_init_he", init_he_new_parameter, RIGHT, "variant"),
    Answer("check_init_he", init_he_fan_out, "fan_out", "variant", names=r"fan_out"),
    Answer("check_init_he", init_he_shape0, "PyTorch layout", "variant",
           names=r"weight\.shape\[0\].*\(out_features, in_features\)"),
    Answer("check_init_he", init_he_no_relu_factor, "no ReLU factor", "variant",
           names=r"ReLU's factor 2"),
    Answer("check_init_he", init_he_variance_as_std, "variance as std", "variant",
           names=r"variance 2/fan_in where the standard deviation"),
    Answer("check_init_he", init_he_bias_with_weight_rule, "bias with the weight rule",
           "variant", names=r"biases with the weight rule"),
    Answer("check_init_he", init_he_bias_left, "default biases left", "variant",
           names=r"biases still have PyTorch's default"),
    Answer("check_init_he", init_he_every_module, "applied to every module", "variant",
           names=r"isinstance\(module, nn\.Linear\)"),
    Answer("check_init_he", init_he_hasattr, "hasattr(weight)", "variant",
           names=r"failed on a LayerNorm"),
    Answer("check_init_he", init_he_without_no_grad, "in place without no_grad", "variant",
           names=r"torch\.no_grad"),
    Answer("check_init_he", init_he_assign_tensor, "plain tensor assigned", "variant",
           names=r"must stay an nn\.Parameter"),
    Answer("check_init_he", init_he_float32_data, "float32 weights", "variant",
           names=r"float32 in a torch\.float64 network"),
    Answer("check_init_he", init_he_transposed, "transposed weight", "variant",
           names=r"\(out_features, in_features\)"),
    Answer("check_init_he", init_he_uniform_bound, "uniform bound", "variant",
           names=r"U\(-a, a\) has std a/sqrt\(3\)"),
    Answer("check_init_he", init_he_xavier, "Xavier", "variant", names=r"Xavier"),
    Answer("check_init_he", init_he_wrong_class, "Linear layers untouched", "variant",
           names=r"isinstance\(module, nn\.Linear\)"),
    Answer("check_prediction", 1.41, RIGHT, "variant", args=(2.34e-8,)),
    Answer("check_prediction", math.sqrt(2), RIGHT, "variant",
           args=(math.sqrt((1 / 3) * (1 / 6) ** 19),)),
    Answer("check_prediction", 1.0, "He keeps std 1", "variant", names=r"Var\(z_1\) = .*= 2",
           args=(2.34e-8,)),
    Answer("check_prediction", 2.0, "variance for He", "variant", names=r"square root",
           args=(2.34e-8,)),
    Answer("check_prediction", 1.41, "uniform's 1/3 forgotten", "variant",
           names=r"a²/3", args=(2 ** -9.5,)),
    Answer("check_prediction", 1.41, "ReLU factor forgotten", "variant",
           names=r"left out the ReLU", args=(3.0 ** -10,)),
    Answer("check_prediction", 1.41, "first layer halved", "variant",
           names=r"not a ReLU output", args=(6.0 ** -10,)),
    Answer("check_prediction", 1.41, "He's value for the default", "variant",
           names=r"He's value", args=(1.41,)),
]
