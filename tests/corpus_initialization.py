"""Answers to the exercises of notebook 02 (initialisation), right and wrong; see check_corpus.py.

The first part holds the course's own variants (``source="variant"``). The second part holds
answers reduced from real public code (``source="real: ..."``): each comment says what the
original did; the function keeps only that code's mistake (or its right idea), written in the
course's own words with the exercise's signature.
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


def conv_fans_numpy(shape):
    kh, kw, c_in, c_out = shape
    return np.array([kh * kw * c_in, kh * kw * c_out])


def conv_fans_fan_out_channels(shape):
    kh, kw, c_in, c_out = shape  # counts the output channels only on the way back
    return kh * kw * c_in, c_out


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


def init_he_gain_1_last(module):
    # He on every Linear; model.apply reaches the container last, and there the output layer,
    # which feeds no ReLU, gets gain 1 (LeCun's std)
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, 0.0, math.sqrt(2 / module.in_features))
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Sequential):
        last = [m for m in module if isinstance(m, nn.Linear)][-1]
        nn.init.normal_(last.weight, 0.0, math.sqrt(1 / last.in_features))


def init_he_last_reset(module):
    # the same idea, but the output layer is sent back to PyTorch's default
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Sequential):
        [m for m in module if isinstance(m, nn.Linear)][-1].reset_parameters()


def init_he_wrong_class(module):
    if isinstance(module, nn.Conv2d):  # never true in a dense network: nothing changes
        nn.init.kaiming_normal_(module.weight)


ENTRIES = [
    Answer("check_he_std", he_std_right, RIGHT, "variant"),
    Answer("check_he_std", he_std_numpy, RIGHT, "variant"),
    Answer("check_he_std", he_std_torch_gain, "called calculate_gain", "variant",
           names=r"calls PyTorch's `calculate_gain`"),
    Answer("check_he_std", he_std_fan_out, "fan_out", "variant", names=r"fan_out"),
    Answer("check_he_std", he_std_variance, "variance", "variant", names=r"variance"),
    Answer("check_he_std", he_std_lecun, "LeCun", "variant", names=r"LeCun"),
    Answer("check_he_std", he_std_ignores_slope, "slope ignored", "variant",
           names=r"ignored the slope"),
    Answer("check_he_std", he_std_slope_not_squared, "slope not squared", "variant",
           names=r"enters squared"),
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
    Answer("check_init_he", init_he_kaiming, "called kaiming", "variant",
           names=r"calls PyTorch's `kaiming_normal_`"),
    Answer("check_init_he", init_he_kaiming_uniform, "called kaiming", "variant",
           names=r"compute the std from the layer's fan_in yourself"),
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
    Answer("check_init_he", init_he_gain_1_last, RIGHT, "variant"),
    Answer("check_init_he", init_he_last_reset, "last layer at the default", "variant",
           names=r"the last one still has PyTorch's default"),
    Answer("check_prediction", 2.83, RIGHT, "variant", args=(4.68e-8,)),
    Answer("check_prediction", math.sqrt(8), RIGHT, "variant",
           args=(math.sqrt((4 / 3) * (1 / 6) ** 19),)),
    Answer("check_prediction", 1.0, "He keeps std 1", "variant", names=r"Var\(z_1\) = .*E\[x²\]",
           args=(4.68e-8,)),
    Answer("check_prediction", 8.0, "variance for He", "variant", names=r"square root",
           args=(4.68e-8,)),
    Answer("check_prediction", 2.83, "uniform's 1/3 forgotten", "variant",
           names=r"a²/3", args=(2 * 2 ** -9.5,)),
    Answer("check_prediction", 2.83, "ReLU factor forgotten", "variant",
           names=r"left out the ReLU", args=(math.sqrt(4 / 3 * 3.0 ** -19),)),
    Answer("check_prediction", 2.83, "first layer halved", "variant",
           names=r"not a ReLU output", args=(math.sqrt(2 / 3 * 6.0 ** -19),)),
    Answer("check_prediction", 2.83, "He's value for the default", "variant",
           names=r"He's value", args=(2.83,)),
    Answer("check_conv_fans", conv_fans_numpy, RIGHT, "variant"),
    Answer("check_conv_fans", conv_fans_fan_out_channels, "fan_out = c_out", "variant",
           names=r"fan_out is not c_out"),
    Answer("check_prediction", 3, RIGHT, "variant", args=(5e-8,)),  # "about 5e-8"
    Answer("check_prediction", torch.tensor(2.828), RIGHT, "variant",
           args=(torch.tensor(4.7e-8, dtype=torch.float64),)),
]


# ================================================================ reduced from real public code
# ---------------------------------------------------------------- he_std
def he_std_real_lecun_scaling(fan_in, fan_out, slope=0.0):
    # saransh-04/L_Layer_Cat_Detection_Model: W = randn(n_l, n_{l-1}) / sqrt(n_{l-1}), the
    # deeplearning.ai "deep" initialisation, i.e. LeCun's std without He's factor 2
    return 1 / np.sqrt(fan_in)


def he_std_real_no_slope(fan_in, fan_out, slope=0.0):
    # mofeiyu/dnn: randn(...) * sqrt(2 / layers_dims[l-1]): deeplearning.ai's He formula
    # carried over, with no place for a leaky ReLU's slope
    return np.sqrt(2 / fan_in)


def he_std_real_mode_fan_out(fan_in, fan_out, slope=0.0):
    # LinusHats/InstanceRotation: kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
    return nn.init.calculate_gain("leaky_relu", slope) / math.sqrt(fan_out)


def he_std_real_out_channels(fan_in, fan_out, slope=0.0):
    # mapleneverfade/pytorch-semantic-segmentation: n = kh * kw * out_channels;
    # normal_(0, sqrt(2 / n)), the fan of the outputs (and no slope)
    n = fan_out
    return math.sqrt(2.0 / n)


def he_std_real_gain_a1(fan_in, fan_out, slope=0.0):
    # facebookresearch/fvcore c2_xavier_fill: kaiming_uniform_(w, a=1): the gain of a "leaky
    # ReLU" with slope 1 is 1, which is LeCun's std, not He's
    return nn.init.calculate_gain("leaky_relu", 1) / math.sqrt(fan_in)


def he_std_real_gain_right(fan_in, fan_out, slope=0.0):
    # ElTomyDev/CyraIA-0: kaiming_normal_(w, nonlinearity='leaky_relu') with the slope passed
    # as `a`: torch's gain sqrt(2 / (1 + a²)) over sqrt(fan_in) is exactly He for leaky ReLU
    gain = math.sqrt(2.0 / (1 + slope**2))
    return gain / math.sqrt(fan_in)


# ---------------------------------------------------------------- conv_fans
def conv_fans_real_out_channels(shape):
    # mapleneverfade/pytorch-semantic-segmentation: the "n" of the He std is
    # kh * kw * out_channels, i.e. the fans swapped
    kh, kw, c_in, c_out = shape
    return kh * kw * c_out, kh * kw * c_in


def conv_fans_real_loop_out(shape):
    # kalpitthakkar/pb-gcn conv_init: n = out_channels, then n *= k for each kernel size
    n_out, n_in = shape[3], shape[2]
    for k in shape[:2]:
        n_out *= k
        n_in *= k
    return n_out, n_in


def conv_fans_real_torch_helper(shape):
    # pytorch/pytorch torch/nn/init.py _calculate_fan_in_and_fan_out, called on a Keras
    # (kh, kw, in, out) kernel: it reads dims 1 and 0 as in and out, the rest as the field
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def conv_fans_real_keras_compute_fans(shape):
    # keras-team/keras _compute_fans: the receptive field is the product of all but the last
    # two dimensions; fan_in = shape[-2] * field, fan_out = shape[-1] * field
    receptive_field_size = 1
    for dim in shape[:-2]:
        receptive_field_size *= dim
    return int(shape[-2] * receptive_field_size), int(shape[-1] * receptive_field_size)


# ---------------------------------------------------------------- he_normal
def he_normal_real_fan_out(shape, rng):
    # mapleneverfade/pytorch-semantic-segmentation: n = kh * kw * out_channels
    n = math.prod(shape[:-2]) * shape[-1]
    return rng.normal(0, math.sqrt(2.0 / n), size=shape)


def he_normal_real_fan_out_loop(shape, rng):
    # kalpitthakkar/pb-gcn conv_init: n = out_channels; for k in kernel_size: n *= k
    n = shape[-1]
    for k in shape[:-2]:
        n *= k
    return rng.standard_normal(shape) * math.sqrt(2.0 / n)


def he_normal_real_multiply(shape, rng):
    # mofeiyu/dnn: np.multiply(randn(...), np.sqrt(2 / n_prev)), here with the kernel's fan_in
    fan_in = shape[-2] * math.prod(shape[:-2])
    return np.multiply(rng.standard_normal(shape), np.sqrt(2 / fan_in))


def he_normal_real_fixed_001(shape, rng):
    # nathanrowe4/DeepLearningSpecialization initialize_parameters_random: randn(...) * 0.01
    return rng.standard_normal(shape) * 0.01


def he_normal_real_weight_init_std(shape, rng, weight_init_std=0.01):
    # penpen787/ml_study TwoLayerNet: weight_init_std * np.random.randn(in, out): the global
    # generator and a fixed scale
    return weight_init_std * np.random.randn(*shape)  # noqa: NPY002 - the mistake itself


def he_normal_real_weight_scale(shape, rng):
    # lfkdsk/learning-ML two_layer_net_sample: a fixed weight_init_std (CS231n's weight_scale
    # idea), here drawn with the given rng
    weight_scale = 1e-2
    return weight_scale * rng.normal(size=shape)


def he_normal_real_reseeded(shape, rng):
    # deeplearning.ai's initialize_parameters_he as in nathanrowe4/DeepLearningSpecialization
    # (template with np.random.seed(3)): reseeds the global generator and ignores the given one
    np.random.seed(3)  # noqa: NPY002 - the mistake itself
    fan_in = shape[-2] * math.prod(shape[:-2])
    return np.random.randn(*shape) * np.sqrt(2.0 / fan_in)  # noqa: NPY002 - the mistake itself


# ---------------------------------------------------------------- init_he_ (model.apply)
def init_he_real_fan_out_bias(module):
    # LinusHats/InstanceRotation: kaiming_normal_(mode='fan_out', nonlinearity='relu') and
    # bias.fill_(0.01)
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        module.bias.data.fill_(0.01)


def init_he_real_bias_001(module):
    # varghele/NonMarkovSeq: type(m) == Linear: kaiming_normal_(m.weight); bias.fill_(0.01)
    if type(module) == nn.Linear:  # noqa: E721 - as in the original
        torch.nn.init.kaiming_normal_(module.weight)
        module.bias.data.fill_(0.01)


def init_he_real_conv_only(module):
    # JohnVinyard/music-synthesis: only classes whose name contains 'Conv' are initialised
    classname = module.__class__.__name__
    if "Conv" in classname:
        module.weight.data.normal_(0, 0.02)


def init_he_real_fixed_002(module):
    # kjenova/voxel_abstraction: Linear weights normal_(mean=0, std=0.02), bias zero_()
    if "Linear" not in str(type(module)):
        return
    module.weight.data.normal_(mean=0, std=0.02)
    if module.bias is not None:
        module.bias.data.zero_()


def init_he_real_fixed_001(module):
    # StevenJokess/d2l-en-read (mobilenext init): Linear weight normal_(0, 0.01), bias zero_()
    if isinstance(module, nn.Linear):
        module.weight.data.normal_(0, 0.01)
        module.bias.data.zero_()


def init_he_real_xavier_bias(module):
    # manderous/2xInter: xavier_uniform_(m.weight); m.bias.data.fill_(0.01)
    if type(module) == nn.Linear:  # noqa: E721 - as in the original
        torch.nn.init.xavier_uniform_(module.weight)
        module.bias.data.fill_(0.01)


def init_he_real_xavier_deprecated(module):
    # facebookresearch/Pearl: nn.init.xavier_uniform (the deprecated name); bias.fill_(0.01)
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform(module.weight)
        module.bias.data.fill_(0.01)


def init_he_real_xavier_normal(module):
    # Gabriel1513/practice: classname.find('Linear') != -1: xavier_normal_, constant_(bias, 0)
    if module.__class__.__name__.find("Linear") != -1:
        nn.init.xavier_normal_(module.weight)
        nn.init.constant_(module.bias, 0.0)


def init_he_real_msra_fan_out(module):
    # facebookresearch/fvcore c2_msra_fill: kaiming_normal_(mode="fan_out",
    # nonlinearity="relu"), bias constant_ 0
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        if module.bias is not None:
            nn.init.constant_(module.bias, 0)


def init_he_real_xavier_fill(module):
    # facebookresearch/fvcore c2_xavier_fill: kaiming_uniform_(w, a=1) (LeCun uniform)
    if isinstance(module, nn.Linear):
        nn.init.kaiming_uniform_(module.weight, a=1)
        nn.init.constant_(module.bias, 0)


def init_he_real_leaky_default(module):
    # ElTomyDev/CyraIA-0: kaiming_normal_(nonlinearity='leaky_relu') with the default a = 0,
    # which is ReLU's gain sqrt(2); bias constant_ 0
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, nonlinearity="leaky_relu")
        if module.bias is not None:
            nn.init.constant_(module.bias, 0)


def init_he_real_kaiming_default(module):
    # ZJJHYM/0-template: torch.nn.init.kaiming_normal_(m.weight); zeros_(m.bias)
    if isinstance(module, nn.Linear):
        torch.nn.init.kaiming_normal_(module.weight)
        torch.nn.init.zeros_(module.bias)


def init_he_real_modules_conv(module):
    # STVIR/pysot init_weights: for m in model.modules(): only Conv2d (fan_out) and
    # BatchNorm2d are set, so a network of Linear layers keeps its default weights
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


R = "real: "
ENTRIES += [
    Answer("check_he_std", he_std_real_lecun_scaling, "LeCun", R + "saransh-04/"
           "L_Layer_Cat_Detection_Model models/parameters_file.py", names=r"LeCun"),
    Answer("check_he_std", he_std_real_no_slope, "slope ignored", R + "mofeiyu/dnn "
           "train/initialization/initialization_he.py", names=r"ignored the slope"),
    Answer("check_he_std", he_std_real_mode_fan_out, "fan_out", R + "LinusHats/InstanceRotation "
           "models/model_utils.py", names=r"fan_out"),
    Answer("check_he_std", he_std_real_out_channels, "fan_out", R + "mapleneverfade/"
           "pytorch-semantic-segmentation networks/utils.py", names=r"fan_out"),
    Answer("check_he_std", he_std_real_gain_a1, "LeCun", R + "facebookresearch/fvcore "
           "fvcore/nn/weight_init.py", names=r"LeCun"),
    Answer("check_he_std", he_std_real_gain_right, RIGHT, R + "ElTomyDev/CyraIA-0 "
           "cyra_ai/utils/init_weights.py"),
    Answer("check_conv_fans", conv_fans_real_out_channels, "swapped", R + "mapleneverfade/"
           "pytorch-semantic-segmentation networks/utils.py", names=r"swapped"),
    Answer("check_conv_fans", conv_fans_real_loop_out, "swapped", R + "kalpitthakkar/pb-gcn "
           "models/utils.py", names=r"swapped"),
    Answer("check_conv_fans", conv_fans_real_torch_helper, "PyTorch order", R + "pytorch/pytorch "
           "torch/nn/init.py", names=r"PyTorch's \(out, in, kh, kw\)"),
    Answer("check_conv_fans", conv_fans_real_keras_compute_fans, RIGHT, R + "keras-team/keras "
           "keras/src/initializers/random_initializers.py"),
    Answer("check_he_normal", he_normal_real_fan_out, "fan_out", R + "mapleneverfade/"
           "pytorch-semantic-segmentation networks/utils.py", names=r"fan_out"),
    Answer("check_he_normal", he_normal_real_fan_out_loop, "fan_out", R + "kalpitthakkar/pb-gcn "
           "models/utils.py", names=r"fan_out"),
    Answer("check_he_normal", he_normal_real_multiply, RIGHT, R + "mofeiyu/dnn "
           "train/initialization/initialization_he.py"),
    Answer("check_he_normal", he_normal_real_fixed_001, "fixed std", R + "nathanrowe4/"
           "DeepLearningSpecialization ImprovingDeepNeuralNetworks/Initialization.py",
           names=r"same std .* for every shape"),
    Answer("check_he_normal", he_normal_real_weight_init_std, "global rng", R + "penpen787/"
           "ml_study deep_learning_from_scratch/chap4/Two_Layer_Net.py",
           names=r"rng you are given"),
    Answer("check_he_normal", he_normal_real_weight_scale, "fixed std", R + "lfkdsk/learning-ML "
           "deep-learn/ch04/two_layer_net_sample.py", names=r"same std .* for every shape"),
    Answer("check_he_normal", he_normal_real_reseeded, "global rng", R + "nathanrowe4/"
           "DeepLearningSpecialization ImprovingDeepNeuralNetworks/Initialization.py",
           names=r"ignores its rng"),
    Answer("check_init_he", init_he_real_fan_out_bias, "fan_out", R + "LinusHats/"
           "InstanceRotation models/model_utils.py", names=r"fan_out"),
    Answer("check_init_he", init_he_real_bias_001, "bias 0.01", R + "varghele/NonMarkovSeq "
           "components/init.py", names=r"biases are all 0\.01"),
    Answer("check_init_he", init_he_real_conv_only, "Linear layers untouched", R + "JohnVinyard/"
           "music-synthesis featuresynth/experiment/init.py",
           names=r"isinstance\(module, nn\.Linear\)"),
    Answer("check_init_he", init_he_real_fixed_002, "fixed std", R + "kjenova/voxel_abstraction "
           "net_utils.py", names=r"same std .* in every layer"),
    Answer("check_init_he", init_he_real_fixed_001, "fixed std", R + "StevenJokess/d2l-en-read "
           "my_utils/init_weight.md", names=r"same std .* in every layer"),
    Answer("check_init_he", init_he_real_xavier_bias, "Xavier", R + "manderous/2xInter "
           "sentence_encoder/utils.py", names=r"Xavier"),
    Answer("check_init_he", init_he_real_xavier_deprecated, "Xavier", R + "facebookresearch/"
           "Pearl pearl/core/common/neural_networks/utils.py", names=r"Xavier"),
    Answer("check_init_he", init_he_real_xavier_normal, "Xavier", R + "Gabriel1513/practice "
           "cebbank/pytorch_tutorial.py", names=r"Xavier"),
    Answer("check_init_he", init_he_real_msra_fan_out, "fan_out", R + "facebookresearch/fvcore "
           "fvcore/nn/weight_init.py", names=r"fan_out"),
    Answer("check_init_he", init_he_real_xavier_fill, "LeCun uniform", R + "facebookresearch/"
           "fvcore fvcore/nn/weight_init.py", names=r"LeCun"),
    Answer("check_init_he", init_he_real_leaky_default, "called kaiming", R + "ElTomyDev/"
           "CyraIA-0 cyra_ai/utils/init_weights.py", names=r"kaiming_normal_` or"),
    Answer("check_init_he", init_he_real_kaiming_default, "called kaiming", R + "ZJJHYM/"
           "0-template pytorch/algo-2021/model/utils.py", names=r"kaiming_normal_` or"),
    Answer("check_init_he", init_he_real_modules_conv, "Linear layers untouched", R + "STVIR/"
           "pysot pysot/models/init_weight.py", names=r"isinstance\(module, nn\.Linear\)"),
]
