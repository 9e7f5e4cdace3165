"""Every exercise check against the corpus of right and wrong student answers (check_corpus.py).

One test per answer (a correct answer must pass; a wrong one must fail, naming its mistake
where the corpus says it should be named), then the figures: 100 % of correct answers accepted,
at least 99 % of wrong ones rejected, at least 70 % of rejections naming the mistake, at least a
third of the answers from real student code. The figures are written to build/check_corpus.md
and printed at the end of the run.
"""

import pytest

import check_corpus
from tools.paths import BUILD

CORPUS = check_corpus.corpus()
# The corpus is being built lesson by lesson; once every lesson has its answers this is True and
# the size and the share of real student code are enforced too.
COMPLETE = True
CASES = [(key, answer) for key, answers in CORPUS.items() for answer in answers]
OUTCOMES: list[check_corpus.Outcome] = []


def _id(case):
    key, answer = case
    return f"{key}:{answer.check.removeprefix('check_')}:{answer.mistake}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_answer(case):
    key, answer = case
    outcome = check_corpus.run(key, answer)
    OUTCOMES.append(outcome)
    if answer.mistake == check_corpus.RIGHT:
        assert outcome.passed, f"a correct answer was rejected: {outcome.message}"
    else:
        assert not outcome.passed, f"a wrong answer ({answer.mistake}) passed"


def test_figures():
    if not CASES:
        pytest.skip("no corpus yet")
    if len(OUTCOMES) != len(CASES):
        pytest.skip("run the whole corpus (not a selection) to compute the figures")
    f = check_corpus.figures(OUTCOMES)
    table = check_corpus.report(OUTCOMES)
    BUILD.mkdir(exist_ok=True)
    (BUILD / "check_corpus.md").write_text(table + "\n")
    check_corpus.LAST_REPORT = table
    assert f["accepted"] == f["right"], "every correct answer must be accepted"
    assert f["rejected"] >= 0.99 * f["wrong"], "at least 99 % of wrong answers rejected"
    assert f["named"] >= 0.70 * f["rejected"], "at least 70 % of rejections name the mistake"
    if COMPLETE:
        assert f["real"] >= f["answers"] / 3, "at least a third of the answers from real code"
        assert f["answers"] >= 250, "a corpus of at least 250 answers"
