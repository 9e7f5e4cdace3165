"""Where things are in the repository: one definition for the tools and the tests.

The course package keeps its own data paths (``coursekit.data``); these are the paths of the
checkout around it, which only exist when the repository is cloned.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["REPO", "NOTEBOOK_DIR", "NOTEBOOK_GLOB", "BUILD", "OFFLINE_BOOT", "SANITIZE_FILE",
           "notebooks"]

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
# A lesson notebook: two digits, an underscore, a topic (00_start_here.ipynb, ...).
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
BUILD = REPO / "build"
# A folder to put on PYTHONPATH (with COURSE_OFFLINE=1) so that Python starts with the guard on.
OFFLINE_BOOT = REPO / "tools" / "offline_boot"
SANITIZE_FILE = REPO / "tests" / "nbval_sanitize.cfg"


def notebooks(folder=None) -> list[Path]:
    """Every lesson notebook in ``folder`` (default: the course's notebooks/), sorted by name.

    >>> [p.name for p in notebooks()][:2]
    ['00_start_here.ipynb', '01_backprop_by_hand.ipynb']
    """
    folder = NOTEBOOK_DIR if folder is None else Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"folder {str(folder)!r} is not a directory")
    return sorted(folder.glob(NOTEBOOK_GLOB))
