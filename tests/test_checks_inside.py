"""The checks of notebook 08 accept the reference solutions and name each typical mistake."""

import numpy as np
import pytest

from coursekit.checks import inside as checks
from coursekit.solutions import inside as ref


def test_reference_passes(capsys):
    assert checks.check_mean_square(ref.mean_square).passed
    assert "[PASS]" in capsys.readouterr().out


def test_unattempted_says_todo(capsys):
    def mean_square(x):
        raise NotImplementedError

    assert not checks.check_mean_square(mean_square).passed
    assert "[TODO]" in capsys.readouterr().out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda x: np.mean(x) ** 2, "square of the mean"),
    (lambda x: np.sum(x**2), "sum of squares"),
])
def test_typical_mistakes_are_named(wrong, phrase, capsys):
    assert not checks.check_mean_square(wrong).passed
    assert phrase in capsys.readouterr().out
