"""Every accepted answer of the corpus works in the later cells of its notebook.

For each exercise whose function later cells take with ``result.use(solutions.f)``, every
correct answer of the corpus (tests/corpus_<key>.py) replaces the stub, passes its check, and
the later cells run with it (tests/exercise_downstream.py). Kernels are slow to start: one
notebook per test.
"""

import copy
import json

import pytest

import check_corpus
import exercise_downstream
from tools import slicing
from tools.paths import notebooks
from tools.testenv import environment

CORPUS = check_corpus.corpus()


def _answers(key: str) -> dict[str, list]:
    found = {}
    for answer in CORPUS.get(key, []):
        if answer.mistake == check_corpus.RIGHT and callable(answer.fn):
            found.setdefault(answer.check.removeprefix("check_"), []).append(answer.fn)
    return found


def _cases():
    for path in notebooks():
        key = json.loads(path.read_text())["metadata"]["course"]["key"]
        answers = _answers(key)
        names = {e.name for e in exercise_downstream.exercises(json.loads(path.read_text()))}
        if names & set(answers):
            yield pytest.param(path, {n: answers[n] for n in names & set(answers)},
                               id=path.stem)


@pytest.mark.parametrize(("path", "answers"), list(_cases()))
def test_accepted_answers_work_downstream(path, answers):
    problems = exercise_downstream.run_variants(path, answers, env=environment(offline=True))
    assert not problems, "\n".join(problems)


SYNTHETIC = {"metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5,
             "cells": [
    {"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": None,
     "source": "class R:\n    def __init__(s, f, ok): s.f, s.ok = f, ok\n"
               "    def use(s, ref): return s.f if s.ok else ref\n"
               "class solutions:\n    @staticmethod\n    def pair(x): return [x, x]\n"
               "def check(f):\n    try:\n        ok = list(f(1)) == [1, 1]\n"
               "    except NotImplementedError:\n        ok = False\n"
               "    print('[PASS]' if ok else '[TODO]')\n    return R(f, ok)"},
    {"cell_type": "code", "id": "b", "metadata": {}, "outputs": [], "execution_count": None,
     "source": "def pair(x):\n    raise NotImplementedError\n\n\nresult = check(pair)"},
    {"cell_type": "code", "id": "c", "metadata": {}, "outputs": [], "execution_count": None,
     "source": "got = result.use(solutions.pair)(2)\ngot.append(3)\nprint(got)"}]}


def pair_as_list(x):
    return [x, x]


def pair_as_tuple(x):
    return (x, x)


def test_the_runner_finds_the_exercise_and_a_type_that_breaks_a_later_cell(tmp_path):
    assert exercise_downstream.exercises(SYNTHETIC) == [
        exercise_downstream.Exercise("pair", 1, (2,))]
    path = tmp_path / "09_synthetic.ipynb"
    path.write_text(json.dumps(SYNTHETIC))
    problems = exercise_downstream.run_variants(path, {"pair": [pair_as_list, pair_as_tuple]})
    assert len(problems) == 1 and problems[0].startswith("pair = pair_as_tuple: cell 2 failed")
    assert "AttributeError" in problems[0]


def _code(source, tags=()):
    return {"cell_type": "code", "id": f"c{abs(hash(source)) % 10**8}", "execution_count": None,
            "metadata": {"tags": list(tags)}, "outputs": [], "source": source}


def test_needed_keeps_what_later_cells_read_and_drops_figures_and_verify_cells():
    nb = {"cells": [
        _code("import numpy as np\nimport coursekit\ncoursekit.setup()"),
        _code("model = {'w': 0}\ntrain(model, data)\nslow = sum(range(10**7))\n"
              "print(slow)"),
        _code("fig = draw(model)\nfig.savefig('x.png')"),                 # a figure: skipped
        _code("from math import pi\nassert model['w'] == 0\nnorms = [1]", ["verify"]),
        _code("history = []\nfor step in range(3):\n    history.append(step)\n"
              "table = {k: k for k in history}"),
        _code("use(model, history, pi)")]}
    plan = slicing.needed(nb, {5}, 5)
    assert plan[5] is None                                            # the cell itself, whole
    assert plan[0] == "import numpy as np\nimport coursekit\ncoursekit.setup()"
    assert plan[1] == "model = {'w': 0}\ntrain(model, data)"          # train changes model
    assert 2 not in plan                                              # nothing reads the figure
    assert plan[3] == "from math import pi"                           # a verify cell: imports
    assert plan[4] == "history = []\nfor step in range(3):\n    history.append(step)"


def test_a_problem_of_the_shortcut_is_checked_by_a_full_run(tmp_path):
    # the filling of `seen` happens through a closure the static reading cannot follow: the
    # shortcut skips it, the downstream cell fails, and the full run (which passes) decides
    nb = copy.deepcopy(SYNTHETIC)
    nb["cells"].insert(1, _code("seen = []\ndef note(x):\n    seen.append(x)\nnote(1)"))
    nb["cells"][3]["source"] = "got = result.use(solutions.pair)(seen[0])\nprint(list(got))"
    path = tmp_path / "09_synthetic.ipynb"
    path.write_text(json.dumps(nb))
    assert slicing.needed(nb, {2, 3}, 3)[1] == "seen = []"    # note(1) dropped
    assert exercise_downstream.run_variants(path, {"pair": [pair_as_list, pair_as_tuple]}) == []


def test_needed_keeps_a_call_that_writes_a_file_a_later_cell_reads():
    nb = {"cells": [
        _code("import torch\nOUT = make_dir()"),
        _code("net = build()\ntorch.save(net.state_dict(), OUT / 'net.pt')\nprint(net)"),
        _code("state = torch.load(OUT / 'net.pt')")]}
    plan = slicing.needed(nb, {2}, 2)
    assert plan[1] == "net = build()\ntorch.save(net.state_dict(), OUT / 'net.pt')"


def test_verify_cells_rerun_per_answer_only_when_that_reproduces_the_notebook():
    uses = "find = result.use(solutions.find)\nprint(find(1))"
    nb = {"cells": [
        _code("def find(x):\n    raise NotImplementedError\n\n\nresult = check(find)"),
        _code(uses),
        _code("assert find(1) == 1", ["verify"]),                  # reads the answer: reruns
        _code("patched = find(2)\nmodel.forward = find"),          # runs once, from the answer
        _code("assert patched == find(2)", ["verify"]),            # reads what that cell made
        _code("assert find(model) is None\ndel model.forward", ["verify"])]}   # changes model
    assert exercise_downstream.exercises(nb) == [exercise_downstream.Exercise("find", 0, (1, 2))]
