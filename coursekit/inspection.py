"""Looking inside a PyTorch network: count it, size its memory, watch it train (notebook 08).

* :func:`parameter_table` lists the layers that own parameters, with their kind and count.
* :func:`training_memory` measures what training keeps besides the activations: the weights,
  their gradients and the optimizer's state (a momentum buffer, or Adam's two moments).
* :func:`saved_activation_bytes` measures the activations autograd keeps for the backward pass,
  with ``torch.autograd.graph.saved_tensors_hooks``.
* :class:`Monitor` records a training run step by step, per layer: the gradient norm, the
  update/weight ratio ‖Δw‖/‖w‖, the distance from the start ‖w − w₀‖/‖w₀‖, the fraction of dead
  ReLUs and BatchNorm's running variance. :func:`dashboard` draws what it recorded;
  :func:`compare_runs` draws several runs against a reference, one row of five panels each.
* :func:`digits_net` and :func:`train_monitored`: the small network and the plain SGD loop the
  notebook monitors.
* :func:`state_dict_changes` compares two ``state_dict`` s entry by entry: what a step changed.

Memory is counted in bytes: a float32 number takes 4, float16 and bfloat16 take 2.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict, defaultdict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import _validate

__all__ = [
    "parameter_table", "training_memory", "saved_activation_bytes", "Monitor", "dashboard",
    "compare_runs", "digits_net", "train_monitored", "state_dict_changes",
]

WEIGHTED = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)   # layers whose weights we watch
RELUS = (nn.ReLU, nn.ReLU6, nn.LeakyReLU)
NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def _kind(module: nn.Module) -> str:
    """A short name for a layer: "conv 3×3", "depthwise 5×5", "linear", "batchnorm", ..."""
    if isinstance(module, nn.Conv2d):
        k = "×".join(str(s) for s in module.kernel_size)
        depthwise = module.groups > 1 and module.groups == module.in_channels
        return f"{'depthwise' if depthwise else 'conv'} {k}"
    if isinstance(module, nn.Linear):
        return "linear"
    if isinstance(module, NORMS):
        return "batchnorm"
    return type(module).__name__.lower()


def parameter_table(model) -> list[dict]:
    """One row per layer that owns parameters, in the order of ``model.named_modules()``.

    Inputs: a ``torch.nn.Module``.
    Returns: a list of dicts with ``name`` (e.g. ``"_blocks.0._depthwise_conv"``), ``kind``
    (``"conv 3×3"``, ``"depthwise 3×3"``, ``"linear"``, ``"batchnorm"``, ...), ``shape`` (of its
    first parameter, the weight) and ``params`` (the numbers it owns: weight and bias, or
    BatchNorm's scale γ and shift β; running statistics are buffers, not parameters).

    >>> net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Flatten(), nn.Linear(8, 2))
    >>> [(row["kind"], row["params"]) for row in parameter_table(net)]
    [('conv 3×3', 224), ('batchnorm', 16), ('linear', 18)]
    """
    rows = []
    for name, module in _validate.torch_module(model).named_modules():
        own = list(module.parameters(recurse=False))
        if own:
            rows.append({"name": name, "kind": _kind(module), "shape": tuple(own[0].shape),
                         "params": sum(p.numel() for p in own)})
    return rows


def training_memory(model, optimizer) -> dict[str, int]:
    """Bytes that training keeps besides the activations, measured on the tensors themselves.

    Inputs: a model and its ``torch.optim`` optimizer, after at least one ``optimizer.step()``
    (the optimizer creates its state on the first step).
    Returns: ``{"weights": ..., "gradients": ..., "optimizer state": ...}`` in bytes; the state
    is every tensor in ``optimizer.state`` (SGD's momentum buffers, Adam's ``exp_avg`` and
    ``exp_avg_sq`` and its one-number ``step`` counters).

    >>> net = nn.Linear(10, 1)                                      # 11 parameters
    >>> opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    >>> net(torch.ones(1, 10)).sum().backward(); opt.step()
    >>> training_memory(net, opt)
    {'weights': 44, 'gradients': 44, 'optimizer state': 44}
    """
    model, optimizer = _validate.model_and_optimizer(model, optimizer)
    params = list(model.parameters())
    return {"weights": sum(p.nbytes for p in params),
            "gradients": sum(p.grad.nbytes for p in params if p.grad is not None),
            "optimizer state": sum(t.nbytes for state in optimizer.state.values()
                                   for t in state.values() if torch.is_tensor(t))}


def saved_activation_bytes(fn, model=None) -> tuple[int, object]:
    """Run ``fn()`` and measure the tensors autograd saves for the backward pass.

    Every tensor an operation saves (a layer's input, a ReLU's output, BatchNorm's batch
    statistics...) passes through the *pack* hook of ``saved_tensors_hooks``; we note the bytes
    of its storage, once per storage (several operations may keep the same tensor). Tensors
    that are ``model``'s parameters or buffers are left out: they are counted as weights.

    Inputs: ``fn``, a function without arguments that runs a forward pass and returns its
    result; optionally the ``model`` whose weights to leave out.
    Returns: ``(bytes kept, what fn returned)``; keep the result alive if you want to call
    ``backward`` on it.

    >>> w = torch.ones(1000, requires_grad=True)                    # 4,000 bytes
    >>> kept, y = saved_activation_bytes(lambda: (w * 2).tanh().sum())
    >>> kept                                                         # tanh keeps its output
    4000
    """
    _validate.function(fn, "fn", "a function without arguments that runs a forward pass")
    weights = [] if model is None else [*_validate.torch_module(model).parameters(),
                                        *model.buffers()]
    skip = {t.untyped_storage().data_ptr() for t in weights}
    kept = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in skip:
            kept[storage.data_ptr()] = storage.nbytes()
        return tensor                       # keep the tensor itself: nothing changes

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        result = fn()
    return sum(kept.values()), result


class Monitor:
    """Records a training run step by step, layer by layer.

    For every layer with a weight matrix (``Linear``, ``Conv``), per step:

    * ``grad_norm``: ‖∂L/∂W‖, the gradient's Frobenius norm;
    * ``update_ratio``: ‖W_after − W_before‖ / ‖W_before‖, what one optimizer step did
      relative to the weights (an order-of-magnitude rule of thumb puts it near 1e-3: the
      CS231n course notes, Karpathy 2016);
    * ``distance``: ‖W − W₀‖ / ‖W₀‖, how far the layer has moved from where it started;

    and ``loss``, ``dead`` (per ReLU module, the fraction of its units that output 0 for every
    example of the batch) and ``bn_var`` (per BatchNorm layer, the mean of its running variance).

    Use it around the optimizer's step::

        monitor = Monitor(model)
        ...
        loss.backward()
        with monitor.step(loss):     # gradient norms now, update ratios after the step
            optimizer.step()
        ...
        history = monitor.history()  # dict of NumPy arrays, one row per step
        monitor.remove()             # take the ReLU hooks off the model
    """

    def __init__(self, model):
        model = _validate.monitored_model(model, WEIGHTED)
        named = list(model.named_modules())
        self.layers = [(n, m) for n, m in named if isinstance(m, WEIGHTED)]
        self.relus = [(n, m) for n, m in named if isinstance(m, RELUS)]
        self.norms = [(n, m) for n, m in named if isinstance(m, NORMS) and m.track_running_stats]
        self._start = [m.weight.detach().clone() for _, m in self.layers]
        self._dead = {}
        self._hooks = [m.register_forward_hook(self._count_dead(n)) for n, m in self.relus]
        self._records = defaultdict(list)

    def _count_dead(self, name):
        def hook(module, inputs, output):
            # a unit (a feature, or a channel) is dead on this batch if it is 0 everywhere
            zero = (output.detach() == 0).transpose(0, 1).reshape(output.shape[1], -1)
            self._dead[name] = float(zero.all(dim=1).double().mean())
        return hook

    def step(self, loss):
        """Record this step: wrap ``optimizer.step()`` in it, after ``loss.backward()``.

        ``loss``: this step's loss (a number or a one-element tensor; NaN is recorded as such).
        """
        return self._record(_validate.loss(loss))

    @contextlib.contextmanager
    def _record(self, loss: float):
        weights = [m.weight for _, m in self.layers]
        before = [w.detach().clone() for w in weights]
        self._records["loss"].append(loss)
        self._records["grad_norm"].append(
            [float(w.grad.norm()) if w.grad is not None else 0.0 for w in weights])
        yield
        self._records["update_ratio"].append(
            [float((w.detach() - b).norm() / b.norm())
             for w, b in zip(weights, before, strict=True)])
        self._records["distance"].append(
            [float((w.detach() - s).norm() / s.norm())
             for w, s in zip(weights, self._start, strict=True)])
        self._records["dead"].append([self._dead.get(n, np.nan) for n, _ in self.relus])
        self._records["bn_var"].append([float(m.running_var.mean()) for _, m in self.norms])

    def history(self) -> dict:
        """What was recorded: ``loss`` (steps,), the other monitors (steps, layers), and the
        layer names under ``layers``, ``relus`` and ``norms``."""
        out = {k: np.array(v, dtype=float) for k, v in self._records.items()}
        out.update(layers=[n for n, _ in self.layers], relus=[n for n, _ in self.relus],
                   norms=[n for n, _ in self.norms])
        return out

    def remove(self) -> None:
        """Remove the hooks this monitor put on the model's ReLU modules."""
        for handle in self._hooks:
            handle.remove()
        self._hooks = []


def digits_net(seed: int = 0) -> nn.Sequential:
    """The small network the notebook trains on the 8×8 digits, in float64.

    ``fc1`` Linear(64, 64) → ``bn1`` BatchNorm → ReLU → ``fc2`` Linear(64, 64) → ReLU → ``fc3``
    Linear(64, 10), with PyTorch's
    default initialisation drawn from ``torch.manual_seed(seed)``.
    """
    seed = _validate.positive_int(seed, "seed", minimum=0)
    torch.manual_seed(seed)
    layers = [("fc1", nn.Linear(64, 64)), ("bn1", nn.BatchNorm1d(64)), ("relu1", nn.ReLU()),
              ("fc2", nn.Linear(64, 64)), ("relu2", nn.ReLU()), ("fc3", nn.Linear(64, 10))]
    return nn.Sequential(OrderedDict(layers)).double()


def train_monitored(net, X, y, *, lr: float, steps: int = 150, batch_size: int = 64,
                    momentum: float = 0.9, seed: int = 0, zero_grad: bool = True,
                    train_mode: bool = True) -> dict:
    """Train ``net`` with SGD + momentum on random mini-batches and record it with a Monitor.

    Inputs: a model, ``X`` (N, D) and integer labels ``y`` (N,) (NumPy or torch), the learning
    rate, the number of steps. ``zero_grad=False`` and ``train_mode=False`` reproduce two
    classic bugs: gradients that are never reset, and a model left in ``eval()`` mode.
    Returns: the monitor's history (see :class:`Monitor`). Runs on one thread, so a float64 run
    gives the same numbers on any CPU.
    """
    X, y = _validate.training_data(net, X, y)
    lr = _validate.positive(lr, "lr")
    steps, batch_size = (_validate.positive_int(steps, "steps"),
                         _validate.positive_int(batch_size, "batch_size"))
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    generator = torch.Generator().manual_seed(seed)
    monitor = Monitor(net)
    net.train(train_mode)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for step in range(steps):
            batch = torch.randint(0, len(y), (batch_size,), generator=generator)
            loss = F.cross_entropy(net(X[batch]), y[batch])
            if zero_grad or step == 0:
                optimizer.zero_grad()
            loss.backward()
            with monitor.step(loss):
                optimizer.step()
    finally:
        torch.set_num_threads(threads)
        monitor.remove()
    return monitor.history()


def dashboard(history: dict, *, title: str = "Training monitors", reference: dict | None = None,
              axes=None):
    """Draw a :class:`Monitor`'s history on six panels and return the figure.

    Loss; gradient norm, update/weight ratio and distance from the start per layer; dead ReLUs
    per ReLU; BatchNorm's running variance. ``reference`` (another history) is drawn in grey
    behind it, e.g. a healthy run. ``axes``: six matplotlib axes to draw on (default: a new
    2 × 3 figure).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogLocator, NullFormatter

    from .plotting import PALETTE

    history = _validate.history(history, "history")
    if axes is None:
        fig, axes = plt.subplots(2, 3, figsize=(14, 7.5), layout="constrained")
        fig.suptitle(title)
        axes = axes.ravel()
    panels = [("loss", "training loss", "cross-entropy (nats)", "log", None),
              ("grad_norm", "gradient norm per layer", "‖∂L/∂W‖", "log", "layers"),
              ("update_ratio", "update/weight ratio per layer", "‖ΔW‖ / ‖W‖", "log", "layers"),
              ("distance", "distance from the start per layer", "‖W − W₀‖ / ‖W₀‖", "linear",
               "layers"),
              ("dead", "dead ReLU units", "fraction of the units", "linear", "relus"),
              ("bn_var", "BatchNorm running variance", "mean over channels", "log", "norms")]
    for ax, (key, label, ylabel, scale, names) in zip(axes, panels, strict=True):
        for run, grey in ((reference, True), (history, False)):
            if run is None:
                continue
            values = run[key].reshape(len(run["loss"]), -1)
            for j in range(values.shape[1]):
                tag = "loss" if names is None else run[names][j]
                ax.plot(values[:, j], color="0.75" if grey else PALETTE[j % len(PALETTE)],
                        lw=2.5 if grey else 1.6,
                        label=("healthy run" if j == 0 else None) if grey else tag)
        if key == "loss":
            ax.axhline(np.log(10), color="k", ls=":", lw=1, label="ln 10 (chance, 10 classes)")
        if key == "update_ratio":
            ax.axhline(1e-3, color="k", ls=":", lw=1, label="1e-3 (rule of thumb)")
        if key == "dead":
            ax.set_ylim(-0.03, 1.03)
        ax.set(yscale=scale, title=label, xlabel="step", ylabel=ylabel)
        if scale == "log":                       # few tick labels: decades, or 2 and 5 within one
            low, high = ax.get_ylim()
            if high / low >= 10:
                ax.yaxis.set_minor_formatter(NullFormatter())
            else:
                ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        ax.legend(fontsize=8)
    return axes[0].figure


#: the panels of :func:`compare_runs`: (monitor, title, one number per step, y-range)
_COMPARED = [
    ("loss", "loss", lambda v: v, (1e-2, 1e2)),
    ("grad_norm", "grad_norm: sum over layers", lambda v: v.sum(axis=1), (1e-2, 1e3)),
    ("update_ratio", "update_ratio: median", lambda v: np.median(v, axis=1), (1e-4, 1)),
    ("dead", "dead: largest ReLU fraction", lambda v: v.max(axis=1), (-0.03, 1.03)),
    ("bn_var", "bn_var: BatchNorm running var.", lambda v: v[:, 0], (0.1, 1e6)),
]


def compare_runs(runs: dict, reference: dict, *, title: str = "Runs against a reference",
                 reference_label: str = "healthy"):
    """Draw several runs against a reference run, one row of five panels per run; return the
    figure.

    Inputs: ``runs``, run name -> a :class:`Monitor` history (what :func:`train_monitored`
    returns); ``reference``, one more history, drawn in grey in every panel and labelled
    ``reference_label`` (e.g. a healthy run).
    Each panel reduces a monitor to one number per step: the loss; the gradient norm summed over
    the layers; the median update/weight ratio; the largest fraction of dead ReLUs; the first
    BatchNorm layer's mean running variance. Fixed y-ranges (log scales but for the dead ReLUs)
    make the rows comparable.
    """
    import matplotlib.pyplot as plt

    from .plotting import PALETTE

    runs, reference = _validate.runs(runs, reference)
    fig, axes = plt.subplots(len(runs), len(_COMPARED), figsize=(16, 2.5 * len(runs)),
                             sharex=True, layout="constrained", squeeze=False)
    for row, (run, history) in zip(axes, runs.items(), strict=True):
        for ax, (key, label, reduce, limits) in zip(row, _COMPARED, strict=True):
            ax.plot(reduce(reference[key]), color="0.7", lw=2.5, label=reference_label)
            ax.plot(reduce(history[key]), color=PALETTE[0], lw=1.5, label=f"run {run}")
            ax.set_yscale("linear" if key == "dead" else "log")
            ax.set_ylim(*limits)
            ax.set_title(f"{run}: {label}", fontsize=11)
        row[0].legend(fontsize=9)
        row[0].set_ylabel(f"run {run}")
    for ax in axes[-1]:
        ax.set_xlabel("step")
    fig.suptitle(title)
    return fig


def state_dict_changes(before, after) -> dict[str, float]:
    """Which entries of a ``state_dict`` changed, and by how much.

    Inputs: two state dicts (name → tensor) with the same names and shapes, e.g. copied
    before and after an optimizer step (``{k: v.clone() for k, v in model.state_dict().items()}``).
    Returns: name → ‖after − before‖ / ‖before‖ (0.0 exactly when the entry did not change; the
    absolute change ‖after − before‖ when ``before`` is all zeros).

    >>> net = nn.Linear(2, 1)
    >>> before = {k: v.clone() for k, v in net.state_dict().items()}
    >>> with torch.no_grad():
    ...     net.bias += 1.0
    >>> {k: v > 0 for k, v in state_dict_changes(before, net.state_dict()).items()}
    {'weight': False, 'bias': True}
    """
    before, after = _validate.state_dicts(before, after)
    changes = {}
    for name, old in before.items():
        old, new = old.detach().double(), after[name].detach().double()
        size = float(old.norm())
        changes[name] = float((new - old).norm()) / (size if size > 0 else 1.0)
    return changes
