"""How much of the teaching code is argument checking?

Counts, in the teaching modules of ``coursekit`` (the ones a notebook tells a student to open),
the *code lines* (docstrings, comments and blank lines not counted) and, among them, the
*argument-checking lines*:

* every line of a ``raise`` statement;
* the header line(s) of an ``if``/``elif`` whose body is nothing but a ``raise``;
* every line of a statement that calls ``_validate.<something>``.

The course keeps the share of checking lines at or below :data:`LIMIT`, so that a reader sees
the computation first. Run from the repo root::

    python -m tools.validation_share            # a table per module and the total
    python -m tools.validation_share --check    # exit status 1 above the limit
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "coursekit"
LIMIT = 0.12
#: the modules a notebook points a student to (tooling, checks, widgets and the private
#: ``_validate`` / speed-machinery modules are not teaching code)
TEACHING_MODULES = (
    "nn", "gradcheck", "init", "deepstats", "regularization", "ewa", "optim", "averaging",
    "checkpoints", "dream", "efficientnet", "weights", "data", "plotting", "inspection",
)


def _docstring_lines(tree: ast.Module) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def code_lines(source: str) -> set[int]:
    """Line numbers holding code: not blank, not only a comment, not part of a docstring."""
    lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                        tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines - _docstring_lines(ast.parse(source))


def _calls_validate(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and isinstance(n.func.value, ast.Name) and n.func.value.id == "_validate"
               for n in ast.walk(node))


def check_lines(source: str) -> set[int]:
    """Line numbers of argument checks (see the module docstring)."""
    tree = ast.parse(source)
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            lines.update(range(node.lineno, node.end_lineno + 1))
        elif isinstance(node, ast.If) and all(isinstance(s, ast.Raise) for s in node.body):
            lines.update(range(node.lineno, node.body[0].lineno))
        elif isinstance(node, ast.stmt) and not hasattr(node, "body") and _calls_validate(node):
            lines.update(range(node.lineno, node.end_lineno + 1))
        elif isinstance(node, (ast.If, ast.While, ast.For, ast.With)):
            header = node.test if isinstance(node, (ast.If, ast.While)) else (
                node.iter if isinstance(node, ast.For) else None)
            if header is not None and _calls_validate(header):
                lines.update(range(header.lineno, header.end_lineno + 1))
    return lines & code_lines(source)


def measure(modules=TEACHING_MODULES, package: Path = PACKAGE) -> dict[str, tuple[int, int]]:
    """``{module: (check lines, code lines)}`` for the given module names."""
    out = {}
    for name in modules:
        source = (package / f"{name}.py").read_text(encoding="utf-8")
        out[name] = (len(check_lines(source)), len(code_lines(source)))
    return out


def share(counts: dict[str, tuple[int, int]]) -> float:
    """Checking lines / code lines over all the modules together."""
    checks = sum(c for c, _ in counts.values())
    code = sum(n for _, n in counts.values())
    return checks / code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help=f"exit with status 1 when the share is above {LIMIT:.0%}")
    args = parser.parse_args(argv)
    counts = measure()
    print(f"{'module':<16}{'checks':>8}{'code':>8}{'share':>8}")
    for name, (checks, code) in counts.items():
        print(f"{name:<16}{checks:>8}{code:>8}{checks / code:>8.1%}")
    total_checks = sum(c for c, _ in counts.values())
    total_code = sum(n for _, n in counts.values())
    print(f"{'total':<16}{total_checks:>8}{total_code:>8}{share(counts):>8.1%}"
          f"   (limit {LIMIT:.0%})")
    return 1 if args.check and share(counts) > LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
