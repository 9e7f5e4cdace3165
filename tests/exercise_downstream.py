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
may report the reference for the other one), and the verify cells whose asserts read that
function and would see the same state again (:func:`_readers`).

The first pass runs only what the exercise and downstream cells need
(:func:`tools.slicing.needed`). Of answers whose function returns the same kinds of values in its
check (type, dtype, shape), only the first runs the later cells, since a later cell can only fail
on what it receives. Together these halve the test's time. If any
problem is found, the notebook is run again in full with every answer, and that run's problems
are reported, so the shortcuts can never invent a failure.
"""

from __future__ import annotations

import ast
import copy
import inspect
import json
import re
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path

from tools.slicing import MAGIC, effects, imported, needed, parsed, source

__all__ = ["Exercise", "exercises", "answer_source", "with_answer", "run_variants"]


@dataclass(frozen=True)
class Exercise:
    name: str              # the student's function, e.g. "magnitude_prune"
    cell: int              # index of the cell that defines it and runs its check
    downstream: tuple      # indices of the later cells that call .use(solutions.<name>)


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
        if cell["cell_type"] != "code" or "NotImplementedError" not in source(cell):
            continue
        try:
            tree = ast.parse(source(cell))
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            uses = re.compile(rf"\.use\(\s*solutions\.{node.name}\s*\)")
            later = [j for j in range(i + 1, len(cells))
                     if cells[j]["cell_type"] == "code" and uses.search(source(cells[j]))]
            if later:
                found.append(Exercise(node.name, i, tuple(sorted(
                    set(later) | set(_readers(cells, later, uses))))))
    return found


def _readers(cells, later: list[int], uses) -> list[int]:
    """Verify cells after ``later`` that read a name a ``later`` cell bound to ``.use(...)``'s
    function (``fwd = result.use(solutions.f)``): their asserts must hold for every accepted
    answer, so they run with each answer. Not those that read what a cell in between computed
    from the answer (that cell runs once), nor those that change a name from outside
    (``del model.patch``): run again, they would see another state than in the notebook."""
    bound = set()
    for j in later:
        for stmt in parsed(source(cells[j])).body:
            if isinstance(stmt, ast.Assign) and uses.search(ast.unparse(stmt.value)):
                bound |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
    modules = set().union(*(imported(ast.walk(parsed(source(cell)))) for cell in cells
                            if cell["cell_type"] == "code"))
    readers, stale = [], set()       # stale: computed from the answer by a cell run once
    for j in range(later[0] + 1, len(cells)):
        if cells[j]["cell_type"] != "code" or j in later:
            continue
        try:
            defined, read, changed, _ = effects(MAGIC.sub("", source(cells[j])), modules)
        except SyntaxError:
            continue
        verify = "verify" in cells[j].get("metadata", {}).get("tags", [])
        if verify and read & bound and not read & stale and not read & (changed - defined):
            readers.append(j)
        elif read & (bound | stale):
            stale |= defined | changed
    return readers


def _definition(fn, name: str | None = None) -> str:
    text = textwrap.dedent(inspect.getsource(fn))
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef))
    lines = text.splitlines()
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


# Run in the kernel: each call of the student's function records what kind of value it returned
# (type, dtype, shape, device); answers whose calls in the check return the same kinds are run
# downstream once, since a later cell can only fail on what it receives.
_KINDS = """
import functools as _course_functools, hashlib as _course_hashlib
_course_kinds = []
def _course_kind(value):
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_course_kind(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((repr(k), _course_kind(v)) for k, v in value.items()))
    shape = getattr(value, "shape", None)
    return (type(value).__module__, type(value).__qualname__, str(getattr(value, "dtype", "")),
            None if shape is None else tuple(shape), str(getattr(value, "device", "")),
            bool(getattr(value, "requires_grad", False)))
def _course_recorded(fn):
    @_course_functools.wraps(fn)
    def recorded(*args, **kwargs):
        out = fn(*args, **kwargs)
        try:
            _course_kinds.append(_course_kind(out))
        except Exception:
            _course_kinds.append(("unknown", id(out)))
        return out
    return recorded
"""
_KINDS_SEEN = ("print('kinds', _course_hashlib.sha1(repr(_course_kinds).encode()).hexdigest()); "
               "_course_kinds.clear()")


def run_variants(path: Path, answers: dict[str, list], *, timeout: int = 600,
                 env: dict | None = None, full: bool = False) -> list[str]:
    """Execute ``path`` with each answer of each exercise; return a list of problems (empty: all
    answers worked downstream). ``answers`` maps an exercise's function name to functions.
    Unless ``full``: the first pass runs only the code the exercises need (:func:`needed`), and
    of answers whose function returned the same kinds of values in the check (``_KINDS``) only
    the first runs the later cells; a problem found that way is checked by a full run, whose
    problems are returned."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.reads(json.dumps(json.loads(Path(path).read_text())), as_version=4)
    todo = [e for e in exercises(nb) if answers.get(e.name)]
    if not todo:
        return []
    last = max(max(e.downstream) for e in todo)
    plan = ({i: None for i in range(last + 1) if nb.cells[i].cell_type == "code"} if full else
            needed(nb, {e.cell for e in todo} | {j for e in todo for j in e.downstream}, last))
    cells = copy.deepcopy(nb.cells)         # execute_cell puts what it ran into nb.cells
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    problems = []
    with client.setup_kernel(env=env) if env else client.setup_kernel():
        for i in sorted(plan):
            cell = copy.deepcopy(cells[i])
            if plan[i] is not None:
                cell.source = plan[i]
            try:
                client.execute_cell(cell, i)
            except CellExecutionError as err:
                if full:
                    raise
                problems.append(f"cell {i} failed before the exercises: {str(err)[-300:]}")
                break
        if not full and not problems:
            client.execute_cell(nbformat.v4.new_code_cell(_KINDS), last)
        for exercise in todo if not problems else []:
            seen = set()
            for fn in answers[exercise.name]:
                label = f"{exercise.name} = {fn.__name__}"
                cell = copy.deepcopy(cells[exercise.cell])
                answer = answer_source(fn, exercise.name)
                if not full:
                    answer += f"\n{exercise.name} = _course_recorded({exercise.name})"
                cell.source = with_answer(cell.source, exercise.name, answer)
                try:
                    client.execute_cell(cell, exercise.cell)
                except CellExecutionError as err:
                    problems.append(f"{label}: the exercise cell failed: {str(err)[-300:]}")
                    continue
                if "[PASS]" not in _text(cell.outputs):
                    problems.append(f"{label}: its check did not pass: {_text(cell.outputs)[:300]}")
                    continue
                if not full:
                    kinds = nbformat.v4.new_code_cell(_KINDS_SEEN)
                    client.execute_cell(kinds, exercise.cell)
                    if _text(kinds.outputs) in seen:
                        continue
                    seen.add(_text(kinds.outputs))
                for j in exercise.downstream:
                    later = copy.deepcopy(cells[j])
                    try:
                        client.execute_cell(later, j)
                    except CellExecutionError as err:
                        problems.append(f"{label}: cell {j} failed after the check passed: "
                                        f"{str(err)[-400:]}")
                        break
                    text = _text(later.outputs)     # a cell may use several exercises
                    if "the reference solution" in text and f"your {exercise.name}" not in text:
                        problems.append(f"{label}: cell {j} still used the reference solution")
    if problems and not full:
        confirmed = run_variants(path, answers, timeout=timeout, env=env, full=True)
        if not confirmed:
            warnings.warn(f"{Path(path).name}: the shortened run found a problem the full run "
                          f"did not ({problems[0][:200]}): needed() kept too little",
                          stacklevel=2)
        return confirmed
    return problems
