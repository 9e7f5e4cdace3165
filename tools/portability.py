"""``make test-portability``: strict nbval of every notebook as other CPUs would compute it.

Stored outputs are recorded on one machine; a student's laptop, Colab or a CI runner has another
instruction set and another number of threads, and the last digits of a sum depend on both.
This runs strict nbval once per configuration below, each a set of environment variables that
make NumPy (OpenBLAS), PyTorch (ATen, MKL, oneDNN) and TensorFlow (Eigen) compute as on such a
machine, and writes a table of the cells that failed in each to ``build/portability/summary.md``
(logs next to it). Exit status 0 when every configuration passed.

    python -m tools.portability                        # every configuration
    python -m tools.portability --configs sse42-1t 8t  # some of them
    python -m tools.portability --notebooks notebooks/01_backprop_by_hand.ipynb
    python -m tools.portability --list                 # the configurations and their variables

``make test`` runs nbval in one of them (``TEST_CONFIG``): not the machine the outputs were
recorded on, so an output that is not portable fails the day it is committed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from .paths import BUILD, REPO
from .run_tests import command
from .testenv import CONFIGS, TEST_CONFIG, config_env

__all__ = ["CONFIGS", "TEST_CONFIG", "failed_cells", "run_config", "main"]


_FAILED = re.compile(r"^FAILED (\S+?\.ipynb)::Cell (\d+)", re.MULTILINE)
_ERROR = re.compile(r"^ERROR (\S+?\.ipynb)", re.MULTILINE)


def failed_cells(log: str) -> list[str]:
    """``01::20``-style names (notebook number, nbval code-cell number) of a log's failures.

    >>> failed_cells("FAILED notebooks/01_backprop_by_hand.ipynb::Cell 20 - ...\\n")
    ['01::20']
    """
    found = [f"{Path(nb).name[:2]}::{cell}" for nb, cell in _FAILED.findall(log)]
    found += [f"{Path(nb).name[:2]}::(error)" for nb in _ERROR.findall(log)]
    return found


def run_config(name: str, notebooks: list[str], out_dir: Path) -> dict[str, object]:
    log_path = out_dir / f"{name}.log"
    start = time.monotonic()
    result = subprocess.run([*command("nbval", notebooks), "-rfE", "-q", "-p", "no:randomly"],
                            cwd=REPO, env=config_env(name), capture_output=True, text=True)
    log = result.stdout + result.stderr
    log_path.write_text(log)
    passed = re.search(r"(\d+) passed", log)
    return {"config": name, "rc": result.returncode, "seconds": time.monotonic() - start,
            "passed": int(passed.group(1)) if passed else 0, "failed": failed_cells(log)}


def table(rows: list[dict[str, object]]) -> str:
    lines = ["| configuration | variables | cells passed | failed cells | time |",
             "|---|---|---:|---|---:|"]
    for row in rows:
        variables = " ".join(f"{k}={v}" for k, v in CONFIGS[row["config"]][1].items()) or "-"
        failed = ", ".join(row["failed"]) or ("0" if row["rc"] == 0 else f"exit {row['rc']}")
        lines.append(f"| {row['config']} | {variables} | {row['passed']} | {failed} "
                     f"| {row['seconds']:.0f} s |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), metavar="NAME",
                        help=f"any of {', '.join(CONFIGS)} (default: all)")
    parser.add_argument("--notebooks", nargs="+", default=["notebooks"],
                        help="notebooks (or folders) to run")
    parser.add_argument("--list", action="store_true", help="print the configurations and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (what, variables) in CONFIGS.items():
            print(f"{name:<9} {what}: " + (" ".join(f"{k}={v}" for k, v in variables.items())
                                           or "no variables"))
        return 0
    unknown = [c for c in args.configs if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown configuration(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(CONFIGS)}")
    out_dir = BUILD / "portability"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in args.configs:
        print(f"==> {name}: {CONFIGS[name][0]} (log: build/portability/{name}.log)", flush=True)
        rows.append(run_config(name, args.notebooks, out_dir))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    summary = (f"Strict nbval per configuration ({time.strftime('%Y-%m-%d')}, "
               f"Python {sys.version.split()[0]}; cells are notebook::nbval code-cell number)\n\n"
               + table(rows) + "\n")
    (out_dir / "summary.md").write_text(summary)
    print("\n" + summary)
    return 0 if all(row["rc"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
