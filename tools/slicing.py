"""Which statements of a notebook some of its cells need: run those, and the cells run as in
the whole notebook, in a fraction of its time.

:func:`needed` reads backwards from the wanted cells: a top-level statement is kept when it
defines or may change a name a kept statement reads (a store, an attribute or item store, a method
call on the name, the name passed to a call whose result is dropped, ``OUT`` for a file
``OUT / "net.pt"`` it writes, or the first argument of a callee that trains, fits, steps or ends
in ``_``), or when it switches a library setting (``coursekit.setup()``, ``set_floatx``). Imports
always run; verify cells (asserts only) run nothing else. The reading is static: state changed
through a closure is missed, so a caller must fall back to the whole notebook when the slice
fails (tests/exercise_downstream.py, tests/browser/test_browser_lab.py).
"""

from __future__ import annotations

import ast
import builtins
import re

from .core_path import defined_and_read

__all__ = ["needed", "effects", "imported", "parsed", "source"]

MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)
_BUILTINS = set(dir(builtins)) | {"get_ipython", "display", None}
_MUTATES = re.compile(r"train|fit|step|_$")              # callees that change their first argument
_NOT_SETTINGS = {"set_num_threads", "set_random_seed"}   # speed and seeds, not types
# methods that only read their object (model.parameters() leaves model as it was)
_READS = {"parameters", "named_parameters", "buffers", "named_buffers", "modules",
          "named_modules", "children", "named_children", "get_submodule", "get_parameter",
          "state_dict", "numel", "size", "dim", "item", "tolist", "numpy", "detach", "clone",
          "keys", "values", "items", "get", "count", "index", "startswith", "endswith", "format"}


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def imported(nodes) -> set[str]:
    """The names the import statements among ``nodes`` bind (``np``, ``torch``, ``F``)."""
    return {(a.asname or a.name).split(".")[0] for n in nodes
            if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}


def parsed(code: str) -> ast.Module:
    try:
        return ast.parse(MAGIC.sub("", code))
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _root(node):
    """The name an expression starts from: ``model`` for ``model.fc.weight[0]``, ``OUT`` for
    ``OUT / "net.pt"`` (a file under ``OUT`` that a call writes changes what ``OUT`` reads)."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call, ast.Starred, ast.BinOp)):
        node = (node.func if isinstance(node, ast.Call) else
                node.left if isinstance(node, ast.BinOp) else node.value)
    return node.id if isinstance(node, ast.Name) else None


def _outside_functions(tree):
    """Every node of ``tree`` except those in the bodies of functions, lambdas and classes."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))


def effects(code: str, modules: set):
    """(names defined, names read, names possibly changed, switches a setting) of code."""
    tree = ast.parse(code)
    defined, read = defined_and_read(code)
    defined -= imported(tree.body)
    dropped = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    changed, setting = set(), False
    for node in _outside_functions(tree):
        if isinstance(node, ast.AugAssign):                       # x += 1 reads x
            read.add(_root(node.target))
        elif isinstance(node, ast.Assign):                        # x = f(x) reads x
            stored = {t.id for t in node.targets for t in ast.walk(t) if isinstance(t, ast.Name)}
            read |= stored & {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
        if isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
            changed.add(_root(node))
        elif isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else \
                getattr(node.func, "id", "")
            if isinstance(node.func, ast.Attribute) and callee not in _READS:
                changed.add(_root(node.func))
                setting |= (id(node) in dropped and _root(node.func) in modules
                            and callee.startswith("set") and callee not in _NOT_SETTINGS)
            if id(node) in dropped:                               # called for its effect
                changed.update(_root(a) for a in [*node.args, *(k.value for k in node.keywords)])
            elif _MUTATES.search(callee) and node.args:           # train(model, ...)
                changed.add(_root(node.args[0]))
    return defined, read - _BUILTINS, changed - _BUILTINS - modules, setting


def needed(nb, cells: set[int], last: int) -> dict[int, str | None]:
    """The code to run of each code cell up to ``last`` so that ``cells`` run as in the full
    notebook: ``None`` for a whole cell, else its needed top-level statements (imports always).

    >>> nb = {"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source":
    ...     "import math\\nx = 2\\nslow = sum(range(10**6))\\nprint(slow)"},
    ...     {"cell_type": "code", "id": "b", "metadata": {}, "source": "print(math.sqrt(x))"}]}
    >>> needed(nb, {1}, 1)
    {1: None, 0: 'import math\\nx = 2'}
    """
    sources = {i: MAGIC.sub("", source(c))
               for i, c in enumerate(nb["cells"][:last + 1]) if c["cell_type"] == "code"}
    modules, trees = set(), {}
    for i, code in sources.items():
        try:
            trees[i] = ast.parse(code)
        except SyntaxError:
            continue
        modules |= imported(ast.walk(trees[i]))
    plan, want = {}, set()
    for i in sorted(sources, reverse=True):
        verify = "verify" in nb["cells"][i].get("metadata", {}).get("tags", [])
        whole = (i in cells or i not in trees or MAGIC.search(source(nb["cells"][i]))
                 or nb["cells"][i].get("id") == "course-setup")
        lines, kept = sources[i].splitlines(), []
        for stmt in reversed(trees[i].body if i in trees else []):
            start = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
            code = "\n".join(lines[start - 1:stmt.end_lineno])
            defined, read, changed, setting = effects(code, modules)
            imports = isinstance(stmt, (ast.Import, ast.ImportFrom))
            if whole or imports or (not verify and (setting or (defined | changed) & want)):
                kept.insert(0, code)
                want = (want - defined) | read | (changed - defined)
        if whole:
            plan[i] = None
        elif kept:
            plan[i] = "\n".join(kept)
    return plan
