"""The check of notebook 00 accepts the reference ReLU and names each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import start as checks
from coursekit.solutions import start as ref


def test_reference_passes(capsys):
    assert checks.check_relu(ref.relu).passed
    assert "[PASS]" in capsys.readouterr().out


def test_unattempted_says_todo(capsys):
    def relu(z):
        raise NotImplementedError

    assert not checks.check_relu(relu).passed
    assert "[TODO]" in capsys.readouterr().out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda z: np.max(z, 0), "np.maximum(z, 0), which works elementwise"),
    (np.abs, "not change sign (that is abs)"),
    (lambda z: (z > 0).astype(float), "you returned the mask z > 0"),
])
def test_typical_mistakes_are_named(wrong, phrase, capsys):
    assert not checks.check_relu(wrong).passed
    out = capsys.readouterr().out
    assert "[FAIL]" in out and phrase in out, out
