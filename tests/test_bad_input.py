"""Bad input to the core modules (nn, gradcheck, data, plotting, doctor, checks, setup) gets a
TypeError or ValueError whose message names the offending argument, never a NumPy error from
deep inside. The convention (checked by test_public_api_bad_input.py): the function under test
is the outermost call of the last statement in a ``with pytest.raises(..., match=...)`` block."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import coursekit
from coursekit import checks, data, doctor, gradcheck, nn, plotting
from coursekit.checks import backprop as backprop_checks
from coursekit.checks import start as start_checks
from coursekit.widgets import start as neuron


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---- coursekit.setup ----------------------------------------------------------------------

def test_setup_rejects_a_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        coursekit.setup(-1)
    with pytest.raises(TypeError, match="seed"):
        coursekit.setup("0")


# ---- coursekit.nn -------------------------------------------------------------------------

def test_affine_forward_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="W"):
        nn.affine_forward(np.ones((2, 3)), np.ones((4, 5)), np.zeros(5))
    with pytest.raises(ValueError, match="b"):
        nn.affine_forward(np.ones((2, 3)), np.ones((3, 5)), np.zeros(4))
    with pytest.raises(TypeError, match="x"):
        nn.affine_forward("abc", np.ones((3, 5)), np.zeros(5))


def test_affine_backward_rejects_a_bad_cache_or_dout():
    cache = (np.ones((2, 3)), np.ones((3, 5)))
    with pytest.raises(ValueError, match="dout"):
        nn.affine_backward(np.ones((2, 4)), cache)
    with pytest.raises(TypeError, match="cache"):
        nn.affine_backward(np.ones((2, 5)), np.ones((2, 3)))


def test_activation_forward_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="activation"):
        nn.activation_forward(np.ones(3), "softplus")


def test_activation_backward_rejects_a_bad_cache_or_da():
    _, cache = nn.activation_forward(np.ones((2, 3)), "relu")
    with pytest.raises(TypeError, match="cache"):
        nn.activation_backward(np.ones((2, 3)), "relu")
    with pytest.raises(ValueError, match="da"):
        nn.activation_backward(np.ones((3, 2)), cache)


def test_softmax_needs_2d_logits():
    with pytest.raises(ValueError, match="logits"):
        nn.softmax(np.ones(3))
    with pytest.raises(TypeError, match="logits"):
        nn.softmax([["a", "b"]])


def test_softmax_cross_entropy_rejects_bad_labels():
    with pytest.raises(ValueError, match="y"):
        nn.softmax_cross_entropy(np.ones((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="logits"):
        nn.softmax_cross_entropy(np.ones(3), [0])


def test_mlp_rejects_bad_sizes_and_activation():
    with pytest.raises(ValueError, match="sizes"):
        nn.MLP([2])
    with pytest.raises(ValueError, match="activation"):
        nn.MLP([2, 3], activation="gelu")


def test_mlp_methods_reject_bad_input():
    net = nn.MLP([2, 4, 3], seed=0)
    X, y = np.ones((5, 2)), np.array([0, 1, 2, 0, 1])
    with pytest.raises(ValueError, match="X"):
        net.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match="X"):
        net.predict(np.ones(2))
    with pytest.raises(ValueError, match="y"):
        net.accuracy(X, y[:4])
    with pytest.raises(ValueError, match="l2"):
        net.loss_and_grads(X, y, l2=-1.0)


# ---- coursekit.gradcheck ------------------------------------------------------------------

def test_numerical_gradient_rejects_bad_arguments():
    with pytest.raises(TypeError, match="f must"):
        gradcheck.numerical_gradient(3, np.ones(2))
    with pytest.raises(TypeError, match="x must"):
        gradcheck.numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(ValueError, match="h"):
        gradcheck.numerical_gradient(np.sum, np.ones(2), h=0)


def test_relative_error_rejects_bad_arguments():
    with pytest.raises(ValueError, match="a and b"):
        gradcheck.relative_error(np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="b"):
        gradcheck.relative_error(np.ones(2), "x")


# ---- coursekit.data -----------------------------------------------------------------------

def test_output_dir_rejects_a_bad_name(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "OUTPUT_DIR", tmp_path / "outputs")  # nothing lands in the repo
    with pytest.raises(TypeError, match="name"):
        data.output_dir(3)
    with pytest.raises(ValueError, match="name"):
        data.output_dir("../escape")
    assert not (tmp_path / "escape").exists()


def test_sha256_rejects_a_bad_path(tmp_path):
    with pytest.raises(TypeError, match="path"):
        data.sha256(1.5)
    with pytest.raises(FileNotFoundError, match="missing.bin"):
        data.sha256(tmp_path / "missing.bin")


def test_sample_image_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="name"):
        data.sample_image_path("lena")
    with pytest.raises(ValueError, match="name"):
        data.sample_image("lena")


# ---- coursekit.plotting -------------------------------------------------------------------

def test_line_plot_rejects_bad_curves_and_labels():
    with pytest.raises(ValueError, match="curves"):
        plotting.line_plot({}, title="t", xlabel="x (steps)", ylabel="y")
    with pytest.raises(ValueError, match="title"):
        plotting.line_plot({"a": [1, 2]}, title="", xlabel="x (steps)", ylabel="y")
    with pytest.raises(ValueError, match="ylabel"):
        plotting.line_plot({"a": [1, 2]}, title="t", xlabel="x (steps)", ylabel=None)


def test_image_grid_rejects_bad_images_and_titles():
    with pytest.raises(ValueError, match="images"):
        plotting.image_grid([])
    with pytest.raises(ValueError, match="titles"):
        plotting.image_grid([np.zeros((4, 4))], titles=["a", "b"])
    with pytest.raises(TypeError, match="ncols"):
        plotting.image_grid([np.zeros((4, 4))], ncols=1.5)


# ---- coursekit.doctor ---------------------------------------------------------------------

def test_report_rejects_a_non_bool_flag():
    with pytest.raises(TypeError, match="include_hardware"):
        doctor.report(include_hardware="no")


# ---- coursekit.checks ---------------------------------------------------------------------

def test_run_checks_and_the_checks_want_a_function():
    with pytest.raises(TypeError, match="function"):
        checks.run_checks("title", 3, [])
    with pytest.raises(TypeError, match="function"):
        backprop_checks.check_affine_backward(None)
    with pytest.raises(TypeError, match="function"):
        backprop_checks.check_relu_backward("relu")
    with pytest.raises(TypeError, match="function"):
        backprop_checks.check_softmax_cross_entropy(np.ones(3))
    with pytest.raises(TypeError, match="function"):
        backprop_checks.check_centered_difference(0.5)
    with pytest.raises(TypeError, match="function"):
        start_checks.check_relu(np.maximum(np.ones(2), 0))


# ---- coursekit.widgets.neuron -------------------------------------------------------------

def test_neuron_draw_rejects_bad_controls():
    with pytest.raises(TypeError, match="w"):
        neuron.draw(w="1")
    with pytest.raises(ValueError, match="activation"):
        neuron.draw(activation="softplus")


def test_run_checks_wants_a_list_of_tests():
    with pytest.raises(TypeError, match="tests"):
        checks.run_checks("title", np.sum, np.sum)


def test_compare_rejects_bad_mistakes():
    with pytest.raises(TypeError, match="mistakes"):
        checks.compare("dW", np.ones(2), np.ones(2), mistakes=[np.zeros(2)])
