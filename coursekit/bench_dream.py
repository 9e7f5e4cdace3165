"""Benchmark of :func:`coursekit.dream.deepdream`: ``python -m coursekit.bench_dream``.

Prints the time of one full dream (4 octaves × 10 steps on a 224×224 image) and the fraction
of that time spent outside the network's forward and backward passes (image rolls, gradient
normalisation, resizing, clipping, copies), measured by timing every call of the function that
runs the passes. For comparison it also times a plain PyTorch loop that makes the same passes
through the unmodified network and nothing else. Run it when the CPU is otherwise idle.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from . import dream

__all__ = ["main", "measure"]


def _image(size: int) -> np.ndarray:
    try:
        from .data import sample_image

        image = sample_image("grace_hopper")
    except (ImportError, FileNotFoundError):  # e.g. a machine without matplotlib
        yy, xx = np.mgrid[0:size, 0:size]
        image = np.stack([xx, yy, (xx + yy) // 2], axis=-1) * 255 // max(size, 1)
        image = image.astype(np.uint8)
    return dream.resize(image, (size, size))


def _plain_loop(model, x, layer, sizes, steps) -> float:
    """Seconds for the same forward/backward passes through the unmodified model, nothing else."""
    start = time.perf_counter()
    for size in sizes:
        xs = torch.nn.functional.interpolate(x, size=size, mode="bilinear")
        for _ in range(steps):
            xs = xs.detach().requires_grad_(True)
            act = model.features(xs, layer)
            (grad,) = torch.autograd.grad(act.square().mean(), xs)
    return time.perf_counter() - start


def measure(layer: str = "block8", size: int = 224, octaves: int = 4, steps: int = 10,
            repeats: int = 3) -> dict:
    """Best-of-``repeats`` timings: dict with ``dream_s``, ``passes_s``, ``outside_fraction``,
    ``plain_loop_s``."""
    from . import _validate

    _validate.choice(layer, "layer", dream.LAYERS)
    size = _validate.positive_int(size, "size", minimum=64)
    octaves = _validate.positive_int(octaves, "octaves")
    steps = _validate.positive_int(steps, "steps")
    repeats = _validate.positive_int(repeats, "repeats")
    model = dream.load_pretrained()
    image = _image(size)
    sizes = dream.octave_sizes(size, size, octaves, 1.4)
    passes_time = [0.0]
    inner = dream._passes

    def timed_passes(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            passes_time[0] += time.perf_counter() - start

    dream.deepdream(model, image, layer, octaves=2, steps=2)  # warm-up
    best = None
    dream._passes = timed_passes
    try:
        for _ in range(repeats):
            passes_time[0] = 0.0
            start = time.perf_counter()
            dream.deepdream(model, image, layer, octaves=octaves, steps=steps)
            total = time.perf_counter() - start
            if best is None or total < best[0]:
                best = (total, passes_time[0])
    finally:
        dream._passes = inner
    x = dream.preprocess(image)
    plain = min(_plain_loop(model, x, layer, sizes, steps) for _ in range(repeats))
    return {"dream_s": best[0], "passes_s": best[1],
            "outside_fraction": 1 - best[1] / best[0], "plain_loop_s": plain}


def main(argv=None) -> None:
    """Command line: ``python -m coursekit.bench_dream [--threads 2] [--layer block8]``."""
    if argv is not None and not (isinstance(argv, (list, tuple))
                                 and all(isinstance(a, str) for a in argv)):
        raise TypeError(f"argv must be a list of command-line strings like ['--layer', 'block8'] "
                        f"or None, got {argv!r}")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--layer", default="block8", choices=dream.LAYERS)
    parser.add_argument("--size", type=int, default=224, help="image side in pixels")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    torch.set_num_threads(args.threads)
    r = measure(args.layer, args.size, repeats=args.repeats)
    print(f"deepdream, 4 octaves x 10 steps, {args.size}x{args.size}, layer {args.layer}, "
          f"{torch.get_num_threads()} torch threads (best of {args.repeats})")
    print(f"  one dream:                         {r['dream_s']:.2f} s")
    print(f"  of which forward+backward passes:  {r['passes_s']:.2f} s")
    print(f"  fraction outside the passes:       {100 * r['outside_fraction']:.1f} %")
    print(f"  plain PyTorch loop, same passes:   {r['plain_loop_s']:.2f} s (unfused network)")


if __name__ == "__main__":
    main()
