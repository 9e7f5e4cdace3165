"""``make test-matrix``: the tests on every supported Python found on this machine.

For each of Python 3.11, 3.12 and 3.13 that is on PATH (``python3.12``) or installed by pyenv,
build the environment ``.venv-3.X`` from the exact pins (the Makefile's ``setup`` recipe: it is
rebuilt when the pins change, and ``--fresh`` deletes it first), then run lint, the unit tests and
strict nbval of every notebook in it (``python -m tools.run_tests``). Logs go to
``build/matrix/3.X.log``; the summary table is printed and written to ``build/matrix/summary.md``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUPPORTED = ("3.11", "3.12", "3.13")


def _reports(python: str, version: str) -> bool:
    """Whether ``python`` runs and is ``version`` (a pyenv shim may exist and still fail)."""
    try:
        out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out == version


def find_python(version: str) -> str | None:
    """An interpreter for ``version`` ('3.12'): on PATH, else the newest pyenv patch release."""
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    found = sorted(Path(pyenv_root, "versions").glob(f"{version}.*/bin/python{version}"),
                   key=lambda p: [int(x) for x in re.findall(r"\d+", p.parts[-3])])
    candidates = [shutil.which(f"python{version}")] + [str(p) for p in reversed(found)]
    return next((c for c in candidates if c and _reports(c, version)), None)


def _du(path: Path) -> str:
    out = subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout
    return out.split()[0] if out else "?"


def run_one(version: str, python: str, *, fresh: bool, log: Path) -> dict[str, str]:
    venv = ROOT / f".venv-{version}"
    if fresh and venv.exists():
        shutil.rmtree(venv)
    row = {"python": version, "interpreter": python}
    with log.open("w") as out:
        start = time.monotonic()
        rc = subprocess.call(["make", "--no-print-directory", f"PYTHON={python}",
                              f"VENV={venv.name}", "setup"], cwd=ROOT, stdout=out,
                             stderr=subprocess.STDOUT)
        row["setup"] = f"{'ok' if rc == 0 else 'FAILED'} ({time.monotonic() - start:.0f} s)"
        row["size"] = _du(venv) if venv.exists() else "-"
        if rc != 0:
            row.update(lint="-", unit="-", nbval="-")
            return row
        out.flush()
        for step in ("lint", "unit", "nbval"):
            start = time.monotonic()
            rc = subprocess.call([str(venv / "bin" / "python"), "-m", "tools.run_tests", step],
                                 cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            row[step] = f"{'passed' if rc == 0 else 'FAILED'} ({time.monotonic() - start:.0f} s)"
            out.flush()
    return row


def table(rows: list[dict[str, str]]) -> str:
    columns = ["python", "setup", "size", "lint", "unit", "nbval", "interpreter"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row.get(c, "-") for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="delete each .venv-3.X first")
    parser.add_argument("--versions", nargs="+", default=list(SUPPORTED),
                        help=f"a subset of {' '.join(SUPPORTED)}")
    args = parser.parse_args(argv)
    bad = [v for v in args.versions if v not in SUPPORTED]
    if bad:
        parser.error(f"unsupported version(s) {' '.join(bad)}; supported: {' '.join(SUPPORTED)}")
    out_dir = ROOT / "build" / "matrix"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for version in args.versions:
        python = find_python(version)
        if python is None:
            rows.append({"python": version, "setup": "not found on this machine"})
            continue
        print(f"==> Python {version} ({python}); log: build/matrix/{version}.log", flush=True)
        rows.append(run_one(version, python, fresh=args.fresh, log=out_dir / f"{version}.log"))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    summary = table(rows)
    (out_dir / "summary.md").write_text(summary + "\n")
    print("\n" + summary)
    tested = [r for r in rows if "interpreter" in r]
    ok = tested and all(r.get(s, "").startswith("passed") for r in tested
                        for s in ("lint", "unit", "nbval"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
