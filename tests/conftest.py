"""Fixtures shared by the unit tests, and the environment they run in.

pytest puts the repository root on ``sys.path`` (``pythonpath`` in pyproject.toml), so tests
import the course tooling as ``tools``, and the repository's paths from ``tools.paths``.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")  # unit tests only; nbval runs must not set it

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import coursekit  # noqa: E402, F401 - its import hook loads Triton before any test imports TensorFlow


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def model():
    """EfficientNet-Lite0 with its ImageNet weights, loaded once for the whole run.

    Shared: a test that changes it (train mode, weights) must restore it before it ends, or
    work on its own ``dream.load_pretrained()``.
    """
    from coursekit import dream

    return dream.load_pretrained()


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test opened, so they neither pile up nor leak into the next test."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def pytest_terminal_summary(terminalreporter):
    """Print the exercise checks' figures against the corpus of student answers, if computed."""
    report = getattr(sys.modules.get("check_corpus"), "LAST_REPORT", None)
    if report:
        terminalreporter.write_sep("-", "exercise checks against the corpus of student answers")
        terminalreporter.write_line(report)
