"""The bad-input contract, declared as one table.

Every row is (callable, bad positional arguments, bad keyword arguments, the error type, a
regex the message must match). The contract: bad input to a public entry point gets a
``TypeError`` or ``ValueError`` that names what was expected, never an error from deep inside
NumPy or PyTorch and never a silently wrong result.

The public entry points are the names in ``__all__`` of the teaching modules (``__all__`` *is*
the public API), the public methods of their classes, and the student-facing entry points of
``coursekit`` outside them (``setup``, the exercise checks, a widget). ``test_the_table_covers_
every_public_entry_point`` fails when a new public function has no row.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import numpy as np
import pytest
import torch

import coursekit
from coursekit import (
    averaging,
    checkpoints,
    checks,
    data,
    deepstats,
    dream,
    experiments,
    gradcheck,
    init,
    inspection,
    nn,
    optim,
    plotting,
    regularization,
    weights,
)
from coursekit import ewa as ewa_module
from coursekit.checks import backprop as backprop_checks
from coursekit.checks import initialization as initialization_checks
from coursekit.checks import inside as inside_checks
from coursekit.efficientnet import EfficientNetLite0
from coursekit.widgets import inside as inside_widget
from coursekit.widgets import start as neuron

#: the modules a notebook tells a student to open, plus the experiments they run
TEACHING_MODULES = (
    "nn", "gradcheck", "init", "deepstats", "regularization", "ewa", "optim", "averaging",
    "checkpoints", "dream", "efficientnet", "weights", "data", "plotting", "experiments",
    "inspection",
)
#: public callables that take no argument, or whose arguments are another library's
NO_ROW_NEEDED = {
    "coursekit.averaging.keras_float64": "takes no argument",
    "coursekit.dream.class_names": "takes no argument",
    "coursekit.dream.weights_path": "takes no argument",
    "coursekit.data.digits_path": "takes no argument",
    "coursekit.plotting.use_style": "takes no argument",
    "coursekit.efficientnet.EfficientNetLite0.forward": "a torch module is called as model(x); "
                                                       "torch reports a bad x itself",
    "coursekit.inspection.Monitor.history": "takes no argument",
    "coursekit.inspection.Monitor.remove": "takes no argument",
}

NET = nn.MLP([4, 3], seed=0)                 # a valid network for the method rows
EFFNET = EfficientNetLite0()                 # untrained: enough for the argument checks
IMAGE = np.zeros((64, 64, 3), np.uint8)
X2 = np.ones((2, 3))
NOT_A_FUNCTION = r"pass your function itself to the check \(argument student_fn\)"


@dataclasses.dataclass(frozen=True)
class Bad:
    """One row of the contract: ``func(*args, **kwargs)`` raises ``error`` matching ``match``."""

    func: object
    args: tuple
    kwargs: dict
    error: type
    match: str


def bad(func, *args, error=ValueError, match, **kwargs) -> Bad:
    return Bad(func, args, kwargs, error, match)


def _name(func) -> str:
    func = getattr(func, "__func__", func)
    return f"{func.__module__}.{func.__qualname__}"


def _exercise_checks() -> list:
    """Every ``check_<exercise>`` function defined in a module of ``coursekit.checks``."""
    found = []
    for info in pkgutil.iter_modules(checks.__path__):
        module = importlib.import_module(f"coursekit.checks.{info.name}")
        found += [obj for name, obj in sorted(vars(module).items()) if name.startswith("check_")
                  and inspect.isfunction(obj) and obj.__module__ == module.__name__]
    return found


#: checks that take the student's answer (a name), not a function
ANSWER_CHECKS = {backprop_checks.check_planted_bug, inside_checks.check_diagnosis,
                 initialization_checks.check_prediction}
MONITOR = inspection.Monitor(torch.nn.Linear(2, 2))

CONTRACT = [
    # ---- nn
    bad(nn.affine_forward, X2, np.ones((4, 5)), np.zeros(5), match="W must have 3 rows"),
    bad(nn.affine_forward, X2, np.ones((3, 5)), np.zeros(4), match="b must have 5"),
    bad(nn.affine_forward, "abc", np.ones((3, 5)), np.zeros(5), error=TypeError,
        match="x must be a numeric array"),
    bad(nn.affine_backward, np.ones((2, 4)), (X2, np.ones((3, 5))), match="dout must have"),
    bad(nn.affine_backward, np.ones((2, 5)), X2, error=TypeError, match="cache must be the"),
    bad(nn.activation_forward, np.ones(3), "softplus", match="activation must be one of"),
    bad(nn.activation_backward, X2, "relu", error=TypeError, match="cache must be the"),
    bad(nn.activation_backward, np.ones((3, 2)), nn.activation_forward(X2, "relu")[1],
        match="da must have the shape"),
    bad(nn.softmax, np.ones(3), match="logits must have 2 dimensions"),
    bad(nn.softmax, [["a", "b"]], error=TypeError, match="logits must be a numeric array"),
    bad(nn.softmax_cross_entropy, np.ones((2, 3)), [0, 3], match=r"y must lie in \[0, 2\]"),
    bad(nn.softmax_cross_entropy, np.ones(3), [0], match="logits must have 2 dimensions"),
    bad(nn.batchnorm_forward, np.ones(3), match="x must have 2 dimensions"),
    bad(nn.batchnorm_backward, X2, X2, error=TypeError, match="cache must be the"),
    bad(nn.MLP, [2], match="sizes must be a list"),
    bad(nn.MLP, [2, 3], activation="gelu", match="activation must be one of"),
    bad(nn.MLP, [2, 3], seed=-1, match="seed must be at least 0"),
    bad(NET.forward, np.ones((5, 3)), match="X must have 4 columns"),
    bad(NET.predict, np.ones(4), match="X must have 2 dimensions"),
    bad(NET.accuracy, np.ones((5, 4)), [0, 1, 2, 0], match="y has 4 labels"),
    bad(NET.loss_and_grads, np.ones((2, 4)), [0, 1], l2=-1.0, match=r"l2 must lie in \[0"),
    # ---- gradcheck
    bad(gradcheck.numerical_gradient, 3, np.ones(2), error=TypeError, match="f must be a function"),
    bad(gradcheck.numerical_gradient, np.sum, [1.0, 2.0], error=TypeError,
        match="x must be a floating-point numpy array"),
    bad(gradcheck.numerical_gradient, np.sum, np.ones(2), h=0, match=r"h must lie in \(0"),
    bad(gradcheck.relative_error, np.ones(2), np.ones(3), match="g and n must have the same shape"),
    bad(gradcheck.relative_error, np.ones(2), "x", error=TypeError, match="n must be a numeric"),
    # ---- init
    bad(init.fans, (3,), match="shape must have at least 2 dimensions"),
    bad(init.fans, "3x3", error=TypeError, match="shape must be a tuple of ints"),
    bad(init.expected_std, "he_normal", 0, 3, match="fan_in must be at least 1"),
    bad(init.expected_std, "kaiming", 3, 3, match="scheme must be one of"),
    bad(init.initialize, (3, 3), "constant", error=TypeError, match="needs the keyword argument"),
    bad(init.initialize, (3, 3), "he_normal", gain=2.0, error=TypeError,
        match="takes no argument"),
    bad(init.initialize, (3, 3), "normal", rng="seed", error=TypeError, match="rng must be None"),
    bad(init.to_torch, "uniform", bound=-1.0, match="bound must lie in"),
    bad(init.to_torch("he_normal"), torch.zeros(3), match="tensor must have at least 2"),
    bad(init.to_keras, "xavier_normal", gain=0.0, match="gain must lie in"),
    bad(init.deep_relu_mlp, "he", error=TypeError, match="rule must be"),
    bad(init.deep_relu_mlp, lambda m: None, depth=1, match="depth must be at least 2"),
    bad(init.linear_output_stds, [1, 2], torch.zeros(2, 64), error=TypeError,
        match="net must be a torch.nn.Sequential"),
    bad(init.train_minibatches, torch.nn.Sequential(), None, torch.zeros(4, 2), None, steps=2,
        batch=8, match="batch must be at most"),
    # ---- deepstats
    bad(deepstats.layer_stats, "he_normal", "gelu", match="activation must be one of"),
    bad(deepstats.layer_stats, "he_normal", "relu", 5, 8, keep=(6,), match="keep entries"),
    bad(deepstats.theory_std, "he_normal", "relu", 0, match="depth must be at least 1"),
    bad(deepstats.theory_std, "he_normal", "relu", width=1, match="width must be at least 2"),
    # ---- regularization
    bad(regularization.l2_penalty, np.ones(3), 0.1, error=TypeError,
        match="params must be a dict or a list"),
    bad(regularization.l2_penalty, [np.ones(3)], -0.1, match=r"lam must lie in \[0"),
    bad(regularization.l2_gradient, np.ones(3), "0.1", error=TypeError, match="lam must be a real"),
    bad(regularization.l1_penalty, {"W": np.ones(2)}, np.inf, match="lam must be finite"),
    bad(regularization.l1_gradient, ["a", "b"], 0.1, error=TypeError, match="W must be a numeric"),
    bad(regularization.max_norm, np.ones((2, 2)), 0.0, match=r"c must lie in \(0"),
    bad(regularization.max_norm, np.ones((2, 2)), 1.0, axis=2, match="axis must be an axis of W"),
    bad(regularization.dropout, np.ones(3), 1.0, match=r"rate must lie in \[0, 1\)"),
    bad(regularization.dropout, np.ones(3), 0.5, training="no", error=TypeError,
        match="training must be True or False"),
    bad(regularization.train_settings, {"L2": 0.1}, np.ones((4, 2)), [0, 1, 0, 1], None, None,
        error=TypeError, match=r"settings\['L2'\] must be a pair \(lam, rate\)"),
    bad(regularization.train_settings, {"drop": (0.0, 1.0)}, np.ones((4, 2)), [0, 1, 0, 1],
        None, None, match=r"rate must lie in \[0, 1\)"),
    bad(regularization.plot_accuracy_grid, {"L2 λ=0.1": [0.8]}, [0.8], {}, error=TypeError,
        match="val_acc must be a dict"),
    bad(regularization.plot_accuracy_grid, {"a": [0.8]}, {"b": [0.8]}, {},
        match="must name the same settings"),
    bad(regularization.plot_regions, {"f": len}, np.ones((3, 3)), [0, 1, 0], len,
        match="X must have 2 columns"),
    bad(regularization.plot_regions, {"f": "not a function"}, np.ones((3, 2)), [0, 1, 0], len,
        error=TypeError, match=r"classifiers\['f'\] must be"),
    # ---- ewa
    bad(ewa_module.ewa, [1.0, 2.0], 1.5, match=r"beta must lie in \[0, 1\)"),
    bad(ewa_module.ewa, [], 0.9, match="values must hold at least one time step"),
    bad(ewa_module.ewa, [1.0], 0.9, bias_correction="yes", error=TypeError,
        match="bias_correction must be True or False"),
    bad(ewa_module.ewa_weights, 0.9, 0, match="n must be at least 1"),
    bad(ewa_module.effective_window, 1.0, match="beta must lie in"),
    # ---- optim
    bad(optim.sgd_momentum, lambda x: x, [1.0], lr=0.1, beta=0.9, steps=3, form="nesterov",
        match="form must be one of"),
    bad(optim.sgd_momentum, "grad", [1.0], lr=0.1, beta=0.9, steps=3, error=TypeError,
        match="grad_fn must be a function"),
    bad(optim.sgd_momentum, lambda x: x[:1], [1.0, 2.0], lr=0.1, beta=0.9, steps=3,
        match="grad_fn must return an array of x's shape"),
    bad(optim.sgd_momentum, lambda x: x, [1.0], lr=[0.1, 0.2], beta=0.9, steps=3,
        match="one learning rate per step"),
    bad(optim.sgd_momentum, lambda x: x, [1.0], lr=0.1, beta=0.9, steps=3, nesterov=1,
        error=TypeError, match="nesterov must be True or False"),
    bad(optim.adam, lambda x: x, [1.0], betas=0.9, steps=3, match="betas must be a pair"),
    bad(optim.adam, lambda x: x, [1.0], steps=3, weight_decay=-1.0,
        match=r"weight_decay must lie in \[0"),
    bad(optim.adam, lambda x: x, [], steps=3, match="x0 must hold at least one number"),
    bad(optim.quadratic, [1.0, -1.0], match="eigenvalues must be a non-empty list of positive"),
    bad(optim.quadratic([1.0, 2.0])[1], [1.0], match=r"x must have shape \(2,\)"),
    bad(optim.optimal_gd, [], match="eigenvalues must be a non-empty"),
    bad(optim.optimal_momentum, [[1.0]], match="eigenvalues must have 1 dimensions"),
    bad(optim.relative_errors, np.ones((3, 2)), np.ones(2), match="iterates\\[0\\] is already"),
    bad(optim.iterations_to, [1.0, 0.5], 0.1, match="errors never reach tol"),
    bad(optim.torch_iterates, "SGD", [1.0], [1.0], 3, error=TypeError,
        match="make_optimizer must be a function"),
    bad(optim.keras_iterates, None, [1.0, 2.0], [1.0], 3, match=r"x0 must have shape \(2,\)"),
    bad(optim.measured_rate, [1.0, 0.5], 0, 2, match=r"stop must be < len\(errors\)"),
    # ---- averaging
    bad(averaging.scheme_weights, 3, "exponential", match="decay is required"),
    bad(averaging.scheme_weights, 3, "linear", decay=0.5, match="decay is only used"),
    bad(averaging.ema_coefficients, 0, 0.9, match="n must be"),
    bad(averaging.train_noisy, np.ones((3, 2)), [0, 1], 0, match="2 labels but"),
    bad(averaging.train_noisy, np.ones((2, 2)), [0, 1], 0, decay=1.0, match="decay must"),
    bad(averaging.ema_coefficients, 3, 1.5, match="decay must"),
    bad(averaging.paired_interval, [1.0, 2.0], [1.0, 2.0, 3.0], match="same shape"),
    bad(averaging.paired_interval, [1.0], [2.0], match="at least 2"),
    bad(averaging.tutorial_network, np.ones(3), [0, 1, 2], None, match="X must have 2 dimensions"),
    bad(averaging.tutorial_network, np.ones((3, 2)), [0, 1, 2], None, width=0,
        match="width must be at least 1"),
    bad(averaging.plot_paired_differences, [({"a": [1.0], "b": [2.0]}, 1, "u")], "b", ["a"],
        titles=("t",), match="at least 2"),
    bad(averaging.plot_ema_choice, [0.9, 0.99], np.ones((3, 3)), np.sum, np.ones(3),
        np.ones(3), match="trajectories must have 3 dimensions"),
    bad(averaging.plot_ema_choice, [0.9, 0.99], np.ones((3, 4, 2)), np.sum, np.ones(3),
        np.ones(3), burn_in=4, match="burn_in must be below the 4 steps"),
    bad(averaging.plot_ema_choice, [0.9, 0.99], np.ones((3, 4, 2)), np.sum, np.ones(2),
        np.ones(2), match="one value per trajectory"),
    bad(averaging.average_weights, [[np.ones(2)], [np.ones(3)]],
        match=r"snapshots do not match at array 0: shape \(2,\)"),
    bad(averaging.average_weights, [{"w": np.ones(2)}, {"v": np.ones(2)}],
        match="different keys"),
    bad(averaging.average_weights, [[np.ones(2)]], weights=[0.5, 0.5],
        match="weights has 2 coefficients for 1 snapshots"),
    bad(averaging.average_weights, {"w": np.ones(2)}, error=TypeError,
        match="snapshots must be a list of snapshots"),
    bad(averaging.restart, 0, None, None, 0, 5, match="n_points must be at least 1"),
    bad(averaging.restart, 0, None, None, 10, 2.5, error=TypeError,
        match="epochs must be an integer"),
    bad(averaging.keras_layout, np.ones(10), match="has 153 weights, got a vector of 10"),
    bad(averaging.keras_layout, np.ones(153), sizes=(2, 25), error=TypeError,
        match="sizes must be"),
    # ---- checkpoints
    bad(checkpoints.checkpoint_path, "model.pkl", match="filename must end with one of"),
    bad(checkpoints.checkpoint_path, "a/model.npz", match="plain file name"),
    bad(checkpoints.checkpoint_path, "model.npz", folder="../up", match="no '..'"),
    bad(checkpoints.atomic_write, "x.npz", "not callable", error=TypeError,
        match="write must be a function"),
    bad(checkpoints.save_checkpoint, {"w": np.ones(2)}, "w.npz", error=TypeError,
        match="a .npz checkpoint holds a Keras weight list"),
    bad(checkpoints.save_checkpoint, [np.ones(2)], "w.keras", error=TypeError,
        match="a .keras checkpoint holds a Keras model"),
    bad(checkpoints.load_checkpoint, "w.npz", model=NET, match="model is only used for"),
    # ---- dream
    bad(dream.load_pretrained, 3, error=TypeError, match="path must be a file path"),
    bad(dream.classify, torch.nn.Linear(2, 2), IMAGE, error=TypeError,
        match="model must be the network from coursekit.dream.load_pretrained"),
    bad(dream.classify, EFFNET, IMAGE, top=1001, match="top must be at most 1000"),
    bad(dream.preprocess, (IMAGE + 128) / 255.0, match=r"image looks like floats in \[0, 1\]"),
    bad(dream.preprocess, IMAGE[..., 0], match=r"image must be an RGB image of shape \(H, W, 3\)"),
    bad(dream.preprocess, IMAGE.tolist(), error=TypeError, match="image must be a numpy array"),
    bad(dream.deprocess, np.zeros((1, 3, 4, 4)), error=TypeError, match="x must be a tensor"),
    bad(dream.deprocess, torch.zeros(1, 4, 4), match="x must be a tensor of shape"),
    bad(dream.resize, IMAGE, 20, match=r"size must be \(height, width\)"),
    bad(dream.octave_sizes, 100, 100, 3, octave_scale=1.0, match="octave_scale must lie in"),
    bad(dream.objective, EFFNET, IMAGE, "logits", match="layer='logits' needs a channel"),
    bad(dream.objective, EFFNET, IMAGE, "block3", channel=10_000, match="channel must be below"),
    bad(dream.deepdream, EFFNET, IMAGE, "block99", match="layer must be one of"),
    bad(dream.deepdream, EFFNET, IMAGE, "block8", seed="0", error=TypeError,
        match="seed must be an int or a numpy.random.Generator"),
    bad(dream.deepdream, EFFNET, IMAGE, "block8", octaves=6, match="too small for octaves=6"),
    bad(dream.deepdream, EFFNET, IMAGE, "block8", normalize=1, error=TypeError,
        match="normalize must be True or False"),
    bad(dream.deepdream, EFFNET, IMAGE, "block8", prior="tv", error=TypeError,
        match="prior must be None or a function"),
    bad(dream.deepdream, EFFNET, IMAGE, "block8", octaves=1, steps=1, prior=lambda x: 0.0,
        match="prior must return a scalar tensor"),
    bad(dream.plot_attack, IMAGE, IMAGE, [1, 2], [0.1, 0.2], np.full((3, 3), 0.5), 0.4,
        match="one value per epsilon"),
    bad(dream.plot_attack, IMAGE, IMAGE[:4], [1], [0.1], [[0.5]], 0.4,
        match="attacked and photo must have the same shape"),
    bad(dream.plot_dream, IMAGE, IMAGE, np.zeros((4, 10)), "block8", 2.0,
        match="history must be the positive objective"),
    bad(EfficientNetLite0, num_classes=0, match="num_classes must be at least 1"),
    bad(EfficientNetLite0, dropout=1.0, match=r"dropout must lie in \[0, 1\)"),
    bad(EFFNET.features, torch.zeros(1, 3, 32, 32), "block99", match="layer must be one of"),
    # ---- weights
    bad(weights.compare_state_dict, [1, 2], {}, error=TypeError,
        match="model must be a torch.nn.Module, a Keras model or a mapping"),
    bad(weights.compare_state_dict, {}, {1: np.ones(2)}, error=TypeError,
        match="state_dict must have string keys"),
    bad(weights.load_matching, {"w": np.ones(2)}, {}, error=TypeError,
        match="model must be a torch.nn.Module.*copy_layers_by_name"),
    bad(weights.copy_layers_by_name, torch.nn.Linear(2, 2), None, error=TypeError,
        match="source must be a Keras model"),
    bad(weights.load_weights_file, "model.pkl", match="not a weights file this function reads"),
    bad(weights.load_weights_file, 3, error=TypeError, match="path must be a str or pathlib.Path"),
    bad(weights.placed_digits, np.ones((10, 64)), torch.arange(10), error=TypeError,
        match="images must be a float tensor of shape"),
    bad(weights.placed_digits, torch.rand(10, 64), torch.arange(10), n_per_class=2,
        match="one class has only 1 images"),
    bad(weights.extract_features, torch.nn.Linear(2, 2), np.ones((2, 2)),
        match="images must have 4 dimensions"),
    bad(weights.extract_features, torch.nn.Linear(2, 2), np.ones((1, 1, 1, 2)), layer="head",
        match="layer 'head' is not a submodule"),
    bad(weights.extract_features, "model", np.ones((1, 1, 1, 2)), error=TypeError,
        match="model must be a torch.nn.Module"),
    # ---- inspection
    bad(inspection.parameter_table, [1, 2], error=TypeError,
        match="model must be a torch.nn.Module"),
    bad(inspection.training_memory, torch.nn.Linear(2, 2), "adam", error=TypeError,
        match="optimizer must be a torch.optim optimizer"),
    bad(inspection.saved_activation_bytes, 3, error=TypeError,
        match="fn must be a function without arguments"),
    bad(inspection.Monitor, torch.nn.ReLU(), match="model has no Linear or Conv layer"),
    bad(MONITOR.step, "0.3", error=TypeError, match="loss must be a number or a one-element"),
    bad(inspection.dashboard, {"loss": []}, error=TypeError,
        match="history must be what Monitor.history"),
    bad(inspection.compare_runs, {}, {"loss": []}, error=TypeError,
        match="runs must be a non-empty dict"),
    bad(inspection.compare_runs, {"A": {"loss": []}}, {"loss": []}, error=TypeError,
        match=r"runs\['A'\] must be what Monitor.history"),
    bad(inspection.digits_net, -1, match="seed must be at least 0"),
    bad(inspection.train_monitored, torch.nn.Linear(64, 10), np.ones((4, 3)), [0, 1, 0, 1],
        lr=0.1, match="X must have 64 columns"),
    bad(inspection.train_monitored, torch.nn.Linear(64, 10), np.ones((4, 64)), [0, 1, 0, 1],
        lr=0.0, match=r"lr must lie in \(0"),
    bad(inspection.state_dict_changes, {"a": torch.ones(2)}, {"b": torch.ones(2)},
        match="before and after must have the same entries"),
    bad(inspection.state_dict_changes, {"a": torch.ones(2)}, {"a": torch.ones(3)},
        match="'a' has shape"),
    # ---- data
    bad(data.output_dir, 3, error=TypeError, match="name must be a folder name"),
    bad(data.output_dir, "../escape", match="name must be a folder inside outputs/"),
    bad(data.sha256, 1.5, error=TypeError, match="path must be a file path"),
    bad(data.sample_image_path, "lena", match="name must be one of"),
    bad(data.sample_image, "lena", match="name must be one of"),
    bad(data.verify, data.DATA_DIR / "absent.bin", "0" * 64, "the test file", "somepackage",
        error=FileNotFoundError, match="pip install somepackage"),
    bad(data.verify, data.DATA_DIR / "README.md", "0" * 64, "the test file", "somepackage",
        match="the test file .* corrupted and was not read; reinstall somepackage"),
    bad(data.blobs, n_samples=100, n_train=100, match="n_train must be smaller"),
    bad(data.blobs, return_centers="yes", error=TypeError, match="return_centers must be True"),
    bad(data.digits, test_fraction=1.0, match=r"test_fraction must lie in \(0, 1\)"),
    # ---- plotting
    bad(plotting.line_plot, {}, title="t", xlabel="x (steps)", ylabel="y", match="curves must"),
    bad(plotting.line_plot, {"a": [1, 2]}, title="", xlabel="x (steps)", ylabel="y",
        match="title must be a non-empty string"),
    bad(plotting.line_plot, {"a": [1, 2]}, title="t", xlabel="x (steps)", ylabel=None,
        error=TypeError, match="ylabel must be a string"),
    bad(plotting.image_grid, [], match="images must contain at least one image"),
    bad(plotting.image_grid, [np.zeros((4, 4))], titles=["a", "b"], match="titles has 2 entries"),
    bad(plotting.image_grid, [np.zeros((4, 4))], ncols=1.5, error=TypeError,
        match="ncols must be an integer"),
    # ---- experiments
    bad(experiments.train_mlps, np.ones((4, 2)), [0, 1, 0, 1], dropout=[1.0],
        match=r"dropout entry must lie in \[0, 1\)"),
    bad(experiments.train_mlps, np.ones((4, 2)), [0, 1, 0, 1], l2=0.1, error=TypeError,
        match="l2 must be a list with one value per network"),
    bad(experiments.keras_epoch_loop, None, None, None, np.ones(4), [0, 1, 0, 1],
        match="X must have 2 dimensions"),
    # ---- outside the teaching modules: what a student calls from a notebook
    bad(coursekit.setup, -1, match="seed must be at least 0"),
    bad(coursekit.setup, "0", error=TypeError, match="seed must be an integer"),
    bad(neuron.draw, w="1", error=TypeError, match="w must be a real number"),
    bad(neuron.draw, activation="softplus", match="activation must be one of"),
    bad(checks.run_checks, "title", 3, [], error=TypeError, match="function"),
    bad(checks.run_checks, "title", np.sum, np.sum, error=TypeError, match="tests"),
    bad(checks.compare, "dW", np.ones(2), np.ones(2), mistakes=[np.zeros(2)], error=TypeError,
        match="mistakes"),
    *(bad(check, 3, error=TypeError, match=NOT_A_FUNCTION) for check in _exercise_checks()
      if check not in ANSWER_CHECKS),
    bad(backprop_checks.check_planted_bug, 3, {}, None, {}, X2, [0, 1], error=TypeError,
        match="suspect must be the name of a quantity of the backward pass"),
    bad(backprop_checks.check_planted_bug, "dW1", {}, np.sum, {}, X2, [0, 1], error=TypeError,
        match="net_fn must be the network that checks.network_with_a_bug"),
    bad(backprop_checks.network_with_a_bug, -1, error=TypeError, match="seed must be a whole"),
    bad(inside_checks.check_diagnosis, ["lr", "init"], error=TypeError,
        match="diagnosis must be a dict"),
    bad(inside_widget.update, "fc9", torch.nn.Sequential(torch.nn.Linear(2, 2)),
        match="layer must be one of"),
    bad(initialization_checks.check_prediction, "2.8", 5e-8, error=TypeError,
        match="he_std_z20 must be a number"),
]


@pytest.mark.parametrize("row", CONTRACT, ids=lambda row: f"{_name(row.func)}-{row.match[:30]}")
def test_bad_input_gets_a_clear_error(row: Bad):
    with pytest.raises(row.error, match=row.match):
        row.func(*row.args, **row.kwargs)


def public_entry_points() -> set[str]:
    """Qualified names of the callables in ``__all__`` of the teaching modules, and of the
    public methods their classes define. Dataclasses (records) and exceptions are left out."""
    names = set()
    for module_name in TEACHING_MODULES:
        module = importlib.import_module(f"coursekit.{module_name}")
        assert hasattr(module, "__all__"), f"coursekit.{module_name} declares no __all__"
        for attr in module.__all__:
            obj = getattr(module, attr)
            if not callable(obj) or dataclasses.is_dataclass(obj) or (
                    inspect.isclass(obj) and issubclass(obj, BaseException)):
                continue
            names.add(_name(obj))
            if inspect.isclass(obj):
                names |= {f"{_name(obj)}.{m}" for m, f in vars(obj).items()
                          if not m.startswith("_") and inspect.isfunction(f)}
    return names


def test_the_table_covers_every_public_entry_point():
    covered = {_name(row.func) for row in CONTRACT}
    missing = sorted(public_entry_points() - covered - set(NO_ROW_NEEDED))
    assert not missing, f"public callables without a row in CONTRACT: {missing}"


def test_every_teaching_module_exports_only_what_it_defines_or_documents():
    """``__all__`` names exist, and nothing private is exported."""
    for module_name in TEACHING_MODULES:
        module = importlib.import_module(f"coursekit.{module_name}")
        for attr in module.__all__:
            assert hasattr(module, attr), f"coursekit.{module_name}.__all__ names {attr!r}"
            assert not attr.startswith("_"), f"coursekit.{module_name} exports {attr!r}"
