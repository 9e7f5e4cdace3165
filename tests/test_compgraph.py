"""coursekit.compgraph: the arrays of an MLP's computational graph and their shapes."""

import matplotlib
import pytest

from coursekit import compgraph

matplotlib.use("Agg")


def test_every_array_has_its_shape():
    found = {(row, label): shape for row, _, label, shape in compgraph.nodes([2, 8, 8, 3], n="5")}
    assert found[("forward", "$X$")] == "(5, 2)"
    assert found[("param", "$W_2$")] == found[("grad", "$dW_2$")] == "(8, 8)"
    assert found[("param", "$W_3$")] == found[("grad", "$dW_3$")] == "(8, 3)"
    assert found[("param", "$b_1$")] == found[("grad", "$db_1$")] == "(8,)"
    assert found[("forward", "$z_3$")] == found[("backward", "$\\delta_3$")] == "(5, 3)"
    assert found[("backward", "$\\partial L/\\partial a_1$")] == "(5, 8)"
    assert found[("forward", "$L$")] == "()" and found[("param", "$y$")] == "(5,)"


def test_a_gradient_sits_under_the_array_it_differentiates():
    items = compgraph.nodes([3, 4, 2])
    forward = {x for row, x, _, _ in items if row == "forward"}
    backward = {x for row, x, _, _ in items if row == "backward"}
    assert backward == forward - {0}          # no gradient with respect to the data X
    assert len([1 for row, *_ in items if row == "param"]) == 2 * 2 + 1


def test_draw_returns_a_titled_figure():
    fig = compgraph.draw((2, 8, 8, 3), n="N")
    assert "2-8-8-3" in fig.axes[0].get_title()
    assert len(fig.axes[0].patches) == len(compgraph.nodes([2, 8, 8, 3]))
    matplotlib.pyplot.close(fig)


def test_draw_without_formulas_hides_the_backward_formulas():
    texts = {}
    for formulas in (True, False):
        fig = compgraph.draw((2, 8, 8, 3), formulas=formulas)
        texts[formulas] = [t.get_text() for t in fig.axes[0].texts]
        matplotlib.pyplot.close(fig)
    assert "$= X^\\top\\delta_1$" in texts[True] and "$= X^\\top\\delta_1$" not in texts[False]
    assert not any("top" in t for t in texts[False])      # no transposed weight, no a^T delta
    assert "softmax +\ncross-entropy" in texts[False]     # the forward operations stay


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="at least an input and an output width"):
        compgraph.nodes([4])
    with pytest.raises(ValueError, match="layer width"):
        compgraph.draw((2, 0, 3))


def test_weight_gradients_are_labelled_with_their_formula():
    assert compgraph._grad_formula("$dW_1$") == "$= X^\\top\\delta_1$"      # a_0 is the data X
    assert compgraph._grad_formula("$dW_3$") == "$= a_2^\\top\\delta_3$"
    assert compgraph._grad_formula("$db_2$") == "$= \\sum_i \\delta_2$"
    fig = compgraph.draw((2, 8, 8, 3))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "$= a_1^\\top\\delta_2$" in texts and "$\\cdot W_3^\\top$" in texts
    matplotlib.pyplot.close(fig)


def _dashed_links(ax):
    return [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None
            and t.arrow_patch.get_linestyle() == "--"]


def test_dashed_links_show_what_the_backward_pass_reads():
    for activation, links in [("tanh", 3 + 2), ("sigmoid", 3 + 2), ("relu", 3)]:
        fig = compgraph.draw((2, 8, 8, 3), activation=activation)   # dW_k from a_{k-1}; a_k's step
        assert len(_dashed_links(fig.axes[0])) == links
        matplotlib.pyplot.close(fig)


def test_activation_labels_sit_off_the_dashed_links():
    fig = compgraph.draw((2, 8, 8, 3), activation="tanh")
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text().startswith("$\\odot")]
    assert len(labels) == 2
    for label in labels:
        box = label.get_window_extent(renderer)
        for link in _dashed_links(ax):
            assert not box.overlaps(link.arrow_patch.get_window_extent(renderer))
    matplotlib.pyplot.close(fig)
