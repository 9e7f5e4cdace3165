"""The static reveal.js decks of ``make slides``, opened offline in Chromium.

Every ``notebooks/NN_*.ipynb`` must have a deck in ``build/slides/`` that loads without any
network request, initialises reveal.js, shows as many slides as its metadata implies, renders
its math, figures and widgets (static view from the stored widget state), and raises no error.
A screenshot of each title slide goes to ``build/screenshots/``.
"""

import json
import re
from pathlib import Path

import pytest

from tools import slides
from tools.paths import BUILD, notebooks

NOTEBOOKS = notebooks()
DECKS = BUILD / "slides"
# ipywidgets controls (not every control view carries the .jupyter-widgets class)
CONTROLS = ", ".join(f".jp-OutputArea-output .widget-{kind}" for kind in (
    "slider", "hslider", "vslider", "dropdown", "select", "toggle-buttons", "checkbox", "button",
    "radio", "text", "play"))


def _deck(notebook: Path) -> Path:
    deck = DECKS / f"{notebook.stem}.slides.html"
    if not deck.is_file() or deck.stat().st_mtime < notebook.stat().st_mtime:
        pytest.fail(f"{deck} is missing or older than {notebook.name}: run `make slides`")
    return deck


def _has_math(nb: dict) -> bool:
    return any("$" in "".join(c["source"]) for c in nb["cells"]
               if c["cell_type"] == "markdown"
               and c["metadata"].get("slideshow", {}).get("slide_type") != "skip")


def test_index_links_every_deck_and_nothing_refers_to_a_cdn():
    index = DECKS / "index.html"
    assert index.is_file(), "run `make slides`"
    text = index.read_text()
    for notebook in NOTEBOOKS:
        assert f'href="{notebook.stem}.slides.html"' in text, f"index.html lacks {notebook.stem}"
    for page in sorted(DECKS.glob("*.html")):
        assert slides.remote_references(page.read_text()) == [], f"{page.name} needs the network"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_deck_works_offline(notebook, page, shots):
    deck = _deck(notebook)
    nb = json.loads(notebook.read_text())
    plan = slides.slide_plan(nb)
    remote = []

    def offline(route):  # the deck must not need anything but local files
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready")
    total, horizontal = page.evaluate(
        "[Reveal.getTotalSlides(), Reveal.getHorizontalSlides().length]")
    assert (horizontal, total) == (len(plan), sum(plan)), (
        f"the deck shows {horizontal} slides / {total} with subslides; the metadata implies "
        f"{len(plan)} / {sum(plan)}")

    page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                           " && MathJax.Hub.queue.running === 0")
    if _has_math(nb):
        assert page.locator(".MathJax_CHTML, .mjx-chtml").count() > 0, "no formula was typeset"
        assert page.locator(".MathJax_Error, .mjx-merror").count() == 0, "a formula has a TeX error"
    broken = page.evaluate(
        "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
        ".map(i => i.src.slice(0, 80))")
    assert broken == [], f"images that did not load: {broken}"
    if slides.has_widgets(nb):  # the html manager draws the stored state: at least one control
        page.wait_for_selector(CONTROLS, state="attached")
    page.evaluate("Reveal.slide(0, 0)")
    page.wait_for_function("Reveal.getIndices().h === 0 && Reveal.getIndices().v === 0"
                           " && !document.querySelector('.reveal .slides section.present.future')")
    page.screenshot(path=shots / f"slides_{notebook.stem}_title.png")
    assert remote == [], f"the deck requested the network: {remote[:5]}"
    assert page.errors == [], f"JavaScript errors: {page.errors}"


def test_first_deck_prints_to_pdf_one_page_per_slide_at_least(browser):
    notebook = NOTEBOOKS[0]
    (pdf,) = slides.print_pdfs([_deck(notebook)], browser=browser)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= sum(slides.slide_plan(notebook)), f"{pdf.name} has only {pages} pages"
