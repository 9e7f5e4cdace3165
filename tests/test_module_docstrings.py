"""Every public module of coursekit opens with a docstring that says what it is for."""

import importlib
import pkgutil

import pytest

import coursekit

MODULES = ["coursekit"] + [
    m.name for m in pkgutil.walk_packages(coursekit.__path__, "coursekit.")
    if not any(part.startswith("_") for part in m.name.split("."))
]


@pytest.mark.parametrize("name", MODULES)
def test_every_module_has_a_docstring(name):
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), f"{name} has no docstring"
