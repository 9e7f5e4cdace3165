"""Weight penalties (L2, L1, max-norm), inverted dropout, and a small trainer to compare them.

The NumPy functions are the textbook formulas, one line each, so a notebook can show them next to
what PyTorch and Keras do. :func:`train_mlps` trains several small PyTorch MLPs *at once* (one
batch of independent networks) so that an experiment over settings and seeds stays fast on a CPU.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _validate

__all__ = [
    "l2_penalty", "l2_gradient", "l1_penalty", "l1_gradient", "max_norm", "dropout",
    "train_mlps",
]


def _arrays(params, name: str = "params"):
    """The arrays of a dict or list/tuple of arrays, validated as float arrays."""
    if isinstance(params, dict):
        items = [(f"{name}[{k!r}]", v) for k, v in params.items()]
    elif isinstance(params, (list, tuple)):
        items = [(f"{name}[{i}]", v) for i, v in enumerate(params)]
    else:
        raise TypeError(f"{name} must be a dict or a list of arrays, got {type(params).__name__}")
    return [_validate.float_array(v, label) for label, v in items]


def l2_penalty(params, lam: float) -> float:
    """``(lam/2)·Σ‖W‖²`` over the arrays in ``params`` (a dict or a list of arrays, any shapes).

    Pass only the weights you want to regularise: biases are usually left out. The factor 1/2
    makes the gradient ``lam·W`` (see :func:`l2_gradient`).
    """
    lam = _validate.real(lam, "lam", low=0)
    return 0.5 * lam * sum(float(np.sum(w**2)) for w in _arrays(params))


def l2_gradient(W, lam: float) -> np.ndarray:
    """Gradient of ``(lam/2)·‖W‖²`` with respect to ``W`` (any shape): ``lam·W``, same shape."""
    lam = _validate.real(lam, "lam", low=0)
    return lam * _validate.float_array(W, "W")


def l1_penalty(params, lam: float) -> float:
    """``lam·Σ|W|`` over the arrays in ``params`` (a dict or a list of arrays)."""
    lam = _validate.real(lam, "lam", low=0)
    return lam * sum(float(np.sum(np.abs(w))) for w in _arrays(params))


def l1_gradient(W, lam: float) -> np.ndarray:
    """(Sub)gradient of ``lam·Σ|W|``: ``lam·sign(W)`` (0 where W is exactly 0), same shape as W.

    Unlike L2 its size does not depend on how large the weight is: every step moves a weight by
    the same amount towards zero, which is why L1 drives small weights to exactly zero.
    """
    lam = _validate.real(lam, "lam", low=0)
    return lam * np.sign(_validate.float_array(W, "W"))


def max_norm(W, c: float, *, axis: int = 0) -> np.ndarray:
    """Project ``W`` so that every column (``axis=0``) has L2 norm at most ``c``; return a copy.

    For a dense kernel of shape (n_in, n_out), ``axis=0`` limits the incoming weight vector of
    each unit (Keras's ``MaxNorm(c, axis=0)``). Columns already inside the ball are unchanged.
    """
    W = _validate.float_array(W, "W", ndim=(1, 2))
    c = _validate.real(c, "c", low=0, low_open=True)
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not (
            -W.ndim <= axis < W.ndim):
        raise ValueError(f"axis must be an axis of W (shape {W.shape}), got {axis!r}")
    norms = np.sqrt(np.sum(W**2, axis=axis, keepdims=True))
    return W * np.minimum(1.0, c / np.maximum(norms, np.finfo(W.dtype).tiny))


def dropout(x, rate: float, *, training: bool = True, rng=None) -> np.ndarray:
    """Inverted dropout: zero each entry with probability ``rate``, scale survivors by 1/(1-rate).

    x: array of any shape; returns an array of the same shape and dtype. The expectation of the
    output equals ``x``, so nothing needs rescaling at test time. ``rate=0`` or ``training=False``
    returns ``x`` itself, unchanged. ``rate`` is the probability to *drop* (PyTorch's ``p``,
    Keras's ``rate``); TF1's ``keep_prob`` is ``1 - rate``. ``rng``: None, an int seed or a
    ``numpy.random.Generator`` (the same seed gives the same mask).
    """
    rate = _validate.real(rate, "rate", low=0, high=1, high_open=True)
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be True or False, got {training!r}")
    x = _validate.float_array(x, "x")
    rng = _validate.rng(rng)
    if rate == 0 or not training:
        return x
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype, copy=False)


def _per_network(values, name: str, *, high=None) -> list[float]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, np.ndarray)):
        raise TypeError(f"{name} must be a list with one value per network, got {values!r:.80}")
    if len(values) == 0:
        raise ValueError(f"{name} must have at least one entry (one per network)")
    return [_validate.real(v, f"{name} entry", low=0, high=high, high_open=high is not None)
            for v in values]


def train_mlps(X_train, y_train, X_test=None, y_test=None, *, l2=(0.0,), dropout=(0.0,),
               hidden=(128, 128), epochs: int = 500, lr: float = 0.05, momentum: float = 0.9,
               seed: int = 0, record_every: int = 10):
    """Train M independent ReLU MLPs at once (full batch, SGD with momentum, PyTorch, float32).

    Network ``m`` gets the coupled L2 penalty ``(l2[m]/2)·Σ‖W‖²`` (weights only) added to its mean
    cross-entropy, and inverted dropout with rate ``dropout[m]`` after every hidden ReLU during
    training. ``l2`` and ``dropout`` have one entry per network (M entries; a single-entry list is
    repeated). Weights start like ``torch.nn.Linear`` (U(±1/√fan_in)), drawn per network from a
    generator seeded with ``seed``, so network m differs from network m' in its initial weights
    and dropout masks. Training the M networks as one batch of matrix products gives exactly the
    gradients of M separate runs; it is only faster.

    X_train: (N, D) floats, y_train: (N,) ints in [0, C); the number of classes C is
    ``max(y_train) + 1``. Returns ``(predict, history)``: ``predict(X)`` gives class probabilities
    of shape (M, n, C) with dropout off (evaluation mode); ``history`` is a dict of NumPy arrays:
    ``epoch`` (T,), ``train_loss`` (T, M) (cross-entropy only), ``train_acc`` (T, M),
    ``test_acc`` (T, M) (only with test data), ``weight_norm`` (T, M) (√Σ‖W‖²), recorded every
    ``record_every`` epochs and after the last one.
    """
    import torch

    X_train = _validate.float_array(X_train, "X_train", ndim=2)
    n_classes = int(np.max(y_train)) + 1 if np.size(y_train) else 1
    y_train = _validate.labels(y_train, "y_train", n_classes=n_classes,
                               n_samples=X_train.shape[0])
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is not None:
        X_test = _validate.float_array(X_test, "X_test", ndim=2)
        if X_test.shape[1] != X_train.shape[1]:
            raise ValueError(f"X_test must have {X_train.shape[1]} columns like X_train, "
                             f"got shape {X_test.shape}")
        y_test = _validate.labels(y_test, "y_test", n_classes=n_classes,
                                  n_samples=X_test.shape[0])
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
    widths = [_validate.positive_int(h, "hidden entry") for h in hidden]
    epochs = _validate.positive_int(epochs, "epochs")
    lr = _validate.real(lr, "lr", low=0, low_open=True)
    momentum = _validate.real(momentum, "momentum", low=0, high=1, high_open=True)
    seed = _validate.positive_int(seed, "seed", minimum=0)
    record_every = _validate.positive_int(record_every, "record_every")

    threads = torch.get_num_threads()
    torch.set_num_threads(1)   # same result on every machine; small matrices gain nothing from more
    try:
        return _train(torch, X_train, y_train, X_test, y_test, l2, rates, widths, n_classes,
                      epochs, lr, momentum, seed, record_every)
    finally:
        torch.set_num_threads(threads)


def _train(torch, X_train, y_train, X_test, y_test, l2, rates, widths, n_classes, epochs, lr,
           momentum, seed, record_every):
    m = len(l2)
    gen = torch.Generator().manual_seed(seed)
    sizes = [X_train.shape[1], *widths, n_classes]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = 1.0 / np.sqrt(n_in)
        W = (torch.rand(m, n_in, n_out, generator=gen) * 2 - 1) * bound
        b = (torch.rand(m, 1, n_out, generator=gen) * 2 - 1) * bound
        params += [W.requires_grad_(), b.requires_grad_()]
    lam = torch.tensor(l2, dtype=torch.float32)
    rate = torch.tensor(rates, dtype=torch.float32).view(m, 1, 1)

    def logits(X, training):
        h = X.expand(m, *X.shape)                       # (M, N, D)
        for i in range(0, len(params) - 2, 2):
            h = torch.relu(torch.baddbmm(params[i + 1], h, params[i]))
            if training:                                # inverted dropout, per network rate
                keep = torch.rand(h.shape, generator=gen) >= rate
                h = torch.where(keep, h / (1 - rate), 0.0)
        return torch.baddbmm(params[-1], h, params[-2])  # (M, N, C)

    def as_tensors(X, y):
        return torch.tensor(X, dtype=torch.float32), torch.tensor(y)

    Xtr, ytr = as_tensors(X_train, y_train)
    test = as_tensors(X_test, y_test) if X_test is not None else None
    opt = torch.optim.SGD(params, lr=lr, momentum=momentum)
    history = {"epoch": [], "train_loss": [], "train_acc": [], "weight_norm": []}
    if test is not None:
        history["test_acc"] = []

    def cross_entropy(out, y):                          # mean over samples, one value per network
        return torch.nn.functional.cross_entropy(out.transpose(1, 2), y.expand(m, -1),
                                                 reduction="none").mean(dim=1)

    def accuracy(X, y):
        return (logits(X, False).argmax(dim=2) == y).float().mean(dim=1).numpy()

    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        ce = cross_entropy(logits(Xtr, True), ytr)
        sq = sum((W**2).sum(dim=(1, 2)) for W in params[::2])
        (ce + 0.5 * lam * sq).sum().backward()          # networks are independent: sum is fine
        opt.step()
        if epoch % record_every == 0 or epoch == epochs:
            with torch.no_grad():
                history["epoch"].append(epoch)
                history["train_loss"].append(cross_entropy(logits(Xtr, False), ytr).numpy())
                history["train_acc"].append(accuracy(Xtr, ytr))
                history["weight_norm"].append(
                    torch.sqrt(sum((W**2).sum(dim=(1, 2)) for W in params[::2])).numpy())
                if test is not None:
                    history["test_acc"].append(accuracy(*test))

    def predict(X):
        """Class probabilities (M, n, C) of every network for X (n, D), dropout off."""
        X = _validate.float_array(X, "X", ndim=2)
        if X.shape[1] != sizes[0]:
            raise ValueError(f"X must have {sizes[0]} columns, got shape {X.shape}")
        with torch.no_grad():
            return torch.softmax(logits(torch.tensor(X, dtype=torch.float32), False),
                                 dim=2).numpy().astype(np.float64)

    return predict, {k: np.asarray(v) for k, v in history.items()}
