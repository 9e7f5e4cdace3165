"""Alt text of every figure, kept in the metadata of the cell that draws it.

MyST-NB (the course website) reads a figure's alt text from the cell metadata
``{"mystnb": {"image": {"alt": "..."}}}``; the notebook is the one place it is written
(JupyterLab: Property Inspector -> Advanced Tools -> Cell Metadata), so a text moves, merges
and is reviewed with its figure. This tool lists the figures that lack one::

    python -m tools.alt_text            # list figures without a real alt text; exit 1 if any

``tests/test_notebook_hygiene.py`` runs the same check. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools import site

MIN_WORDS = 6
# What a tool writes when nobody described the figure, or what a hurried author types.
PLACEHOLDER = re.compile(
    r"^\s*(?:image|figure|fig\.?|plot|graph|chart|picture|output|png|jpe?g|alt|alt text|todo|"
    r"tbd|xxx|none|placeholder)?\s*\d*\s*[.:]?\s*$"
    r"|no description has been provided|<figure size|\btodo\b|\bfixme\b|lorem ipsum",
    re.IGNORECASE,
)


def problem(alt) -> str | None:
    """Why ``alt`` is not a usable alt text, or None if it is one."""
    if alt is None:
        return "no alt text (cell metadata mystnb.image.alt)"
    if not isinstance(alt, str):
        return f"alt text must be a string, got {type(alt).__name__}"
    if PLACEHOLDER.search(alt):
        return f"placeholder alt text {alt!r}"
    if len(alt.split()) < MIN_WORDS:
        return f"alt text {alt!r} is too short to say what the figure shows"
    return None


def figures(nb: dict) -> list[tuple[int, dict]]:
    """``(index, cell)`` of every cell that shows an image (own output or widget state)."""
    return [(i, c) for i, c in enumerate(nb["cells"])
            if c["cell_type"] == "code" and site.cell_images(nb, c)]


def missing(path: Path) -> list[str]:
    """One line per figure cell of the notebook whose alt text is missing or a placeholder."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found = []
    for i, cell in figures(nb):
        why = problem(site.figure_alt(cell))
        if why:
            found.append(f"{Path(path).name} cell {i} (id {cell.get('id', '?')}): {why}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.alt_text",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--check", action="store_true",
                        help="accepted for scripts that pass it; listing is all this tool does")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or site.notebooks()
    problems = [line for p in paths for line in missing(p)]
    total = sum(len(figures(json.loads(p.read_text(encoding="utf-8")))) for p in paths)
    print(f"{total - len(problems)} of {total} figure cells have alt text")
    for line in problems:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
