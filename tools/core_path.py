"""A student who skips every "Going further" section must still be able to run the lesson.

    python -m tools.core_path            # every notebook; exit 1 if a core cell needs a skipped one

A code cell outside "Going further" that reads a name which only a "Going further" cell defines
(and no earlier core cell) raises ``NameError`` for that student. The test is static: it reads
the names each cell defines (assignments, imports, ``def``, ``class``, ``for`` and ``with``
targets) and the names it reads, the way a notebook runs them: top to bottom.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import sys
from pathlib import Path

from .lesson_stats import _source, regions
from .paths import notebooks

__all__ = ["GOING_FURTHER", "defined_and_read", "needs_skipped", "main"]

GOING_FURTHER = re.compile(r"^going further", re.IGNORECASE)
_MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)


def defined_and_read(code: str) -> tuple[set[str], set[str]]:
    """Names a cell defines at top level, and names it reads that it does not define itself.

    >>> defined, read = defined_and_read("import numpy as np\\nx = np.ones(3)\\n"
    ...                                  "def f(a):\\n    return a + y")
    >>> sorted(defined), sorted(read)
    (['f', 'np', 'x'], ['y'])
    """
    tree = ast.parse(_MAGIC.sub("", code))
    defined, local, read = set(), set(), set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (local if isinstance(node.ctx, (ast.Store, ast.Del)) else read).add(node.id)
        elif isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            local.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.add(node.name)
    top_stores = {t.id for node in tree.body for t in ast.walk(node)
                  if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)
                  and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    defined |= top_stores
    return defined, read - local - set(dir(builtins)) - {"get_ipython", "display"}


def needs_skipped(nb) -> list[tuple[int, str, int]]:
    """(cell, name, defining cell) for every core code cell that reads a name only a
    "Going further" cell defined before it."""
    skipped = regions(nb, GOING_FURTHER)
    core_names: set[str] = set()
    optional_names: dict[str, int] = {}
    problems = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        defined, read = defined_and_read(_source(cell))
        if skipped[i]:
            optional_names.update(dict.fromkeys(defined - core_names, i))
            continue
        problems += [(i, name, optional_names[name]) for name in sorted(read)
                     if name not in core_names and name in optional_names]
        core_names |= defined
    return problems


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv else sys.argv[1:])] or notebooks()
    failed = 0
    for path in paths:
        for cell, name, where in needs_skipped(json.loads(Path(path).read_text())):
            failed += 1
            print(f"{path.name}: cell {cell} reads {name!r}, defined only in the Going further "
                  f"cell {where}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
