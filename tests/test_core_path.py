"""A student who skips every "Going further" section can still run the rest of the lesson."""

import json

import pytest

from tools import core_path
from tools.paths import notebooks


def _nb(*cells):
    out = []
    for kind, text in cells:
        out.append({"cell_type": kind, "metadata": {}, "source": text,
                    **({"outputs": [], "execution_count": None} if kind == "code" else {})})
    return {"cells": out}


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_core_cells_need_no_going_further_cell(path):
    problems = core_path.needs_skipped(json.loads(path.read_text()))
    assert not problems, "; ".join(
        f"cell {c} reads {n!r}, which only the Going further cell {w} defines"
        for c, n, w in problems)


def test_a_name_defined_only_in_going_further_is_found():
    nb = _nb(("markdown", "## 1. Core"), ("code", "import numpy as np"),
             ("markdown", "### Going further: more"), ("code", "import keras\nextra = 3"),
             ("markdown", "## 2. Back on the core path"), ("code", "print(np.pi, extra, keras)"))
    assert core_path.needs_skipped(nb) == [(5, "extra", 3), (5, "keras", 3)]


def test_a_name_the_core_also_defines_is_fine():
    nb = _nb(("code", "x = 1"), ("markdown", "## Going further"), ("code", "x = 2\ny = x"),
             ("markdown", "## Summary"), ("code", "def f(a):\n    return a + x\nprint(f(1))"))
    assert core_path.needs_skipped(nb) == []


def test_a_nested_section_ends_going_further_only_at_its_level():
    nb = _nb(("markdown", "## 3. Section"), ("markdown", "### Going further: aside"),
             ("code", "z = 1"), ("markdown", "#### deeper"), ("code", "w = z"),
             ("markdown", "### back"), ("code", "print(w)"))
    assert core_path.needs_skipped(nb) == [(6, "w", 4)]
