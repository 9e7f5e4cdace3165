"""tools.slides: slide structure, offline decks, and the slide metadata of every notebook.

These tests need neither a browser nor node_modules; tests/browser/ opens the built decks.
"""

import itertools
import json
from html.parser import HTMLParser

import pytest

from tools import slides
from tools.paths import notebooks

NOTEBOOKS = notebooks()
_IDS = itertools.count()


def _cell(kind, source="x", cell_type="markdown", tags=()):
    cell = {"id": f"cell-{next(_IDS)}", "cell_type": cell_type, "source": source,
            "metadata": {"slideshow": {"slide_type": kind}}}
    if tags:
        cell["metadata"]["tags"] = list(tags)
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def _nb(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


DEMO = _nb(
    _cell("skip", "import coursekit", "code"),
    _cell("slide", "# 99 Demo\n**Learning goals** ... 5 min"),
    _cell("fragment", "a step"),
    _cell("subslide", "### detail"),
    _cell("notes", "say this"),
    _cell("slide", "## Section $a = b^2$"),
    _cell("slide", "print('the solution')", "code", tags=["solution"]),
    _cell("skip", "assert 'the proof'", "code", tags=["verify"]),
    _cell("-", "more"),
    _cell("subslide", "## Summary"),
)


# ------------------------------------------------------------------ slide_plan
def test_slide_plan_counts_slides_and_subslides():
    assert slides.slide_plan(DEMO) == [2, 2]  # solution cell removed, its '-' cell joins slide 2
    assert slides.slide_plan(DEMO, remove_tags=()) == [2, 1, 2]


def test_slide_plan_first_visible_cell_starts_a_slide_whatever_its_type():
    nb = _nb(_cell("notes"), _cell("subslide"), _cell("fragment"), _cell("subslide"))
    assert slides.slide_plan(nb) == [2]


def test_slide_plan_of_a_missing_or_empty_notebook():
    with pytest.raises(ValueError, match="notebook"):
        slides.slide_plan("slides.txt")
    with pytest.raises(FileNotFoundError, match="does_not_exist.ipynb"):
        slides.slide_plan("does_not_exist.ipynb")
    with pytest.raises(ValueError, match="visible"):
        slides.slide_plan(_nb(_cell("skip"), _cell("notes")))


class _Sections(HTMLParser):
    """Counts what reveal.js counts: top-level sections and the sections inside them."""

    def __init__(self):
        super().__init__()
        self.depth, self.plan = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.depth += 1
            if self.depth == 1:
                self.plan.append(0)
            elif self.depth == 2:
                self.plan[-1] += 1

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth -= 1


def _sections(html: str) -> list[int]:
    parser = _Sections()
    parser.feed(html)
    assert parser.depth == 0, "unbalanced <section> tags"
    return parser.plan


# ------------------------------------------------------------------ build_deck
@pytest.fixture(scope="module")
def demo_deck(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deck")
    path = folder / "99_demo.ipynb"
    path.write_text(json.dumps(DEMO))
    return slides.build_deck(path, folder / "out").read_text()


def test_deck_structure_is_what_slide_plan_predicts(demo_deck):
    assert _sections(demo_deck) == slides.slide_plan(DEMO)


def test_deck_is_offline_and_uses_the_local_libraries(demo_deck):
    assert slides.remote_references(demo_deck) == []
    for local in ('src="lib/require.js"', 'src="lib/jquery.min.js"', "lib/mathjax/MathJax.js",
                  "lib/reveal.js/dist/reveal.js", 'href="lib/reveal.js/dist/reveal.css"'):
        assert local in demo_deck, local


def test_deck_hides_solutions_unless_asked_and_verification_cells_always(demo_deck, tmp_path):
    assert "the solution" not in demo_deck and "the proof" not in demo_deck
    assert "verify" in slides.SOLUTION_TAGS
    path = tmp_path / "99_demo.ipynb"
    path.write_text(json.dumps(DEMO))
    shown = slides.build_deck(path, tmp_path, remove_tags=()).read_text()
    assert "the solution" in shown
    assert _sections(shown) == slides.slide_plan(DEMO, remove_tags=())


def test_build_deck_of_a_missing_notebook(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.ipynb"):
        slides.build_deck(tmp_path / "missing.ipynb", tmp_path)


# ------------------------------------------------------------------ helpers
def test_remote_references_flags_cdns_and_remote_loads_but_not_links():
    page = """
    <script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
    <link rel="stylesheet" href="//example.org/theme.css">
    <style>@import url('https://fonts.googleapis.com/css?family=Roboto');</style>
    <script type="module">import m from 'https://esm.example.org/m.mjs';</script>
    <img src="http://example.org/a.png">
    <a href="https://pytorch.org/docs">the docs</a>
    <script src="lib/require.js"></script>
    """
    found = slides.remote_references(page)
    assert any("cdnjs.cloudflare.com" in url for url in found)
    assert "//example.org/theme.css" in found
    assert any("fonts.googleapis.com" in url for url in found)
    assert "https://esm.example.org/m.mjs" in found
    assert "http://example.org/a.png" in found
    assert not any("pytorch.org" in url or url.startswith("lib/") for url in found)
    assert slides.remote_references('<a href="https://unpkg.com/x">x</a>') != []  # CDN anywhere


def test_deck_title_and_has_widgets():
    assert slides.deck_title(DEMO) == "99 Demo"
    assert slides.has_widgets(DEMO) is False
    view = {"output_type": "display_data", "metadata": {},
            "data": {slides.WIDGET_VIEW: {"model_id": "m"}, "text/plain": "w"}}
    code = _cell("-", "w", "code")
    code["outputs"] = [view]
    assert slides.has_widgets(_nb(_cell("slide"), code)) is True


def test_missing_libraries_and_browser_say_what_to_install(tmp_path):
    with pytest.raises(FileNotFoundError, match="npm ci"):
        slides.copy_assets(tmp_path / "out", node_modules=tmp_path)
    with pytest.raises(ValueError, match="notebook_paths"):
        slides.build_all([], tmp_path / "out")
    with pytest.raises(ValueError, match="decks"):
        slides.print_pdfs([tmp_path / "notes.html"])
    deck = tmp_path / "x.slides.html"
    deck.write_text("<html></html>")
    with pytest.raises(FileNotFoundError, match="apt-get install chromium"):
        slides.print_pdfs([deck], chromium=str(tmp_path / "no-chromium"))


def test_index_page_lists_every_deck_with_escaped_titles():
    page = slides._index_page([{"file": "01_a.slides.html", "title": "Backprop <by hand>",
                                "minutes": "25 min", "slides": 12}])
    assert '<a href="01_a.slides.html">Backprop &lt;by hand&gt;</a>' in page
    assert '<a href="01_a.slides.html?print-pdf">printable</a>' in page
    assert "<td>25 min</td><td>12</td>" in page
    assert slides.remote_references(page) == []


def test_command_line(tmp_path):
    with pytest.raises(SystemExit):
        slides.main(["--no-such-option"])
    with pytest.raises(FileNotFoundError, match="node_modules"):
        slides.main(["--node-modules", str(tmp_path), "--out", str(tmp_path / "out")])


def test_deck_carries_the_course_style_and_footer_from_the_template_files(demo_deck):
    css = (slides.TEMPLATE_DIR / "course.css").read_text()
    rule = next(line for line in css.splitlines() if "--course-blue" in line).strip()
    assert rule in demo_deck  # course.css is included by course.html.j2
    assert '<div class="course-footer"><a href="index.html">Neural-network weights' in demo_deck
    assert "99 Demo</div>" in demo_deck


# ------------------------------------------------------------------ every notebook is a deck
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_metadata_makes_a_lecture_deck(path):
    nb = json.loads(path.read_text())
    kinds = [c["metadata"].get("slideshow", {}).get("slide_type") for c in nb["cells"]]
    assert kinds[0] == "slide", "the title cell opens the deck as a 'slide'"
    assert kinds[1] == "skip", "the set-up cell is 'skip' (it is not worth a slide)"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown" and "".join(cell["source"]).startswith("## "):
            assert kinds[i] in ("slide", "subslide"), f"cell {i}: a '## ' section starts a slide"
    plan = slides.slide_plan(nb)
    assert len(plan) >= 4, f"only {len(plan)} slides: give each section its own slide"
