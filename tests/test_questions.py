"""tools.questions: every lesson's common questions are findable from the README and the site."""

import json

import pytest

from tools import questions
from tools.paths import REPO, notebooks


def test_the_readme_lists_every_lessons_questions():
    text = (REPO / "README.md").read_text()
    assert questions.update_readme(text, questions.readme_block()) == text, (
        "README.md's list of common questions is out of date: run python -m tools.questions")


@pytest.mark.parametrize("path", [p for p in notebooks() if not p.name.startswith("00_")],
                         ids=lambda p: p.name)
def test_every_lesson_answers_at_least_three_questions(path):
    asked = questions.questions(json.loads(path.read_text()))
    assert len(asked) >= 3, f"{path.name}: bold questions found in its answers section: {asked}"


def test_the_list_is_refused_without_its_markers():
    with pytest.raises(ValueError, match="lacks the markers"):
        questions.update_readme("no markers here", "block")
