"""The corpus of student answers the exercise checks are measured against (issue: checks a
student can trust).

Each lesson key has a module ``tests/corpus_<key>.py`` with a list ``ENTRIES`` of
:class:`Answer`: an implementation of one exercise, right or wrong, and for a wrong one the
mistake it makes and a pattern its rejection message must match to count as *naming* it. At
least a third of the answers are reduced from real, public student code: their ``source`` says
``real: <repository or page> <path>`` and the function reproduces that code's mistake (in the
course's own words and names); ``variant`` marks the course's own right and wrong variants.

``tests/test_check_corpus.py`` runs every answer through its check and reports three figures,
per lesson and overall (also printed at the end of the test run and written to
``build/check_corpus.md``):

* correct answers accepted (must be 100 %),
* wrong answers rejected (at least 99 %),
* rejections whose message names the mistake (at least 70 %).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent
RIGHT = "right"


@dataclass(frozen=True)
class Answer:
    """One implementation of an exercise.

    check:   name of the check in ``coursekit.checks.<key>`` (``"check_affine_backward"``)
    fn:      the implementation (or, for checks of an answer, the answer itself)
    mistake: ``"right"``, or a short name of the mistake it makes (``"transposed dW"``)
    names:   for a wrong answer, a regular expression its rejection message must match to count
             as naming the mistake (case-insensitive)
    source:  ``"real: <where> <path>"`` for code reduced from a public student repository, or
             ``"variant"`` for the course's own
    args:    further positional arguments of the check, after ``fn``
    """

    check: str
    fn: object
    mistake: str
    source: str
    names: str | None = None
    args: tuple = field(default_factory=tuple)

    def __post_init__(self):
        if self.mistake != RIGHT and not self.names:
            raise ValueError(f"{self.check}: a wrong answer ({self.mistake}) needs `names`, the "
                             f"pattern of the message that names its mistake")
        if not (self.source == "variant" or self.source.startswith("real: ")):
            raise ValueError(f"{self.check}: source must be 'variant' or 'real: <where> <path>', "
                             f"got {self.source!r}")

    @property
    def real(self) -> bool:
        return self.source.startswith("real: ")


@dataclass
class Outcome:
    key: str
    answer: Answer
    passed: bool
    message: str

    @property
    def named(self) -> bool:
        return (not self.passed and self.answer.mistake != RIGHT
                and re.search(self.answer.names, self.message, re.IGNORECASE) is not None)


def corpus() -> dict[str, list[Answer]]:
    """{lesson key: its answers}, from every ``tests/corpus_<key>.py``."""
    found = {}
    for path in sorted(TESTS.glob("corpus_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found[path.stem.removeprefix("corpus_")] = list(module.ENTRIES)
    return found


def run(key: str, answer: Answer) -> Outcome:
    """Run one answer through its check, silently."""
    checks = importlib.import_module(f"coursekit.checks.{key}")
    check: Callable = getattr(checks, answer.check)
    with contextlib.redirect_stdout(io.StringIO()):
        result = check(answer.fn, *answer.args)
    return Outcome(key, answer, bool(result), result.message)


def figures(outcomes: list[Outcome]) -> dict[str, float | int]:
    right = [o for o in outcomes if o.answer.mistake == RIGHT]
    wrong = [o for o in outcomes if o.answer.mistake != RIGHT]
    rejected = [o for o in wrong if not o.passed]
    return {
        "answers": len(outcomes),
        "real": sum(o.answer.real for o in outcomes),
        "right": len(right),
        "accepted": sum(o.passed for o in right),
        "wrong": len(wrong),
        "rejected": len(rejected),
        "named": sum(o.named for o in rejected),
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} % ({part}/{whole})" if whole else "-"


def report(outcomes: list[Outcome]) -> str:
    """A Markdown table of the three figures per lesson and overall."""
    keys = sorted({o.key for o in outcomes})
    lines = ["| lesson | answers (real) | correct accepted | wrong rejected | rejections naming "
             "the mistake |", "|---|---|---|---|---|"]
    for key in keys + ["all"]:
        f = figures([o for o in outcomes if key in ("all", o.key)])
        lines.append(f"| {key} | {f['answers']} ({f['real']}) | {_pct(f['accepted'], f['right'])}"
                     f" | {_pct(f['rejected'], f['wrong'])} | {_pct(f['named'], f['rejected'])} |")
    return "\n".join(lines)
