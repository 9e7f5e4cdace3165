"""Multi-seed runs behind the numbers quoted in notebook 02 (initialisation), sections 3, 5 and 6.

Run from the repository root (a few minutes on one CPU core):

    .venv/bin/python -m tools.experiments.init_seeds > tools/experiments/init_seeds.md

It prints a Markdown report; the committed ``init_seeds.md`` is its output. The notebook runs a
reduced version of each experiment (fewer seeds or steps) and asserts it; this script gives the
full picture the notebook quotes:

1. the finite-width spread of a 50-layer stack of width 512 (ReLU + He, and tanh + Xavier × 5/3):
   std of z_10 and z_50 over 10 seeds, relative to the wide-layer theory;
2. the std of z_20 in the notebook's 30-layer network (64 -> 128 ... -> 10, N(0, 1) input, zero
   biases) over 10 seeds, with He weights and with PyTorch's default weights, relative to theory;
3. that network trained on the digits for 1200 steps, seeds 0-3, in float64 as in the notebook:
   He and Xavier with SGD (momentum 0.9, lr 0.001, batches of 64), Xavier with Adam
   (lr 0.0003), PyTorch's default weights with zero biases and PyTorch's default layer as it
   comes (its biases drawn from U(±1/sqrt(fan_in))), and LSUV
   (orthogonal weights rescaled layer by layer to unit variance on 256 training images), with
   SGD. The notebook's 300-step runs are the first 300 steps of seed 0 here.

The learning rates are small enough for the runs to be reproducible across CPUs. With SGD at
0.003 or Adam at 0.001 the 30-layer trainings are chaotic: multiplying every initial weight by
1 + 1e-15·N(0, 1), a change in the 16th digit like the one another CPU's rounding makes,
changes the loss after 300 steps in the second digit (He with SGD: 0.060 against 0.032), while
at 0.001 and 0.0003 the two runs agree to 9 digits.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from coursekit import data
from coursekit.deepstats import layer_stats, theory_std
from coursekit.solutions.initialization import INPUT_STD, init_he_, predicted_std_z20

STEPS, EVAL_AT, SEEDS, BATCH = 1200, 300, (0, 1, 2, 3), 64
DEPTH, WIDTH = 30, 128


def init_xavier_(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_normal_(module.weight)
        nn.init.zeros_(module.bias)


def zero_biases_(module):
    if isinstance(module, nn.Linear):
        nn.init.zeros_(module.bias)


def keep_default_(module):
    """PyTorch's default layer as it comes: weights and biases from U(±1/sqrt(fan_in))."""


def lsuv_(net, x):
    """The notebook's LSUV (Mishkin & Matas, 2016): orthogonal weights and zero biases, then each
    Linear layer in turn divided by the std of its output on the batch x."""
    with torch.no_grad():
        for layer in net:
            if isinstance(layer, nn.Linear):
                nn.init.orthogonal_(layer.weight)
                nn.init.zeros_(layer.bias)
                layer.weight /= layer(x).std()
            x = layer(x)
    return net


def sgd(params):
    return torch.optim.SGD(params, lr=0.001, momentum=0.9)


def adam(params):
    return torch.optim.Adam(params, lr=0.0003)


def build(rule):
    """A function (seed, x) -> the network initialised by model.apply(rule)."""
    return lambda seed, x: deep_mlp(rule, seed=seed)


RUNS = {  # label -> (network for a seed and a batch x of training images, optimiser)
    "He normal, SGD": (build(init_he_), sgd),
    "Xavier normal, SGD": (build(init_xavier_), sgd),
    "Xavier normal, Adam": (build(init_xavier_), adam),
    "PyTorch default weights, zero biases, SGD": (build(zero_biases_), sgd),
    "PyTorch default layer (weights and biases), SGD": (build(keep_default_), sgd),
    "LSUV, SGD": (lambda seed, x: lsuv_(deep_mlp(zero_biases_, seed=seed), x), sgd),
}


def deep_mlp(rule, depth=DEPTH, width=WIDTH, seed=0):
    """The notebook's network: depth float64 nn.Linear layers 64 -> width ... -> 10, ReLUs
    between them, initialised by model.apply(rule)."""
    torch.manual_seed(seed)
    sizes = [64] + [width] * (depth - 1) + [10]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(n_in, n_out, dtype=torch.float64), nn.ReLU()]
    return nn.Sequential(*layers[:-1]).apply(rule)


def accuracy(net, X, y):
    with torch.no_grad():
        return (net(X).argmax(dim=1) == y).double().mean().item()


def train(net, optimizer, X, y, Xs, ys, steps, seed):
    """Mini-batches reshuffled every epoch (as in the notebook); returns the batch losses and the
    test accuracy after EVAL_AT steps."""
    gen = torch.Generator().manual_seed(seed)
    per_epoch, losses, early = len(X) // BATCH, [], None
    for step in range(steps):
        if step % per_epoch == 0:
            order = torch.randperm(len(X), generator=gen)
        idx = order[(step % per_epoch) * BATCH:(step % per_epoch + 1) * BATCH]
        loss = nn.functional.cross_entropy(net(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if step + 1 == EVAL_AT:
            early = accuracy(net, Xs, ys)
    return np.array(losses), early


def z20_ratio(rule, theory, seed, x):
    net = deep_mlp(rule, seed=seed)
    with torch.no_grad():
        h, count = x, 0
        for layer in net:
            h = layer(h)
            count += isinstance(layer, nn.Linear)
            if count == 20:
                return h.std().item() / theory


def main():
    torch.set_num_threads(1)
    print("# Multi-seed results for notebook 02\n")
    print("Output of `python -m tools.experiments.init_seeds` (see its docstring).\n")

    print("## 1. 50-layer stacks of width 512, 64 N(0, 1) inputs, seeds 0-9\n")
    for act, label, scheme, kw in [("relu", "He normal", "he_normal", {}),
                                   ("tanh", "Xavier normal × 5/3", "xavier_normal",
                                    {"gain": 5 / 3})]:
        theory = theory_std(scheme, act, 50, 512, **kw)["pre"]
        runs = np.array([layer_stats(scheme, act, 50, 512, n=64, seed=seed, **kw)["pre"]
                         for seed in range(10)]) / theory
        for layer in (10, 50):
            r = runs[:, layer - 1]
            print(f"- {act} + {label}, std of z_{layer} / theory ({theory[layer - 1]:.3g}): "
                  f"min {r.min():.3f}, median {np.median(r):.3f}, max {r.max():.3f}")
        print(f"  layers 10-50, all seeds: min {runs[:, 9:].min():.3f}, "
              f"max {runs[:, 9:].max():.3f}")
    print()

    print(f"## 2. std of z_20 in the {DEPTH}-layer network (width {WIDTH}), 256 "
          f"N(0, {INPUT_STD**2:g}) inputs, seeds 0-9\n")
    x = INPUT_STD * torch.randn(256, 64, dtype=torch.float64,
                                generator=torch.Generator().manual_seed(0))
    for label, rule, theory in [("He normal", init_he_, predicted_std_z20()[0]),
                                ("PyTorch default weights, zero biases", zero_biases_,
                                 predicted_std_z20()[1])]:
        r = np.array([z20_ratio(rule, theory, seed, x) for seed in range(10)])
        print(f"- {label}: theory {theory:.3g}; measured / theory: min {r.min():.2f}, "
              f"median {np.median(r):.2f}, max {r.max():.2f}")
    print()

    print(f"## 3. The {DEPTH}-layer ReLU network on the digits, {STEPS} steps, seeds {SEEDS}\n")
    X_train, y_train, X_test, y_test = data.digits()
    Xt, yt = torch.tensor(X_train), torch.tensor(y_train)
    Xs, ys = torch.tensor(X_test), torch.tensor(y_test)
    print(f"test accuracy after {EVAL_AT} and after {STEPS} steps; mean batch loss over steps "
          f"251-300, 351-400 and the last 50; first step at which the 10-step mean loss is below "
          f"2.0\n")
    print(f"| init, optimiser | seed | test acc @{EVAL_AT} | test acc @{STEPS} | loss @300 | "
          f"loss @400 | final loss | first < 2.0 |")
    print("|---|---|---|---|---|---|---|---|")
    for label, (network, optimizer) in RUNS.items():
        for seed in SEEDS:
            net = network(seed, Xt[:256])
            losses, early = train(net, optimizer(net.parameters()), Xt, yt, Xs, ys, STEPS, seed)
            smooth = np.convolve(losses, np.ones(10) / 10, mode="valid")
            below = np.flatnonzero(smooth < 2.0)
            first = str(int(below[0]) + 10) if below.size else "never"
            print(f"| {label} | {seed} | {early:.3f} | {accuracy(net, Xs, ys):.3f} | "
                  f"{losses[250:300].mean():.3f} | {losses[350:400].mean():.3f} | "
                  f"{losses[-50:].mean():.4f} | {first} |")
    print(f"\nln 10 = {math.log(10):.4f}")


if __name__ == "__main__":
    main()
