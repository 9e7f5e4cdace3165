"""Scaffold a new lesson: ``python -m tools.new_lesson 08 batchnorm "Batch normalisation"``.

Creates, from the files in ``tools/lesson_template/``, a notebook that already follows every
house rule (title with learning goals and time, the Colab/Kaggle set-up cell, imports and
``setup()``, slide metadata on every cell, an exercise with its check, a figure with alt text,
summary and answers sections, stored outputs), and the lesson's modules, named by its key::

    notebooks/NN_<key>.ipynb
    coursekit/checks/<key>.py        tests/test_checks_<key>.py
    coursekit/solutions/<key>.py
    coursekit/widgets/<key>.py       tests/test_widgets_<key>.py

It adds the lesson to both tables of the README and to the syllabus of
``notebooks/00_start_here.ipynb``, then executes the new notebook so that its stored outputs are
what nbval will compare. It never overwrites a file: an existing number, key or file
stops it before anything is written.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from . import questions, setup_cell
from .paths import NOTEBOOK_GLOB
from .paths import REPO as ROOT

TEMPLATE = Path(__file__).resolve().parent / "lesson_template"

# template file -> where it goes ({key} is the lesson key)
FILES = {
    "checks.py": "coursekit/checks/{key}.py",
    "solutions.py": "coursekit/solutions/{key}.py",
    "widget.py": "coursekit/widgets/{key}.py",
    "test_checks.py": "tests/test_checks_{key}.py",
    "test_widgets.py": "tests/test_widgets_{key}.py",
}


def _fill(text: str, number: str, key: str, title: str) -> str:
    return text.replace("__NN__", number).replace("__KEY__", key).replace("__TITLE__", title)


def plan(root: Path, number: str, key: str, title: str) -> dict[Path, str]:
    """Every file the lesson adds -> its text. Raises ValueError if the lesson would clash."""
    if not re.fullmatch(r"\d\d", number):
        raise ValueError(f"the lesson number must be two digits such as 08, got {number!r}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        raise ValueError(f"the key must be a lowercase Python name such as batchnorm, got {key!r}")
    if not title.strip():
        raise ValueError("give the lesson a title, e.g. \"Batch normalisation\"")
    taken = sorted(p.name for p in (root / "notebooks").glob(f"{number}_*.ipynb"))
    if taken:
        raise ValueError(f"notebook number {number} is taken by {taken[0]}")
    for path in (root / "notebooks").glob(NOTEBOOK_GLOB):
        if json.loads(path.read_text())["metadata"].get("course", {}).get("key") == key:
            raise ValueError(f"the key {key!r} belongs to {path.name} already")
    files = {root / "notebooks" / f"{number}_{key}.ipynb":
             _fill((TEMPLATE / "notebook.ipynb").read_text(), number, key, title)}
    for source, target in FILES.items():
        files[root / target.format(key=key)] = _fill((TEMPLATE / source).read_text(),
                                                     number, key, title)
    existing = [str(p.relative_to(root)) for p in files if p.exists()]
    if existing:
        raise ValueError(f"these files exist already, nothing was written: {existing}")
    return files


def add_to_readme(text: str, number: str, key: str, title: str) -> str:
    """The README with the lesson added at the end of its syllabus and key tables."""
    name = f"{number}_{key}.ipynb"
    rows = {
        r"^\| \d\d \| \[": f"| {number} | [{title}](notebooks/{name}) | what the student does | "
                           "30 min |",
        r"^\s*\| `\d\d_\w+\.ipynb` \| `\w+` \|": f"  | `{name}` | `{key}` | none yet |",
    }
    lines = text.splitlines()
    for pattern, row in rows.items():
        last = max((i for i, line in enumerate(lines) if re.match(pattern, line)), default=None)
        if last is None:
            raise ValueError(f"README.md has no table row matching {pattern!r} to extend")
        lines.insert(last + 1, row)
    return "\n".join(lines) + "\n"


def add_to_start_here(nb: dict, number: str, key: str) -> dict:
    """Notebook 00 with the lesson added at the end of the table in its "## The syllabus" cell."""
    cell = next((c for c in nb["cells"] if "".join(c["source"]).startswith("## The syllabus")),
                None)
    if cell is None:
        raise ValueError("notebooks/00_start_here.ipynb has no '## The syllabus' cell to extend")
    lines = "".join(cell["source"]).split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("| `"))
    lines.insert(last + 1, f"| `{number}_{key}` | what the student does | 30 min |")
    cell["source"] = "\n".join(lines).splitlines(keepends=True)
    return nb


def execute(notebook: Path) -> None:
    """Run the notebook in place with the current Python, as `make execute` does."""
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                    "--inplace", "--ExecutePreprocessor.record_timing=False",
                    "--ExecutePreprocessor.timeout=600", str(notebook)], check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("number", help="two digits, e.g. 08")
    parser.add_argument("key", help="the lesson key: a lowercase Python name, e.g. batchnorm")
    parser.add_argument("title", help='the title, e.g. "Batch normalisation"')
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: here)")
    parser.add_argument("--no-execute", action="store_true",
                        help="write the notebook without running it (outputs empty)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        files = plan(root, args.number, args.key, args.title)
        readme = add_to_readme((root / "README.md").read_text(), args.number, args.key,
                               args.title)
        start_path = root / "notebooks" / "00_start_here.ipynb"
        start = add_to_start_here(json.loads(start_path.read_text()), args.number, args.key)
    except ValueError as err:
        parser.error(str(err))
    for path, text in files.items():
        path.write_text(text)
        print("created", path.relative_to(root))
    (root / "README.md").write_text(readme)
    start_path.write_text(json.dumps(start, indent=1, ensure_ascii=False) + "\n")
    print("added the lesson to README.md (syllabus and lesson-key tables) and to the syllabus "
          "of 00_start_here.ipynb: edit their text")
    setup_cell.main(["--root", str(root)])  # the Colab/Kaggle cell, and the README's links
    questions.main(["--root", str(root)])   # the README's list of common questions
    notebook = next(iter(files))
    if not args.no_execute:
        execute(notebook)
        print("executed", notebook.relative_to(root))
    print("next: write the lesson, then `make execute NB=" + str(notebook.relative_to(root))
          + "` and `make test`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
