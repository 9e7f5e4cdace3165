"""Multi-seed runs behind the numbers quoted in notebook 02 (initialisation), sections 3 and 5.

Run from the repository root (about 2-4 minutes on one CPU core):

    .venv/bin/python -m tools.experiments.init_seeds > tools/experiments/init_seeds.md

It prints a Markdown report; the committed ``init_seeds.md`` is its output. The notebook runs a
reduced version of each experiment (fewer seeds or steps) and asserts it; this script gives the
full picture the notebook quotes:

1. the finite-width spread of a 50-layer ReLU + He stack (width 512): std of z_10 and z_50 over
   10 seeds, relative to the wide-layer theory;
2. the 30-layer ReLU MLP on the digits (width 128, SGD momentum 0.9, lr 0.003, batch 64) for
   1200 steps, seeds 0-3, under He normal, Xavier normal, PyTorch's default weights with zero
   biases, and PyTorch's default layer as it comes (its biases drawn from U(±1/sqrt(fan_in))).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from coursekit import data, init
from coursekit.deepstats import layer_stats, theory_std

STEPS, SEEDS, LR, BATCH = 1200, (0, 1, 2, 3), 0.003, 64
SCHEMES = {  # label -> (coursekit scheme or None for PyTorch's own default, zero the biases?)
    "He normal": ("he_normal", True),
    "Xavier normal": ("xavier_normal", True),
    "PyTorch default weights, zero biases": ("torch_default", True),
    "PyTorch default layer (weights and biases)": (None, False),
}


def deep_mlp(scheme, zero_bias, depth=30, width=128, seed=0):
    """The notebook's 30-layer ReLU MLP (64 inputs, 10 outputs)."""
    torch.manual_seed(seed)
    sizes = [64] + [width] * (depth - 1) + [10]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        linear = nn.Linear(n_in, n_out)
        if scheme is not None:
            init.to_torch(scheme)(linear.weight)
        if zero_bias:
            nn.init.zeros_(linear.bias)
        layers += [linear, nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def train(net, X, y, steps, seed):
    """SGD with momentum 0.9 on mini-batches, reshuffled every epoch (as in the notebook)."""
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=0.9)
    gen = torch.Generator().manual_seed(seed)
    per_epoch, losses = len(X) // BATCH, []
    for step in range(steps):
        if step % per_epoch == 0:
            order = torch.randperm(len(X), generator=gen)
        idx = order[(step % per_epoch) * BATCH:(step % per_epoch + 1) * BATCH]
        loss = nn.functional.cross_entropy(net(X[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


def main():
    torch.set_num_threads(1)
    print("# Multi-seed results for notebook 02\n")
    print("Output of `python -m tools.experiments.init_seeds` (see its docstring).\n")

    print("## 1. 50-layer ReLU stack, He normal, width 512, 64 N(0, 1) inputs, seeds 0-9\n")
    theory = theory_std("he_normal", "relu", 50, 512)["pre"]
    r10, r50 = [], []
    for seed in range(10):
        m = layer_stats("he_normal", "relu", 50, 512, n=64, seed=seed)["pre"]
        r10.append(m[9] / theory[9])
        r50.append(m[49] / theory[49])
    for name, r in [("z_10", r10), ("z_50", r50)]:
        print(f"- std of {name} / theory: min {min(r):.2f}, median {np.median(r):.2f}, "
              f"max {max(r):.2f}")
    print()

    print(f"## 2. 30-layer ReLU MLP on digits, {STEPS} steps, seeds {SEEDS}\n")
    X_train, y_train, X_test, y_test = data.digits()
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    Xs, ys = torch.tensor(X_test, dtype=torch.float32), torch.tensor(y_test)
    print("test accuracy (mean training loss of the last 50 steps); mean batch loss over "
          "steps 251-300 and 351-400; first step at which the 10-step mean loss is below 2.0\n")
    print("| init | seed | test acc | final loss | loss @300 | loss @400 | first < 2.0 |")
    print("|---|---|---|---|---|---|---|")
    for label, (scheme, zero_bias) in SCHEMES.items():
        for seed in SEEDS:
            net = deep_mlp(scheme, zero_bias, seed=seed)
            losses = train(net, Xt, yt, STEPS, seed)
            with torch.no_grad():
                acc = (net(Xs).argmax(dim=1) == ys).float().mean().item()
            smooth = np.convolve(losses, np.ones(10) / 10, mode="valid")
            below = np.flatnonzero(smooth < 2.0)
            first = str(int(below[0]) + 10) if below.size else "never"
            print(f"| {label} | {seed} | {acc:.3f} | {losses[-50:].mean():.4f} | "
                  f"{losses[250:300].mean():.3f} | {losses[350:400].mean():.3f} | {first} |")
    print(f"\nln 10 = {math.log(10):.4f}")


if __name__ == "__main__":
    main()
