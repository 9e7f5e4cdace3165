"""Which computations of the course's libraries change with the CPU and the thread count.

    python -m tools.determinism            # every configuration of tools.portability
    python -m tools.determinism --configs native sse42

Runs a fixed set of operations (NumPy, PyTorch, TensorFlow; float32 and float64) in one fresh
process per configuration of :mod:`tools.testenv` and prints, for each operation, whether its
result is bit for bit the one of the ``native`` configuration, or else the largest relative
difference. The README's section on recording outputs quotes this table; it is written to
``build/portability/determinism.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from .paths import BUILD, REPO
from .testenv import CONFIGS, config_env

# Runs inside each configuration: prints {operation: list of floats} as JSON.
PROBE = r"""
import json, os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import torch
import tensorflow as tf

rng = np.random.default_rng(0)
A, B = rng.normal(size=(257, 301)), rng.normal(size=(301, 263))
v = rng.normal(size=2_000_003) * 5
img, ker = rng.normal(size=(2, 8, 40, 40)), rng.normal(size=(16, 8, 3, 3))
out = {}


def put(name, x):
    out[name] = np.asarray(x, dtype=np.float64).ravel()[:4000].tolist()


put("numpy matmul float64", A @ B)
put("numpy matmul float32", A.astype(np.float32) @ B.astype(np.float32))
put("numpy sum float64", [v.sum()])
put("numpy exp float64", np.exp(v[:100000] / 5))
put("numpy tanh float32", np.tanh(v[:100000].astype(np.float32)))
put("numpy eigh float64", np.linalg.eigvalsh(A[:200, :200] @ A[:200, :200].T))
t = torch.from_numpy
put("torch matmul float64", t(A) @ t(B))
put("torch matmul float32", t(A).float() @ t(B).float())
put("torch sum float32", [t(v).float().sum().item()])
put("torch exp float32", torch.exp(t(v[:100000]).float() / 5))
conv = torch.nn.functional.conv2d
put("torch conv2d float32", conv(t(img).float(), t(ker).float(), padding=1))
put("torch conv2d float64", conv(t(img), t(ker), padding=1))
x = t(img).float().requires_grad_()
conv(x, t(ker).float(), padding=1).square().sum().backward()
put("torch conv2d backward float32", x.grad)
put("tensorflow matmul float32", tf.matmul(A.astype(np.float32), B.astype(np.float32)))
put("tensorflow conv2d float32", tf.nn.conv2d(img.transpose(0, 2, 3, 1).astype(np.float32),
                                              ker.transpose(2, 3, 1, 0).astype(np.float32),
                                              1, "SAME"))
put("tensorflow sum float32", [tf.reduce_sum(v.astype(np.float32))])
print("RESULT" + json.dumps(out))
"""


def probe(name: str) -> dict[str, list[float]]:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=config_env(name),
                            capture_output=True, text=True, check=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT"))
    return json.loads(line.removeprefix("RESULT"))


def difference(a: list[float], b: list[float]) -> str:
    import numpy as np

    a, b = np.array(a), np.array(b)
    if np.array_equal(a, b):
        return "="
    rel = np.abs(a - b).max() / np.abs(b).max()
    return f"{rel:.0e}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), metavar="NAME")
    args = parser.parse_args(argv)
    names = ["native"] + [c for c in args.configs if c != "native"]
    results = {}
    for name in names:
        print(f"==> {name}", file=sys.stderr, flush=True)
        results[name] = probe(name)
    ops = list(results["native"])
    lines = ["| operation | " + " | ".join(names[1:]) + " |", "|---|" + "---|" * (len(names) - 1)]
    for op in ops:
        cells = [difference(results[c][op], results["native"][op]) for c in names[1:]]
        lines.append(f"| {op} | " + " | ".join(cells) + " |")
    table = ("Same bits as `native` (=), or the largest difference relative to the largest "
             "value\n\n" + "\n".join(lines) + "\n")
    (BUILD / "portability").mkdir(parents=True, exist_ok=True)
    (BUILD / "portability" / "determinism.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
