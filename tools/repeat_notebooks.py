"""``make test-repeat``: execute each notebook twice in fresh kernels and report the cells whose
outputs differ between the two runs (after the sanitisation nbval applies, from
tests/nbval_sanitize.cfg). Exit status 1 if any cell differs or a notebook fails to run.

    python -m tools.repeat_notebooks notebooks/01_backprop_by_hand.ipynb

(no notebook named: all of them). ``make test-repeat`` runs it with the offline guard on.

The executed copies are written to build/repeat/ (git-ignored) for a look at the differences;
the notebooks themselves are not changed. Outputs compared: stream text, text/* and SVG data,
and errors (PNG images are left out, as nbval leaves them out).
"""

from __future__ import annotations

import argparse
import configparser
import re
import sys
from pathlib import Path

import nbformat

from .bench import run_notebook
from .paths import BUILD, SANITIZE_FILE, notebooks

COMPARED = ("text/plain", "text/html", "text/markdown", "text/latex", "image/svg+xml",
            "application/json")


def load_sanitizers(path=SANITIZE_FILE) -> list[tuple[re.Pattern, str]]:
    """The (regex, replacement) pairs of an nbval sanitize file, in file order."""
    parser = configparser.ConfigParser(interpolation=None)
    if not parser.read(path):
        raise FileNotFoundError(f"sanitize file {path} not found")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _sanitize(text: str, sanitizers) -> str:
    for regex, replacement in sanitizers:
        text = regex.sub(replacement, text)
    return text


def cell_texts(cell, sanitizers) -> list[str]:
    """The compared outputs of one code cell, sanitised, as a list of strings."""
    texts = []
    previous_stream = None
    for out in cell.get("outputs", []):
        kind = out["output_type"]
        if kind == "stream" and out["name"] == previous_stream:
            # a stream arrives in chunks whose boundaries depend on timing: merge them, as
            # Jupyter front ends and nbval do, before sanitising
            texts[-1] = (texts[-1][0], texts[-1][1] + out["text"])
            continue
        previous_stream = out["name"] if kind == "stream" else None
        if kind == "stream":
            texts.append((f"[{out['name']}] ", out["text"]))
        elif kind in ("execute_result", "display_data"):
            for mime in COMPARED:
                if mime in out.get("data", {}):
                    value = out["data"][mime]
                    value = "".join(value) if isinstance(value, list) else str(value)
                    texts.append(f"[{mime}] " + _sanitize(value, sanitizers))
        elif kind == "error":
            texts.append(f"[error] {out['ename']}: " + _sanitize(out["evalue"], sanitizers))
    return [t if isinstance(t, str) else t[0] + _sanitize(t[1], sanitizers) for t in texts]


def differences(first, second, sanitizers=()) -> list[str]:
    """One line per code cell whose compared outputs differ between two executed notebooks."""
    if len(first.cells) != len(second.cells):
        return [f"the runs have {len(first.cells)} and {len(second.cells)} cells"]
    found = []
    code_index = 0
    for index, (a, b) in enumerate(zip(first.cells, second.cells, strict=True)):
        if a.cell_type != "code":
            continue
        code_index += 1
        ta, tb = cell_texts(a, sanitizers), cell_texts(b, sanitizers)
        if ta != tb:
            first_line = next((ln for ln in a.source.splitlines() if ln.strip()), "")[:60]
            diff = next(((x, y) for x, y in zip(ta, tb, strict=False) if x != y),
                        (f"{len(ta)} outputs", f"{len(tb)} outputs"))
            found.append(f"cell {index} (code cell {code_index}, `{first_line}`): "
                         f"run 1 {diff[0][:200]!r} != run 2 {diff[1][:200]!r}")
    return found


def check_notebook(path, *, runs: int = 2, save_dir=None, sanitizers=None) -> list[str]:
    """Execute ``path`` ``runs`` times and return the differences of each run from the first."""
    sanitizers = load_sanitizers() if sanitizers is None else sanitizers
    path = Path(path)
    executed = []
    for run in range(1, runs + 1):
        nb = run_notebook(path, offline=True, timeout=300)["notebook"]
        executed.append(nb)
        if save_dir is not None:
            Path(save_dir).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, Path(save_dir) / f"{path.stem}.run{run}.ipynb")
    return [f"{path.name}: {d}" for nb in executed[1:] for d in differences(executed[0], nb,
                                                                          sanitizers)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.repeat_notebooks",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, choices=range(2, 11), default=2, metavar="2..10",
                        help="how many times to run each notebook (default 2)")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebooks()
    problems = []
    for path in paths:
        print(f"{path.name}: running {args.runs} times", flush=True)
        try:
            found = check_notebook(path, runs=args.runs, save_dir=BUILD / "repeat")
        except Exception as err:  # noqa: BLE001 - report and go on with the others
            found = [f"{path.name}: failed to run: {type(err).__name__}: {str(err)[:500]}"]
        problems += found
        print("\n".join(f"  DIFFERS {p}" for p in found) or "  identical outputs", flush=True)
    if problems:
        print(f"\n{len(problems)} cell(s) differ between runs or failed:\n" + "\n".join(problems))
        return 1
    print(f"\nAll {len(paths)} notebooks gave identical outputs on every run.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
