"""Which framework does an object come from, and an eval-mode context (private helpers).

The checks look the frameworks up in ``sys.modules`` instead of importing them: an object can
only be a torch tensor or a Keras model if that framework has already been imported, and
importing TensorFlow just to answer "no" would cost seconds.
"""

from __future__ import annotations

import contextlib
import sys


def is_tensor(obj) -> bool:
    """True for a ``torch.Tensor``."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.Tensor)


def is_torch_module(obj) -> bool:
    """True for a ``torch.nn.Module``."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.nn.Module)


def is_keras_model(obj) -> bool:
    """True for a ``keras.Model``."""
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(obj, keras.Model)


def is_keras_like(obj) -> bool:
    """True for a Keras model, or anything that has its ``layers`` and ``get_layer``."""
    return is_keras_model(obj) or (hasattr(obj, "layers") and hasattr(obj, "get_layer")
                                   and not is_torch_module(obj))


@contextlib.contextmanager
def eval_mode(model):
    """Run the block with the torch ``model`` in eval mode and without gradients; restore its
    training flag afterwards, even if the block raises."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)
