"""How long a lesson is to read, and how much proof sits in its reading path.

    python -m tools.lesson_stats                 # a table for every notebook
    python -m tools.lesson_stats notebooks/03_regularization_l2_dropout.ipynb

The house rules (tests/test_notebook_hygiene.py) hold every lesson to them:

* **core prose** (words of markdown a student reads on the core path: every markdown cell except
  speaker notes, skipped cells and the sections headed "Going further ..." or "Answers to common
  questions") at most :data:`MAX_CORE_WORDS`;
* **asserts in the reading path** (``assert`` statements in code cells not tagged ``verify``) at
  most :data:`MAX_READING_ASSERTS`; the proof of the lesson's claims lives in ``verify`` cells,
  which JupyterLab shows collapsed and the slides and the website leave out;
* **speaker notes** at most :data:`MAX_NOTES_WORDS` words per notes cell: cues for the presenter.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

from .paths import notebooks

__all__ = ["MAX_CORE_WORDS", "MAX_READING_ASSERTS", "MAX_NOTES_WORDS", "VERIFY_TAG",
           "stats", "core_cells", "words", "reading_asserts", "is_verify", "slide_type",
           "stated_minutes", "regions"]

MAX_CORE_WORDS = 2500
MAX_READING_ASSERTS = 5
MAX_NOTES_WORDS = 80
VERIFY_TAG = "verify"
# Headings that start material outside the core path (any level; the region ends at the next
# heading of the same or a higher level).
OUTSIDE_CORE = re.compile(r"^(going further|answers to common questions)", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.DOTALL)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def is_verify(cell) -> bool:
    return VERIFY_TAG in cell.get("metadata", {}).get("tags", [])


def words(text: str) -> int:
    """Words of prose in a markdown text; formulas count as nothing.

    >>> words("The gradient $\\\\lambda w$ shrinks *every* weight.")
    5
    """
    return len(_WORD.findall(_MATH.sub(" ", text)))


def regions(nb, pattern: re.Pattern = OUTSIDE_CORE) -> list[bool]:
    """For each cell, whether it lies in a section whose heading matches ``pattern`` (the
    section ends at the next heading of the same or a higher level)."""
    inside, level_open = [], None
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for hashes, title in _HEADING.findall(_source(cell)):
                level = len(hashes)
                if level_open is not None and level <= level_open:
                    level_open = None
                if level_open is None and pattern.match(title.strip("*_ ")):
                    level_open = level
        inside.append(level_open is not None)
    return inside


def core_cells(nb) -> list[int]:
    """Indices of the markdown cells on the core path (see the module docstring)."""
    return [i for i, (cell, outside) in enumerate(zip(nb["cells"], regions(nb), strict=True))
            if cell["cell_type"] == "markdown" and not outside
            and slide_type(cell) not in ("notes", "skip")]


def _count_asserts(code: str) -> int:
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:  # an exercise cell may hold incomplete code: count textually
        return len(re.findall(r"^\s*assert\b", code, re.MULTILINE))
    return sum(isinstance(node, ast.Assert) for node in ast.walk(tree))


def reading_asserts(nb) -> dict[int, int]:
    """{cell index: number of ``assert`` statements} for code cells not tagged ``verify``."""
    found = {}
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and not is_verify(cell) and cell.get("id") != "course-setup":
            n = _count_asserts(_source(cell))
            if n:
                found[i] = n
    return found


def stated_minutes(nb) -> int | None:
    """The estimated time the title cell states ("Estimated time: 60 min")."""
    match = re.search(r"estimated time:?\**:?\s*(\d+)\s*min", _source(nb["cells"][0]), re.I)
    return int(match.group(1)) if match else None


def stats(path) -> dict[str, object]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = nb["cells"]
    notes = [words(_source(c)) for c in cells
             if c["cell_type"] == "markdown" and slide_type(c) == "notes"]
    all_prose = sum(words(_source(c)) for c in cells
                    if c["cell_type"] == "markdown" and slide_type(c) != "notes")
    return {
        "notebook": Path(path).name,
        "minutes": stated_minutes(nb),
        "core words": sum(words(_source(cells[i])) for i in core_cells(nb)),
        "all words": all_prose,
        "reading asserts": sum(reading_asserts(nb).values()),
        "verify cells": sum(is_verify(c) for c in cells),
        "verify asserts": sum(_count_asserts(_source(c)) for c in cells if is_verify(c)),
        "longest note": max(notes, default=0),
        "code cells": sum(c["cell_type"] == "code" for c in cells),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: every lesson notebook")
    args = parser.parse_args(argv)
    rows = [stats(p) for p in (args.notebooks or notebooks())]
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    print(f"\nlimits: core words <= {MAX_CORE_WORDS}, reading asserts <= {MAX_READING_ASSERTS}, "
          f"longest note <= {MAX_NOTES_WORDS} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
