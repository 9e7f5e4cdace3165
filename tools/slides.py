"""Static reveal.js slide decks of the notebooks that work offline.

``make slides`` installs the pinned browser libraries from ``package-lock.json`` (``npm ci``) and
then runs ``python -m tools.slides``, which

* copies reveal.js, require.js, jQuery, MathJax 2 and the Jupyter widgets HTML manager from
  ``node_modules/`` into ``build/slides/lib/`` (nothing is loaded from a CDN);
* converts every ``notebooks/NN_*.ipynb`` into ``build/slides/NN_*.slides.html`` with nbconvert,
  using the cells' ``slideshow.slide_type`` metadata, a lecture style and the stored widget state
  (widgets show their last state, without a kernel);
* removes cells tagged ``solution`` (and ``remove-cell``) unless ``--show-solutions`` is given,
  and always the verification cells (tag ``verify``): the proof of a lesson's claims, which the
  tests run and an audience does not need;
* writes ``build/slides/index.html`` with a link to every deck and its printable version;
* with ``--pdf``, prints every deck to a PDF next to it (Chromium via Playwright, reveal.js's
  ``?print-pdf`` view: one page per slide).

The slide structure follows nbconvert's rules, which :func:`slide_plan` reproduces, so a test can
compare the number of slides a browser shows with what the metadata implies. The look of the decks
is data, not code: ``tools/slides_template/`` holds the deck template (``course.html.j2``, which
extends nbconvert's reveal.js template), its style sheet (``course.css``) and the template of the
list of decks (``deck_index.html.j2``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

from .paths import BUILD, REPO, notebooks

__all__ = [
    "SOLUTION_TAGS",
    "TEMPLATE_DIR",
    "slide_plan",
    "deck_title",
    "has_widgets",
    "remote_references",
    "copy_assets",
    "build_deck",
    "build_all",
    "print_pdfs",
    "main",
]

TEMPLATE_DIR = Path(__file__).resolve().parent / "slides_template"
COURSE_NAME = "Neural-network weights, from the inside"
SOLUTION_TAGS = ("solution", "remove-cell", "verify")
LIB = "lib"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# What build/slides/lib/ gets from node_modules/: (source inside node_modules, target in lib/).
ASSETS = (
    ("reveal.js/dist", "reveal.js/dist"),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/TeX-AMS_CHTML-full.js"),
    ("mathjax/config/Safe.js", "mathjax/config/Safe.js"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/localization/en", "mathjax/localization/en"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
    ("mathjax/fonts/HTML-CSS/TeX/otf", "mathjax/fonts/HTML-CSS/TeX/otf"),
    ("@jupyter-widgets/html-manager/dist", "html-manager"),
)

# Hosts that serve JavaScript/CSS libraries; none may appear in a deck.
CDN_HOSTS = (
    "cdnjs.cloudflare.com", "unpkg.com", "jsdelivr.net", "code.jquery.com", "cdn.mathjax.org",
    "ajax.googleapis.com", "fonts.googleapis.com", "fonts.gstatic.com", "bootstrapcdn.com",
    "cdn.plot.ly", "esm.sh", "skypack.dev", "cdn.rawgit.com", "rawgit.com", "cdn.jsdelivr.net",
)
_CDN = re.compile(r"(?:https?:)?//(?:[\w-]+\.)*(?:" + "|".join(map(re.escape, CDN_HOSTS))
                  + r")\b[^\s\"'<>)]*", re.IGNORECASE)
# Attributes / imports that make the browser fetch something: a remote one breaks offline use.
_FETCHED = re.compile(
    r"""(?:<(?:script|img|iframe|audio|video|source|embed)\b[^>]*?\bsrc|<link\b[^>]*?\bhref)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|@import\s+(?:url\()?["']?((?:https?:)?//[^"')\s]+)"""
    r"""|\bimport\b[^;'"]*?from\s*["']((?:https?:)?//[^"']+)""",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- slide structure
def _load(notebook):
    """A notebook as a dict: from a path (str or Path) or an already loaded notebook."""
    if isinstance(notebook, (str, Path)):
        path = Path(notebook)
        if path.suffix != ".ipynb":
            raise ValueError(f"notebook must be an .ipynb file, got {str(path)!r}")
        if not path.is_file():
            raise FileNotFoundError(f"notebook {str(path)!r} does not exist")
        return json.loads(path.read_text(encoding="utf-8"))
    if isinstance(notebook, dict) and isinstance(notebook.get("cells"), list):
        return notebook
    raise TypeError("notebook must be a path or a notebook dict with 'cells', "
                    f"got {type(notebook).__name__}")


def slide_plan(notebook, remove_tags=SOLUTION_TAGS) -> list[int]:
    """Number of vertical (sub)slides in each horizontal slide of the notebook's deck.

    Follows nbconvert: the first visible cell starts a slide; a ``slide`` cell starts a new
    horizontal slide, a ``subslide`` cell a new vertical one; ``fragment``, ``-`` and ``notes``
    cells add to the current one; ``skip`` cells and cells tagged with one of ``remove_tags``
    are left out. ``sum(plan)`` is what ``Reveal.getTotalSlides()`` reports, ``len(plan)`` the
    number of horizontal slides.
    """
    nb = _load(notebook)
    removed = set(remove_tags)
    plan: list[int] = []
    for cell in nb["cells"]:
        if removed & set(cell.get("metadata", {}).get("tags", [])):
            continue
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if not plan:
            if kind in ("notes", "skip"):
                continue
            plan.append(1)
        elif kind == "slide":
            plan.append(1)
        elif kind == "subslide":
            plan[-1] += 1
    if not plan:
        raise ValueError("notebook has no visible cell: every cell is 'skip', 'notes' or removed")
    return plan


def deck_title(notebook) -> str:
    """The notebook's title: the first '# ' heading of its first markdown cell (or its name)."""
    nb = _load(notebook)
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    return Path(notebook).stem if isinstance(notebook, (str, Path)) else "Slides"


def has_widgets(notebook) -> bool:
    """True if a stored output of the notebook shows an ipywidgets view."""
    nb = _load(notebook)
    return any(WIDGET_VIEW in out.get("data", {})
               for cell in nb["cells"] for out in cell.get("outputs", []))


def remote_references(text: str) -> list[str]:
    """URLs in an HTML text that point to a CDN or make the browser fetch from the network.

    Plain links that a reader may click (``<a href="https://...">``) are allowed; library hosts
    (cdnjs, unpkg, jsdelivr, ...) are not allowed anywhere, and neither is any remote
    ``<script src>``, ``<link href>``, ``<img src>``, CSS ``@import`` or ES module import.

    >>> remote_references('<a href="https://pytorch.org">docs</a><script src="lib/x.js">')
    []
    >>> remote_references('<script src="https://unpkg.com/x.js"></script>')
    ['https://unpkg.com/x.js']
    """
    found = [m.group(0) for m in _CDN.finditer(text)]
    found += [next(g for g in m.groups() if g) for m in _FETCHED.finditer(text)]
    return sorted(set(found))


# --------------------------------------------------------------------------- building
def copy_assets(out_dir, node_modules=None) -> Path:
    """Copy the pinned libraries from ``node_modules`` (run ``npm ci`` first) to ``out_dir/lib``."""
    node_modules = REPO / "node_modules" if node_modules is None else Path(node_modules)
    if not (node_modules / "reveal.js" / "package.json").is_file():
        raise FileNotFoundError(f"node_modules {str(node_modules)!r} has no reveal.js: run "
                                "`npm ci` "
                         "in the repository root (make slides does)")
    lib = Path(out_dir) / LIB
    for source, target in ASSETS:
        src, dst = node_modules / source, lib / target
        if not src.exists():
            raise FileNotFoundError(f"node_modules lacks {source}: run `npm ci` "
                                    "(package-lock.json pins it)")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.map", "*.esm.js", "embed.js"))
        else:
            shutil.copy2(src, dst)
    return lib


def _exporter(remove_tags):
    from jinja2 import FileSystemLoader
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    c = Config()
    c.SlidesExporter.reveal_url_prefix = f"{LIB}/reveal.js"
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "fade"
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_width = "1280"
    c.SlidesExporter.reveal_height = "800"
    c.SlidesExporter.require_js_url = f"{LIB}/require.js"
    c.SlidesExporter.jquery_url = f"{LIB}/jquery.min.js"
    c.SlidesExporter.mathjax_url = f"{LIB}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    c.SlidesExporter.widget_renderer_url = f"{LIB}/html-manager/embed-amd.js"
    c.SlidesExporter.jupyter_widgets_base_url = f"{LIB}/"
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    c.SlidesExporter.embed_images = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(remove_tags)
    c.TagRemovePreprocessor.remove_input_tags = {"remove-input", "hide-input"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    return SlidesExporter(config=c, extra_loaders=[FileSystemLoader(TEMPLATE_DIR)],
                          template_file="course.html.j2")


def build_deck(notebook, out_dir, *, remove_tags=SOLUTION_TAGS,
               course_name: str = COURSE_NAME) -> Path:
    """Write ``out_dir/<name>.slides.html`` for one notebook; returns its path.

    The deck refers to the libraries in ``out_dir/lib`` (see :func:`copy_assets`).
    """
    import nbformat

    path = Path(notebook)
    nb_dict = _load(path)
    slide_plan(nb_dict, remove_tags)  # raises if nothing would be shown
    nb = nbformat.reads(json.dumps(nb_dict), as_version=4)
    exporter = _exporter(remove_tags)
    resources = {"metadata": {"name": path.stem},
                 "course": {"name": course_name, "title": deck_title(nb_dict)}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    out = Path(out_dir) / f"{path.stem}.slides.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def build_all(notebook_paths=None, out_dir=None, *, node_modules=None,
              remove_tags=SOLUTION_TAGS) -> list[Path]:
    """Build every deck, copy the libraries and write ``index.html``; returns the deck paths."""
    notebook_paths = notebooks() if notebook_paths is None else [Path(p) for p in notebook_paths]
    if not notebook_paths:
        raise ValueError("notebook_paths is empty: no notebooks/NN_*.ipynb to build")
    out_dir = BUILD / "slides" if out_dir is None else Path(out_dir)
    copy_assets(out_dir, node_modules)
    decks, rows = [], []
    for path in notebook_paths:
        deck = build_deck(path, out_dir, remove_tags=remove_tags)
        decks.append(deck)
        nb = _load(path)
        plan = slide_plan(nb, remove_tags)
        minutes = re.search(r"(\d+)\s*min", "".join(nb["cells"][0]["source"]))
        rows.append({"file": deck.name, "title": deck_title(path), "slides": sum(plan),
                     "minutes": minutes.group(0) if minutes else ""})
        code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
        unrun = sum(c.get("execution_count") is None for c in code)
        print(f"{deck.relative_to(out_dir.parent) if out_dir.parent in deck.parents else deck}: "
              f"{len(plan)} slides, {sum(plan)} with subslides"
              + (f" (WARNING: {unrun} of {len(code)} code cells were never run, so their "
                 "outputs are missing: make execute)" if unrun else ""))
    index = out_dir / "index.html"
    index.write_text(_index_page(rows), encoding="utf-8")
    for page in [*decks, index]:
        bad = remote_references(page.read_text(encoding="utf-8"))
        if bad:
            raise RuntimeError(f"{page.name} still refers to the network: {bad[:5]}")
    return decks


def _index_page(decks) -> str:
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                      keep_trailing_newline=True)
    return env.get_template("deck_index.html.j2").render(name=COURSE_NAME, decks=decks)


def print_pdfs(decks, *, chromium: str = "/usr/bin/chromium", timeout_s: float = 120,
               browser=None) -> list[Path]:
    """Print each deck (``*.slides.html``) to ``*.pdf`` beside it; returns the PDF paths.

    Opens ``deck?print-pdf`` in headless Chromium, waits until reveal.js is ready and MathJax
    has typeset everything, then prints at the slide size with backgrounds. ``browser``: an
    already running Playwright browser to use (else ``chromium`` is started and closed).
    """
    decks = [Path(d) for d in decks]
    for deck in decks:
        if not deck.name.endswith(".slides.html") or not deck.is_file():
            raise ValueError(f"decks must be existing *.slides.html files, got {str(deck)!r}")
    timeout_ms = timeout_s * 1000
    if browser is not None:
        return _print(browser, decks, timeout_ms)
    if not Path(chromium).exists():
        raise FileNotFoundError(f"chromium {chromium!r} not found: apt-get install chromium "
                                "(make browser-setup)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, timeout=timeout_ms, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            return _print(browser, decks, timeout_ms)
        finally:
            browser.close()


def _print(browser, decks, timeout_ms) -> list[Path]:
    pdfs = []
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.set_default_timeout(timeout_ms)
        for deck in decks:
            page.goto(deck.resolve().as_uri() + "?print-pdf")
            page.wait_for_selector(".reveal.ready")
            page.wait_for_function("!window.MathJax || !MathJax.Hub || (MathJax.Hub.queue"
                                   ".pending === 0 && MathJax.Hub.queue.running === 0)")
            pdf = deck.with_name(deck.name.replace(".slides.html", ".pdf"))
            page.pdf(path=pdf, prefer_css_page_size=True, print_background=True)
            pdfs.append(pdf)
            print(f"{pdf.name}: printed")
    finally:
        page.close()
    return pdfs


def main(argv=None) -> int:
    """Command line: ``python -m tools.slides [--out DIR] [--show-solutions] [NOTEBOOK...]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.slides",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--out", default=str(BUILD / "slides"), help="output folder")
    parser.add_argument("--node-modules", default=str(REPO / "node_modules"))
    parser.add_argument("--show-solutions", action="store_true",
                        help="keep cells tagged 'solution' (removed by default; cells tagged "
                             "'verify' are always removed)")
    parser.add_argument("--pdf", action="store_true",
                        help="also print every deck to a PDF next to it (needs chromium)")
    args = parser.parse_args(argv)
    tags = ("remove-cell", "verify") if args.show_solutions else SOLUTION_TAGS
    decks = build_all(args.notebooks or None, args.out, node_modules=args.node_modules,
                      remove_tags=tags)
    print(f"{len(decks)} decks and index.html in {args.out}")
    if args.pdf:
        print_pdfs(decks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
