"""Checks for the exercises of notebook 02 (initialisation schemes)."""

from __future__ import annotations

import math

import numpy as np

from ..solutions import initialization as ref
from ._core import compare, run_checks

# fan_in != fan_out everywhere, so that using the wrong fan changes the answer
_FANS = [(256, 64), (576, 1152), (100, 10), (3, 30)]
_CONV_SHAPES = [(3, 3, 16, 32), (5, 5, 1, 6), (1, 1, 64, 128), (7, 3, 2, 5)]


def check_he_std(student_fn):
    """Exercise: ``he_std(fan_in, fan_out, slope=0.0)`` -> std of He normal weights (leaky ReLU)."""

    def test(fn):
        got = [fn(fan_in, fan_out) for fan_in, fan_out in _FANS]
        try:
            got = np.asarray(got, dtype=np.float64).reshape(len(_FANS))
        except (TypeError, ValueError):
            return "return one number (a float) for each call"
        fi = np.array([f[0] for f in _FANS], dtype=float)
        fo = np.array([f[1] for f in _FANS], dtype=float)
        return compare("the standard deviation", got, np.sqrt(2 / fi), mistakes={
            "you used fan_out: that is He's backward variant "
            "(kaiming_normal_(w, mode=\"fan_out\"), used by torchvision's ResNets), which "
            "keeps the gradients' variance and is just as valid (He et al., section 2.2). "
            "This exercise asks for the default forward variant, "
            "mode=\"fan_in\": divide by the number of inputs each unit sums over":
                np.sqrt(2 / fo),
            "that is the variance 2/fan_in: the standard deviation is its square root":
                2 / fi,
            "that is the variance computed with fan_out: use fan_in, and take the square root":
                2 / fo,
            "that is LeCun's std sqrt(1/fan_in): ReLU zeroes half of its inputs, so He doubles "
            "the variance to 2/fan_in": np.sqrt(1 / fi),
            "that is Xavier/Glorot's std sqrt(2/(fan_in+fan_out)): He uses fan_in only":
                np.sqrt(2 / (fi + fo)),
            "the square root must cover the whole fraction: sqrt(2 / fan_in), not sqrt(2) / fan_in":
                np.sqrt(2) / fi,
        })

    def test_slope(fn):
        slopes = np.array([0.01, 0.2, 0.5, 1.0])
        fi = np.array([f[0] for f in _FANS], dtype=float)
        got = [fn(int(n), int(m), slope=float(a)) for (n, m), a in zip(_FANS, slopes, strict=True)]
        try:
            got = np.asarray(got, dtype=np.float64).reshape(len(_FANS))
        except (TypeError, ValueError):
            return "return one number (a float) for each call"
        return compare("the standard deviation for leaky ReLU", got,
                       np.sqrt(2 / ((1 + slopes**2) * fi)), mistakes={
            "you ignored the slope: a leaky ReLU keeps a·z of the negative half, so "
            "E[f(z)²] = (1 + a²)/2 · Var(z), more than ReLU's Var(z)/2": np.sqrt(2 / fi),
            "the negative half contributes (a·z)², i.e. a²·Var(z)/2, not a·Var(z)/2: use 1 + a²":
                np.sqrt(2 / ((1 + slopes) * fi)),
            "that is the variance: take the square root": 2 / ((1 + slopes**2) * fi),
        })

    return run_checks("he_std", student_fn, [test, test_slope],
                      hint="fan_in and fan_out are positive integers, slope a float (default 0); "
                           "return a float")


def check_conv_fans(student_fn):
    """Exercise: ``conv_fans(shape)`` -> ``(fan_in, fan_out)`` of a Keras conv kernel."""

    def test(fn):
        for shape in _CONV_SHAPES:
            kh, kw, c_in, c_out = shape
            result = fn(shape)
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                return "return a tuple of two integers: (fan_in, fan_out)"
            expected = np.array(ref.conv_fans(shape), dtype=float)
            problem = compare(f"(fan_in, fan_out) for shape {shape}", np.array(result, float),
                              expected, mistakes={
                "you forgot the kernel's receptive field: each output of a convolution sums over "
                "kh·kw·c_in inputs, so multiply the channels by kh·kw": np.array([c_in, c_out]),
                "fan_in and fan_out are swapped: fan_in counts the inputs of one output unit "
                "(kh·kw·c_in)": expected[::-1],
                "you read the shape in PyTorch's (out, in, kh, kw) order: Keras kernels are "
                "(kh, kw, in, out)": np.array([kw * c_in * c_out, kh * c_in * c_out]),
                "that is the total number of weights: fan_in is kh·kw·c_in, fan_out kh·kw·c_out":
                    np.array([kh * kw * c_in * c_out] * 2),
            }, rtol=0, atol=0)
            if problem:
                return problem
        return None

    return run_checks("conv_fans", student_fn, [test],
                      hint="shape is a tuple (kh, kw, c_in, c_out); return (fan_in, fan_out)")


def check_he_normal(student_fn):
    """Exercise: ``he_normal(shape, rng)`` -> weights from N(0, 2/fan_in), Keras layout."""
    shapes = [(3, 3, 64, 96), (400, 100)]  # fan_out != 2·fan_in: sqrt(2/fan_out) != LeCun

    def test_shape_and_rng(fn):
        a = fn((5, 5, 3, 8), np.random.default_rng(0))
        if not isinstance(a, np.ndarray):
            return f"return a NumPy array, got {type(a).__name__}"
        if a.shape != (5, 5, 3, 8):
            return f"the weights must have the requested shape (5, 5, 3, 8), yours have {a.shape}"
        if not np.issubdtype(a.dtype, np.floating):
            return f"the weights must be floats, yours have dtype {a.dtype}"
        b = fn((5, 5, 3, 8), np.random.default_rng(0))
        if not np.array_equal(a, b):
            return ("two calls with the same seed gave different weights: draw the numbers with "
                    "the rng you are given (rng.normal(...)), not with np.random")
        return None

    def test_std(fn):
        for shape in shapes:
            w = np.asarray(fn(shape, np.random.default_rng(1)), dtype=float)
            receptive_field = math.prod(shape[:-2])
            fan_in, fan_out = shape[-2] * receptive_field, shape[-1] * receptive_field
            got = w.std()
            want = math.sqrt(2 / fan_in)
            mean_ok = abs(w.mean()) < 5 * got / math.sqrt(w.size)  # 5 standard errors
            if abs(got / want - 1) < 0.03 and mean_ok:
                # kurtosis: 3 for a normal, 2.36 for Keras' normal truncated at 2σ, 1.8 for uniform
                kurtosis = np.mean(w**4) / np.mean(w**2) ** 2
                if kurtosis < 2.1:
                    return ("the variance is right but the weights are uniform: He *normal* "
                            "draws from a normal distribution (rng.normal)")
                continue
            candidates = {
                "fan_in of a conv kernel is kh·kw·c_in, not shape[0] (that is only right for a "
                "dense kernel (n_in, n_out))": math.sqrt(2 / shape[0]),
                "you used the variance 2/fan_in as the standard deviation: rng.normal takes "
                "the std, i.e. sqrt(2/fan_in)": 2 / fan_in,
                "your weights have std sqrt(2/fan_out): that is He's backward variant "
                "(mode=\"fan_out\"), valid but not what is asked here: use the default, fan_in":
                    math.sqrt(2 / fan_out),
                "your weights have std sqrt(1/fan_in) (LeCun): He uses 2/fan_in":
                    math.sqrt(1 / fan_in),
                "fan_in must include the kernel's receptive field (kh·kw·c_in), not only c_in":
                    math.sqrt(2 / shape[-2]),
                "your weights look like N(0, 1): scale them by sqrt(2/fan_in)": 1.0,
            }
            for message, std in candidates.items():
                if abs(got / std - 1) < 0.03:
                    return message
            if not mean_ok:
                return f"the weights should have mean 0, yours have mean {w.mean():.3g}"
            return (f"for shape {shape} the weights' std is {got:.4g}, expected "
                    f"sqrt(2/fan_in) = {want:.4g}")
        return None

    return run_checks("he_normal", student_fn, [test_shape_and_rng, test_std],
                      hint="shape is (n_in, n_out) or (kh, kw, c_in, c_out); rng is a "
                           "numpy Generator: use rng.normal(mean, std, size=shape)")


# (widths, variances) of ReLU stacks where every typical mistake gives a different answer
_STACKS = [
    ([100, 400, 100, 400], [2 / 500, 2 / 500, 2 / 500]),          # Xavier on alternating widths
    ([50, 50, 200, 20, 80], [0.02, 0.01, 0.03, 0.2]),
]


def check_predict_std(student_fn):
    """Exercise: ``predict_std(widths, variances)`` -> std of z_1..z_L of a ReLU stack."""

    def test(fn):
        for widths, variances in _STACKS:
            got = fn(list(widths), list(variances))
            try:
                got = np.asarray(got, dtype=np.float64)
            except (TypeError, ValueError):
                return "return an array (or list) of numbers, one standard deviation per layer"
            n = np.array(widths[:-1], dtype=float)      # fan_in of layer l: n_{l-1}
            n_out = np.array(widths[1:], dtype=float)   # fan_out of layer l: n_l
            v = np.array(variances, dtype=float)
            expected = ref.predict_std(widths, variances)
            layers = len(variances)
            if got.ndim == 0:
                return (f"return the std of every layer (an array of {layers} values), not only "
                        "one number")
            if got.shape == (layers + 1,) and np.allclose(got[1:], expected, rtol=1e-6):
                return (f"return one value per layer (z_1 .. z_{layers}, {layers} values): leave "
                        "out the input's std")

            def stack(n_used, half_first=False, half=0.5, v=v):
                q, m, out = 0.0, 1.0, []
                for k in range(len(v)):
                    q = n_used[k] * v[k] * m * (half if (k == 0 and half_first) else 1.0)
                    out.append(q)
                    m = q * half
                return np.array(out)

            std_halving = [math.sqrt(n[0] * v[0])]
            for k in range(1, layers):
                std_halving.append(std_halving[-1] * math.sqrt(n[k] * v[k]) / 2)
            problem = compare("the predicted standard deviations", got, expected, mistakes={
                "you used fan_out (the layer's output width n_l): each unit of z_l sums over its "
                "n_{l-1} inputs, so Var(z_l) = n_{l-1}·Var(W_l)·E[h_{l-1}²]":
                    np.sqrt(stack(n_out)),
                "you forgot the ReLU: after a ReLU E[h²] = Var(z)/2 (half of the inputs are "
                "zeroed), so every layer after the first gets a factor 1/2":
                    np.sqrt(stack(n, half=1.0)),
                "the first layer gets no factor 1/2: its input x ~ N(0, 1) is not a ReLU output, "
                "so E[x²] = 1": np.sqrt(stack(n, half_first=True)),
                "those are variances: return their square roots (standard deviations)":
                    stack(n),
                "you halved the standard deviation: the ReLU halves the second moment E[h²], so "
                "the std is multiplied by sqrt(1/2), not by 1/2": np.array(std_halving),
                "you used Var(relu(z)) = (1/2 − 1/(2π))·Var(z): the next layer needs the second "
                "moment E[relu(z)²] = Var(z)/2, because a ReLU output does not have mean 0":
                    np.sqrt(stack(n, half=0.5 - 1 / (2 * math.pi))),
            })
            if problem:
                return f"for widths {widths}: {problem}"
        return None

    return run_checks("predict_std", student_fn, [test],
                      hint="widths = [n_0, ..., n_L] (L + 1 numbers), variances = [Var(W_1), ..., "
                           "Var(W_L)] (L numbers); return L standard deviations")
