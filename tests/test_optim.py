"""Tests of coursekit.optim: the three momentum forms against PyTorch and Keras, Adam, rates."""

import numpy as np
import pytest
import torch

from coursekit import optim

EIGS = [0.01, 0.1, 1.0]
X0 = np.array([1.0, -2.0, 0.5])


def _torch_iterates(x0, steps, make_opt, make_scheduler=None):
    """Iterates of a torch optimizer (and lr scheduler) on f(x) = 1/2 sum eig*x^2, in float64."""
    lam = torch.tensor(EIGS, dtype=torch.float64)
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = make_opt([p])
    scheduler = make_scheduler(opt) if make_scheduler else None
    out = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * (lam * p**2).sum()).backward()
        opt.step()
        if scheduler:
            scheduler.step()
        out.append(p.detach().numpy().copy())
    return np.array(out), opt.state[p]


@pytest.mark.parametrize("lr,beta", [(0.5, 0.9), (1.7, 0.6), (0.1, 0.0), (3.3, 0.669)])
def test_torch_form_reproduces_torch_sgd(lr, beta):
    _, grad = optim.quadratic(EIGS)
    ours = optim.sgd_momentum(grad, X0, lr=lr, beta=beta, steps=60)
    ref, _ = _torch_iterates(X0, 60, lambda p: torch.optim.SGD(p, lr=lr, momentum=beta))
    assert ours.shape == (61, 3)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("lr,beta", [(0.5, 0.9), (1.2, 0.75)])
def test_ewa_form_matches_torch_after_lr_rescaling_at_every_step(lr, beta):
    """m = (1-beta)*b exactly when both buffers start at 0, so lr_ewa = lr/(1-beta)."""
    _, grad = optim.quadratic(EIGS)
    torch_form = optim.sgd_momentum(grad, X0, lr=lr, beta=beta, steps=80)
    ewa_form = optim.sgd_momentum(grad, X0, lr=lr / (1 - beta), beta=beta, steps=80, form="ewa")
    np.testing.assert_allclose(ewa_form, torch_form, rtol=1e-10, atol=1e-13)
    # without the rescaling the ewa form takes (1-beta) times smaller steps: different iterates
    slow = optim.sgd_momentum(grad, X0, lr=lr, beta=beta, steps=80, form="ewa")
    assert np.abs(slow - torch_form).max() > 0.1


def test_torch_dampening_is_the_ewa_form_except_its_first_buffer():
    """torch's SGD(dampening=beta) starts its buffer at g1 itself, not at (1-beta)*g1."""
    lr, beta, steps = 2.0, 0.9, 40
    ref, _ = _torch_iterates(X0, steps, lambda p: torch.optim.SGD(
        p, lr=lr, momentum=beta, dampening=beta))
    _, grad = optim.quadratic(EIGS)
    ewa_form = optim.sgd_momentum(grad, X0, lr=lr, beta=beta, steps=steps, form="ewa")
    # first step: torch moves by lr*g1, the zero-started EWA by lr*(1-beta)*g1
    np.testing.assert_allclose(X0 - ref[1], (X0 - ewa_form[1]) / (1 - beta), rtol=1e-12)
    assert np.abs(ref - ewa_form).max() > 0.1
    # the EWA recursion started at m1 = g1 instead of m0 = 0 reproduces torch exactly
    x, m, manual = X0.copy(), None, [X0.copy()]
    for _ in range(steps):
        g = grad(x)
        m = g if m is None else beta * m + (1 - beta) * g
        x = x - lr * m
        manual.append(x)
    np.testing.assert_allclose(np.array(manual), ref, rtol=1e-12, atol=1e-14)


def test_momentum_buffer_is_the_unrolled_sum():
    """After three steps torch's buffer is g3 + beta*g2 + beta^2*g1."""
    ref, state = _torch_iterates(X0, 3, lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9))
    g = np.array(EIGS) * ref[:3]  # gradients at x0, x1, x2
    expected = g[2] + 0.9 * g[1] + 0.81 * g[0]
    np.testing.assert_allclose(state["momentum_buffer"].numpy(), expected, rtol=1e-12)


def _keras_iterates(x0, lr, beta, steps, nesterov=False):
    keras = pytest.importorskip("keras")
    _, grad = optim.quadratic(EIGS)
    var = keras.Variable(np.array(x0), dtype="float64")
    opt = keras.optimizers.SGD(learning_rate=lr, momentum=beta, nesterov=nesterov)
    out = [np.array(x0)]
    for _ in range(steps):
        opt.apply_gradients([(grad(np.array(var.numpy())), var)])
        out.append(np.array(var.numpy()))
    return np.array(out)


def test_keras_form_reproduces_keras_sgd():
    # 0.875 and 0.25 are exact in float32, the precision Keras stores lr and momentum in
    ref = _keras_iterates(X0, 0.25, 0.875, 40)
    _, grad = optim.quadratic(EIGS)
    ours = optim.sgd_momentum(grad, X0, lr=0.25, beta=0.875, steps=40, form="keras")
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


def test_keras_sgd_with_beta_09_matches_up_to_float32_storage_of_beta():
    ref = _keras_iterates(X0, 0.5, 0.9, 40)
    _, grad = optim.quadratic(EIGS)
    exact32 = optim.sgd_momentum(grad, X0, lr=0.5, beta=float(np.float32(0.9)), steps=40,
                                 form="keras")
    np.testing.assert_allclose(exact32, ref, rtol=1e-12, atol=1e-14)
    ours = optim.sgd_momentum(grad, X0, lr=0.5, beta=0.9, steps=40, form="keras")
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-5)


def test_keras_and_torch_forms_agree_with_the_same_lr():
    _, grad = optim.quadratic(EIGS)
    a = optim.sgd_momentum(grad, X0, lr=0.7, beta=0.8, steps=50, form="keras")
    b = optim.sgd_momentum(grad, X0, lr=0.7, beta=0.8, steps=50, form="torch")
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


def test_beta_zero_is_gradient_descent_in_every_form():
    _, grad = optim.quadratic(EIGS)
    gd = [X0]
    for _ in range(10):
        gd.append(gd[-1] - 0.3 * grad(gd[-1]))
    for form in optim.FORMS:
        np.testing.assert_allclose(optim.sgd_momentum(grad, X0, lr=0.3, beta=0.0, steps=10,
                                                      form=form), gd, rtol=1e-13)


@pytest.mark.parametrize("lr,beta", [(0.5, 0.9), (1.3, 0.7)])
def test_nesterov_in_every_form_reproduces_torch_sgd_nesterov(lr, beta):
    _, grad = optim.quadratic(EIGS)
    ref, _ = _torch_iterates(X0, 60, lambda p: torch.optim.SGD(p, lr=lr, momentum=beta,
                                                                nesterov=True))
    for form, rate in (("torch", lr), ("keras", lr), ("ewa", lr / (1 - beta))):
        ours = optim.sgd_momentum(grad, X0, lr=rate, beta=beta, steps=60, form=form,
                                  nesterov=True)
        np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-13, err_msg=form)
    plain = optim.sgd_momentum(grad, X0, lr=lr, beta=beta, steps=60)
    assert np.abs(plain - ref).max() > 0.05


def test_keras_nesterov_matches_keras():
    ref = _keras_iterates(X0, 0.25, 0.875, 40, nesterov=True)
    _, grad = optim.quadratic(EIGS)
    ours = optim.sgd_momentum(grad, X0, lr=0.25, beta=0.875, steps=40, form="keras",
                              nesterov=True)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


def test_a_schedule_in_the_torch_form_reproduces_torch_multisteplr():
    _, grad = optim.quadratic(EIGS)
    schedule = [0.5] * 30 + [0.05] * 30
    ref, _ = _torch_iterates(X0, 60, lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9),
                             lambda o: torch.optim.lr_scheduler.MultiStepLR(o, [30], 0.1))
    ours = optim.sgd_momentum(grad, X0, lr=schedule, beta=0.9, steps=60)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)
    ewa_form = optim.sgd_momentum(grad, X0, lr=np.array(schedule) / 0.1, beta=0.9, steps=60,
                                  form="ewa")
    np.testing.assert_allclose(ewa_form, ref, rtol=1e-10, atol=1e-13)
    keras_form = optim.sgd_momentum(grad, X0, lr=schedule, beta=0.9, steps=60, form="keras")
    np.testing.assert_allclose(keras_form[:31], ref[:31], rtol=1e-10, atol=1e-13)
    assert np.abs(keras_form[31:] - ref[31:]).max() > 0.05  # the keras form coasts


def test_a_schedule_in_the_keras_form_reproduces_keras_piecewise_decay():
    keras = pytest.importorskip("keras")
    _, grad = optim.quadratic(EIGS)
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([19], [0.25, 0.125])
    var = keras.Variable(X0.copy(), dtype="float64")
    opt = keras.optimizers.SGD(learning_rate=schedule, momentum=0.875)
    ref = [X0.copy()]
    for _ in range(40):
        opt.apply_gradients([(grad(np.array(var.numpy())), var)])
        ref.append(np.array(var.numpy()))
    ours = optim.sgd_momentum(grad, X0, lr=[0.25] * 20 + [0.125] * 20, beta=0.875, steps=40,
                              form="keras")
    np.testing.assert_allclose(ours, np.array(ref), rtol=1e-12, atol=1e-14)


def test_weight_decay_coupled_is_torch_sgd_and_decoupled_shrinks_outside_the_buffer():
    _, grad = optim.quadratic(EIGS)
    ref, _ = _torch_iterates(X0, 50, lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9,
                                                                weight_decay=0.2))
    ours = optim.sgd_momentum(grad, X0, lr=0.5, beta=0.9, steps=50, weight_decay=0.2)
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-13)
    # decoupled: x *= 1 - lr*wd, then PyTorch's momentum step with the data gradient alone
    x, b, manual = X0.copy(), np.zeros(3), [X0.copy()]
    for _ in range(50):
        g = grad(x)
        x = x * (1 - 0.5 * 0.2)
        b = 0.9 * b + g
        x = x - 0.5 * b
        manual.append(x)
    ours = optim.sgd_momentum(grad, X0, lr=0.5, beta=0.9, steps=50, weight_decay=0.2,
                              decoupled=True)
    np.testing.assert_allclose(ours, np.array(manual), rtol=1e-12, atol=1e-14)
    assert np.abs(ours - ref).max() > 0.01


def test_with_plain_sgd_coupled_and_decoupled_decay_are_the_same_update():
    _, grad = optim.quadratic(EIGS)
    a = optim.sgd_momentum(grad, X0, lr=0.3, beta=0.0, steps=30, weight_decay=0.4)
    b = optim.sgd_momentum(grad, X0, lr=0.3, beta=0.0, steps=30, weight_decay=0.4,
                           decoupled=True)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_sgd_momentum_rejects_a_bad_schedule_or_flag():
    _, grad = optim.quadratic(EIGS)
    with pytest.raises(ValueError, match=r"one learning rate per step \(3 values\), got 2"):
        optim.sgd_momentum(grad, X0, lr=[0.1, 0.1], beta=0.9, steps=3)
    with pytest.raises(ValueError, match="every learning rate in lr must be positive"):
        optim.sgd_momentum(grad, X0, lr=[0.1, -0.1, 0.1], beta=0.9, steps=3)
    with pytest.raises(TypeError, match="nesterov must be True or False"):
        optim.sgd_momentum(grad, X0, lr=0.1, beta=0.9, steps=3, nesterov="yes")
    with pytest.raises(ValueError, match=r"weight_decay must lie in \[0"):
        optim.sgd_momentum(grad, X0, lr=0.1, beta=0.9, steps=3, weight_decay=-1.0)


def test_sgd_momentum_rejects_bad_input():
    _, grad = optim.quadratic(EIGS)
    for beta in (1.0, -0.1, 2.0):
        with pytest.raises(ValueError, match="beta"):
            optim.sgd_momentum(grad, X0, lr=0.1, beta=beta, steps=3)
    with pytest.raises(ValueError, match="lr"):
        optim.sgd_momentum(grad, X0, lr=0.0, beta=0.9, steps=3)
    with pytest.raises(ValueError, match="steps"):
        optim.sgd_momentum(grad, X0, lr=0.1, beta=0.9, steps=0)
    with pytest.raises(ValueError, match="form"):
        optim.sgd_momentum(grad, X0, lr=0.1, beta=0.9, steps=3, form="nesterov")
    with pytest.raises(ValueError, match="x0"):
        optim.sgd_momentum(grad, [], lr=0.1, beta=0.9, steps=3)
    with pytest.raises(TypeError, match="grad_fn"):
        optim.sgd_momentum("grad", X0, lr=0.1, beta=0.9, steps=3)
    with pytest.raises(ValueError, match="grad_fn.*shape"):
        optim.sgd_momentum(lambda x: x[:2], X0, lr=0.1, beta=0.9, steps=3)


def test_a_diverging_run_returns_inf_or_nan_iterates_instead_of_raising():
    """Too large a learning rate: the iterates blow up, as they would in PyTorch or Keras."""
    _, grad = optim.quadratic(EIGS)
    xs = optim.sgd_momentum(grad, X0, lr=1e3, beta=0.9, steps=300)
    assert np.all(np.isfinite(xs[0])) and not np.all(np.isfinite(xs[-1]))
    xs = optim.adam(lambda x: x * np.nan, X0, lr=0.1, steps=3)
    assert np.isnan(xs[1:]).all()


def test_adam_matches_torch_adam():
    _, grad = optim.quadratic(EIGS)
    for lr, betas in [(0.1, (0.9, 0.999)), (0.03, (0.8, 0.99))]:
        ref, state = _torch_iterates(X0, 100, lambda p, lr=lr, betas=betas: torch.optim.Adam(
            p, lr=lr, betas=betas))
        ours = optim.adam(grad, X0, lr=lr, betas=betas, steps=100)
        np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("decoupled,make", [
    (False, lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.3)),
    (True, lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.3))])
def test_adam_with_weight_decay_matches_torch_adam_and_adamw(decoupled, make):
    _, grad = optim.quadratic(EIGS)
    ref, _ = _torch_iterates(X0, 80, make)
    ours = optim.adam(grad, X0, lr=0.05, steps=80, weight_decay=0.3, decoupled=decoupled)
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-13)
    other = optim.adam(grad, X0, lr=0.05, steps=80, weight_decay=0.3, decoupled=not decoupled)
    assert np.abs(other - ref).max() > 1e-3


def test_adam_rejects_bad_weight_decay():
    _, grad = optim.quadratic(EIGS)
    with pytest.raises(ValueError, match=r"weight_decay must lie in \[0"):
        optim.adam(grad, X0, steps=3, weight_decay=-0.1)
    with pytest.raises(TypeError, match="decoupled must be True or False"):
        optim.adam(grad, X0, steps=3, weight_decay=0.1, decoupled=1)


def test_adam_rejects_bad_input():
    _, grad = optim.quadratic(EIGS)
    with pytest.raises(ValueError, match="betas"):
        optim.adam(grad, X0, betas=(0.9,), steps=3)
    with pytest.raises(ValueError, match=r"betas\[1\]"):
        optim.adam(grad, X0, betas=(0.9, 1.0), steps=3)
    with pytest.raises(ValueError, match="eps"):
        optim.adam(grad, X0, eps=-1.0, steps=3)
    with pytest.raises(ValueError, match="lr"):
        optim.adam(grad, X0, lr=-0.1, steps=3)
    with pytest.raises(ValueError, match="x0"):
        optim.adam(grad, np.array([]), steps=3)


def test_quadratic_value_and_gradient():
    f, grad = optim.quadratic([2.0, 4.0])
    assert f([1.0, 1.0]) == pytest.approx(3.0)
    np.testing.assert_allclose(grad(np.array([1.0, -0.5])), [2.0, -2.0])
    with pytest.raises(ValueError, match="eigenvalues"):
        optim.quadratic([1.0, -1.0])
    with pytest.raises(ValueError, match="eigenvalues"):
        optim.quadratic([])
    with pytest.raises(ValueError, match="x"):
        grad(np.ones(3))


def test_optimal_parameters_on_kappa_100():
    gd, mom = optim.optimal_gd(EIGS), optim.optimal_momentum(EIGS)
    assert gd["kappa"] == pytest.approx(100) and mom["kappa"] == pytest.approx(100)
    assert gd["lr"] == pytest.approx(2 / 1.01) and gd["rate"] == pytest.approx(99 / 101)
    assert mom["lr"] == pytest.approx((2 / 1.1) ** 2)
    assert mom["beta"] == pytest.approx((9 / 11) ** 2) and mom["rate"] == pytest.approx(9 / 11)
    with pytest.raises(ValueError, match="eigenvalues"):
        optim.optimal_gd([0.0, 1.0])
    with pytest.raises(ValueError, match="eigenvalues"):
        optim.optimal_momentum([[1.0, 2.0]])


def test_measured_rates_and_iterations_on_kappa_100():
    """Reference: GD 691 and momentum 83 iterations to 1e-6 from the flattest direction."""
    _, grad = optim.quadratic(EIGS)
    gd, mom = optim.optimal_gd(EIGS), optim.optimal_momentum(EIGS)
    x0 = np.array([1.0, 0.0, 0.0])
    err_gd = optim.relative_errors(optim.sgd_momentum(grad, x0, lr=gd["lr"], beta=0.0,
                                                      steps=800))
    err_m = optim.relative_errors(optim.sgd_momentum(grad, x0, lr=mom["lr"], beta=mom["beta"],
                                                     steps=400))
    assert optim.iterations_to(err_gd, 1e-6) == 691
    assert optim.iterations_to(err_m, 1e-6) == 83
    assert optim.measured_rate(err_gd, 100, 800) == pytest.approx(gd["rate"], rel=1e-6)
    assert optim.measured_rate(err_m, 200, 400) == pytest.approx(mom["rate"], rel=0.02)


def test_relative_errors_iterations_to_and_measured_rate_reject_bad_input():
    with pytest.raises(ValueError, match="iterates"):
        optim.relative_errors(np.ones(3))
    with pytest.raises(ValueError, match="x_star"):
        optim.relative_errors(np.ones((3, 2)), x_star=np.ones(3))
    with pytest.raises(ValueError, match="already"):
        optim.relative_errors(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="tol"):
        optim.iterations_to([1.0, 0.5], 0.0)
    with pytest.raises(ValueError, match="never reach"):
        optim.iterations_to([1.0, 0.5], 1e-3)
    with pytest.raises(ValueError, match="errors"):
        optim.iterations_to([[1.0]], 0.1)
    with pytest.raises(ValueError, match="stop"):
        optim.measured_rate([1.0, 0.5, 0.25], 1, 1)
    with pytest.raises(ValueError, match="stop"):
        optim.measured_rate([1.0, 0.5, 0.25], 0, 3)
    with pytest.raises(ValueError, match="positive"):
        optim.measured_rate([1.0, 0.0, 0.25], 0, 1)
    assert optim.measured_rate([1.0, 0.5, 0.25], 0, 2) == pytest.approx(0.5)


def test_framework_runs_match_the_numpy_forms():
    import keras
    import torch

    lam, x0 = [0.01, 0.1, 1.0], [1.0, -2.0, 0.5]
    ours = optim.sgd_momentum(optim.quadratic(lam)[1], x0, lr=0.5, beta=0.9, steps=20)
    theirs = optim.torch_iterates(lambda ps: torch.optim.SGD(ps, lr=0.5, momentum=0.9), lam, x0, 20)
    assert theirs.shape == (21, 3) and np.abs(theirs - ours).max() < 1e-12
    k = optim.keras_iterates(keras.optimizers.SGD(learning_rate=0.5, momentum=0.9), lam, x0, 20)
    assert 0 < np.abs(k - ours).max() < 1e-6          # Keras keeps beta in float32


def test_keras_sgd_weight_decay_is_the_decoupled_keras_form():
    """Notebook 04 says Keras 3's SGD(momentum, weight_decay) is decoupled."""
    import keras

    lam, x0 = [0.5, 2.0], [1.0, -1.0]
    grad_fn = optim.quadratic(lam)[1]
    opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, weight_decay=0.1)
    var = keras.Variable(np.array(x0), dtype="float64")
    for _ in range(50):
        opt.apply_gradients([(grad_fn(np.array(var.numpy())), var)])
    ours = optim.sgd_momentum(grad_fn, x0, lr=0.05, beta=float(np.float32(0.9)), steps=50,
                              form="keras", weight_decay=0.1, decoupled=True)[-1]
    coupled = optim.sgd_momentum(grad_fn, x0, lr=0.05, beta=0.9, steps=50, weight_decay=0.1)[-1]
    assert np.abs(np.array(var.numpy()) - ours).max() < 1e-6
    assert np.abs(np.array(var.numpy()) - coupled).max() > 1e-3
