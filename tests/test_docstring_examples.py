"""The ``>>>`` examples in the docstrings of coursekit and tools run and print what they show.

Every module of both packages is searched (new modules are picked up); each docstring that
holds examples is one test, run by the standard library's doctest in the module's namespace.
"""

import doctest
import importlib
import pkgutil

import pytest

import coursekit
import tools

OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Examples that cannot run as written, in files another branch is rewriting (qualified name:
# why). strict: as soon as an example runs, its entry must go.
BROKEN: dict[str, str] = {}


def _modules(package):
    names = [package.__name__] + [info.name for info in pkgutil.walk_packages(
        package.__path__, package.__name__ + ".")]
    return [importlib.import_module(n) for n in names if not n.endswith("__main__")]


def _examples():
    finder = doctest.DocTestFinder()
    found = [test for module in _modules(coursekit) + _modules(tools)
             for test in finder.find(module) if test.examples]
    return [pytest.param(test, id=test.name, marks=[pytest.mark.xfail(
                reason=f"the example cannot run: {BROKEN[test.name]}", strict=True)]
            if test.name in BROKEN else []) for test in sorted(found, key=lambda t: t.name)]


EXAMPLES = _examples()


def test_there_are_examples_to_run_and_no_stale_exceptions():
    names = {param.id for param in EXAMPLES}
    assert len(names) >= 3
    assert set(BROKEN) <= names, f"no such example any more: {set(BROKEN) - names}"


@pytest.mark.parametrize("example", EXAMPLES)
def test_docstring_example(example):
    report = []
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    result = runner.run(example, out=report.append)
    assert result.failed == 0, "".join(report)
