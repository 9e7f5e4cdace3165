"""``python -m tools.bench`` (``make bench``): each notebook's run time and peak memory.

Every notebook is executed headless (nbclient, a fresh kernel each, offline guard on) and timed
from kernel start to the last cell; its peak memory is the kernel process's peak resident set
size. The *floor* is a notebook that only starts a kernel, imports NumPy, PyTorch, TensorFlow,
Keras and coursekit and calls ``coursekit.setup()``: no notebook can be faster, so
``wall / floor`` says how much of a notebook's time is its own work. The table also gives the
whole test command's time (written by ``make test``) and the DeepDream benchmark
(``python -m tools.bench_dream``). The numbers describe the machine they were measured on: they
are not promises.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from .paths import BUILD, NOTEBOOK_DIR, OFFLINE_BOOT, REPO, notebooks

__all__ = ["run_notebook", "code_notebook", "format_table", "offline_env", "main"]

TEST_TIME_FILE = BUILD / "test-seconds.txt"
TARGET_S = 30.0
TARGET_MIB = 1536.0  # 1.5 GiB
FLOOR_SOURCE = ("import numpy\nimport torch\nimport tensorflow\nimport keras\n\n"
                "import coursekit\n\ncoursekit.setup()")
# Appended to the executed copy (then removed): the kernel's peak resident set size in bytes.
_PEAK_CELL = """\
import json as _json, sys as _sys
try:
    import resource as _resource
    _peak = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
    _peak *= 1 if _sys.platform == "darwin" else 1024
except ImportError:  # Windows
    import psutil as _psutil
    _peak = _psutil.Process().memory_info().peak_wset
print(_json.dumps({"peak_rss_bytes": _peak}))"""


def offline_env() -> dict:
    """This process's environment plus what turns the offline guard on in a child process."""
    env = dict(os.environ, COURSE_OFFLINE="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_BOOT),
                                                      env.get("PYTHONPATH", "")]))
    return env


def run_notebook(path, *, timeout: float = 600.0, offline: bool = True, cwd=None,
                 allow_errors: bool = False):
    """Execute a notebook headless in a fresh kernel; nothing is written back to ``path``.

    ``timeout`` is the seconds any one cell may run (then nbclient raises). The kernel runs in
    ``cwd`` (default: the notebook's folder, as nbval does) with the offline guard installed
    when ``offline``. A cell that raises stops the run with
    ``nbclient.exceptions.CellExecutionError`` unless ``allow_errors``. Returns a dict:
    ``"notebook"`` (the executed ``nbformat`` node, cell outputs included), ``"wall_s"``
    (kernel start to last cell) and ``"peak_rss_mb"`` (the kernel's peak resident memory, MiB).
    """
    import nbformat
    from nbclient import NotebookClient

    if isinstance(path, nbformat.NotebookNode):
        nb, folder = copy.deepcopy(path), Path.cwd()
    else:
        nb, folder = nbformat.read(path, as_version=4), Path(path).parent
    folder = Path(cwd) if cwd is not None else folder
    n_cells = len(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(_PEAK_CELL))
    client = NotebookClient(nb, timeout=int(timeout), kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}},
                            record_timing=False, allow_errors=allow_errors,
                            # quiet the kernel's start-up warnings (cell errors still come back)
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    start = time.perf_counter()
    client.execute(env=offline_env() if offline else dict(os.environ))
    wall = time.perf_counter() - start
    peak_cell = nb.cells.pop()
    assert len(nb.cells) == n_cells
    text = "".join(o.get("text", "") for o in peak_cell.outputs if o.output_type == "stream")
    peak = json.loads(text.strip().splitlines()[-1])["peak_rss_bytes"]
    return {"notebook": nb, "wall_s": wall, "peak_rss_mb": peak / 2**20}


def format_table(rows, floor) -> str:
    """A Markdown table of ``rows`` (dicts with ``name``, ``wall_s``, ``peak_rss_mb``).

    ``floor`` is the floor measurement (same keys); each row gets its ratio to it.
    """
    lines = ["| notebook | wall time (s) | peak memory (MiB) | time / floor | memory / floor |",
             "|---|---:|---:|---:|---:|",
             f"| floor: kernel start + imports + setup | {floor['wall_s']:.1f} | "
             f"{floor['peak_rss_mb']:.0f} | 1.0 | 1.0 |"]
    for row in rows:
        over = "".join(
            f" (over the {limit:.0f} {unit} target)"
            for value, limit, unit in ((row["wall_s"], TARGET_S, "s"),
                                       (row["peak_rss_mb"], TARGET_MIB, "MiB"))
            if value > limit)
        lines.append(f"| {row['name']}{over} | {row['wall_s']:.1f} | {row['peak_rss_mb']:.0f} | "
                     f"{row['wall_s'] / floor['wall_s']:.1f} | "
                     f"{row['peak_rss_mb'] / floor['peak_rss_mb']:.1f} |")
    return "\n".join(lines)


def code_notebook(*sources):
    """A new notebook for the ``python3`` kernel with one code cell per source string."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def _test_time(run_tests: bool) -> str:
    if run_tests:
        start = time.perf_counter()
        proc = subprocess.run(["make", "--no-print-directory", "unit", "nbval"], cwd=REPO,
                              capture_output=True, text=True, check=False)
        status = "passed" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        return f"{time.perf_counter() - start:.0f} s for `make unit nbval` ({status}, measured now)"
    if TEST_TIME_FILE.is_file():
        return TEST_TIME_FILE.read_text().strip()
    return "not measured: run `make test` first (it records its time), or `make bench RUN_TESTS=1`"


def _dream_section() -> str:
    proc = subprocess.run([sys.executable, "-m", "tools.bench_dream"], cwd=REPO,
                          env=offline_env(), capture_output=True, text=True, check=False)
    out = proc.stdout.strip() or "(no output)"
    if proc.returncode:
        out += f"\n(exit status {proc.returncode}: {proc.stderr.strip()[-500:]})"
    return "\n```\n" + out + "\n```"


def _positive_seconds(text: str) -> float:
    seconds = float(text)
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text}")
    return seconds


def main(argv=None) -> int:
    """Run the benchmark, print the table and write it to ``build/bench.md``; 0 if all ran."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to time (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--output", type=Path, default=BUILD / "bench.md")
    parser.add_argument("--timeout", type=_positive_seconds, default=300.0,
                        help="seconds a cell may take before the run counts as hung")
    parser.add_argument("--run-tests", action="store_true",
                        help="also time `make unit nbval` instead of reading make test's record")
    parser.add_argument("--skip-dream", action="store_true",
                        help="leave out python -m tools.bench_dream")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebooks()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"timing the floor and {len(paths)} notebooks, one at a time...", flush=True)
    floor = run_notebook(code_notebook(FLOOR_SOURCE), timeout=args.timeout, cwd=NOTEBOOK_DIR)
    print(f"  floor: {floor['wall_s']:.1f} s", flush=True)
    rows, failed = [], []
    for path in paths:
        result = None
        for attempt in (1, 2):  # once more after a failure: nbclient can hang on widget cells
            try:
                result = run_notebook(path, timeout=args.timeout)
                break
            except Exception as err:  # noqa: BLE001 - report it and time the others
                # the end of nbclient's message holds the error; the start repeats the cell
                why = f"{type(err).__name__}: ...{' '.join(str(err).split())[-400:]}"
                print(f"  {path.name}: attempt {attempt} failed: {why}", flush=True)
                if attempt == 2:
                    failed.append(f"{path.name}: {why}")
        if result is None:
            continue
        rows.append({"name": path.name, "wall_s": result["wall_s"],
                     "peak_rss_mb": result["peak_rss_mb"]})
        print(f"  {path.name}: {result['wall_s']:.1f} s", flush=True)
    total = sum(r["wall_s"] for r in rows)
    parts = [
        "# Benchmark",
        "",
        f"Measured on {platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, "
        f"Python {platform.python_version()}; load average {load:.1f} when it started "
        "(other work on the machine makes every number larger). Each notebook runs headless in "
        "a fresh kernel with the offline guard on; wall time includes the kernel start. "
        "A notebook that never imports TensorFlow can come in under the floor.",
        "",
        format_table(rows, floor),
        "",
        f"All notebooks together: {total:.0f} s. Target: every notebook under {TARGET_S:.0f} s "
        f"and {TARGET_MIB:.0f} MiB on 2 CPU cores.",
        "",
        f"Whole test command: {_test_time(args.run_tests)}",
        "",
        "DeepDream (`python -m tools.bench_dream`): "
        + ("not measured (--skip-dream)" if args.skip_dream else _dream_section()),
    ]
    if failed:
        parts += ["", "Notebooks that failed to run:", *[f"- {f}" for f in failed]]
    text = "\n".join(parts) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    print(f"(written to {args.output})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
