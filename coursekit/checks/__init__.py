"""Exercise checks: ``check_<exercise>(your_function)`` prints PASS, TODO or FAIL with a hint.

The checks live in one module per notebook and are all importable from here.
"""

from ._core import CheckResult, compare, run_checks
from .averaging import check_ema_update, check_exponential_weights, check_linear_weights
from .backprop import (
    check_affine_backward,
    check_centered_difference,
    check_relu_backward,
    check_softmax_cross_entropy,
)
from .dream import check_ascent_step, check_jittered_gradient, check_octave_sizes
from .initialization import check_conv_fans, check_he_normal, check_he_std
from .momentum import check_adam_step, check_ewa_corrected, check_momentum_step
from .regularization import check_inverted_dropout, check_l2_update, check_vanilla_dropout
from .start import check_relu
from .weights import check_freeze_all_but, check_matching_entries, check_torch_linear_to_keras

__all__ = [
    "CheckResult", "compare", "run_checks",
    # 00 start here
    "check_relu",
    # 01 backpropagation
    "check_affine_backward", "check_centered_difference", "check_relu_backward",
    "check_softmax_cross_entropy",
    # 02 initialisation
    "check_conv_fans", "check_he_normal", "check_he_std",
    # 03 regularisation
    "check_inverted_dropout", "check_l2_update", "check_vanilla_dropout",
    # 04 momentum
    "check_adam_step", "check_ewa_corrected", "check_momentum_step",
    # 05 DeepDream
    "check_ascent_step", "check_jittered_gradient", "check_octave_sizes",
    # 06 weight averaging
    "check_ema_update", "check_exponential_weights", "check_linear_weights",
    # 07 loading and editing weights
    "check_freeze_all_but", "check_matching_entries", "check_torch_linear_to_keras",
]
