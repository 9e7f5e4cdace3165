"""Every public function of coursekit has a bad-input test.

The public API: every module of the ``coursekit`` package (found by walking it, so new modules
are picked up; modules whose name starts with ``_`` are private, ``coursekit.solutions`` is
exempt, see ``EXEMPT``), and in each module the names in ``__all__`` (or, without ``__all__``,
the functions and classes it defines whose names do not start with ``_``). That gives functions,
classes (their constructor) and the public methods of those classes. Functions and methods that
take no argument, exception classes, dataclasses (records) and names defined outside coursekit
are left out.

The convention that makes "has a bad-input test" checkable: in any ``.py`` file under ``tests/``

    with pytest.raises(ValueError, match="beta"):      # the error type AND a phrase of the
        coursekit.ewa.ewa([1.0, 2.0], beta=1.5)         # message naming the bad argument

that is, a ``with pytest.raises(<error type>, match=...)`` block whose LAST statement's outermost
call is the function. Write the call through a module or imported name (``ewa.ewa(...)``,
``from coursekit.ewa import ewa; ewa(...)``, ``coursekit.nn.MLP(...)``) so the test can resolve
it; a method counts when it is called as ``<anything>.<method>(...)``, e.g.
``net.forward(np.ones(3))``. Setup (building a valid object first) goes before the block.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

import pytest

import coursekit

TESTS_DIR = Path(__file__).resolve().parent
# module or qualified name -> why it needs no bad-input test
EXEMPT = {
    "coursekit.solutions": "reference solutions of the exercises mirror the student's function, "
                           "which the checks test; their validation would not be the student's",
    "coursekit.checks._core.CheckResult": "the record run_checks returns; nobody else builds one",
}


def _exempt(name: str) -> bool:
    return any(name == e or name.startswith(e + ".") for e in EXEMPT)


def public_modules() -> list:
    """coursekit and every submodule whose dotted name has no part starting with '_'."""
    names = ["coursekit"] + [m.name for m in pkgutil.walk_packages(coursekit.__path__,
                                                                   "coursekit.")]
    names = [n for n in names if not any(p.startswith("_") for p in n.split("."))]
    return [importlib.import_module(n) for n in names if not _exempt(n)]


def _takes_arguments(func) -> bool:
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return True
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    return bool(params)


def public_api() -> dict[str, str]:
    """``{qualified name: kind}`` for every public function, class and method (see docstring)."""
    api = {}
    for module in public_modules():
        if hasattr(module, "__all__"):
            names = list(module.__all__)
        else:
            names = [n for n, obj in vars(module).items() if not n.startswith("_")
                     and (inspect.isfunction(obj) or inspect.isclass(obj))
                     and getattr(obj, "__module__", None) == module.__name__]
        for name in names:
            obj = getattr(module, name)
            where = getattr(obj, "__module__", "") or ""
            if inspect.ismodule(obj) or not callable(obj) or not where.startswith("coursekit"):
                continue
            qualified = f"{where}.{obj.__qualname__}"
            if _exempt(qualified):
                continue
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue
                # a dataclass's generated __init__ only stores fields: a record, not an API call
                if "__init__" in vars(obj) and _takes_arguments(obj.__init__) \
                        and not dataclasses.is_dataclass(obj):
                    api[qualified] = "class"
                for attr, member in vars(obj).items():
                    func = member.__func__ if isinstance(member, (staticmethod, classmethod)) \
                        else member
                    if not attr.startswith("_") and inspect.isfunction(func) \
                            and _takes_arguments(func) and not _exempt(f"{qualified}.{attr}"):
                        api[f"{qualified}.{attr}"] = "method"
            elif _takes_arguments(obj):
                api[qualified] = "function"
    return api


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted coursekit path, from the file's imports."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    found[a.asname] = a.name
                else:
                    found[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                found[a.asname or a.name] = f"{node.module}.{a.name}"
    return found


def _dotted(node, aliases) -> str | None:
    """'coursekit.nn.MLP' for a call's func like ``nn.MLP``; '?.forward' when the base is not
    a name (``MLP(...).forward``, ``net.forward`` with ``net`` a variable)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        base = aliases.get(node.id, "?" if parts else node.id)
    else:
        base = "?"
    return ".".join([base, *reversed(parts)])


def _is_pytest_raises_with_match(item: ast.withitem) -> bool:
    call = item.context_expr
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "raises" and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "pytest" and any(k.arg == "match" for k in call.keywords))


def _outermost_call(stmt) -> ast.Call | None:
    queue = [stmt]
    while queue:
        node = queue.pop(0)
        if isinstance(node, ast.Call):
            return node
        queue.extend(ast.iter_child_nodes(node))
    return None


def bad_input_calls(source: str) -> set[str]:
    """Dotted names of the functions called as the last statement of a
    ``with pytest.raises(..., match=...)`` block in this test source."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(_is_pytest_raises_with_match(i) for i in node.items):
            call = _outermost_call(node.body[-1])
            if call is not None:
                found.add(_dotted(call.func, aliases))
    return found


def _access_paths() -> dict[int, set[str]]:
    """id(object) -> every 'module.name' through which coursekit exposes it."""
    paths: dict[int, set[str]] = {}
    for mod_name, module in list(sys.modules.items()):
        if mod_name == "coursekit" or mod_name.startswith("coursekit."):
            for name, obj in vars(module).items():
                paths.setdefault(id(obj), set()).add(f"{mod_name}.{name}")
    return paths


def _resolve(qualified: str):
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise LookupError(qualified)


def missing_bad_input_tests(api: dict[str, str], calls: set[str]) -> list[str]:
    """The entries of ``api`` that no call in ``calls`` covers."""
    paths = _access_paths()
    method_names = {c.rsplit(".", 1)[-1] for c in calls if "." in c}
    missing = []
    for qualified, kind in sorted(api.items()):
        if kind == "method":
            covered = qualified.rsplit(".", 1)[-1] in method_names
        else:
            covered = bool(({qualified} | paths.get(id(_resolve(qualified)), set())) & calls)
        if not covered:
            missing.append(f"{qualified} ({kind})")
    return missing


def all_test_calls() -> set[str]:
    calls = set()
    for path in sorted(TESTS_DIR.rglob("*.py")):
        calls |= bad_input_calls(path.read_text())
    return calls


def test_the_scanner_follows_the_convention():
    source = '''
import pytest
import numpy as np
import coursekit.gradcheck as gc
from coursekit import nn
from coursekit.data import blobs as make

def test_it():
    with pytest.raises(ValueError, match="beta"):
        nn.softmax_cross_entropy(np.ones((2, 3)), [0, 5])
    with pytest.raises(TypeError, match="f"):
        gc.numerical_gradient(3, np.ones(2))
    with pytest.raises(ValueError, match="n_train"):
        x = 1
        make(n_train=5000)
    with pytest.raises(ValueError, match="X"):
        nn.MLP([2, 3]).forward(np.ones(3))
    with pytest.raises(ValueError):             # no match=: does not count
        nn.affine_forward(1, 2, 3)
    with pytest.raises(ValueError, match="x"):  # not the last statement: does not count
        nn.softmax(1)
        print()
'''
    assert bad_input_calls(source) == {
        "coursekit.nn.softmax_cross_entropy", "coursekit.gradcheck.numerical_gradient",
        "coursekit.data.blobs", "?.forward", "print"}


def test_the_public_api_is_found():
    api = public_api()
    assert api["coursekit.setup"] == "function"
    assert api["coursekit.nn.MLP"] == "class" and api["coursekit.nn.MLP.forward"] == "method"
    assert "coursekit.checks._core.compare" in api  # exported by coursekit.checks
    assert not any(name.startswith("coursekit.solutions") for name in api)
    assert "coursekit.doctor.versions" not in api  # takes no argument


def test_every_public_function_has_a_bad_input_test():
    missing = missing_bad_input_tests(public_api(), all_test_calls())
    assert not missing, (
        f"{len(missing)} public names have no bad-input test (a `with pytest.raises(Error, "
        "match='<argument>'):` block whose last statement calls them; see this file's "
        "docstring):\n  " + "\n  ".join(missing))


@pytest.mark.parametrize("module", public_modules(), ids=lambda m: m.__name__)
def test_every_public_module_has_a_docstring(module):
    assert (module.__doc__ or "").strip(), f"{module.__name__} has no docstring"
