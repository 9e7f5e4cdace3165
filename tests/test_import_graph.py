"""coursekit's modules import each other without cycles (function-level imports included)."""

import ast
from pathlib import Path

import coursekit

PACKAGE = Path(coursekit.__file__).parent


def _module_name(path: Path, package=PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """The coursekit modules ``path`` imports anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[:len(parent) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        # the most specific coursekit module each import names
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph(package=PACKAGE) -> dict[str, set[str]]:
    files = {_module_name(p, package): p for p in package.rglob("*.py")}
    modules = set(files)
    return {name: _imports(path, name, modules) for name, path in files.items()}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_the_graph_sees_function_level_imports():
    edges = graph()
    assert "coursekit._validate" in edges["coursekit.dream"]
    assert "coursekit.solutions.backprop" in edges["coursekit.checks.backprop"]


def test_no_import_cycles(package=PACKAGE):
    edges = graph(package)
    # a package importing its own submodules (coursekit/__init__ -> plotting) is how packages
    # work; a submodule importing its parent package back is what makes a cycle of those
    for name in edges:
        if "." in name:
            edges[name] = {t for t in edges[name] if not name.startswith(t + ".")}
    assert _cycles(edges) == []
