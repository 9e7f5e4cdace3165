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
import subprocess
import sys
import time
from pathlib import Path

from .testenv import CONFIGS, TEST_CONFIG, config_env, environment

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("lint", "unit", "nbval")


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


def run(steps: list[str], notebooks: list[str],
        config: str = TEST_CONFIG) -> dict[str, tuple[int, float]]:
    """Run each step from the repository root; ``{step: (exit status, seconds)}``.

    nbval runs offline in the CPU configuration ``config`` (see tools/testenv.py).
    """
    results = {}
    for step in steps:
        print(f"==> {step}: {' '.join(command(step, notebooks))}"
              + (f" (configuration {config})" if step == "nbval" else ""), flush=True)
        start = time.monotonic()
        env = config_env(config) if step == "nbval" else environment(offline=False)
        rc = subprocess.call(command(step, notebooks), cwd=ROOT, env=env)
        results[step] = (rc, time.monotonic() - start)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="lint, unit tests and strict nbval")
    parser.add_argument("steps", nargs="*", metavar="STEP",
                        help=f"any of {', '.join(STEPS)} (default: all)")
    parser.add_argument("--notebooks", nargs="+", default=["notebooks"],
                        help="notebooks (or folders) for the nbval step")
    parser.add_argument("--config", default=TEST_CONFIG, choices=list(CONFIGS),
                        help=f"CPU configuration of the nbval step (default {TEST_CONFIG}: not "
                             f"the machine the outputs were recorded on)")
    args = parser.parse_args(argv)
    unknown = [s for s in args.steps if s not in STEPS]
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    results = run(args.steps or list(STEPS), args.notebooks, args.config)
    print()
    for step, (rc, seconds) in results.items():
        print(f"{step:<6} {'passed' if rc == 0 else f'FAILED (exit {rc})':<16} {seconds:6.0f} s")
    return 0 if all(rc == 0 for rc, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
