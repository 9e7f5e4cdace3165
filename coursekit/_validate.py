"""Argument checks for the public functions of the teaching modules (private).

The teaching modules (``nn``, ``init``, ``optim``, ...) lead with the computation and call at
most one function from here, e.g. ``x, W, b = _validate.affine(x, W, b)``. A student who passes
the wrong thing gets a message that names the argument, says what was expected and what came,
instead of a broadcasting error from deep inside NumPy. Arrays may hold NaN and inf: a diverging
run shows the classic NaN loss rather than an error.

The first section holds the general checks; the later ones are grouped by the module they serve.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from . import _frameworks

# ---------------------------------------------------------------------------- general checks


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def float_array(value, name: str, *, ndim: int | Iterable[int] | None = None) -> np.ndarray:
    """Return ``value`` as a floating-point ndarray (float arrays are returned as they are).

    TypeError for non-numeric input, ValueError for the wrong number of dimensions. NaN and
    inf are allowed.
    """
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} must be a numeric array, got {_describe(value)}") from err
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a numeric array, got {_describe(value)}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}")
    return arr


def labels(value, name: str, *, n_classes: int, n_samples: int | None = None) -> np.ndarray:
    """Return integer class labels in ``[0, n_classes)`` as a 1-D int64 array."""
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr))):
            raise TypeError(f"{name} must hold integer class indices, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} labels but the input has {n_samples} rows")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{name} must lie in [0, {n_classes - 1}] for {n_classes} classes, "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return arr


def choice(value, name: str, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise list the valid ones."""
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def real(value, name: str, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """Return ``value`` as a float, checking that it is a finite real number in the range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must lie in {left}{lo}, {hi}{right}, got {value}")
    return value


def unit_interval(value, name: str) -> float:
    """A real number in [0, 1): a momentum, a decay, a dropout rate."""
    return real(value, name, low=0, high=1, high_open=True)


def positive(value, name: str) -> float:
    """A real number > 0: a learning rate, a step size."""
    return real(value, name, low=0, low_open=True)


def positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` if it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_describe(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def flag(value, name: str) -> bool:
    """Return ``value`` if it is True or False (NumPy booleans included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def function(value, name: str, what: str) -> None:
    """``value`` must be callable; ``what`` says which function is expected."""
    if not callable(value):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")


def rng(value, name: str = "rng") -> np.random.Generator:
    """Accept None, an int seed or a numpy Generator; return a Generator."""
    if value is None or (isinstance(value, numbers.Integral) and not isinstance(value, bool)):
        return np.random.default_rng(value)
    if isinstance(value, np.random.Generator):
        return value
    raise TypeError(f"{name} must be None, an int seed or a numpy.random.Generator, "
                    f"got {_describe(value)}")


def path(value, name: str = "path") -> Path:
    """A file path given as str or os.PathLike."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or Path), got {type(value).__name__} "
                        f"{value!r}"[:200])
    return Path(value)


def text(value, name: str, why: str = "") -> str:
    """A non-empty string (a title, an axis label)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string{why}, got {type(value).__name__} {value!r}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string{why}, got {value!r}")
    return value


# ---------------------------------------------------------------------------- nn


def affine(x, W, b):
    """x (N, D), W (D, H), b (H,) as float arrays whose shapes fit together."""
    x = float_array(x, "x", ndim=2)
    W = float_array(W, "W", ndim=2)
    b = float_array(b, "b", ndim=1)
    if W.shape[0] != x.shape[1]:
        raise ValueError(f"W must have {x.shape[1]} rows (one per column of x {x.shape}), "
                         f"got shape {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have {W.shape[1]} entries (one per column of W {W.shape}), "
                         f"got shape {b.shape}")
    return x, W, b


def affine_backward(dout, cache):
    """Return ``(dout, cache)`` checked against the ``(x, W)`` cache of affine_forward."""
    if not (isinstance(cache, tuple) and len(cache) == 2):
        raise TypeError("cache must be the (x, W) tuple that affine_forward returned, "
                        f"got {_describe(cache)}")
    x, W = cache
    dout = float_array(dout, "dout", ndim=2)
    if dout.shape != (x.shape[0], W.shape[1]):
        raise ValueError(f"dout must have the shape of the layer's output "
                         f"{(x.shape[0], W.shape[1])}, got {dout.shape}")
    return dout, cache


def activation_backward(da, cache):
    """Return ``(da, cache)`` checked against the ``(z, a, name)`` cache of activation_forward."""
    if not (isinstance(cache, tuple) and len(cache) == 3 and isinstance(cache[2], str)):
        raise TypeError("cache must be the (z, a, name) tuple that activation_forward returned, "
                        f"got {_describe(cache)}")
    da = float_array(da, "da")
    if da.shape != np.shape(cache[0]):
        raise ValueError(f"da must have the shape of the activation's output "
                         f"{np.shape(cache[0])}, got {da.shape}")
    return da, cache


def logits_and_labels(logits, y):
    """logits (N, C) and integer labels y (N,) in [0, C)."""
    logits = float_array(logits, "logits", ndim=2)
    n, c = logits.shape
    return logits, labels(y, "y", n_classes=c, n_samples=n)


def batchnorm_backward(dout, cache):
    """Return ``(dout, cache)`` checked against the ``(x_hat, std)`` cache of batchnorm_forward."""
    if not (isinstance(cache, tuple) and len(cache) == 2):
        raise TypeError("cache must be the (x_hat, std) tuple that batchnorm_forward returned, "
                        f"got {_describe(cache)}")
    dout = float_array(dout, "dout", ndim=2)
    if dout.shape != np.shape(cache[0]):
        raise ValueError(f"dout must have the shape of the layer's output "
                         f"{np.shape(cache[0])}, got {dout.shape}")
    return dout, cache


def mlp(sizes, activation, activations, seed):
    """The constructor arguments of nn.MLP: ``(sizes, activation, seed)``."""
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        raise ValueError(f"sizes must be a list like [n_inputs, n_hidden, ..., n_classes] "
                         f"with at least 2 entries, got {sizes!r}")
    sizes = [positive_int(s, "sizes entry") for s in sizes]
    return sizes, choice(activation, "activation", activations), positive_int(seed, "seed",
                                                                              minimum=0)


def mlp_input(X, n_inputs: int) -> np.ndarray:
    """X (N, n_inputs) as a float array."""
    X = float_array(X, "X", ndim=2)
    if X.shape[1] != n_inputs:
        raise ValueError(f"X must have {n_inputs} columns (the network's input size), "
                         f"got shape {X.shape}")
    return X


def networks(which, m: int) -> np.ndarray:
    """``which`` (a slice or a list of indices into M networks) as an array of indices."""
    if isinstance(which, slice):
        return np.arange(m)[which]
    if isinstance(which, (str, bytes)) or not isinstance(which, (list, tuple, range, np.ndarray)):
        raise TypeError(f"which must be a slice or a list of network indices, got "
                        f"{type(which).__name__}")
    nets = np.asarray(which)
    if nets.ndim != 1 or nets.dtype.kind not in "iu" or np.any((nets < 0) | (nets >= m)):
        raise ValueError(f"which must list network indices between 0 and {m - 1}, got {which!r}")
    return nets


def mlp_batch(X, y, l2, sizes):
    """``(X, y, l2)`` for nn.MLP.loss_and_grads."""
    X = mlp_input(X, sizes[0])
    return X, labels(y, "y", n_classes=sizes[-1], n_samples=X.shape[0]), real(l2, "l2", low=0)


# ---------------------------------------------------------------------------- gradcheck


def numerical_gradient(f, x, h):
    """``h`` as a float; ``f`` callable and ``x`` a float ndarray (it is perturbed in place)."""
    function(f, "f", "a function from the array to a float")
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        dtype = f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""
        raise TypeError("x must be a floating-point numpy array (it is perturbed in place), "
                        f"got {type(x).__name__}{dtype}")
    return positive(h, "h")


def same_shape(a, b, names=("a", "b")):
    """Two float arrays of the same shape (``names``: what the messages call them)."""
    a, b = float_array(a, names[0]), float_array(b, names[1])
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got {a.shape} "
                         f"and {b.shape}")
    return a, b


# ---------------------------------------------------------------------------- init


def kernel_shape(shape) -> tuple[int, ...]:
    """A weight shape of at least 2 positive integer dimensions, as a tuple."""
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
    return tuple(int(d) for d in shape)


# keyword -> (default, check); schemes list the keywords they take
_SCHEME_KEYWORDS = {
    "value": (None, lambda v: real(v, "value")),
    "bound": (None, lambda v: real(v, "bound", low=0)),
    "std": (0.01, lambda v: real(v, "std", low=0)),
    "gain": (1.0, lambda v: real(v, "gain", low=0, low_open=True)),
}
_KEYWORDS_OF = {"constant": ("value",), "uniform": ("bound",), "normal": ("std",),
                "xavier_normal": ("gain",), "xavier_uniform": ("gain",)}


def scheme(name, kw: dict, schemes, aliases, *, fans=None, rng_value=False):
    """Check an initialisation scheme and its keywords; return ``(scheme, params)``.

    ``params`` holds every keyword the scheme takes, defaults filled in, as floats. With
    ``fans=(fan_in, fan_out)`` the fans are checked too; with ``rng_value`` (the ``rng``
    argument, None included) ``params["rng"]`` is the Generator.
    """
    name = aliases.get(name, name) if isinstance(name, str) else name
    choice(name, "scheme", tuple(schemes) + tuple(aliases))
    takes = _KEYWORDS_OF.get(name, ())
    unexpected = set(kw) - set(takes)
    if unexpected:
        raise TypeError(f"scheme {name!r} takes no argument {sorted(unexpected)}; "
                        f"allowed: {', '.join(sorted(takes)) or 'none'}")
    params = {}
    for key in takes:
        default, check = _SCHEME_KEYWORDS[key]
        if key not in kw and default is None:
            raise TypeError(f"scheme {name!r} needs the keyword argument {key!r}, "
                            f"e.g. initialize(shape, {name!r}, {key}=0.1)")
        params[key] = check(kw.get(key, default))
    if fans is not None:
        positive_int(fans[0], "fan_in")
        positive_int(fans[1], "fan_out")
    if rng_value is not False:
        params["rng"] = rng(rng_value)
    return name, params


def torch_kernel(tensor):
    """A torch tensor of at least 2 dimensions (PyTorch layout ``(out, in, *kernel)``)."""
    if not _frameworks.is_tensor(tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.dim() < 2:
        raise ValueError(f"tensor must have at least 2 dimensions, got shape "
                         f"{tuple(tensor.shape)}; initialise biases with torch.nn.init.zeros_")
    return tensor


# ---------------------------------------------------------------------------- deepstats


def deep_stack(activation, activations, depth, width, *, n=2, seed=0, bias=0.0, keep=()):
    """``(depth, width, n, seed, bias, keep)`` of a deep-stack experiment."""
    choice(activation, "activation", activations)
    depth = positive_int(depth, "depth")
    keep = tuple(keep)
    for layer in keep:
        if positive_int(layer, "keep entry") > depth:
            raise ValueError(f"keep entries must be layer numbers in 1..{depth}, got {layer}")
    return (depth, positive_int(width, "width", minimum=2), positive_int(n, "n", minimum=2),
            positive_int(seed, "seed", minimum=0), real(bias, "bias"), keep)


# ---------------------------------------------------------------------------- regularization


def float_arrays(params, name: str = "params") -> list[np.ndarray]:
    """The arrays of a dict or list/tuple of arrays, as float arrays."""
    if isinstance(params, dict):
        items = [(f"{name}[{k!r}]", v) for k, v in params.items()]
    elif isinstance(params, (list, tuple)):
        items = [(f"{name}[{i}]", v) for i, v in enumerate(params)]
    else:
        raise TypeError(f"{name} must be a dict or a list of arrays, got {type(params).__name__}")
    return [float_array(v, label) for label, v in items]


def penalty(params, lam, *, one_array: bool = False):
    """``(weights, lam)``: a dict/list of arrays (with ``one_array``: one array W), lam >= 0."""
    lam = real(lam, "lam", low=0)
    return (float_array(params, "W") if one_array else float_arrays(params)), lam


def max_norm(W, c, axis):
    """``(W, c, axis)`` for regularization.max_norm: a 1-D or 2-D W, c > 0, an axis of W."""
    W = float_array(W, "W", ndim=(1, 2))
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not (
            -W.ndim <= axis < W.ndim):
        raise ValueError(f"axis must be an axis of W (shape {W.shape}), got {axis!r}")
    return W, positive(c, "c"), axis


def dropout(x, rate, training, rng_value):
    """``(x, rate, training, rng)`` for regularization.dropout."""
    rate = unit_interval(rate, "rate")
    return float_array(x, "x"), rate, flag(training, "training"), rng(rng_value)


# ---------------------------------------------------------------------------- ewa / optim


def ewa(values, beta, bias_correction):
    """``(x, beta, bias_correction)``: at least one time step along axis 0, beta in [0, 1)."""
    beta = unit_interval(beta, "beta")
    bias_correction = flag(bias_correction, "bias_correction")
    x = float_array(values, "values")
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(f"values must hold at least one time step (time along axis 0), "
                         f"got shape {x.shape}")
    return x, beta, bias_correction


def iteration(grad_fn, x0, steps, lr):
    """``(x0 as float64, steps, lr)`` for an optimiser run."""
    function(grad_fn, "grad_fn", "a function x -> gradient")
    x = float_array(x0, "x0").astype(np.float64)
    if x.size == 0:
        raise ValueError(f"x0 must hold at least one number, got shape {x.shape}")
    return x, positive_int(steps, "steps"), positive(lr, "lr")


def learning_rates(lr, steps: int) -> np.ndarray:
    """One positive learning rate per step: a number repeated, or a sequence of ``steps``."""
    if np.ndim(lr) == 0:
        return np.full(steps, positive(lr, "lr"))
    lrs = float_array(lr, "lr", ndim=1)
    if lrs.shape != (steps,):
        raise ValueError(f"lr must be a number or one learning rate per step ({steps} values), "
                         f"got {lrs.size} values")
    if not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"every learning rate in lr must be positive and finite, got {lrs}")
    return lrs.astype(np.float64)


def sgd_momentum(grad_fn, x0, lr, beta, steps, form, forms, nesterov, weight_decay, decoupled):
    """``(x0, lrs, beta, steps, nesterov, weight_decay, decoupled)`` for optim.sgd_momentum
    (lrs: one learning rate per step)."""
    choice(form, "form", forms)
    x, steps, _ = iteration(grad_fn, x0, steps, 1.0)
    return (x, learning_rates(lr, steps), unit_interval(beta, "beta"), steps,
            flag(nesterov, "nesterov"), real(weight_decay, "weight_decay", low=0),
            flag(decoupled, "decoupled"))


def adam(grad_fn, x0, lr, betas, eps, steps, weight_decay, decoupled):
    """``(x0, lr, beta1, beta2, eps, steps, weight_decay, decoupled)`` for optim.adam."""
    x, steps, lr = iteration(grad_fn, x0, steps, lr)
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    return (x, lr, unit_interval(betas[0], "betas[0]"), unit_interval(betas[1], "betas[1]"),
            real(eps, "eps", low=0), steps, real(weight_decay, "weight_decay", low=0),
            flag(decoupled, "decoupled"))


def gradient(g, shape, step: int) -> np.ndarray:
    """What grad_fn returned at ``step``, as float64 of the iterate's ``shape``."""
    g = np.asarray(g, dtype=np.float64)
    if g.shape != shape:
        raise ValueError(f"grad_fn must return an array of x's shape {shape}, "
                         f"got shape {g.shape} at step {step}")
    return g


def eigenvalues(values) -> np.ndarray:
    """A non-empty 1-D array of positive curvatures."""
    lam = float_array(values, "eigenvalues", ndim=1)
    if lam.size == 0 or not np.all(lam > 0):
        raise ValueError(f"eigenvalues must be a non-empty list of positive numbers, got {lam}")
    return lam.astype(np.float64)


def framework_run(eigenvalues_, x0, steps, make=None, what=""):
    """The quadratic, start and step count of a framework run (and its factory, if any)."""
    lam = eigenvalues(eigenvalues_)
    if make is not None:
        function(make, "make_optimizer", what)
    return lam, vector(x0, lam.shape, "x0"), positive_int(steps, "steps")


def vector(x, shape, name: str = "x") -> np.ndarray:
    """A 1-D float array of the given shape."""
    x = float_array(x, name, ndim=1)
    if x.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {x.shape}")
    return x


def relative_errors(iterates, x_star):
    """``(iterates (T, d), x_star (d,))``; x_star defaults to the origin."""
    xs = float_array(iterates, "iterates", ndim=2)
    x_star = np.zeros(xs.shape[1]) if x_star is None else vector(x_star, xs.shape[1:], "x_star")
    if np.array_equal(xs[0], x_star):
        raise ValueError("iterates[0] is already x_star: the relative error is undefined")
    return xs, x_star


def rate_window(errors, start, stop):
    """``(errors, start, stop)`` with ``0 <= start < stop < len(errors)``, errors > 0 there."""
    errors = float_array(errors, "errors", ndim=1)
    start = positive_int(start, "start", minimum=0)
    stop = positive_int(stop, "stop", minimum=start + 1)
    if stop >= errors.size:
        raise ValueError(f"stop must be < len(errors) = {errors.size}, got {stop}")
    if errors[start] <= 0 or errors[stop] <= 0:
        raise ValueError("errors must be positive at start and stop")
    return errors, start, stop


# ---------------------------------------------------------------------------- averaging


def scheme_weights(n, name, decay, schemes):
    """``(n, decay)`` for averaging.scheme_weights; decay only with 'exponential'."""
    n = positive_int(n, "n")
    choice(name, "scheme", schemes)
    if name != "exponential" and decay is not None:
        raise ValueError(f"decay is only used by scheme='exponential', got decay={decay!r} "
                         f"with scheme={name!r}")
    if name == "exponential" and decay is None:
        raise ValueError("decay is required for scheme='exponential' (e.g. decay=0.6: each "
                         "older snapshot counts 0.6 times as much as the next newer one)")
    return n, decay if decay is None else real(decay, "decay", low=0, high=1, low_open=True)


def coefficients(weights, n: int, decay) -> np.ndarray:
    """Explicit averaging coefficients: n non-negative numbers summing to 1."""
    if decay is not None:
        raise ValueError("decay is only used with weights='exponential', not with explicit "
                         "coefficients")
    c = float_array(weights, "weights", ndim=1)
    if c.shape[0] != n:
        raise ValueError(f"weights has {c.shape[0]} coefficients for {n} snapshots: "
                         f"give one coefficient per snapshot, oldest first")
    if np.any(c < 0):
        raise ValueError(f"weights must be non-negative, got {np.round(c, 4)}")
    if not np.isclose(c.sum(), 1.0, rtol=0, atol=1e-6):
        raise ValueError(f"weights must sum to 1, got sum {c.sum():.6g}: divide them "
                         f"by their sum (scheme_weights does)")
    return c


def ema_coefficients(n, decay):
    """``(n, decay)`` for averaging.ema_coefficients: n >= 1 snapshots, decay in [0, 1]."""
    return positive_int(n, "n"), real(decay, "decay", low=0, high=1)


def restart(n_points, epochs):
    """``(n_points, epochs)`` for averaging.restart: two integers >= 1."""
    return positive_int(n_points, "n_points"), positive_int(epochs, "epochs")


def keras_layout(vector, sizes):
    """``(vector, sizes)`` for averaging.keras_layout: a 1-D float64 vector of exactly the
    number of weights of a network with sizes ``(inputs, hidden, outputs)``."""
    if not isinstance(sizes, (tuple, list)) or len(sizes) != 3:
        raise TypeError(f"sizes must be (inputs, hidden units, outputs), got {_describe(sizes)}")
    n_in, hidden, n_out = (positive_int(n, "each size") for n in sizes)
    w = float_array(vector, "vector", ndim=1).astype(np.float64)
    need = hidden * (n_in + 1) + n_out * (hidden + 1)
    if w.size != need:
        raise ValueError(f"a network with sizes {tuple(sizes)} has {need} weights, got a vector "
                         f"of {w.size}")
    return w, (n_in, hidden, n_out)


def _entry_signature(value) -> tuple[tuple[int, ...], str]:
    if _frameworks.is_tensor(value):
        return tuple(value.shape), str(value.dtype).replace("torch.", "")
    arr = np.asarray(value)
    return arr.shape, str(arr.dtype)


def _same_entries(label: str, entries: list) -> None:
    """All snapshots must agree on the shape and dtype of one entry, and hold numbers."""
    for i, entry in enumerate(entries):
        dtype = None if _frameworks.is_tensor(entry) else np.asarray(entry).dtype
        if dtype is not None and not (np.issubdtype(dtype, np.number)
                                      or np.issubdtype(dtype, np.bool_)):
            raise TypeError(f"{label} of snapshot {i} must be a numeric array or tensor, got "
                            f"{type(entry).__name__} of dtype {dtype}")
    first_shape, first_dtype = _entry_signature(entries[0])
    for i, entry in enumerate(entries[1:], start=1):
        shape, dtype = _entry_signature(entry)
        if shape != first_shape:
            raise ValueError(f"snapshots do not match at {label}: shape {first_shape} in "
                             f"snapshot 0 but {shape} in snapshot {i}; average only snapshots "
                             f"of the same architecture")
        if dtype != first_dtype:
            raise ValueError(f"snapshots do not match at {label}: dtype {first_dtype} in "
                             f"snapshot 0 but {dtype} in snapshot {i}")


def snapshots(values, weights, decay):
    """``(snapshots, keys, explicit coefficients or None)`` for averaging.average_weights.

    ``keys`` are the state dicts' keys, or the positions 0..k-1 of the Keras weight lists.
    """
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence):
        raise TypeError("snapshots must be a list of snapshots (Keras weight lists or PyTorch "
                        f"state dicts), oldest first, got {type(values).__name__}")
    snaps = list(values)
    if not snaps:
        raise ValueError("snapshots is empty: pass at least one snapshot")
    explicit = None if isinstance(weights, str) else coefficients(weights, len(snaps), decay)
    if isinstance(snaps[0], Mapping):
        keys = list(snaps[0].keys())
        for i, snap in enumerate(snaps):
            if not isinstance(snap, Mapping):
                raise TypeError(f"snapshots[{i}] is a {type(snap).__name__}, but snapshots[0] is "
                                f"a state dict: do not mix the two forms")
            if set(snap.keys()) != set(keys):
                missing = sorted(set(keys) - set(snap.keys()))
                extra = sorted(set(snap.keys()) - set(keys))
                raise ValueError(f"snapshots[{i}] has different keys from snapshots[0]: missing "
                                 f"{missing}, unexpected {extra}")
        labels_ = [f"key {k!r}" for k in keys]
    else:
        for i, snap in enumerate(snaps):
            if isinstance(snap, (str, bytes, Mapping)) or not isinstance(snap, Sequence):
                raise TypeError(f"snapshots[{i}] must be a list of arrays (model.get_weights()) "
                                f"or a state dict, got {type(snap).__name__}")
            if len(snap) != len(snaps[0]):
                raise ValueError(f"snapshots[{i}] has {len(snap)} arrays but snapshots[0] has "
                                 f"{len(snaps[0])}: average only snapshots of the same "
                                 f"architecture")
        keys = list(range(len(snaps[0])))
        labels_ = [f"array {j}" for j in keys]
    for key, label in zip(keys, labels_, strict=True):
        _same_entries(label, [snap[key] for snap in snaps])
    return snaps, keys, explicit


# ---------------------------------------------------------------------------- checkpoints


def file_suffix(filename: str, suffixes, what: str) -> str:
    """The longest of ``suffixes`` that ``filename`` ends with."""
    for suffix in sorted(suffixes, key=len, reverse=True):  # ".weights.h5" before ".h5"
        if filename.endswith(suffix):
            return suffix
    raise ValueError(f"filename must end with one of {', '.join(suffixes)} ({what}), "
                     f"got {filename!r}")


def checkpoint_name(filename, folder, formats) -> tuple[str, str, str]:
    """``(filename, folder, suffix)``: a plain file name with a known ending, a relative folder."""
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"filename must be a file name (str), got {type(filename).__name__}")
    filename = os.fspath(filename)
    if not filename or Path(filename).name != filename or filename in (".", ".."):
        raise ValueError(f"filename must be a plain file name without folders, got {filename!r}; "
                         f"use folder= for the folder")
    suffix = file_suffix(filename, formats, "it picks the format")
    if not isinstance(folder, str) or not folder:
        raise ValueError(f"folder must be a non-empty folder name under outputs/, got {folder!r}")
    if Path(folder).is_absolute() or ".." in Path(folder).parts:
        raise ValueError(f"folder must be a relative folder name under outputs/ (no absolute "
                         f"path, no '..'), got {folder!r}")
    return filename, folder, suffix


def atomic_write(target, write) -> Path:
    """``target`` as a Path whose folder exists; ``write`` callable."""
    function(write, "write", "a function of the temporary path")
    if not isinstance(target, (str, os.PathLike)):
        raise TypeError(f"path must be a str or Path, got {type(target).__name__}")
    target = Path(target)
    if not target.parent.is_dir():
        raise ValueError(f"path's folder does not exist: {target.parent.name!r}")
    return target


def checkpoint_object(obj, suffix: str):
    """What ``save_checkpoint`` writes: a list of arrays, a state dict, or a Keras model."""
    if suffix == ".npz":
        if isinstance(obj, (str, bytes, Mapping)) or not isinstance(obj, Sequence):
            raise TypeError(f"a .npz checkpoint holds a Keras weight list (model.get_weights()), "
                            f"got {type(obj).__name__}")
        arrays = [np.asarray(a) for a in obj]
        for i, arr in enumerate(arrays):
            if not (np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)):
                raise TypeError(f"obj[{i}] must be a numeric array, got dtype {arr.dtype}")
        return arrays
    if suffix in (".pt", ".pth"):
        state = obj.state_dict() if _frameworks.is_torch_module(obj) else obj
        if not isinstance(state, Mapping):
            raise TypeError(f"a {suffix} checkpoint holds a PyTorch state dict or nn.Module, got "
                            f"{type(obj).__name__}")
        return dict(state)
    if not _frameworks.is_keras_model(obj):
        raise TypeError(f"a {suffix} checkpoint holds a Keras model, got {type(obj).__name__}")
    return obj


def checkpoint_model(model, suffix: str) -> None:
    """``model`` is required for .weights.h5 (a Keras model) and refused otherwise."""
    if suffix == ".weights.h5" and not _frameworks.is_keras_model(model):
        raise TypeError("model must be the Keras model to load a .weights.h5 file into, got "
                        f"{type(model).__name__}")
    if suffix != ".weights.h5" and model is not None:
        raise ValueError(f"model is only used for .weights.h5 files, not for {suffix}")


# ---------------------------------------------------------------------------- dream


def image(value, name: str = "image") -> np.ndarray:
    """A uint8 (H, W, 3) array, or a float/int one in [0, 255] (rounded to uint8)."""
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of shape (H, W, 3), got "
                        f"{type(value).__name__}")
    if value.ndim != 3 or value.shape[2] != 3:
        raise ValueError(f"{name} must be an RGB image of shape (H, W, 3), got shape "
                         f"{value.shape}")
    if value.dtype == np.uint8:
        return value
    if not np.issubdtype(value.dtype, np.floating) and not np.issubdtype(value.dtype, np.integer):
        raise TypeError(f"{name} must hold uint8 pixels (0-255), got dtype {value.dtype}")
    if not np.all(np.isfinite(value)) or value.min() < 0 or value.max() > 255:
        raise ValueError(f"{name} must hold pixel values in [0, 255], got values from "
                         f"{value.min()} to {value.max()}; convert floats in [0, 1] with "
                         f"(image * 255).astype(np.uint8)")
    if value.max() <= 1.0 and np.issubdtype(value.dtype, np.floating) and value.max() > 0:
        raise ValueError(f"{name} looks like floats in [0, 1]; the network expects 0-255 "
                         f"pixels: pass (image * 255).astype(np.uint8)")
    return np.round(value).astype(np.uint8)


def dream_model(model, network: type):
    """The EfficientNet-Lite0 of coursekit.dream.load_pretrained() (``network`` is its class,
    passed in so that this module imports no lesson module)."""
    if not isinstance(model, network):
        raise TypeError(f"model must be the network from coursekit.dream.load_pretrained(), "
                        f"got {type(model).__name__}")
    return model


def classify(model, top, network: type):
    """``(model, top)`` with 1 <= top <= 1000, the number of ImageNet classes."""
    top = positive_int(top, "top")
    if top > 1000:
        raise ValueError(f"top must be at most 1000 (the number of classes), got {top}")
    return dream_model(model, network), top


def attack_plot(attacked, photo, epsilons, p_fgsm, p_random, p_photo):
    """Two images of one shape, ε values (k,), probabilities (k,) and (seeds, k), and one
    probability, all in [0, 1]."""
    attacked, photo = image(attacked, "attacked"), image(photo, "photo")
    if attacked.shape != photo.shape:
        raise ValueError(f"attacked and photo must have the same shape, got {attacked.shape} "
                         f"and {photo.shape}")
    epsilons = float_array(epsilons, "epsilons", ndim=1)
    p_fgsm = float_array(p_fgsm, "p_fgsm", ndim=1)
    p_random = float_array(p_random, "p_random", ndim=2)
    if not len(epsilons) == len(p_fgsm) == p_random.shape[1]:
        raise ValueError(f"p_fgsm and each row of p_random need one value per epsilon "
                         f"({len(epsilons)}), got {len(p_fgsm)} and {p_random.shape[1]}")
    for name, p in (("p_fgsm", p_fgsm), ("p_random", p_random)):
        if not np.all((p > 0) & (p <= 1)):
            raise ValueError(f"{name} must hold probabilities in (0, 1] (the axis is "
                             f"logarithmic), got values from {p.min()} to {p.max()}")
    return (attacked, photo, epsilons, p_fgsm, p_random,
            real(p_photo, "p_photo", low=0, high=1, low_open=True))


def dream_plot(photo, dreamed, history, gain):
    """Two uint8 images, a positive (octaves, steps) history and a positive gain."""
    photo, dreamed = image(photo, "photo"), image(dreamed, "dreamed")
    history = float_array(history, "history", ndim=2)
    if history.size == 0 or not np.all(history > 0):
        raise ValueError(f"history must be the positive objective before each step, shape "
                         f"(octaves, steps), got shape {history.shape}"
                         + (f" with values from {history.min()} to {history.max()}"
                            if history.size else ""))
    return photo, dreamed, history, positive(gain, "gain")


def classifier_head(num_classes, dropout):
    """``(num_classes >= 1, dropout in [0, 1))`` of a classifier head."""
    return positive_int(num_classes, "num_classes"), unit_interval(dropout, "dropout")


def layer_and_channel(layer, channel, layer_channels):
    """A layer name and, optionally, a channel index below that layer's width."""
    choice(layer, "layer", layer_channels)
    if channel is None:
        if layer == "logits":
            raise ValueError("layer='logits' needs a channel: the class whose logit to maximise")
        return layer, None
    channel = positive_int(channel, "channel", minimum=0)
    if channel >= layer_channels[layer]:
        raise ValueError(f"channel must be below {layer_channels[layer]}, the number of "
                         f"channels of {layer}, got {channel}")
    return layer, channel


def dream_tensor(x):
    """A tensor of shape (1, 3, H, W) or (3, H, W)."""
    if not _frameworks.is_tensor(x):
        raise TypeError(f"x must be a tensor of shape (1, 3, H, W) or (3, H, W), got "
                        f"{type(x).__name__}")
    if x.ndim not in (3, 4) or x.shape[-3] != 3 or (x.ndim == 4 and x.shape[0] != 1):
        raise ValueError(f"x must be a tensor of shape (1, 3, H, W) or (3, H, W), got "
                         f"{tuple(x.shape)}")
    return x


def image_size(size, limit: int) -> tuple[int, int]:
    """``(height, width)``, two positive integers whose product is at most ``limit``."""
    if (not isinstance(size, tuple | list) or len(size) != 2
            or not all(isinstance(v, numbers.Integral) and v >= 1 for v in size)):
        raise ValueError(f"size must be (height, width), two positive integers, got {size!r}")
    if int(size[0]) * int(size[1]) > limit:
        raise ValueError(f"size {tuple(size)} is too large (limit {limit} pixels)")
    return int(size[0]), int(size[1])


def octaves(height, width, count, scale):
    """``(height, width, octaves, octave_scale)`` with the scale in (1, 4]."""
    return (positive_int(height, "height"), positive_int(width, "width"),
            positive_int(count, "octaves"), real(scale, "octave_scale", low=1, high=4,
                                                 low_open=True))


def deepdream(model, img, layer, channel, octaves_, octave_scale, steps, step_size, jitter, seed,
              normalize, prior, prior_weight, *, network, layer_channels, max_pixels, min_side,
              sizes_of):
    """Everything deepdream takes; returns ``(image, channel, sizes, rng)``.

    The network's class, its layers' widths, the pixel limits and the octave rule
    (``sizes_of``) come from coursekit.dream, so that this module imports no lesson module.
    """
    dream_model(model, network)
    img = image(img)
    layer, channel = layer_and_channel(layer, channel, layer_channels)
    positive_int(steps, "steps")
    positive(step_size, "step_size")
    positive_int(jitter, "jitter", minimum=0)
    if not (seed is None or isinstance(seed, (np.random.Generator, numbers.Integral))):
        raise TypeError(f"seed must be an int or a numpy.random.Generator, got "
                        f"{type(seed).__name__}")
    flag(normalize, "normalize")
    if prior is not None:
        function(prior, "prior", "None or a function of the image tensor, e.g. its total "
                                  "variation")
    real(prior_weight, "prior_weight", low=0)
    height, width = img.shape[:2]
    if height * width > max_pixels:
        raise ValueError(f"image has {height}×{width} = {height * width} pixels; the limit is "
                         f"{max_pixels} (e.g. 1024×1024), above which the backward pass may "
                         f"exhaust a laptop's memory: downscale the image first")
    sizes = sizes_of(height, width, octaves_, octave_scale)
    if min(sizes[0]) < min_side:
        raise ValueError(f"image of {height}×{width} is too small for octaves={octaves_} at "
                         f"octave_scale={octave_scale}: the smallest octave would be "
                         f"{sizes[0][0]}×{sizes[0][1]}, below {min_side} px; use fewer octaves "
                         f"or a larger image")
    return img, channel, sizes, rng(seed, "seed")


# ---------------------------------------------------------------------------- weights


def torch_module(model, name: str = "model", hint: str = ""):
    """A torch.nn.Module."""
    if not _frameworks.is_torch_module(model):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(model).__name__}{hint}")
    return model


def keras_models(*models):
    """``(source, target)``: Keras models (with ``layers`` and ``get_layer``, not torch)."""
    for model, name in zip(models, ("source", "target"), strict=False):
        if not _frameworks.is_keras_like(model):
            raise TypeError(f"{name} must be a Keras model, got {type(model).__name__}")
    return models


def named_arrays(obj, name: str) -> Mapping:
    """A mapping of string names to arrays or tensors (anything with a ``shape``)."""
    if not isinstance(obj, Mapping):
        raise TypeError(f"{name} must be a torch.nn.Module, a Keras model or a mapping of "
                        f"names to arrays (a state_dict), got {type(obj).__name__}")
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"{name} must have string keys, got {type(key).__name__} {key!r}")
        if not hasattr(value, "shape"):
            raise TypeError(f"{name}[{key!r}] must be an array or tensor, got "
                            f"{type(value).__name__}")
    return obj


def weights_file(value, suffix_of, suffixes) -> tuple[Path, str]:
    """``(path, suffix)`` of an existing file with one of the readable endings."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(value).__name__}")
    value = Path(value)
    suffix = suffix_of(value)
    if suffix is None:
        raise ValueError(f"path {value.name!r} is not a weights file this function reads: "
                         f"expected one of {', '.join(suffixes)} (a .pkl or .pickle "
                         "file can run any code when loaded, so it is refused)")
    if not value.is_file():
        raise FileNotFoundError(f"path {str(value)!r} does not exist")
    return value, suffix


def placed_digits_args(images, labels, n_per_class, size):
    """``(images, labels)`` for placed_digits: (N, 64) float tensor, (N,) tensor of 0-9 with at
    least ``n_per_class`` of each class; a canvas ``size`` of at least 40 (the largest digit)."""
    import torch

    if not isinstance(images, torch.Tensor) or not images.is_floating_point() or images.ndim != 2 \
            or images.shape[1] != 64:
        raise TypeError("images must be a float tensor of shape (N, 64) (8 x 8 digits), got "
                        f"{type(images).__name__} {tuple(getattr(images, 'shape', ()))}")
    if not isinstance(labels, torch.Tensor) or labels.shape != (images.shape[0],):
        raise TypeError(f"labels must be a tensor of shape ({images.shape[0]},), got "
                        f"{type(labels).__name__} {tuple(getattr(labels, 'shape', ()))}")
    n_per_class = positive_int(n_per_class, "n_per_class")
    positive_int(size, "size", minimum=40)
    fewest = min(int((labels == c).sum()) for c in range(10))
    if fewest < n_per_class:
        raise ValueError(f"n_per_class={n_per_class} but one class has only {fewest} images")
    return images, labels


def feature_args(model, images, layer, batch_size):
    """``(model, images as a float32 tensor, layer, batch_size)`` for extract_features."""
    import torch

    torch_module(model)
    batch_size = positive_int(batch_size, "batch_size")
    if isinstance(images, torch.Tensor):
        x = images.detach().to(torch.float32)
    else:
        x = torch.from_numpy(np.ascontiguousarray(float_array(images, "images", ndim=4),
                                                  dtype=np.float32))
    if x.ndim != 4:
        raise ValueError(f"images must have 4 dimensions (N, C, H, W), got shape {tuple(x.shape)}")
    if isinstance(layer, str):
        try:
            model.get_submodule(layer)
        except AttributeError as err:
            raise ValueError(f"layer {layer!r} is not a submodule of the model") from err
    elif layer is not None and not isinstance(layer, torch.nn.Module):
        raise TypeError(f"layer must be None, a submodule name or a torch.nn.Module, "
                        f"got {type(layer).__name__}")
    if layer is None and not any(isinstance(m, torch.nn.Linear) for m in model.modules()):
        raise ValueError("model has no torch.nn.Linear layer: pass layer= explicitly")
    return model, x, layer, batch_size


# ---------------------------------------------------------------------------- data


def folder_name(name):
    """None or a folder name inside outputs/ (no '..', not absolute)."""
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a folder name like 'dream' or None, got {name!r}")
    if name is not None and (not name.strip() or Path(name).is_absolute()
                             or ".." in Path(name).parts):
        raise ValueError(f"name must be a folder inside outputs/ (no '..', not absolute), "
                         f"got {name!r}")
    return name


def blobs(n_samples, n_train, centers, n_features, cluster_std, return_centers):
    """The arguments of data.blobs, in that order."""
    n_samples = positive_int(n_samples, "n_samples", minimum=2)
    n_train = positive_int(n_train, "n_train")
    if n_train >= n_samples:
        raise ValueError(f"n_train must be smaller than n_samples={n_samples}, got {n_train}")
    return (n_samples, n_train, positive_int(centers, "centers"),
            positive_int(n_features, "n_features"),
            real(cluster_std, "cluster_std", low=0, low_open=True),
            flag(return_centers, "return_centers"))


def digits(test_fraction, standardize, images, seed):
    """The arguments of data.digits, in that order."""
    return (real(test_fraction, "test_fraction", low=0, high=1, low_open=True, high_open=True),
            flag(standardize, "standardize"), flag(images, "images"),
            positive_int(seed, "seed", minimum=0))


# ---------------------------------------------------------------------------- plotting

_LABEL_WHY = " (every figure is titled and its axes labelled, with units)"


def line_plot(curves, title, xlabel, ylabel):
    """A non-empty dict of curves and three non-empty labels."""
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict {label: y or (x, y)}")
    return (curves, text(title, "title", _LABEL_WHY), text(xlabel, "xlabel", _LABEL_WHY),
            text(ylabel, "ylabel", _LABEL_WHY))


def image_grid(images, titles, ncols):
    """``(images as a list, ncols)``: at least one image, one title per image if given."""
    images = list(images)
    if not images:
        raise ValueError("images must contain at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles has {len(titles)} entries for {len(images)} images")
    return images, positive_int(ncols, "ncols") if ncols else len(images)


# ---------------------------------------------------------------------------- experiments


def _per_network(values, name: str, *, high=None) -> list[float]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, np.ndarray)):
        raise TypeError(f"{name} must be a list with one value per network, got {values!r:.80}")
    if len(values) == 0:
        raise ValueError(f"{name} must have at least one entry (one per network)")
    return [real(v, f"{name} entry", low=0, high=high, high_open=high is not None)
            for v in values]


def train_mlps(X_train, y_train, X_val, y_val, l2, dropout, hidden, epochs, lr, momentum, seed,
               record_every):
    """The arguments of experiments.train_mlps, checked, with the number of classes after y_val
    and one l2 and one dropout rate per network."""
    X_train = float_array(X_train, "X_train", ndim=2)
    n_classes = int(np.max(y_train)) + 1 if np.size(y_train) else 1
    y_train = labels(y_train, "y_train", n_classes=n_classes, n_samples=X_train.shape[0])
    if (X_val is None) != (y_val is None):
        raise ValueError("give both X_val and y_val, or neither")
    if X_val is not None:
        X_val = float_array(X_val, "X_val", ndim=2)
        if X_val.shape[1] != X_train.shape[1]:
            raise ValueError(f"X_val must have {X_train.shape[1]} columns like X_train, "
                             f"got shape {X_val.shape}")
        y_val = labels(y_val, "y_val", n_classes=n_classes, n_samples=X_val.shape[0])
    l2 = _per_network(l2, "l2")
    rates = _per_network(dropout, "dropout", high=1)
    if len(l2) == 1:
        l2 = l2 * len(rates)
    if len(rates) == 1:
        rates = rates * len(l2)
    if len(l2) != len(rates):
        raise ValueError(f"l2 and dropout need one entry per network: got {len(l2)} and "
                         f"{len(rates)} entries")
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (list, tuple)):
        raise TypeError(f"hidden must be a tuple of layer widths like (128, 128), got {hidden!r}")
    widths = [positive_int(h, "hidden entry") for h in hidden]
    epochs = positive_int(epochs, "epochs")
    lr = real(lr, "lr", low=0, low_open=True)
    momentum = real(momentum, "momentum", low=0, high=1, high_open=True)
    seed = positive_int(seed, "seed", minimum=0)
    record_every = positive_int(record_every, "record_every")
    return (X_train, y_train, X_val, y_val, n_classes, l2, rates, widths, epochs, lr, momentum,
            seed, record_every)


def keras_epoch_loop(X, y, batch_size):
    """``(X (N, D), y (N,) integer labels, batch_size)``."""
    X = float_array(X, "X", ndim=2)
    y = labels(y, "y", n_classes=int(np.max(y)) + 1, n_samples=X.shape[0])
    return X, y, positive_int(batch_size, "batch_size")


# ---------------------------------------------------------------------------- inspection


def model_and_optimizer(model, optimizer):
    """A torch module and a ``torch.optim`` optimizer."""
    import torch

    torch_module(model)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim optimizer (e.g. torch.optim.Adam("
                        f"model.parameters())), got {type(optimizer).__name__}")
    return model, optimizer


def monitored_model(model, weighted: tuple):
    """A torch module with at least one layer of the ``weighted`` kinds to watch."""
    torch_module(model)
    if not any(isinstance(m, weighted) for m in model.modules()):
        raise ValueError("model has no Linear or Conv layer whose weights a Monitor could watch")
    return model


def training_data(net, X, y):
    """``(X, y)`` as torch tensors: X (N, D) in the network's dtype, y (N,) int64 labels."""
    import torch

    torch_module(net, "net")
    X = float_array(X.detach().numpy() if isinstance(X, torch.Tensor) else X, "X", ndim=2)
    y = np.asarray(y.detach().numpy() if isinstance(y, torch.Tensor) else y)
    n_classes = int(y.max()) + 1 if y.size and np.issubdtype(y.dtype, np.integer) else 1
    y = labels(y, "y", n_classes=n_classes, n_samples=X.shape[0])
    first = next((m for m in net.modules() if isinstance(m, torch.nn.Linear)), None)
    if first is not None and X.shape[1] != first.in_features:
        raise ValueError(f"X must have {first.in_features} columns, the inputs of the network's "
                         f"first linear layer, got shape {X.shape}")
    dtype = next(net.parameters()).dtype
    return torch.tensor(X, dtype=dtype), torch.tensor(y)


def loss(value) -> float:
    """A loss: a real number or a one-element tensor, as a float (NaN and inf allowed)."""
    if _frameworks.is_tensor(value) and value.numel() == 1:
        return float(value.detach())
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"loss must be a number or a one-element tensor (the loss of this "
                        f"step), got {_describe(value)}")
    return float(value)


def history(value, name: str = "history") -> dict:
    """A Monitor's history: a dict with the monitors and the layer names."""
    keys = ("loss", "grad_norm", "update_ratio", "distance", "dead", "bn_var", "layers", "relus",
            "norms")
    if not isinstance(value, Mapping) or not all(k in value for k in keys):
        raise TypeError(f"{name} must be what Monitor.history() or train_monitored returns "
                        f"(a dict with {', '.join(keys[:6])}, ...), got {_describe(value)}")
    return value


def runs(value, reference) -> tuple[dict, dict]:
    """Several named histories (name -> Monitor history) and one reference history."""
    if not isinstance(value, Mapping) or not value:
        raise TypeError(f"runs must be a non-empty dict of run name -> history (what "
                        f"train_monitored returns), got {_describe(value)}")
    for key, run in value.items():
        history(run, f"runs[{key!r}]")
    return dict(value), history(reference, "reference")


def state_dicts(before, after):
    """Two state dicts with the same names and shapes."""
    named_arrays(before, "before")
    named_arrays(after, "after")
    if list(before) != list(after):
        missing = sorted(set(before) ^ set(after))
        raise ValueError(f"before and after must have the same entries; these are in one only: "
                         f"{missing[:5]}")
    for key, value in before.items():
        if tuple(value.shape) != tuple(after[key].shape):
            raise ValueError(f"{key!r} has shape {tuple(value.shape)} before and "
                             f"{tuple(after[key].shape)} after")
    return before, after


def train_noisy(X, y, lr, batch, epochs, decay):
    """``(X, y, lr, batch, epochs, decay)`` for averaging.train_noisy: 2-D float inputs, one
    integer label per row, a positive learning rate, batch size and epoch count, a decay in
    [0, 1)."""
    X = float_array(X, "X", ndim=2).astype(np.float64)
    y = labels(y, "y", n_classes=int(np.max(y)) + 1 if np.size(y) else 1, n_samples=len(X))
    return (X, y, positive(lr, "lr"), positive_int(batch, "batch"),
            positive_int(epochs, "epochs"), unit_interval(decay, "decay"))


def accuracy_grid(train_acc, val_acc, lines):
    for value, name in ((train_acc, "train_acc"), (val_acc, "val_acc"), (lines, "lines")):
        if not isinstance(value, dict):
            raise TypeError(f"{name} must be a dict, got {_describe(value)}")
    if set(train_acc) != set(val_acc):
        raise ValueError("train_acc and val_acc must name the same settings")
    as_arrays = [{k: float_array(v, f"{name}[{k!r}]", ndim=(0, 1)).ravel() for k, v in d.items()}
                 for d, name in ((train_acc, "train_acc"), (val_acc, "val_acc"))]
    lines = {str(k): real(v, f"lines[{k!r}]") for k, v in lines.items()}
    return as_arrays[0], as_arrays[1], lines


def settings(values, n_nets):
    """regularization.train_settings: a non-empty dict {name: (λ, rate)} and n_nets >= 1."""
    if not isinstance(values, dict) or not values:
        raise TypeError(f"settings must be a non-empty dict {{name: (lam, rate)}}, got "
                        f"{_describe(values)}")
    checked = {}
    for name, pair in values.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"settings[{name!r}] must be a pair (lam, rate), got {pair!r}")
        checked[name] = (real(pair[0], f"settings[{name!r}] lam", low=0),
                         real(pair[1], f"settings[{name!r}] rate", low=0, high=1, high_open=True))
    return checked, positive_int(n_nets, "n_nets")


def regions(classifiers, X, y, reference, resolution):
    if not isinstance(classifiers, dict) or not classifiers:
        raise TypeError(f"classifiers must be a non-empty dict {{title: function}}, got "
                        f"{_describe(classifiers)}")
    for title, f in [*classifiers.items(), ("reference", reference)]:
        function(f, f"classifiers[{title!r}]" if title != "reference" else "reference",
                 "points (n, 2) to classes (n,)")
    X = float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (points in the plane), got shape {X.shape}")
    return X, labels(y, "y", n_classes=10, n_samples=len(X)), \
        positive_int(resolution, "resolution", minimum=2)


def relu_mlp(rule, depth, width) -> tuple[int, int]:
    """``rule`` callable, ``depth`` >= 2 Linear layers, ``width`` >= 1; return (depth, width)."""
    function(rule, "rule", "a function of one module")
    return positive_int(depth, "depth", minimum=2), positive_int(width, "width")


def torch_sequential(net) -> None:
    """``net`` must be a ``torch.nn.Sequential``."""
    from torch import nn

    if not isinstance(net, nn.Sequential):
        raise TypeError(f"net must be a torch.nn.Sequential, not {type(net).__name__}")


def minibatches(X, steps, batch) -> tuple[int, int]:
    """``steps`` >= 1 and 1 <= ``batch`` <= len(X); return (steps, batches per epoch)."""
    steps, batch = positive_int(steps, "steps"), positive_int(batch, "batch")
    if batch > len(X):
        raise ValueError(f"batch must be at most len(X) = {len(X)}, not {batch}")
    return steps, len(X) // batch


def ema_choice(decays, trajectories, val_loss, burn_in, last_test, ema_test):
    """Arguments of averaging.plot_ema_choice: k decays, (runs, T, p) trajectories, a loss
    function, 0 <= burn_in < T, and one test loss per run for the last step and the EMA."""
    decays = float_array(decays, "decays", ndim=1)
    trajectories = float_array(trajectories, "trajectories", ndim=3)
    function(val_loss, "val_loss", "a function of one weight vector")
    burn_in = positive_int(burn_in, "burn_in", minimum=0)
    if burn_in >= trajectories.shape[1]:
        raise ValueError(f"burn_in must be below the {trajectories.shape[1]} steps of each "
                         f"trajectory, got {burn_in}")
    last_test, ema_test = same_shape(last_test, ema_test)
    if last_test.shape != (len(trajectories),):
        raise ValueError(f"last_test and ema_test need one value per trajectory "
                         f"({len(trajectories)}), got shape {last_test.shape}")
    return decays, trajectories, burn_in, last_test, ema_test


def paired(a, b):
    """Two 1-D float arrays of the same length, at least 2 (one value per seed)."""
    a, b = same_shape(a, b)
    if a.ndim != 1 or len(a) < 2:
        raise ValueError(f"a and b must be 1-D with at least 2 values (one per seed), got shape "
                         f"{a.shape}")
    return a, b
