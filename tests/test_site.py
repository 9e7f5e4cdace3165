"""The course website's tooling (tools/site.py) without a browser or Sphinx: the repository URL,
launch links, the staged sources and the widget alt-text annotation. The built site itself is
tested in Chromium by tests/browser/test_browser_site.py (make browser-test, after make site)."""

import json
import re

import pytest

from tools import site

REPO_URL = "https://github.com/nn-weights-course/nn-weights"


def test_repository_url_is_recorded_once_in_pyproject():
    assert site.repository_url() == REPO_URL


@pytest.mark.parametrize("text", [
    '[project]\nname = "x"\n',
    '[project.urls]\nRepository = "git@github.com:a/b.git"\n',
    '[project.urls]\nRepository = "https://gitlab.com/a/b"\n',
])
def test_repository_url_rejects_missing_or_non_github_addresses(tmp_path, text):
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match="Repository"):
        site.repository_url(path)


def test_launch_links_open_the_notebook_on_colab_and_binder():
    links = site.launch_links("01_backprop_by_hand.ipynb", REPO_URL)
    assert links["colab"] == ("https://colab.research.google.com/github/nn-weights-course/"
                              "nn-weights/blob/main/notebooks/01_backprop_by_hand.ipynb")
    assert links["binder"] == ("https://mybinder.org/v2/gh/nn-weights-course/nn-weights/main"
                               "?urlpath=lab/tree/notebooks/01_backprop_by_hand.ipynb")
    with pytest.raises(ValueError, match="NN_topic"):
        site.launch_links("../secret.ipynb", REPO_URL)


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    src = tmp_path_factory.mktemp("site-src")
    site.stage(src, REPO_URL, site.notebooks())
    return src


def test_staging_writes_every_lesson_the_landing_page_and_the_guide(staged):
    names = {p.name for p in staged.iterdir()}
    assert {p.name for p in site.notebooks()} | {"index.md", "instructor_guide.md"} == names
    index = (staged / "index.md").read_text()
    for nb in site.notebooks():
        assert f"]({nb.stem}.ipynb)" in index, f"the syllabus does not link {nb.stem}"
        assert nb.stem in index.split("{toctree}")[1]
    assert "notebooks/" not in index.split("## Lessons")[1].split("{toctree}")[0].replace(
        "slides/", ""), "a syllabus link still points into the repository's notebooks/"
    asked = index.split("## Questions the lessons answer")[1].split("## ")[0]
    assert "Why not initialise all weights to zero?" in asked
    assert "](02_initialization.ipynb)" in asked
    guide = (staged / "instructor_guide.md").read_text()
    assert guide.startswith("# Instructor guide\n") and "\n## " in guide and "\n# " not in guide[1:]


def test_staged_lessons_have_their_links_and_keep_every_figure(staged):
    for path in site.notebooks():
        original = json.loads(path.read_text())
        copy = json.loads((staged / path.name).read_text())
        links = "".join(copy["cells"][1]["source"])
        assert f'href="slides/{path.stem}.slides.html"' in links
        assert f'href="notebooks/{path.name}"' in links
        for url in site.launch_links(path.name, REPO_URL).values():
            assert url in links.replace("&amp;", "&")
        kept = [c for c in original["cells"]
                if not set(site.REMOVED_TAGS) & set(c["metadata"].get("tags", []))
                and c["metadata"]["slideshow"]["slide_type"] not in site.REMOVED_SLIDE_TYPES]
        assert copy["cells"][0] == original["cells"][0] and copy["cells"][2:] == kept[1:]


def test_staging_drops_solution_verification_and_notes_cells(tmp_path):
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# 09 Test\n"},
        {"cell_type": "code", "id": "b", "metadata": {"tags": ["solution"]}, "source": "x = 1",
         "outputs": [], "execution_count": 1},
        {"cell_type": "code", "id": "v", "metadata": {"tags": ["verify"]}, "source": "assert x",
         "outputs": [], "execution_count": 2},
        {"cell_type": "markdown", "id": "n", "metadata": {"slideshow": {"slide_type": "notes"}},
         "source": "ask the room"},
        {"cell_type": "markdown", "id": "c", "metadata": {}, "source": "text"}]}
    path = tmp_path / "09_test.ipynb"
    path.write_text(json.dumps(nb))
    out = tmp_path / "out"
    out.mkdir()
    copy = json.loads(site.stage_notebook(path, out, REPO_URL).read_text())
    assert [c["id"] for c in copy["cells"]] == ["a", "course-site-links", "c"]


def test_readme_links_point_to_pages_or_the_repository():
    text = "[one](notebooks/01_backprop_by_hand.ipynb), [data](data/README.md), [web](https://x.org)"
    out = site._site_links(text, REPO_URL)
    assert "[one](01_backprop_by_hand.ipynb)" in out
    assert f"[data]({REPO_URL}/blob/main/data/README.md)" in out
    assert "[web](https://x.org)" in out


def test_widget_views_get_the_alt_text_of_their_cell(tmp_path):
    nb_path = tmp_path / "09_w.ipynb"
    view = {"output_type": "display_data", "metadata": {}, "data": {
        "application/vnd.jupyter.widget-view+json": {"model_id": "abc123", "version_major": 2}}}
    nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "", "outputs": [view],
                                     "metadata": {"mystnb": {"image": {"alt": 'A "plot" <b>'}}}}]}
    nb_path.write_text(json.dumps(nb))
    page = tmp_path / "09_w.html"
    page.write_text('<div><script type="application/vnd.jupyter.widget-view+json">'
                    '{"model_id": "abc123", "version_major": 2}</script></div>'
                    '<script type="application/vnd.jupyter.widget-view+json">'
                    '{"model_id": "other"}</script>')
    assert site.annotate_widget_alt(tmp_path, [nb_path]) == 1
    html = page.read_text()
    assert 'data-alt="A &quot;plot&quot; &lt;b&gt;"' in html
    assert html.count("data-alt=") == 1 and html.count("course-widget-note") == 1
    assert re.search(r'data-alt="[^"]*">\{"model_id": "abc123"', html)
