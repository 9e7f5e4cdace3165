"""``python -m tools.bench_dream``: how long one DeepDream takes, and how much of it is the network.

Three timings, each the best of ``--repeats`` runs after a warm-up (the three take turns, so
that other work on the machine slows them alike):

* the public call ``coursekit.dream.deepdream(model, image, layer, octaves=4, steps=10)`` on the
  sample image resized to ``--size`` pixels square;
* the same forward and backward passes written in plain PyTorch, nothing else: for each octave
  size, ``steps`` times a forward pass to ``layer``, the mean square of its activations and the
  gradient of that with respect to the input pixels. They run twice: through the network as
  ``load_pretrained()`` returns it, and through a *prepared* copy (each BatchNorm folded into
  the convolution before it, parameters frozen, channels-last memory layout), the cheapest way
  plain PyTorch makes these passes on a CPU.

The share of the dream spent outside the passes (image rolls, gradient normalisation, resizing,
clipping, copies, Python) is ``1 - prepared passes / dream``: an estimate, since the dream's own
passes may be organised differently. Nothing in ``coursekit`` is replaced or patched to measure
it: the dream is timed from the outside only. Run it when the CPU is otherwise idle.
"""

from __future__ import annotations

import argparse
import copy
import time

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from coursekit import dream
from coursekit.data import sample_image
from coursekit.efficientnet import LAYERS

__all__ = ["prepared_copy", "time_passes", "measure", "main"]

OCTAVE_SCALE = 1.4  # deepdream's default


def prepared_copy(model: nn.Module) -> nn.Module:
    """A copy of ``model`` (eval mode) for gradients with respect to the input only.

    In eval mode a BatchNorm layer is a fixed affine map, so it folds into the convolution that
    feeds it. The pairs are found as a ``Conv2d`` child registered directly before a
    ``BatchNorm2d`` child of the same width (how EfficientNet-Lite0 is written);
    :func:`measure` checks that the copy computes what the original computes.
    """
    net = copy.deepcopy(model).eval()
    for module in net.modules():
        children = list(module.named_children())
        for (conv_name, conv), (bn_name, bn) in zip(children, children[1:], strict=False):
            if (isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d)
                    and bn.num_features == conv.out_channels):
                setattr(module, conv_name, fuse_conv_bn_eval(conv, bn))
                setattr(module, bn_name, nn.Identity())
    return net.requires_grad_(False).to(memory_format=torch.channels_last)


def time_passes(model, x: torch.Tensor, layer: str, sizes, steps: int) -> float:
    """Seconds for ``steps`` forward + backward passes to ``layer`` at each of ``sizes``."""
    start = time.perf_counter()
    for size in sizes:
        xs = torch.nn.functional.interpolate(x, size=size, mode="bilinear", antialias=True)
        xs = xs.contiguous(memory_format=torch.channels_last)
        for _ in range(steps):
            xs = xs.detach().requires_grad_(True)
            objective = model.features(xs, layer).square().mean()
            torch.autograd.grad(objective, xs)
    return time.perf_counter() - start


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(layer: str = "block8", size: int = 224, octaves: int = 4, steps: int = 10,
            repeats: int = 3) -> dict:
    """Best-of-``repeats`` seconds: ``dream_s``, ``passes_s`` (prepared copy),
    ``passes_as_loaded_s``, and ``outside_fraction`` = 1 - passes_s / dream_s."""
    model = dream.load_pretrained()
    image = dream.resize(sample_image("grace_hopper"), (size, size))
    x = dream.preprocess(image)
    sizes = dream.octave_sizes(size, size, octaves, OCTAVE_SCALE)
    prepared = prepared_copy(model)
    with torch.no_grad():
        torch.testing.assert_close(prepared.features(x, layer), model.features(x, layer),
                                   rtol=1e-3, atol=1e-3)

    runs = {
        "dream_s": lambda: dream.deepdream(model, image, layer, octaves=octaves,
                                           octave_scale=OCTAVE_SCALE, steps=steps),
        "passes_s": lambda: time_passes(prepared, x, layer, sizes, steps),
        "passes_as_loaded_s": lambda: time_passes(model, x, layer, sizes, steps),
    }
    for run in runs.values():
        run()  # warm-up: first calls allocate and pick kernels
    # interleaved, so that a busy moment of the machine slows all three alike
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].append(_timed(run))
    best = {name: min(seconds) for name, seconds in times.items()}
    return {**best, "outside_fraction": 1 - best["passes_s"] / best["dream_s"]}


def _int_at_least(minimum: int):
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    parse.__name__ = "int"  # argparse names the type in its messages
    return parse


def main(argv=None) -> None:
    """Command line: ``python -m tools.bench_dream [--threads 2] [--layer block8] ...``."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench_dream",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=_int_at_least(1), default=2,
                        help="torch threads (default 2, the course's laptop)")
    parser.add_argument("--layer", default="block8", choices=[n for n in LAYERS if n != "logits"])
    parser.add_argument("--size", type=_int_at_least(32), default=224,
                        help="image side in pixels (the network needs 32 at the smallest octave)")
    parser.add_argument("--octaves", type=_int_at_least(1), default=4)
    parser.add_argument("--steps", type=_int_at_least(1), default=10)
    parser.add_argument("--repeats", type=_int_at_least(1), default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    r = measure(args.layer, args.size, args.octaves, args.steps, args.repeats)
    print(f"deepdream, {args.octaves} octaves x {args.steps} steps, {args.size}x{args.size}, "
          f"layer {args.layer}, {torch.get_num_threads()} torch threads "
          f"(best of {args.repeats})")
    print(f"  one dream (public call):                   {r['dream_s']:.2f} s")
    print(f"  same passes, plain PyTorch, prepared copy: {r['passes_s']:.2f} s")
    print(f"  same passes, network as loaded:            {r['passes_as_loaded_s']:.2f} s")
    print(f"  share of the dream outside the passes:     {100 * r['outside_fraction']:.1f} %")


if __name__ == "__main__":
    main()
