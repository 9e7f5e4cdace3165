"""Reference solutions to the exercises of notebook 05 (DeepDream).

Try the exercises first: the checks tell you what is wrong without giving the answer away.
Images and gradients here are NumPy arrays of shape (H, W, 3).
"""

import numpy as np


def ascent_step(x, grad, step_size):
    """One step of gradient *ascent* with the gradient normalised by its mean absolute value.

    Every pixel moves by ``step_size`` on average, however large or small the raw gradient is.
    """
    return x + step_size * grad / np.abs(grad).mean()


def jittered_gradient(grad_fn, x, dy, dx):
    """The gradient at ``x`` computed on the image rolled by (dy, dx) pixels, rolled back.

    ``grad_fn`` maps an image (H, W, 3) to the gradient of the objective there (same shape).
    """
    rolled = np.roll(x, (dy, dx), axis=(0, 1))
    return np.roll(grad_fn(rolled), (-dy, -dx), axis=(0, 1))


def octave_sizes(height, width, octaves, scale):
    """The (h, w) of each octave, smallest first, each ``scale`` times smaller than the next.

    The last one is (height, width); sizes are rounded to the nearest integer.
    """
    return [(round(height / scale**k), round(width / scale**k))
            for k in range(octaves - 1, -1, -1)]
