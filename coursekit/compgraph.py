"""The computational graph of a fully connected network, drawn with the shape of every array.

Four rows, read left to right for the forward pass and right to left for the backward pass:

- parameters: ``W_k`` (n_in, n_out) and ``b_k`` (n_out,) feed layer k; the labels ``y`` feed
  the loss;
- forward: ``X -> z_1 -> a_1 -> ... -> z_L -> L`` (blue arrows);
- backward: the gradient of the loss with respect to each forward array, with that array's
  shape (orange arrows, right to left);
- weight gradients: ``dL/dW_k = a_{k-1}^T delta_k`` and ``dL/db_k = sum_i delta_k``, shaped
  like ``W_k`` and ``b_k`` (an arrow from ``delta_k``, and a dashed one from ``a_{k-1}`` or ``X``).

The backward step through a tanh or sigmoid reads the saved output ``a_k``: a dashed link from
``a_k`` to that step's arrow shows it.
"""

from __future__ import annotations

from . import _validate

__all__ = ["nodes", "draw"]

FORWARD, BACKWARD, PARAM = "#0072B2", "#D55E00", "#009E73"
ROWS = {"param": 3.0, "forward": 2.0, "backward": 1.0, "grad": 0.0}


def nodes(sizes, n: str = "N"):
    """The arrays of the graph of an MLP with layer widths ``sizes``.

    Inputs
    ------
    sizes : layer widths ``[n_in, h_1, ..., n_out]`` (at least two)
    n : how the batch size is written in the shapes

    Returns
    -------
    list of ``(row, x, label, shape)``: ``row`` is ``"param"``, ``"forward"``, ``"backward"``
    or ``"grad"``; ``x`` is the horizontal position (X at 0, one unit per forward array)

    >>> [(r, x, s) for r, x, _, s in nodes([2, 3]) if r == "forward"]
    [('forward', 0, '(N, 2)'), ('forward', 1, '(N, 3)'), ('forward', 2, '()')]
    """
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output width, got {sizes!r}")
    sizes = [_validate.positive_int(s, "each layer width") for s in sizes]
    depth, out, x = len(sizes) - 1, [("forward", 0, "$X$", f"({n}, {sizes[0]})")], 0
    for k in range(1, depth + 1):
        x += 1
        shape, w, b = f"({n}, {sizes[k]})", f"({sizes[k - 1]}, {sizes[k]})", f"({sizes[k]},)"
        out += [("param", x - 0.24, f"$W_{k}$", w), ("param", x + 0.24, f"$b_{k}$", b),
                ("forward", x, f"$z_{k}$", shape), ("backward", x, f"$\\delta_{k}$", shape),
                ("grad", x - 0.24, f"$dW_{k}$", w), ("grad", x + 0.24, f"$db_{k}$", b)]
        if k < depth:
            x += 1
            out += [("forward", x, f"$a_{k}$", shape),
                    ("backward", x, f"$\\partial L/\\partial a_{k}$", shape)]
    x += 1
    return out + [("param", x, "$y$", f"({n},)"), ("forward", x, "$L$", "()"),
                  ("backward", x, "$1$", "()")]


def _grad_formula(label):
    """``$dW_k$`` -> ``$= a_{k-1}^T delta_k$`` (``X`` for k = 1); ``$db_k$`` -> the batch sum."""
    k = int(label.strip("$").split("_")[1])
    if label.startswith("$dW"):
        source = "X" if k == 1 else f"a_{k - 1}"
        return f"$= {source}^\\top\\delta_{k}$"
    return f"$= \\sum_i \\delta_{k}$"


def _activation_grad(activation: str, k: int) -> str:
    r"""The backward arrow's label through layer k's activation, written as rule 3 writes it.

    >>> print(_activation_grad("tanh", 2))
    $\odot\,(1 - a_2^2)$
    """
    written = {"tanh": f"(1 - a_{k}^2)", "sigmoid": f"a_{k}(1 - a_{k})", "relu": f"[z_{k} > 0]"}
    other = activation + "^\\prime" + f"(z_{k})"
    return "$\\odot\\," + written.get(activation, other) + "$"


def draw(sizes=(2, 8, 8, 3), n: str = "N", activation: str = "tanh", formulas: bool = True):
    """Draw the graph of :func:`nodes` and return the Figure (``activation`` labels the arrows).

    ``formulas=False`` leaves the backward arrows and the weight gradients without their
    formulas: the graph to show before the student has derived them.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    items = nodes(sizes, n)
    last = max(x for _, x, _, _ in items)
    fig, ax = plt.subplots(figsize=(1.55 * last + 2.2, 5.4))
    arrow = {"arrowstyle": "-|>", "lw": 1.5, "shrinkA": 0, "shrinkB": 0}
    colour = {"param": PARAM, "forward": FORWARD, "backward": BACKWARD, "grad": BACKWARD}
    for row, x, label, shape in items:
        half = 0.2 if row in ("param", "grad") and x != last else 0.38
        y = ROWS[row]
        ax.add_patch(FancyBboxPatch((x - half, y - 0.3), 2 * half, 0.6, boxstyle="round,pad=0.02",
                                    fc="white", ec=colour[row], lw=1.8))
        ax.text(x, y + 0.1, label, ha="center", va="center", fontsize=12)
        ax.text(x, y - 0.16, shape, ha="center", va="center", fontsize=9, color="0.25")
        if row == "param":     # parameters and labels feed the forward array below them
            ax.annotate("", (round(x), 2.32), (x, y - 0.32),
                        arrowprops={**arrow, "color": PARAM, "lw": 1.1})
        if row == "grad":      # weight gradients come from the delta above them
            ax.annotate("", (x, y + 0.32), (round(x), 0.68),
                        arrowprops={**arrow, "color": BACKWARD, "lw": 1.1})
        if row == "grad" and label.startswith("$dW"):   # ...and dW_k from the layer's input
            source = round(x) - 1                        # X or a_{k-1}, in the forward row
            ax.annotate("", (x - 0.12, y + 0.32), (source + 0.25, 1.68), zorder=0.5,
                        arrowprops={**arrow, "color": FORWARD, "lw": 1.0, "ls": "--",
                                    "connectionstyle": "angle,angleA=-90,angleB=180,rad=6"})
        if row == "grad" and formulas:
            ax.text(x, y - 0.48, _grad_formula(label), ha="center", va="center", fontsize=10,
                    color="0.2")
    for x in range(last):
        if x == last - 1:
            op, back = "softmax +\ncross-entropy", "$(p - \\mathrm{onehot})/N$"
        elif x % 2 == 0:
            k = x // 2 + 1
            op, back = f"$\\cdot W_{k} + b_{k}$", f"$\\cdot W_{k}^\\top$"
        else:
            op, back = activation, _activation_grad(activation, x // 2 + 1)
        ax.annotate("", (x + 1 - 0.4, 2.0), (x + 0.4, 2.0), arrowprops={**arrow, "color": FORWARD})
        shift = 0.08 if x == last - 1 else 0.0     # clear of the arrow from the last bias
        ax.text(x + 0.5 + shift, 2.36, op, ha="center", va="bottom", fontsize=11, color=FORWARD)
        if x > 0:
            ax.annotate("", (x + 0.4, 1.0), (x + 1 - 0.4, 1.0),
                        arrowprops={**arrow, "color": BACKWARD})
        reads_a = activation in ("tanh", "sigmoid")    # rule 3 written with the output a_k
        if x % 2 == 1 and x != last - 1 and reads_a:  # a dashed link: that step reads a_k
            ax.annotate("", (x + 0.55, 1.04), (x + 0.78, 1.68), zorder=0.5,
                        arrowprops={**arrow, "color": FORWARD, "lw": 1.0, "ls": "--"})
            if formulas:                      # left of that link, clear of every dashed line
                ax.text(x + 0.5, 1.5, back, ha="right", va="center", fontsize=11,
                        color=BACKWARD)
        elif x > 0 and formulas:                  # (with relu, the step reads z_k)
            ax.text(x + 0.5, 1.5, back, ha="center", va="center", fontsize=11, color=BACKWARD)
    ax.set(xlim=(-0.6, last + 0.6), ylim=(-0.75, 3.45))
    ax.set_yticks(list(ROWS.values()), ["parameters\nand labels", "forward\npass",
                                        "backward pass\n(dL/d array)", "weight\ngradients"])
    ax.set_xticks([])
    ax.grid(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"The {'-'.join(map(str, sizes))} network as a graph: every array with its "
                 f"shape (batch of {n})")
    return fig
