"""Reference solutions to the exercises of notebook 05 (DeepDream).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
Images are tensors (1, 3, H, W) holding (pixel − 127) / 128, the network's input.
"""


def octave_sizes(height, width, octaves, scale):
    """The (h, w) of each octave, smallest first, each ``scale`` times smaller than the next.

    The last one is (height, width); sizes are rounded to the nearest integer.
    """
    return [(round(height / scale**k), round(width / scale**k))
            for k in range(octaves - 1, -1, -1)]


def map_sizes(sizes, stride):
    """The (h, w) of a layer's feature map for each image size in ``sizes``.

    The layer sits behind log2(stride) stride-2 stages with "same" padding: each halves the
    size and rounds *up* (a partly covered edge still gets an output), so overall the size is
    ceil(n / stride).
    """
    return [(-(-h // stride), -(-w // stride)) for h, w in sizes]


# The network's input range: (pixel - 127) / 128 for pixels 0 ... 255.
LOW, HIGH = -127 / 128, 128 / 128


def dream_steps(model, x, layer, shifts, step):
    """Gradient *ascent* on the pixels, one step per random shift, with PyTorch's autograd.

    Inputs: ``model`` (EfficientNet-Lite0, weights fixed), ``x`` a tensor (1, 3, H, W) holding
    (pixel − 127) / 128, ``layer`` the name of the layer whose mean squared activation to
    raise, ``shifts`` a list of (dy, dx) rolls, one per step, ``step`` how far the pixels move
    on average per step (in the same units as ``x``).
    Returns the new image tensor (1, 3, H, W), detached from the graph.
    """
    import torch  # NumPy-only solutions above; this one needs torch

    x = x.detach().clone()
    for dy, dx in shifts:
        rolled = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)  # a fresh leaf
        objective = model.features(rolled, layer).square().mean()
        (grad,) = torch.autograd.grad(objective, rolled)  # d objective / d pixels only
        grad = torch.roll(grad, (-dy, -dx), dims=(2, 3))  # back onto the original pixels
        x = (x + step * grad / grad.abs().mean()).clamp(LOW, HIGH)  # up, normalised, valid
    return x


def fgsm(model, x, label, eps):
    """One step of the fast gradient sign method (Goodfellow et al. 2015), untargeted.

    Inputs: ``model`` (in eval mode), ``x`` a tensor (1, 3, H, W) holding (pixel − 127) / 128,
    ``label`` the true class (an int), ``eps`` the step in grey levels.
    Returns x + eps/128 · sign(d loss / d x), loss = cross-entropy of ``label``, clamped to the
    valid range [LOW, HIGH]: every pixel and colour moves by at most ``eps`` grey levels.
    """
    import torch
    import torch.nn.functional as F

    x = x.detach().clone().requires_grad_(True)  # a fresh leaf: the gradient is w.r.t. pixels
    loss = F.cross_entropy(model(x), torch.tensor([label]))
    (grad,) = torch.autograd.grad(loss, x)  # no .grad left on the weights or on x
    return (x + eps / 128 * grad.sign()).clamp(LOW, HIGH).detach()  # up the loss, in range


def total_variation(x):
    """Anisotropic total variation of an image tensor ``x`` (1, 3, H, W), differentiable.

    The mean absolute difference between vertical neighbours plus that between horizontal
    neighbours, over all colours: small for smooth images, large for noisy ones.
    """
    vertical = x[..., 1:, :] - x[..., :-1, :]
    horizontal = x[..., :, 1:] - x[..., :, :-1]
    return vertical.abs().mean() + horizontal.abs().mean()
