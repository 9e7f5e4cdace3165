"""The course website: every lesson as a web page, built offline from the stored notebooks.

``make site`` builds the slide decks (``make slides``), adds ``requirements/site.txt`` (Sphinx,
MyST-NB, sphinx-book-theme; locked in ``requirements/constraints.txt``) to ``.venv`` and runs
``python -m tools.site``, which

1. stages the sources in ``build/site-src/``: a copy of every ``notebooks/NN_*.ipynb`` with a
   links cell after its title (slide deck, notebook download, Colab, Binder) and without cells
   tagged ``solution``/``remove-cell``; the landing page from the README's syllabus; the
   README's instructor guide;
2. runs Sphinx with the configuration in ``tools/site/conf.py`` into ``build/site/``. Notebooks
   are *not* executed: the pages show the outputs that nbval verifies. Figures get the alt text
   stored in their cell's metadata (``mystnb.image.alt``, see ``tools/alt_text.py``);
3. copies the slide decks (with their local reveal.js, MathJax, require.js and widget manager)
   to ``build/site/slides/`` and the notebooks to ``build/site/notebooks/``. The pages load
   MathJax and the widget manager from that copy, so nothing comes from the internet.

Only the standard library is imported here (Sphinx runs in a subprocess), so the unit tests and
``tools.alt_text`` can use these helpers without Sphinx installed.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from tools import paths

REPO = Path(__file__).resolve().parents[1]
CONF_DIR = Path(__file__).resolve().parent / "site"
# Cells the site leaves out: solutions, verification cells (the proof the tests run) and, by
# their slide type, speaker notes (cues for a presenter, not part of the lesson).
REMOVED_TAGS = ("solution", "remove-cell", "verify")
REMOVED_SLIDE_TYPES = ("notes",)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BRANCH = "main"
SITE_TITLE = "Neural-network weights, from the inside"
WIDGET_NOTE = ('<p class="course-widget-note">The explorer as it was saved: its controls do not '
               "recompute anything on this page. Open the notebook (Colab, Binder or your own "
               "JupyterLab) to move them.</p>")


# --------------------------------------------------------------------------- the repository
def repository_url(pyproject=None) -> str:
    """``[project.urls] Repository`` from pyproject.toml: the one place the URL is recorded."""
    path = REPO / "pyproject.toml" if pyproject is None else Path(pyproject)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    url = data.get("project", {}).get("urls", {}).get("Repository")
    if not isinstance(url, str) or not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/?", url):
        raise ValueError(f"{path}: [project.urls] Repository must be a https://github.com/OWNER/"
                         f"REPO address, got {url!r}")
    return url.rstrip("/")


def launch_links(notebook_name: str, repo_url: str, branch: str = BRANCH) -> dict[str, str]:
    """Colab and Binder addresses that open ``notebooks/<notebook_name>`` of the repository."""
    if not re.fullmatch(r"\d\d_[\w-]+\.ipynb", notebook_name):
        raise ValueError(f"notebook_name must look like 'NN_topic.ipynb', got {notebook_name!r}")
    owner_repo = repo_url.removeprefix("https://github.com/")
    path = f"notebooks/{notebook_name}"
    return {
        "colab": f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{path}",
        "binder": f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{path}",
    }


notebooks = paths.notebooks  # every course notebook NN_*.ipynb, sorted


def title(nb: dict, fallback: str) -> str:
    """The first ``# `` heading of the notebook's first markdown cell."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    return fallback


# --------------------------------------------------------------------------- alt text
def figure_alt(cell: dict) -> str | None:
    """The alt text MyST-NB uses for the cell's figures (cell metadata ``mystnb.image.alt``)."""
    alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
    return alt if isinstance(alt, str) else None


def widget_images(nb: dict, cell: dict) -> int:
    """Number of images that the cell's widget views show from the stored widget state.

    An explorer draws its figure into an ``Output`` widget; the page renders the stored state,
    so those images need alt text as much as a plain figure does.
    """
    state = nb.get("metadata", {}).get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    count, seen = 0, set()
    todo = [o["data"][WIDGET_VIEW]["model_id"] for o in cell.get("outputs", [])
            if WIDGET_VIEW in o.get("data", {})]
    while todo:
        model_id = todo.pop()
        if model_id in seen or model_id not in state:
            continue
        seen.add(model_id)
        model = state[model_id]
        for out in model.get("state", {}).get("outputs", []) or []:
            count += sum(k.startswith("image/") for k in out.get("data", {}))
        todo += re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(model.get("state", {})))
    return count


def cell_images(nb: dict, cell: dict) -> int:
    """Images the cell shows: its own image outputs plus those inside its widgets' state."""
    own = sum(k.startswith("image/") for o in cell.get("outputs", []) for k in o.get("data", {}))
    return own + widget_images(nb, cell)


# --------------------------------------------------------------------------- staging
def _links_cell(name: str, repo_url: str) -> dict:
    links = launch_links(name, repo_url)
    stem = name.removesuffix(".ipynb")
    items = [
        (f"slides/{stem}.slides.html", "Slides", "the lesson as a reveal.js deck"),
        (f"notebooks/{name}", "Download the notebook", None),
        (links["colab"], "Open in Colab", None),
        (links["binder"], "Launch on Binder", None),
    ]
    anchors = " ".join(
        f'<a class="course-link" href="{html.escape(href)}"'
        + (' download' if href.startswith("notebooks/") else "")
        + (f' title="{html.escape(tip)}"' if tip else "") + f">{html.escape(text)}</a>"
        for href, text, tip in items)
    source = f'<nav class="course-links" aria-label="This lesson elsewhere">{anchors}</nav>\n'
    return {"cell_type": "markdown", "id": "course-site-links",
            "metadata": {"slideshow": {"slide_type": "skip"}}, "source": source}


def stage_notebook(path: Path, out_dir: Path, repo_url: str) -> Path:
    """Copy a notebook for the site: links cell after the title; solution, verification and
    speaker-notes cells removed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"]
             if not set(REMOVED_TAGS) & set(c.get("metadata", {}).get("tags", []))
             and c.get("metadata", {}).get("slideshow", {}).get("slide_type")
             not in REMOVED_SLIDE_TYPES]
    cells.insert(1, _links_cell(path.name, repo_url))
    nb["cells"] = cells
    target = out_dir / path.name
    target.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return target


def _section(readme: str, heading: str) -> str:
    """The README section that starts with ``## heading``, up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    if not match:
        raise ValueError(f"README.md has no '## {heading}' section")
    return match.group(1)


def _site_links(markdown: str, repo_url: str) -> str:
    """Point README links at the site: lessons to their pages, other files to the repository."""
    def fix(match):
        text, target = match.group(1), match.group(2)
        if re.match(r"[a-z]+:|#", target):
            return match.group(0)
        lesson = re.fullmatch(r"notebooks/(\d\d_[\w-]+)\.ipynb", target)
        if lesson:
            return f"[{text}]({lesson.group(1)}.ipynb)"
        return f"[{text}]({repo_url}/blob/{BRANCH}/{target})"
    return re.sub(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", fix, markdown)


def _questions(readme: str) -> str:
    """The README's generated list of common questions (see tools/questions.py)."""
    from tools.questions import README_END, README_START

    if README_START not in readme:
        raise ValueError("README.md has no list of common questions: run python -m tools.questions")
    return readme[readme.index(README_START) + len(README_START):readme.index(README_END)].strip()


def _toctree(names: list[str]) -> str:
    entries = "\n".join(names)
    return f"\n```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```\n"


def stage(src: Path, repo_url: str, nbs: list[Path]) -> None:
    """Write the site's sources (landing page, instructor guide, lesson copies) into ``src``."""
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for path in nbs:
        stage_notebook(path, src, repo_url)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    syllabus = re.search(r"^\| # \|.*?\n(?:\|.*\n)+", readme, re.M)
    if not syllabus:
        raise ValueError("README.md has no syllabus table (a table whose header starts '| # |')")
    index = [
        f"# {SITE_TITLE}\n",
        "A course on what happens to the weights of a neural network: how they get their "
        "gradients, how they are initialised, regularised, averaged, loaded and edited. Each "
        "lesson below is a Jupyter notebook; these pages show it with the outputs that the "
        "course's tests check, so you can read everything here before installing anything.\n",
        "## Lessons\n",
        ":::{container} course-syllabus\n" + _site_links(syllabus.group(0), repo_url) + ":::\n",
        "\nEvery lesson page links its slide deck, a download of the notebook and two ways to "
        "run it without installing anything (Colab and Binder). All slide decks are listed on "
        '<a href="slides/index.html">the slides page</a>.\n',
        "## Questions the lessons answer\n",
        _site_links(_questions(readme), repo_url) + "\n",
        "## Run it on your computer\n",
        "```bash\n"
        f"git clone {repo_url} nn-weights && cd nn-weights\n"
        "make lab     # builds the pinned environment once, then opens JupyterLab\n"
        "```\n",
        "Python 3.11, 3.12 or 3.13 is all you need (without `make`, follow the README's plain "
        "commands for Windows, macOS and Linux); the notebooks run offline on a laptop CPU. "
        "The [instructor guide](instructor_guide.md) explains slides, hidden solutions and "
        "running the course for a class.\n",
        _toctree([p.stem for p in nbs] + ["instructor_guide"]),
    ]
    (src / "index.md").write_text("\n".join(index), encoding="utf-8")
    guide = _section(readme, "Instructor guide")
    guide = re.sub(r"^(#{3,6}) ", lambda m: m.group(1)[1:] + " ", guide, flags=re.M)
    (src / "instructor_guide.md").write_text(
        "# Instructor guide\n" + _site_links(guide, repo_url), encoding="utf-8")


# --------------------------------------------------------------------------- after Sphinx
def annotate_widget_alt(site: Path, nbs: list[Path]) -> int:
    """Give each stored widget view on the pages the alt text of the cell that shows it.

    The widget manager draws the explorer's figure from the stored state after the page loads;
    ``_static/course.js`` copies ``data-alt`` onto the images it draws. Returns the number of
    widget views annotated.
    """
    done = 0
    for path in nbs:
        page = site / f"{path.stem}.html"
        nb = json.loads(path.read_text(encoding="utf-8"))
        alts = {}
        for cell in nb["cells"]:
            alt = figure_alt(cell)
            for out in cell.get("outputs", []):
                if alt and WIDGET_VIEW in out.get("data", {}):
                    alts[out["data"][WIDGET_VIEW]["model_id"]] = alt
        text, count = _annotate(page.read_text(encoding="utf-8"), alts)
        page.write_text(text, encoding="utf-8")
        done += count
    return done


_VIEW_SCRIPT = re.compile(r'(<script type="application/vnd\.jupyter\.widget-view\+json")>'
                          r"(.*?)(</script>)", re.S)


def _annotate(text: str, alts: dict) -> tuple[str, int]:
    """Add ``data-alt`` (and the saved-state note) to the widget views listed in ``alts``."""
    count = 0

    def add(match):
        nonlocal count
        model = re.search(r'"model_id":\s*"([0-9a-f]+)"', match.group(2))
        if not model or model.group(1) not in alts:
            return match.group(0)
        count += 1
        # the note says that the controls show a saved state (no kernel behind the page)
        return (f'{match.group(1)} data-alt="{html.escape(alts[model.group(1)])}">'
                f"{match.group(2)}{match.group(3)}{WIDGET_NOTE}")
    return _VIEW_SCRIPT.sub(add, text), count


def copy_extras(site: Path, slides: Path, nbs: list[Path]) -> None:
    """Slide decks (with their libraries) and downloadable notebooks into the site."""
    if not (slides / "index.html").is_file() or not (slides / "lib" / "mathjax").is_dir():
        raise ValueError(f"{slides} has no slide decks: run `make slides` first")
    shutil.rmtree(site / "slides", ignore_errors=True)
    shutil.copytree(slides, site / "slides", ignore=shutil.ignore_patterns("*.pdf"))
    (site / "notebooks").mkdir(exist_ok=True)
    for path in nbs:
        shutil.copy2(path, site / "notebooks" / path.name)
    (site / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ and _images/ as they are


def build(out: Path, *, src: Path, slides: Path, quiet: bool = True) -> dict:
    """Stage, run Sphinx, add decks and downloads; returns counts and the build time."""
    start = time.monotonic()
    nbs = notebooks()
    repo_url = repository_url()
    stage(src, repo_url, nbs)
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(CONF_DIR), "-W",
           "--keep-going", "-n", str(src), str(out), "-d", str(src.parent / "site-doctrees")]
    if quiet:
        cmd.append("-q")
    subprocess.run(cmd, check=True)
    copy_extras(out, slides, nbs)
    widget_views = annotate_widget_alt(out, nbs)
    pages = sorted(out.glob("*.html"))
    files = [p for p in out.rglob("*") if p.is_file()]
    return {
        "pages": len(pages),
        "lessons": len(nbs),
        "images": len(list((out / "_images").glob("*"))) if (out / "_images").is_dir() else 0,
        "widget_views_with_alt": widget_views,
        "bytes": sum(p.stat().st_size for p in files),
        "seconds": round(time.monotonic() - start, 1),
    }


def main(argv=None) -> int:
    """Command line: ``python -m tools.site [--out DIR] [--slides DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.site",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(REPO / "build" / "site"))
    parser.add_argument("--src", default=str(REPO / "build" / "site-src"),
                        help="staging folder for the Sphinx sources")
    parser.add_argument("--slides", default=str(REPO / "build" / "slides"),
                        help="the decks built by `make slides`")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    info = build(Path(args.out), src=Path(args.src), slides=Path(args.slides),
                 quiet=not args.verbose)
    print(f"{args.out}: {info['pages']} pages ({info['lessons']} lessons), {info['images']} "
          f"figure files, {info['bytes'] / 1e6:.1f} MB, built in {info['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
