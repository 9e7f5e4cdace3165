"""The course's tests without make, on any operating system:

    python -m tools.run_tests                 # lint, unit tests, every notebook by strict nbval
    python -m tools.run_tests unit nbval      # some of the steps
    python -m tools.run_tests nbval --notebooks notebooks/01_backprop_by_hand.ipynb

Run it with the Python of the course's virtual environment (the README's install steps). It
sets the same environment as the Makefile (reproducible hashing, a quiet TensorFlow without
oneDNN, and the offline guard for notebook kernels) and runs each step as a subprocess of
``sys.executable``. Exit status 0 when every step passed. The browser tests need make
(``make browser-test``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from .paths import OFFLINE_BOOT

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("lint", "unit", "nbval")
# The same variables as the Makefile exports for every test run.
TEST_ENV = {"PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}
# The offline guard: a sitecustomize module on PYTHONPATH that every kernel imports.
OFFLINE_DIR = OFFLINE_BOOT


def environment(*, offline: bool) -> dict[str, str]:
    env = {**os.environ, **TEST_ENV}
    env.pop("MPLBACKEND", None)  # an Agg backend set here would drop figures from nbval's view
    if offline:
        env["COURSE_OFFLINE"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(OFFLINE_DIR), env.get("PYTHONPATH", "")) if p)
    return env


def command(step: str, notebooks: list[str]) -> list[str]:
    python = [sys.executable, "-m"]
    if step == "lint":
        return python + ["ruff", "check", "coursekit", "tests", "notebooks", "tools"]
    if step == "unit":
        return python + ["pytest", "tests"]
    if step == "nbval":
        return python + ["pytest", "--nbval", "--nbval-current-env", "--nbval-sanitize-with",
                         "tests/nbval_sanitize.cfg", "--durations=0", *notebooks]
    raise ValueError(f"unknown step {step!r}; choose from {', '.join(STEPS)}")


def run(steps: list[str], notebooks: list[str]) -> dict[str, tuple[int, float]]:
    """Run each step from the repository root; ``{step: (exit status, seconds)}``."""
    results = {}
    for step in steps:
        print(f"==> {step}: {' '.join(command(step, notebooks))}", flush=True)
        start = time.monotonic()
        rc = subprocess.call(command(step, notebooks), cwd=ROOT,
                             env=environment(offline=step == "nbval"))
        results[step] = (rc, time.monotonic() - start)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="lint, unit tests and strict nbval")
    parser.add_argument("steps", nargs="*", metavar="STEP",
                        help=f"any of {', '.join(STEPS)} (default: all)")
    parser.add_argument("--notebooks", nargs="+", default=["notebooks"],
                        help="notebooks (or folders) for the nbval step")
    args = parser.parse_args(argv)
    unknown = [s for s in args.steps if s not in STEPS]
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    results = run(args.steps or list(STEPS), args.notebooks)
    print()
    for step, (rc, seconds) in results.items():
        print(f"{step:<6} {'passed' if rc == 0 else f'FAILED (exit {rc})':<16} {seconds:6.0f} s")
    return 0 if all(rc == 0 for rc, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
