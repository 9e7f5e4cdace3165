"""coursekit.inspection: counting, memory, the training monitor and state-dict comparison."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from coursekit import data, inspection


def test_parameter_table_counts_weights_biases_and_batchnorm():
    net = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8),
                        nn.Conv2d(8, 8, 5, groups=8), nn.ReLU(), nn.Flatten(), nn.Linear(8, 2))
    rows = inspection.parameter_table(net)
    assert [(r["name"], r["kind"], r["params"]) for r in rows] == [
        ("0", "conv 3×3", 216), ("1", "batchnorm", 16), ("2", "depthwise 5×5", 208),
        ("5", "linear", 18)]
    assert rows[0]["shape"] == (8, 3, 3, 3)
    assert sum(r["params"] for r in rows) == sum(p.numel() for p in net.parameters())


@pytest.mark.parametrize(("make", "state_copies", "extra"), [
    (lambda p: torch.optim.SGD(p, lr=0.1), 0, 0),
    (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 1, 0),
    (lambda p: torch.optim.Adam(p), 2, 4 * 2),          # one float32 step counter per tensor
])
def test_training_memory_reads_the_optimizer_state(make, state_copies, extra):
    net = nn.Linear(10, 3)                               # 33 parameters in 2 tensors
    optimizer = make(net.parameters())
    net(torch.ones(4, 10)).sum().backward()
    optimizer.step()
    assert inspection.training_memory(net, optimizer) == {
        "weights": 132, "gradients": 132, "optimizer state": state_copies * 132 + extra}


def test_saved_activation_bytes_counts_each_storage_once_and_skips_weights():
    layer = nn.Linear(100, 50)
    x = torch.ones(8, 100, requires_grad=True)      # then the layer also keeps its weight
    kept, out = inspection.saved_activation_bytes(lambda: torch.relu(layer(x)), layer)
    # the layer keeps its input x (8·100 floats), the ReLU its output (8·50); not the weight
    assert kept == 4 * (8 * 100 + 8 * 50)
    assert out.shape == (8, 50)
    with_weights, _ = inspection.saved_activation_bytes(lambda: torch.relu(layer(x)))
    assert with_weights == kept + 4 * 100 * 50
    with torch.no_grad():
        assert inspection.saved_activation_bytes(lambda: layer(x), layer)[0] == 0


def test_monitor_records_what_a_step_did():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 2))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    monitor = inspection.Monitor(net)
    x, y = torch.randn(16, 4), torch.tensor([0, 1] * 8)
    before = net[0].weight.detach().clone()
    loss = nn.functional.cross_entropy(net(x), y)
    loss.backward()
    grad = net[0].weight.grad.clone()
    with monitor.step(loss):
        optimizer.step()
    history = monitor.history()
    assert history["layers"] == ["0", "3"] and history["relus"] == ["2"]
    assert history["norms"] == ["1"]
    assert history["loss"][0] == pytest.approx(loss.item())
    assert history["grad_norm"][0, 0] == pytest.approx(grad.norm().item())
    ratio = (0.1 * grad).norm() / before.norm()
    assert history["update_ratio"][0, 0] == pytest.approx(ratio.item(), rel=1e-5)
    assert history["distance"][0, 0] == pytest.approx(ratio.item(), rel=1e-5)
    assert history["bn_var"][0, 0] == pytest.approx(net[1].running_var.mean().item())
    assert 0.0 <= history["dead"][0, 0] <= 1.0
    monitor.remove()
    assert not net[2]._forward_hooks


def test_a_dead_unit_is_zero_for_every_example():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    with torch.no_grad():
        net[0].weight.zero_()
        net[0].bias.copy_(torch.tensor([-1.0, 1.0, 0.5]))   # unit 0 is dead, 1 and 2 alive
    monitor = inspection.Monitor(net)
    loss = net(torch.randn(5, 2)).sum()
    loss.backward()
    with monitor.step(loss):
        pass
    assert monitor.history()["dead"][0, 0] == pytest.approx(1 / 3)


@pytest.fixture(scope="module")
def digits():
    X, y, _, _ = data.digits()
    return X, y


def test_train_monitored_is_reproducible_and_learns(digits):
    a = inspection.train_monitored(inspection.digits_net(0), *digits, lr=0.02, steps=40)
    b = inspection.train_monitored(inspection.digits_net(0), *digits, lr=0.02, steps=40)
    assert np.array_equal(a["loss"], b["loss"]) and a["loss"].shape == (40,)
    assert a["grad_norm"].shape == (40, 3) and a["dead"].shape == (40, 2)
    assert a["loss"][-5:].mean() < 0.5 * a["loss"][0]
    assert abs(a["loss"][0] - math.log(10)) < 0.1


def test_the_two_bugs_train_monitored_can_plant(digits):
    no_reset = inspection.train_monitored(inspection.digits_net(0), *digits, lr=0.02, steps=30,
                                          zero_grad=False)
    assert no_reset["grad_norm"][-1].sum() > 5 * no_reset["grad_norm"][0].sum()
    frozen_bn = inspection.train_monitored(inspection.digits_net(0), *digits, lr=0.02, steps=30,
                                           train_mode=False)
    assert np.all(frozen_bn["bn_var"] == 1.0)


def test_dashboard_draws_six_panels(digits):
    import matplotlib.pyplot as plt

    history = inspection.train_monitored(inspection.digits_net(0), *digits, lr=0.02, steps=5)
    fig = inspection.dashboard(history, reference=history)
    assert len(fig.axes) == 6 and all(ax.get_title() for ax in fig.axes)
    plt.close(fig)


def test_compare_runs_draws_a_row_per_run(digits):
    import matplotlib.pyplot as plt

    history = inspection.train_monitored(inspection.digits_net(0), *digits, lr=0.02, steps=5)
    fig = inspection.compare_runs({"A": history, "B": history}, history, title="two runs")
    assert len(fig.axes) == 10 and fig.axes[5].get_title() == "B: loss"
    assert fig.get_suptitle() == "two runs" and fig.axes[0].get_ylabel() == "run A"
    assert [line.get_label() for line in fig.axes[0].lines] == ["healthy", "run A"]
    plt.close(fig)


def test_state_dict_changes():
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    with torch.no_grad():
        net[0].bias.zero_()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    with torch.no_grad():
        net[0].weight.mul_(1.5)                             # changed by half its norm
        net[0].bias.add_(3.0)                               # was all zeros: absolute change
    changes = inspection.state_dict_changes(before, net.state_dict())
    assert changes["0.weight"] == pytest.approx(0.5)
    assert changes["0.bias"] == pytest.approx(3.0 * math.sqrt(2))
    assert changes["1.running_mean"] == 0.0 and changes["1.num_batches_tracked"] == 0.0
