"""One time estimate per notebook: its title cell, README's syllabus and 00's syllabus agree."""

import json
import re
from pathlib import Path

from tools import paths

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = paths.notebooks()


def _cells(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


def title_minutes() -> dict[str, int]:
    found = {}
    for path in NOTEBOOKS:
        m = re.search(r"Estimated time:\**\s*(\d+)\s*min", _cells(path)[0])
        assert m, f"{path.name}: the title cell gives no 'Estimated time: N min'"
        found[path.stem] = int(m.group(1))
    return found


def readme_minutes() -> dict[str, int]:
    rows = re.findall(r"^\|\s*\d\d\s*\|.*\(notebooks/(\d\d_\w+)\.ipynb\).*\|\s*(\d+) min\s*\|$",
                      (ROOT / "README.md").read_text(), re.MULTILINE)
    return {name: int(minutes) for name, minutes in rows}


def start_here_minutes() -> dict[str, int]:
    syllabus = next(c for c in _cells(ROOT / "notebooks" / "00_start_here.ipynb")
                    if c.startswith("## The syllabus"))
    return {name: int(m) for name, m in re.findall(r"^\|\s*`(\d\d_\w+)`.*\|\s*(\d+) min\s*\|$",
                                                    syllabus, re.MULTILINE)}


def test_readme_gives_each_notebook_the_time_of_its_title():
    titles, readme = title_minutes(), readme_minutes()
    assert sorted(readme) == sorted(titles), "README's syllabus lists every notebook once"
    assert readme == titles


def test_start_here_gives_each_later_notebook_the_time_of_its_title():
    titles = title_minutes()
    titles.pop("00_start_here")
    assert start_here_minutes() == titles
