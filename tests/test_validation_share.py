"""Argument checks stay a small share of the teaching code (tools/validation_share.py)."""

import importlib.util
import textwrap
from pathlib import Path

# tools/ is run from the repo root (python -m tools.validation_share); load it by its path so
# the test does not depend on the working directory
_PATH = Path(__file__).resolve().parent.parent / "tools" / "validation_share.py"
_SPEC = importlib.util.spec_from_file_location("validation_share", _PATH)
validation_share = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(validation_share)


def test_the_counter_counts_raises_guards_and_validate_calls_but_not_docstrings():
    source = textwrap.dedent('''
        """Module docstring."""
        from . import _validate


        def f(x, n):
            """Docstring lines are not code.

            raise ValueError("not counted either")
            """
            # a comment
            x = _validate.float_array(x, "x")
            if n < 0:
                raise ValueError(
                    "n must be >= 0")
            y = x * 2

            return y + n
    ''')
    assert len(validation_share.code_lines(source)) == 8
    assert len(validation_share.check_lines(source)) == 4


def test_argument_checks_are_at_most_12_percent_of_the_teaching_code():
    counts = validation_share.measure()
    share = validation_share.share(counts)
    assert share <= validation_share.LIMIT, (
        f"argument checks are {share:.1%} of the teaching modules' code lines (limit "
        f"{validation_share.LIMIT:.0%}); move checks into coursekit/_validate.py, one call per "
        f"public function. Per module (checks, code): {counts}")
