"""The explorer of notebook 08: its pure update function and its wiring."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from coursekit.widgets import inside as widget


@pytest.fixture(scope="module")
def small():
    """A tiny network with a first layer on RGB, a depthwise layer, a 1×1 and a linear layer."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Conv2d(4, 4, 5, groups=4), nn.Conv2d(4, 6, 1),
                        nn.Flatten(), nn.Linear(6, 2))
    with torch.no_grad():
        net[0].weight[1] = 0.0                       # one dead filter
    return net


def test_layers_lists_convolutions_and_linear_layers(small):
    assert widget.layers(small) == ["0", "1", "2", "4"]


def test_update_describes_the_weights(small):
    d = widget.update("0", small)
    w = small[0].weight.detach().double().numpy()
    assert d["values"].shape == (w.size,) and d["fan_out"] == 4 * 9
    assert math.isclose(d["std"], w.std()) and math.isclose(d["init_std"], math.sqrt(2 / 36))
    assert d["dead"] == 1 and d["filter_norms"][1] == 0.0
    assert len(d["images"]) == 4 and d["images"][0].shape == (3, 3, 3) and d["matrix"] is None
    assert np.all(d["images"][1] == 0.5)             # a dead filter is flat grey
    assert all(0.0 <= im.min() and im.max() <= 1.0 for im in d["images"])


def test_update_shows_depthwise_filters_grey_and_matrices_for_1x1_and_linear(small):
    depthwise = widget.update("1", small)
    assert depthwise["images"][0].shape == (5, 5) and depthwise["fan_out"] == 25
    assert widget.update("2", small)["matrix"].shape == (6, 4)
    linear = widget.update("4", small)
    assert linear["matrix"].shape == (2, 6) and math.isclose(linear["init_std"], 1 / math.sqrt(6))


def test_update_refuses_an_unknown_layer(small):
    with pytest.raises(ValueError, match="layer must be one of"):
        widget.update("3", small)


def test_the_pretrained_stem_has_four_dead_filters():
    d = widget.update("_conv_stem")
    assert d["shape"] == (32, 3, 3, 3) and d["dead"] == 4


def test_explorer_has_a_layer_menu_and_redraws(small):
    box = widget.explorer(small)
    assert [c.description for c in box.controls] == ["layer"]
    first = box.children[1].outputs[0]["data"]["image/png"]
    box.controls[0].value = "4"
    assert box.children[1].outputs[0]["data"]["image/png"] != first
