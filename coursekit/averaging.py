"""Averaging the weights of saved models: Polyak-Ruppert, linear and exponential weighting.

A *snapshot* is the weights of one model at one moment of training, in either framework's form:

* Keras: the list of arrays that ``model.get_weights()`` returns (``model.set_weights`` takes it);
* PyTorch: the dict of tensors that ``model.state_dict()`` returns (``load_state_dict`` takes it).

:func:`scheme_weights` gives the coefficients of an averaging scheme and :func:`average_weights`
combines a list of snapshots, oldest first, into one snapshot of the same form, ready to load
into a model of the same architecture.

Integer and boolean entries (for example PyTorch BatchNorm's ``num_batches_tracked`` counter) are
counts or flags, not weights: averaging them makes no sense, so they are copied from the *newest*
snapshot. Floating-point buffers (BatchNorm's ``running_mean`` and ``running_var``) are averaged
like the weights; the statistics that fit the averaged weights are different, so recompute them
afterwards (``torch.optim.swa_utils.update_bn``), as notebook 06 shows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np

from . import _frameworks, _validate

__all__ = ["SCHEMES", "scheme_weights", "ema_coefficients", "average_weights", "keras_float64",
           "restart", "keras_layout", "train_noisy", "paired_interval", "plot_paired_differences",
           "plot_ema_choice", "tutorial_network"]

SCHEMES = ("equal", "linear", "exponential")


def scheme_weights(n: int, scheme: str, *, decay: float | None = None) -> np.ndarray:
    """Normalised averaging coefficients for ``n`` snapshots, ordered oldest -> newest.

    * ``"equal"``: ``1/n`` each (Polyak-Ruppert averaging, SWA);
    * ``"linear"``: proportional to ``1, 2, ..., n`` (the newest snapshot counts ``n`` times as
      much as the oldest);
    * ``"exponential"``: proportional to ``decay**k`` where ``k`` counts back from the newest
      (``k = 0``) snapshot; needs ``decay`` in (0, 1] (``decay = 1`` is the equal average).

    Returns a float64 array of shape ``(n,)`` whose entries are positive and sum to 1.

    >>> scheme_weights(3, "linear").round(3)
    array([0.167, 0.333, 0.5  ])
    """
    n, decay = _validate.scheme_weights(n, scheme, decay, SCHEMES)
    if scheme == "equal":
        raw = np.ones(n)
    elif scheme == "linear":
        raw = np.arange(1.0, n + 1)
    else:
        raw = decay ** np.arange(n - 1, -1, -1, dtype=np.float64)  # oldest: decay**(n-1)
    return raw / raw.sum()


def ema_coefficients(n: int, decay: float) -> np.ndarray:
    """The weight of each of ``n`` snapshots in an EMA that starts from a copy of the first.

    This is what ``AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))`` and Keras'
    ``use_ema`` hold after ``n`` updates: the first update copies the weights, each later one
    does ``average = decay·average + (1 - decay)·new``. Unrolled, the snapshot ``k`` steps back
    from the newest gets ``(1 - decay)·decay**k``, except the oldest, which keeps the rest,
    ``decay**(n - 1)``. (A zero start with bias correction, notebook 04, spreads that rest over
    all snapshots instead: :func:`scheme_weights` with ``"exponential"``.)

    Returns a float64 array of shape ``(n,)``, oldest first, summing to 1.

    >>> ema_coefficients(3, 0.5)
    array([0.25, 0.25, 0.5 ])
    """
    n, decay = _validate.ema_coefficients(n, decay)
    coefficients = (1 - decay) * decay ** np.arange(n - 1, -1, -1, dtype=np.float64)
    coefficients[0] = decay ** (n - 1)
    return coefficients


def _combine(entries: list, coefficients: np.ndarray):
    """Weighted sum of same-shape entries (computed in float64), in the entries' own type."""
    newest = entries[-1]
    if _frameworks.is_tensor(newest):
        if not (newest.is_floating_point() or newest.is_complex()):  # counters, flags: newest
            return newest.detach().clone()
        import torch

        work = torch.complex128 if newest.is_complex() else torch.float64
        total = torch.zeros(newest.shape, dtype=work, device=newest.device)
        for c, entry in zip(coefficients, entries, strict=True):
            total += float(c) * entry.detach().to(work)
        return total.to(newest.dtype)
    arrays = [np.asarray(e) for e in entries]
    if not np.issubdtype(arrays[-1].dtype, np.inexact):  # counters and flags: take the newest
        return np.array(newest, copy=True)
    work = np.complex128 if np.iscomplexobj(arrays[-1]) else np.float64
    total = np.zeros(arrays[-1].shape, dtype=work)
    for c, arr in zip(coefficients, arrays, strict=True):
        total += c * arr.astype(work)
    return total.astype(arrays[-1].dtype)


def average_weights(snapshots, weights="equal", *, decay: float | None = None):
    """Weighted average of model snapshots, oldest first; returns a snapshot of the same form.

    Each floating-point entry of the result is ``sum_i weights[i] * snapshots[i][entry]``,
    computed in float64 and returned in the entry's own dtype (and device, for tensors).

    Inputs
    ------
    snapshots : list of Keras weight lists (``model.get_weights()``) or of PyTorch state dicts
        (``model.state_dict()``), all from the same architecture, oldest first
    weights : a scheme name of :func:`scheme_weights` (``"equal"``, ``"linear"``,
        ``"exponential"`` with ``decay``) or n non-negative coefficients summing to 1

    Returns
    -------
    One snapshot of the same form. Integer and boolean entries (such as
    ``num_batches_tracked``) are copied from the newest snapshot; the inputs are not modified.
    Mismatched structures raise ValueError naming the entry and the shapes.

    >>> average_weights([[np.array([0.0, 2.0])], [np.array([2.0, 4.0])]])
    [array([1., 3.])]
    """
    snapshots, keys, coefficients = _validate.snapshots(snapshots, weights, decay)
    if coefficients is None:
        coefficients = scheme_weights(len(snapshots), weights, decay=decay)
    combined = [_combine([snap[key] for snap in snapshots], coefficients) for key in keys]
    if isinstance(snapshots[0], Mapping):
        return OrderedDict(zip(keys, combined, strict=True))
    return combined


@contextmanager
def keras_float64():
    """Keras layers and optimizers created inside this ``with`` block compute in float64.

    A float64 training prints the same numbers on every CPU (float32 differs in the third
    digit). The previous ``floatx`` and dtype policy come back when the block ends, also after
    an error.
    """
    import keras

    saved = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    try:
        yield
    finally:
        keras.config.set_floatx(saved[0])
        keras.config.set_dtype_policy(saved[1])


def tutorial_network(X, y, loss_fn, *, width: int = 25, lr: float = 0.01, momentum: float = 0.9,
                     batch_size: int = 32):
    """Brownlee's network ``Dense(width, relu) -> Dense(classes, softmax)`` with its optimizer.

    The model and ``SGD(lr, momentum)`` are built in float64 (:func:`keras_float64`), and one
    epoch of mini-batch training on ``(X, y)`` is compiled as a graph
    (:func:`coursekit.experiments.keras_epoch_loop`); give the model a seed's start with
    :func:`restart`.

    Inputs: ``X`` (n, d) floats, ``y`` (n,) class indices, ``loss_fn`` a Keras loss; ``width``,
    ``lr``, ``momentum``, ``batch_size``. Returns ``(model, optimizer, train_epochs)``, where
    ``train_epochs(orders)`` trains one epoch per row of ``orders`` (see :func:`restart`).
    """
    import keras

    from .experiments import keras_epoch_loop

    X = _validate.float_array(X, "X", ndim=2)
    width = _validate.positive_int(width, "width")
    n_classes = int(np.max(y)) + 1
    with keras_float64():
        model = keras.Sequential([keras.Input(shape=(X.shape[1],)),
                                  keras.layers.Dense(width, activation="relu"),
                                  keras.layers.Dense(n_classes, activation="softmax")])
        optimizer = keras.optimizers.SGD(learning_rate=lr, momentum=momentum)
        optimizer.build(model.trainable_variables)
    return model, optimizer, keras_epoch_loop(model, optimizer, loss_fn, X, y,
                                              batch_size=batch_size)


def restart(seed, model, optimizer, n_points: int, epochs: int) -> np.ndarray:
    """Start a built Keras model and its optimizer afresh, as a new run with this seed would.

    Kernels (2-D weights) get Keras' default Glorot-uniform draw, ``U(-a, a)`` with
    ``a = sqrt(6 / (fan_in + fan_out))``; other weights (biases) become 0; every optimizer
    variable except the learning rate (momentum buffers, the step counter) becomes 0. Reusing one
    model and one compiled training loop this way is much faster than building a new one per
    seed.

    Inputs: ``seed`` (int), a built ``model`` and ``optimizer``, ``n_points`` training points,
    ``epochs``. Returns the seed's mini-batch orders: an int32 array ``(epochs, n_points)``, one
    permutation of the training points per epoch.

    >>> restart(0, _Tiny(), _Tiny(), n_points=4, epochs=2).shape
    (2, 4)
    """
    n_points, epochs = _validate.restart(n_points, epochs)
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-1, 1, size=w.shape) * np.sqrt(6 / sum(w.shape))
                       if w.ndim == 2 else np.zeros_like(w) for w in model.get_weights()])
    for v in optimizer.variables:
        if v.name != "learning_rate":
            v.assign(np.zeros(v.shape, dtype=np.dtype(getattr(v.dtype, "name", v.dtype))))
    return np.stack([rng.permutation(n_points) for _ in range(epochs)]).astype(np.int32)


class _Tiny:
    """A stand-in model and optimizer for the doctest of :func:`restart` (no Keras needed)."""

    variables = ()

    def get_weights(self):
        return [np.ones((2, 3)), np.ones(3)]

    def set_weights(self, weights):
        self.weights = weights


def keras_layout(vector, sizes=(2, 25, 3)) -> list[np.ndarray]:
    """A PyTorch ``Linear -> ReLU -> Linear`` weight vector as Keras' ``[W1, b1, W2, b2]``.

    ``parameters_to_vector`` lists each ``nn.Linear`` as its weight ``(out, in)``, row by row,
    then its bias; Keras' ``Dense`` keeps the transposed kernel ``(in, out)``. ``sizes`` is
    ``(inputs, hidden units, outputs)``.

    Returns float64 arrays ``[W1 (in, hidden), b1, W2 (hidden, out), b2]``.

    >>> [w.shape for w in keras_layout(np.arange(10.0), sizes=(1, 2, 2))]
    [(1, 2), (2,), (2, 2), (2,)]
    """
    w, (n_in, hidden, n_out) = _validate.keras_layout(vector, sizes)
    a, b, c = hidden * n_in, hidden * (n_in + 1), hidden * (n_in + 1 + n_out)
    return [w[:a].reshape(hidden, n_in).T, w[a:b], w[b:c].reshape(n_out, hidden).T, w[c:]]


def train_noisy(X, y, seed, *, lr=0.05, batch=10, epochs=40, decay=0.99, cosine=False, hidden=25):
    """Train ``Linear(d, hidden) -> ReLU -> Linear(hidden, classes)`` with SGD and keep an EMA.

    Each step: ``w <- w - lr * v`` with momentum 0.9 on the cross-entropy of one mini-batch, then
    ``ema <- decay * ema + (1 - decay) * w`` (PyTorch's ``AveragedModel`` with
    ``get_ema_multi_avg_fn(decay)``; its first update copies ``w``). With ``cosine=True`` the
    learning rate falls from ``lr`` to 0 along a cosine over all steps (``CosineAnnealingLR``).
    float64, one permutation of the points per epoch drawn from ``torch.manual_seed(seed)``.

    Inputs: ``X`` (n, d) floats, ``y`` (n,) class indices, ``seed`` (int); ``lr``, ``batch``,
    ``epochs``, ``decay``, ``cosine``, ``hidden``. Returns ``(ema, trajectory)``: the
    ``AveragedModel`` and a float64 array (steps, weights), one row per step (the weights after
    that step, in ``parameters_to_vector`` order; :func:`keras_layout` turns a row into Keras'
    ``[W1, b1, W2, b2]``).

    >>> ema, traj = train_noisy(np.eye(2), [0, 1], seed=0, batch=1, epochs=3, hidden=4)
    >>> traj.shape, int(ema.n_averaged)
    ((6, 22), 6)
    """
    import torch
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    X, y, lr, batch, epochs, decay = _validate.train_noisy(X, y, lr, batch, epochs, decay)
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], hidden), torch.nn.ReLU(),
                              torch.nn.Linear(hidden, int(y.max()) + 1)).double()
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    ema = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    steps = epochs * -(-len(X) // batch)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps) if cosine else None
    trajectory = []
    for _ in range(epochs):
        for idx in torch.randperm(len(X)).split(batch):
            loss = torch.nn.functional.cross_entropy(net(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if schedule:
                schedule.step()
            ema.update_parameters(net)
            trajectory.append(torch.nn.utils.parameters_to_vector(net.parameters())
                              .detach().numpy().copy())
    return ema, np.array(trajectory)


def paired_interval(a, b, level: float = 0.95) -> tuple[float, float]:
    """Paired comparison over seeds: the mean of ``d = a - b`` and its t-interval's half-width.

    With ``n`` paired values, ``half = t_{(1+level)/2, n-1} * sd(d) / sqrt(n)`` (``sd`` with
    ``n - 1``); the interval is ``mean ± half``.

    Inputs: ``a``, ``b`` 1-D arrays of the same length (at least 2), one value per seed.
    Returns ``(mean, half)`` as floats.

    >>> mean, half = paired_interval([1.0, 2.0, 3.0], [0.0, 1.0, 1.0])
    >>> round(mean, 3), round(half, 3)
    (1.333, 1.434)
    """
    from scipy import stats

    a, b = _validate.paired(a, b)
    d = a - b
    half = stats.t.ppf((1 + level) / 2, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return float(d.mean()), float(half)


def plot_paired_differences(panels, baseline: str, methods, *, titles=("", "")):
    """Seed-by-seed differences ``method - baseline``, with their mean and 95 % interval.

    Inputs: ``panels`` a list of ``(values, scale, unit)``, one per panel, where ``values`` maps
    each method name to one value per seed; ``baseline`` the key subtracted; ``methods`` the keys
    plotted; ``titles`` one per panel. Returns the figure (dots: single seeds; diamonds:
    :func:`paired_interval`).
    """
    import matplotlib.pyplot as plt

    from .plotting import PALETTE

    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5), layout="constrained")
    for ax, (values, scale, unit), title in zip(np.atleast_1d(axes), panels, titles, strict=True):
        for j, m in enumerate(methods):
            a, b = _validate.paired(scale * np.asarray(values[m]),
                                    scale * np.asarray(values[baseline]))
            mean, half = paired_interval(a, b)
            ax.plot(j + np.linspace(-0.15, 0.15, len(a)), a - b, "o", alpha=0.6,
                    color=PALETTE[j % len(PALETTE)], label="single seeds" if j == 0 else None)
            ax.errorbar(j + 0.3, mean, yerr=half, fmt="D", color="k", capsize=5,
                        label="mean ± 95 % interval" if j == 0 else None)
        ax.axhline(0, color="k", ls="--", lw=1)
        ax.set_xticks(range(len(methods)), [m.replace("exponential", "expo-\nnential")
                                            for m in methods])
        ax.set(title=title, xlabel="method", ylabel=f"method − {baseline}, {unit}")
    fig.legend(*np.atleast_1d(axes)[0].get_legend_handles_labels(), loc="outside lower center",
               ncol=2)
    return fig


def plot_ema_choice(decays, trajectories, val_loss, last_test, ema_test, *, burn_in: int = 0):
    """Left: validation loss of each decay's EMA, per run and averaged; right: test loss of the
    chosen EMA against the last step, one dot per run.

    For each run and decay the EMA is that of steps ``burn_in + 1`` to ``T`` of the run's
    trajectory, started from a copy (:func:`ema_coefficients`); the last step's mean validation
    loss is drawn as a line.

    Inputs: ``decays`` (k,); ``trajectories`` (runs, T, p), one weight vector per step, oldest
    first; ``val_loss(w)`` the validation loss of one weight vector; ``last_test``, ``ema_test``
    (runs,) test losses of the last step and of the chosen EMA; ``burn_in`` the steps left out.
    Returns the figure.
    """
    import matplotlib.pyplot as plt

    from .plotting import PALETTE

    decays, trajectories, burn_in, last_test, ema_test = _validate.ema_choice(
        decays, trajectories, val_loss, burn_in, last_test, ema_test)
    steps = trajectories.shape[1] - burn_in
    val_by_decay = np.array([[val_loss(ema_coefficients(steps, d) @ t[burn_in:]) for d in decays]
                             for t in trajectories])                      # (runs, k)
    last_val = np.mean([val_loss(t[-1]) for t in trajectories])
    runs, x = len(trajectories), np.arange(len(decays))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
    ax1.plot(x, val_by_decay.T, color=PALETTE[0], alpha=0.25, lw=1)
    ax1.plot(x, val_by_decay.mean(axis=0), "o-", color=PALETTE[0], lw=2.5,
             label=f"EMA: mean over {runs} seeds (thin lines: single seeds)")
    ax1.axhline(last_val, color=PALETTE[3], ls="--", label=f"last step: mean over {runs} seeds")
    ax1.set_xticks(x, [f"{d}\n({1 / (1 - d):.0f})" for d in decays])
    ax1.set(title="Validation loss of the EMA by decay",
            xlabel=f"decay (memory ≈ 1/(1 − decay) steps); each EMA averages {steps} steps",
            ylabel="validation cross-entropy (nats)")
    ax2.scatter(last_test, ema_test, color=PALETTE[2], edgecolor="k", zorder=3,
                label="one seed: last step vs chosen EMA")
    lim = [min(ema_test.min(), last_test.min()) - 0.02, max(ema_test.max(), last_test.max()) + 0.02]
    ax2.plot(lim, lim, "k--", lw=1, label="no change")
    ax2.set(title="Test loss: EMA chosen on validation vs last step", xlim=lim, ylim=lim,
            xlabel="last step: test cross-entropy (nats)", ylabel="EMA: test cross-entropy (nats)")
    handles = [h for ax in (ax1, ax2) for h in ax.get_legend_handles_labels()[0]]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=9)
    return fig
