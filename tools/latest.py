"""``make test-latest``: the course against the newest versions its ranges admit.

Builds ``.venv-latest`` with Python 3.12 (``--python`` to choose another) from
``pyproject.toml``'s ranges alone - ``pip install -e .[lab,test]`` with no pins and no
constraints, so every package resolves to the newest release the ranges allow (pip runs without
its configuration files here, which lifts any machine-wide cap on torch for this run only). Then
it executes every notebook in a fresh kernel, offline, into ``build/latest/``. The stored
outputs are not compared (newer libraries may print other digits) but every ``assert`` in the
notebooks must hold. The versions it ran with go to ``build/latest/versions.txt`` (``pip
freeze``) and ``build/latest/report.md`` (the course packages), printed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools import matrix, paths, testenv

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-latest"
OUT = ROOT / "build" / "latest"


def _run(cmd: list[str], **kwargs) -> None:
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)


def build(python: str) -> float:
    """A fresh environment with the newest admitted versions; returns the seconds it took."""
    start = time.monotonic()
    if VENV.exists():
        shutil.rmtree(VENV)
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    env.pop("PIP_CONSTRAINT", None)
    _run([python, "-m", "venv", str(VENV)])
    pip = [str(VENV / "bin" / "python"), "-m", "pip"]
    _run(pip + ["install", "--quiet", "--upgrade", "pip"], env=env)
    _run(pip + ["install", "--quiet", "--upgrade", "--upgrade-strategy", "eager",
                "-e", ".[lab,test]"], env=env)
    return time.monotonic() - start


def execute(notebooks: list[Path]) -> dict[str, tuple[bool, float]]:
    """Run each notebook into build/latest/; ``{name: (passed, seconds)}``."""
    env = testenv.environment(offline=True)
    results = {}
    for nb in notebooks:
        start = time.monotonic()
        rc = subprocess.call([str(VENV / "bin" / "jupyter"), "nbconvert", "--to", "notebook",
                              "--execute", "--ExecutePreprocessor.timeout=600",
                              "--output-dir", str(OUT), str(nb)], cwd=ROOT, env=env)
        results[nb.name] = (rc == 0, time.monotonic() - start)
        print(f"{nb.name}: {'passed' if rc == 0 else 'FAILED'} "
              f"({results[nb.name][1]:.0f} s)", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=None,
                        help="interpreter for the environment (default: Python 3.12)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep an existing .venv-latest instead of rebuilding it")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        default=paths.notebooks())
    args = parser.parse_args(argv)
    python = args.python or matrix.find_python("3.12")
    if python is None:
        parser.error("no Python 3.12 found; pass --python")
    OUT.mkdir(parents=True, exist_ok=True)
    if not (args.reuse and (VENV / "bin" / "python").exists()):
        seconds = build(python)
        print(f"environment built in {seconds:.0f} s, {matrix._du(VENV)}", flush=True)
    freeze = subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "freeze",
                             "--exclude-editable"], capture_output=True, text=True, check=True)
    (OUT / "versions.txt").write_text(freeze.stdout)
    report = subprocess.run([str(VENV / "bin" / "python"), "-c",
                             "from coursekit import doctor; print(doctor.version_table())"],
                            capture_output=True, text=True, cwd=ROOT, check=True).stdout
    results = execute(args.notebooks)
    lines = ["# make test-latest", "", "```", report.rstrip(), "```", "",
             "| notebook | result | seconds |", "|---|---|---|"]
    lines += [f"| {name} | {'passed' if ok else 'FAILED'} | {s:.0f} |"
              for name, (ok, s) in results.items()]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(ok for ok, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
