"""Run a notebook's later cells with each accepted answer of an exercise (issue: checks a
student can trust: "what passes works downstream").

An exercise cell defines the student's function ``f`` (``raise NotImplementedError`` until they
answer) and runs its check; later cells take ``result.use(solutions.f)``: the student's function
once its check passed. A check that accepts an answer whose return type a later cell cannot use
(a tuple where a list is appended to, NumPy where a tensor is needed) gives the student a pass
followed by a crash. :func:`run_variants` executes the notebook once up to its last downstream
cell, then for each answer re-runs the exercise cell with the answer in place of the stub (its
check must print ``[PASS]``) and every cell that uses ``solutions.f``, which must run without an
error and report that it used the student's function (``your f``; a cell that uses two exercises
may report the reference for the other one).
"""

from __future__ import annotations

import ast
import copy
import inspect
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Exercise", "exercises", "answer_source", "with_answer", "run_variants"]


@dataclass(frozen=True)
class Exercise:
    name: str              # the student's function, e.g. "magnitude_prune"
    cell: int              # index of the cell that defines it and runs its check
    downstream: tuple      # indices of the later cells that call .use(solutions.<name>)


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _stub(tree: ast.Module, name: str):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def exercises(nb) -> list[Exercise]:
    """The exercises of a notebook whose function later cells use (see the module docstring)."""
    cells = nb["cells"]
    found = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code" or "NotImplementedError" not in _source(cell):
            continue
        try:
            tree = ast.parse(_source(cell))
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            uses = re.compile(rf"\.use\(\s*solutions\.{node.name}\s*\)")
            later = tuple(j for j in range(i + 1, len(cells))
                          if cells[j]["cell_type"] == "code" and uses.search(_source(cells[j])))
            if later:
                found.append(Exercise(node.name, i, later))
    return found


def _definition(fn, name: str | None = None) -> str:
    source = textwrap.dedent(inspect.getsource(fn))
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    lines = source.splitlines()
    if name is not None:
        lines[node.lineno - 1] = re.sub(rf"def\s+{node.name}\s*\(", f"def {name}(",
                                        lines[node.lineno - 1], count=1)
    return "\n".join(lines[node.lineno - 1 - len(node.decorator_list):node.end_lineno])


def _prelude(fn, seen: set) -> list[str]:
    """Lines that define the module-level names ``fn`` uses (helpers of the corpus module,
    imported modules and functions, literal constants), helpers before their users."""
    names = {n.id for n in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(fn))))
             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    lines = []
    for name in sorted(names - seen):
        if name not in fn.__globals__:
            continue                                  # a local, an argument or a builtin
        seen.add(name)
        value = fn.__globals__[name]
        if inspect.ismodule(value):
            lines.append(f"import {value.__name__} as {name}")
        elif inspect.isfunction(value) and value.__module__ == fn.__module__:
            lines += _prelude(value, seen) + [_definition(value)]
        elif callable(value) and getattr(value, "__module__", None):
            lines.append(f"from {value.__module__} import {value.__qualname__} as {name}")
        else:
            lines.append(f"{name} = {value!r}")
    return lines


def answer_source(fn, name: str) -> str:
    """The source of ``fn`` as a function called ``name``, after the definitions of the
    module-level names it uses (a corpus answer may share a helper with other answers)."""
    return "\n".join(_prelude(fn, {fn.__name__}) + [_definition(fn, name)])


def with_answer(cell_source: str, name: str, answer: str) -> str:
    """The exercise cell with the stub of ``name`` replaced by ``answer``."""
    node = _stub(ast.parse(cell_source), name)
    if node is None:
        raise ValueError(f"the exercise cell defines no function {name!r}")
    lines = cell_source.splitlines()
    start = node.lineno - 1 - len(node.decorator_list)
    return "\n".join(lines[:start] + answer.splitlines() + lines[node.end_lineno:])


def _text(outputs) -> str:
    parts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            parts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
        elif "data" in out and "text/plain" in out["data"]:
            value = out["data"]["text/plain"]
            parts.append(value if isinstance(value, str) else "".join(value))
    return "".join(parts)


def run_variants(path: Path, answers: dict[str, list], *, timeout: int = 600,
                 env: dict | None = None) -> list[str]:
    """Execute ``path`` with each answer of each exercise; return a list of problems (empty: all
    answers worked downstream). ``answers`` maps an exercise's function name to functions."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.reads(json.dumps(json.loads(Path(path).read_text())), as_version=4)
    todo = [e for e in exercises(nb) if answers.get(e.name)]
    if not todo:
        return []
    last = max(max(e.downstream) for e in todo)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    problems = []
    with client.setup_kernel(env=env) if env else client.setup_kernel():
        for i in range(last + 1):
            if nb.cells[i].cell_type == "code":
                client.execute_cell(nb.cells[i], i)
        for exercise in todo:
            for fn in answers[exercise.name]:
                label = f"{exercise.name} = {fn.__name__}"
                cell = copy.deepcopy(nb.cells[exercise.cell])
                cell.source = with_answer(cell.source, exercise.name,
                                          answer_source(fn, exercise.name))
                try:
                    client.execute_cell(cell, exercise.cell)
                except CellExecutionError as err:
                    problems.append(f"{label}: the exercise cell failed: {str(err)[-300:]}")
                    continue
                if "[PASS]" not in _text(cell.outputs):
                    problems.append(f"{label}: its check did not pass: {_text(cell.outputs)[:300]}")
                    continue
                for j in exercise.downstream:
                    later = copy.deepcopy(nb.cells[j])
                    try:
                        client.execute_cell(later, j)
                    except CellExecutionError as err:
                        problems.append(f"{label}: cell {j} failed after the check passed: "
                                        f"{str(err)[-400:]}")
                        break
                    text = _text(later.outputs)     # a cell may use several exercises
                    if "the reference solution" in text and f"your {exercise.name}" not in text:
                        problems.append(f"{label}: cell {j} still used the reference solution")
    return problems
