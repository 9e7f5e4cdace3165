"""coursekit.setup and the environment report."""

import random
import subprocess
import sys

import numpy as np
import pytest

import coursekit
from coursekit import doctor


def test_setup_seeds_every_generator():
    import torch

    coursekit.setup(5)
    first = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002
    coursekit.setup(5)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first  # noqa: NPY002


def test_setup_applies_the_course_style():
    import matplotlib as mpl

    coursekit.setup()
    assert mpl.rcParams["axes.spines.top"] is False
    assert mpl.rcParams["font.size"] == 12


def test_setup_rejects_a_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        coursekit.setup(-1)
    with pytest.raises(TypeError, match="seed"):
        coursekit.setup(0.5)
    with pytest.raises(TypeError, match="seed"):
        coursekit.setup("0")


def test_doctor_reports_versions_and_assets():
    versions = doctor.versions()
    assert versions["coursekit"] == coursekit.__version__
    assert versions["torch"].startswith("2.13.0")
    assets = doctor.assets()
    assert assets and all(status == "ok" for status in assets.values()), assets
    text = doctor.report(include_hardware=False)
    assert "Offline assets" in text and "Hardware" not in text


def test_python_m_coursekit_prints_the_report():
    out = subprocess.run([sys.executable, "-m", "coursekit"], capture_output=True, text=True,
                         check=True).stdout
    assert "Versions" in out and "CPU cores" in out and "EfficientNet-Lite0 weights" in out


def _draws(code: str) -> str:
    env = {**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env).stdout.strip()


def test_setup_seeds_keras_and_tensorflow_when_they_are_imported_later():
    # one process (TensorFlow takes seconds to import): setup(3) before keras is imported, NumPy
    # used meanwhile, then draws; they must equal draws after keras' own seeding with 3. Then
    # setup(4) with keras loaded, against keras' seeding with 4.
    draw = ("print(np.random.rand(), keras.random.normal((3,)).numpy().tolist(), "
            "tf.random.normal((3,)).numpy().tolist())")
    lines = _draws(
        "import numpy as np, coursekit; coursekit.setup(3); np.random.rand(5); "
        f"import keras, tensorflow as tf; {draw}; "
        f"keras.utils.set_random_seed(3); {draw}; "
        f"coursekit.setup(4); {draw}; keras.utils.set_random_seed(4); {draw}").splitlines()
    assert len(lines) == 4
    assert lines[0] == lines[1]
    assert lines[2] == lines[3] != lines[0]
