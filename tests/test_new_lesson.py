"""`python -m tools.new_lesson` scaffolds a lesson that passes every house rule unchanged."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import new_lesson
from tools.paths import REPO as ROOT
from tools.paths import notebooks

NEXT = f"{max(int(p.name[:2]) for p in notebooks()) + 1:02d}"   # the next free lesson number


def _copy_of_the_repo(dest: Path) -> Path:
    """The files git tracks or would track (no .venv, build/, node_modules/) copied to dest."""
    names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    for name in filter(None, names):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def _run(args, cwd):
    env = {**os.environ, "PYTHONPATH": str(cwd), "PYTHONHASHSEED": "0",
           "TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True)


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    repo = _copy_of_the_repo(tmp_path_factory.mktemp("repo"))
    before = set(p.relative_to(repo) for p in repo.rglob("*") if p.is_file())
    done = _run(["-m", "tools.new_lesson", NEXT, "batchnorm", "Batch normalisation"], repo)
    assert done.returncode == 0, done.stderr[-3000:]
    after = set(p.relative_to(repo) for p in repo.rglob("*") if p.is_file())
    return repo, after - before


def test_it_adds_the_notebook_and_the_lesson_modules(scaffolded):
    _, added = scaffolded
    assert {str(p) for p in added} == {
        f"notebooks/{NEXT}_batchnorm.ipynb", "coursekit/checks/batchnorm.py",
        "coursekit/solutions/batchnorm.py", "coursekit/widgets/batchnorm.py",
        "tests/test_checks_batchnorm.py", "tests/test_widgets_batchnorm.py"}


def test_the_new_lesson_passes_lint_hygiene_its_tests_and_nbval(scaffolded):
    repo, _ = scaffolded
    nb = json.loads((repo / f"notebooks/{NEXT}_batchnorm.ipynb").read_text())
    assert nb["metadata"]["course"] == {"key": "batchnorm"}
    assert f"{NEXT} Batch normalisation" in "".join(nb["cells"][0]["source"])
    lint = _run(["-m", "ruff", "check", "coursekit", "tests", "tools", "notebooks"], repo)
    assert lint.returncode == 0, lint.stdout[-3000:]
    tests = _run(["-m", "pytest", "-q", "tests/test_notebook_hygiene.py", "tests/test_syllabus.py",
                  "tests/test_checks_batchnorm.py", "tests/test_widgets_batchnorm.py"], repo)
    assert tests.returncode == 0, tests.stdout[-3000:]
    nbval = _run(["-m", "pytest", "-q", "--nbval", "--nbval-current-env", "--nbval-sanitize-with",
                  "tests/nbval_sanitize.cfg", f"notebooks/{NEXT}_batchnorm.ipynb"], repo)
    assert nbval.returncode == 0, nbval.stdout[-3000:]
    assert "passed" in nbval.stdout


def test_the_stored_exercise_is_unattempted(scaffolded):
    repo, _ = scaffolded
    nb = json.loads((repo / f"notebooks/{NEXT}_batchnorm.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                      for o in c["outputs"])
    # the reference is proven in a silent verification cell: no [PASS] the student did not earn
    assert "[TODO] mean_square" in printed and "[PASS]" not in printed


def test_a_clash_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_backprop_by_hand.ipynb").write_text(
        json.dumps({"metadata": {"course": {"key": "backprop"}}}))
    with pytest.raises(ValueError, match="number 01 is taken"):
        new_lesson.plan(tmp_path, "01", "other", "Other")
    with pytest.raises(ValueError, match="belongs to 01_backprop_by_hand.ipynb"):
        new_lesson.plan(tmp_path, "09", "backprop", "Again")
    with pytest.raises(ValueError, match="two digits"):
        new_lesson.plan(tmp_path, "8", "batchnorm", "Batch normalisation")
    with pytest.raises(ValueError, match="lowercase Python name"):
        new_lesson.plan(tmp_path, "08", "Batch-Norm", "Batch normalisation")
    assert sorted(p.name for p in (tmp_path / "notebooks").iterdir()) == [
        "01_backprop_by_hand.ipynb"]
