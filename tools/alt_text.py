"""Alt text of every figure, kept in the metadata of the cell that draws it.

MyST-NB (the course website) reads a figure's alt text from the cell metadata
``{"mystnb": {"image": {"alt": "..."}}}``. The texts are written in ``tools/site/alt_text.json``
(notebook name -> cell id -> text) and copied into the notebooks by

    python -m tools.alt_text            # write the texts into the notebooks' cell metadata
    python -m tools.alt_text --check    # list figures without a real alt text; exit 1 if any

Run it again after merging notebook changes: cells keep their ids, so texts follow their cells.
When a figure changes, look at it and update its text in the JSON file. A new figure cell has
no text until someone writes one: ``tests/test_notebook_hygiene.py`` fails until then. Adding
``mystnb.image.alt`` to the cell metadata directly (JupyterLab: Property Inspector -> Advanced
Tools -> Cell Metadata) satisfies the test as well; copy it into the JSON file to keep it.

Only the standard library is used, and the notebooks' outputs are not touched, so nbval's
stored outputs stay valid.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools import site

TEXTS = Path(__file__).resolve().parent / "site" / "alt_text.json"
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


def apply(paths, texts: dict) -> list[str]:
    """Write the texts into the notebooks' cell metadata; returns the changed notebooks' names.

    Raises ``ValueError`` for a text whose cell id is not in the notebook (a stale entry).
    """
    changed = []
    for path in paths:
        path = Path(path)
        raw = path.read_text(encoding="utf-8")
        nb = json.loads(raw)
        wanted = texts.get(path.name, {})
        cells = {c.get("id"): c for c in nb["cells"]}
        stale = sorted(set(wanted) - set(cells))
        if stale:
            raise ValueError(f"{TEXTS.name}: {path.name} has no cell with id {stale} "
                             "(the figure moved or was deleted: update or remove its text)")
        for cell_id, alt in wanted.items():
            meta = cells[cell_id]["metadata"]
            meta.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if text != raw:
            path.write_text(text, encoding="utf-8")
            changed.append(path.name)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.alt_text",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--check", action="store_true",
                        help="only list figures without a usable alt text")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or site.notebooks()
    if not args.check:
        texts = json.loads(TEXTS.read_text(encoding="utf-8"))
        changed = apply(paths, texts)
        print(f"alt text written into {len(changed)} notebook(s): {', '.join(changed) or '-'}")
    problems = [line for p in paths for line in missing(p)]
    total = sum(len(figures(json.loads(p.read_text(encoding="utf-8")))) for p in paths)
    print(f"{total - len(problems)} of {total} figure cells have alt text")
    for line in problems:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
