"""The course website of ``make site``, opened offline in Chromium.

Every page of ``build/site/`` must load from ``file://`` with every network request blocked and
no request failing, draw its formulas, figures and stored widgets, give every image a real alt
text, and pass axe-core (npm, ``node_modules/axe-core``) without a serious or critical
violation. Search must work from the built files. Screenshots (desktop and phone width) of the
landing page and two lessons go to ``build/screenshots/``, with axe's findings per page as JSON.
"""

import json
import os
from pathlib import Path

import pytest

from tools import alt_text, site

SITE = site.REPO / "build" / "site"
AXE = site.REPO / "node_modules" / "axe-core" / "axe.min.js"
NOTEBOOKS = site.notebooks()
PAGES = sorted(p.name for p in SITE.glob("*.html")) if SITE.is_dir() else []
SCREENSHOTS = ["index.html"] + [f"{nb.stem}.html" for nb in NOTEBOOKS[1:5:3]]  # 01 and 04
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = int(os.environ.get("COURSE_BROWSER_TIMEOUT_S", "120")) * 1000
AXE_TIMEOUT_MS = 3 * TIMEOUT_MS  # a long lesson page on a busy machine
IN_FLIGHT = 3  # pages open at once: one loading while axe checks the others
BLOCKING = ("serious", "critical")
# the rules axe-core applies: WCAG 2.x A and AA, and its best practices (heading order, regions)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def built():
    index = SITE / "index.html"
    newest = max(p.stat().st_mtime for p in NOTEBOOKS)
    if not index.is_file() or index.stat().st_mtime < newest:
        pytest.fail(f"{index} is missing or older than the notebooks: run `make site`")
    return SITE


def _open(page, url):
    """Go to ``url`` with the network cut off; returns the lists of remote and failed requests."""
    remote, failed = [], []

    def offline(route):
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(url)
    page.wait_for_load_state("load")
    return remote, failed


def _settle(page):
    """Wait until MathJax has typeset and the stored widgets are drawn (with their alt text)."""
    page.wait_for_function("!window.MathJax || !MathJax.Hub || (MathJax.Hub.queue.pending === 0"
                           " && MathJax.Hub.queue.running === 0)")
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        page.wait_for_function(
            f"document.querySelectorAll('.jupyter-widgets').length >= {views}"
            " && Array.from(document.querySelectorAll('script[data-alt]')).every("
            "s => s.parentElement.querySelector('img'))")


def _start_axe(page) -> None:
    """Start axe-core on the page without waiting for it (see :func:`audits`)."""
    page.add_script_tag(path=str(AXE))  # inlined: no request
    # preload off: axe would fetch every style sheet again, which file:// pages refuse
    page.evaluate("tags => { window.courseAxe = null; axe.run(document, {runOnly: {type: 'tag',"
                  " values: tags}, resultTypes: ['violations'], preload: false})"
                  ".then(r => { window.courseAxe = r; }, e => { window.courseAxe = String(e); });"
                  " }", AXE_TAGS)


def _axe_result(page) -> list[dict]:
    page.wait_for_function("window.courseAxe !== null", timeout=AXE_TIMEOUT_MS)
    result = page.evaluate("window.courseAxe")
    assert isinstance(result, dict), f"axe-core failed: {result}"
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5], "count": len(v["nodes"])}
            for v in result["violations"]]


def _inspect(page) -> dict:
    """What the page shows, read once it has settled: broken images, figures and their alt
    texts, formulas, drawn widget controls and the alt texts of the widgets' figures."""
    return page.evaluate("""() => ({
      broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))
                   .map(i => i.src.slice(0, 80)),
      figures: Array.from(document.querySelectorAll('.cell_output img'))
                    .map(i => [i.src.slice(-40), i.getAttribute('alt')]),
      math: document.querySelectorAll('.MathJax_CHTML, .mjx-chtml').length,
      math_errors: document.querySelectorAll('.MathJax_Error, .mjx-merror').length,
      views: document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]').length,
      controls: document.querySelectorAll(
        '.jupyter-widgets [role=slider], .jupyter-widgets input, .jupyter-widgets select')
                        .length,
      widget_alts: Array.from(document.querySelectorAll('script[data-alt]'))
                        .map(s => s.parentElement.querySelector('img').alt),
    })""")


@pytest.fixture(scope="module")
def audits(built, browser, shots):
    """Every page opened offline, settled, inspected and checked by axe-core.

    Pages are pipelined, a few at a time, each in its own browser context (its own renderer
    process): while axe works on one page the next one loads, so both CPU cores are busy.
    """
    results, todo, active = {}, list(PAGES), []

    def finish():
        name, context, page, remote, failed, seen = active.pop(0)
        try:
            seen["violations"] = _axe_result(page)
            seen.update(remote=remote, failed=list(failed), errors=list(page.errors))
            results[name] = seen
        finally:
            context.close()

    try:
        while todo or active:
            while todo and len(active) < IN_FLIGHT:
                name = todo.pop(0)
                context = browser.new_context(viewport=DESKTOP)
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                page.errors = []
                page.on("pageerror", lambda exc, errors=page.errors: errors.append(str(exc)))
                remote, failed = _open(page, (built / name).as_uri())
                _settle(page)
                seen = _inspect(page)
                if name in SCREENSHOTS:
                    page.screenshot(path=shots / f"site_{Path(name).stem}_desktop.png")
                _start_axe(page)
                active.append((name, context, page, remote, failed, seen))
            finish()
    finally:
        for _, context, *_ in active:
            context.close()
    return results


def test_every_lesson_has_a_page_with_its_links(built):
    repo_url = site.repository_url()
    for notebook in NOTEBOOKS:
        page = built / f"{notebook.stem}.html"
        assert page.is_file(), f"no page for {notebook.name}"
        text = page.read_text(encoding="utf-8")
        deck = f"slides/{notebook.stem}.slides.html"
        download = f"notebooks/{notebook.name}"
        for href in (deck, download, *site.launch_links(notebook.name, repo_url).values()):
            assert f'href="{href}"' in text.replace("&amp;", "&"), f"{page.name} lacks {href}"
        assert (built / deck).is_file() and (built / download).is_file()
    index = (built / "index.html").read_text(encoding="utf-8")
    for notebook in NOTEBOOKS:
        assert f'href="{notebook.stem}.html"' in index, f"the landing page lacks {notebook.stem}"
    assert 'href="instructor_guide.html"' in index


@pytest.mark.parametrize("name", PAGES)
def test_page_works_offline_and_passes_axe(audits, name, shots):
    seen = audits[name]
    (shots / f"axe_{Path(name).stem}.json").write_text(json.dumps(seen["violations"], indent=1))
    assert seen["remote"] == [], f"the page requested the network: {seen['remote'][:5]}"
    assert seen["failed"] == [], f"requests that failed: {seen['failed'][:5]}"
    assert seen["errors"] == [], f"JavaScript errors: {seen['errors']}"
    assert seen["broken"] == [], f"images that did not load: {seen['broken']}"
    # figures: every image in a notebook output (widget figures included) has a real alt text;
    # theme icons are left to axe-core's image-alt rule
    bad = [(src, alt) for src, alt in seen["figures"] if alt_text.problem(alt)]
    assert bad == [], f"images without a real alt text: {bad[:5]}"
    lesson = site.REPO / "notebooks" / name.replace(".html", ".ipynb")
    if lesson.is_file():
        nb = json.loads(lesson.read_text(encoding="utf-8"))
        shown = [c for c in nb["cells"]
                 if not set(site.REMOVED_TAGS) & set(c["metadata"].get("tags", []))]
        figures = sum(site.cell_images(nb, c) for c in shown)
        assert len(seen["figures"]) == figures, (
            f"{len(seen['figures'])} figures on the page, {figures} in the notebook")
        if any("$" in "".join(c["source"]) for c in shown if c["cell_type"] == "markdown"):
            assert seen["math"] > 0, "no formula was typeset"
        assert seen["math_errors"] == 0, "a formula has a TeX error"
    if seen["views"]:  # the stored explorers are drawn: controls, figures with their alt text
        assert seen["controls"] > 0, "no control of the stored widgets was drawn"
        assert seen["widget_alts"] and all(
            alt_text.problem(a) is None for a in seen["widget_alts"]), seen["widget_alts"]
    blocking = [v for v in seen["violations"] if v["impact"] in BLOCKING]
    assert blocking == [], "axe-core: " + json.dumps(blocking, indent=1)[:3000]


def test_search_finds_a_lesson_offline(built, page):
    remote, failed = _open(page, (built / "search.html").as_uri() + "?q=momentum")
    page.wait_for_selector("#search-results li a", state="attached")
    hits = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.href)")
    assert any("04_momentum_as_ewa.html" in h for h in hits), hits[:10]
    assert remote == [] and failed == [] and page.errors == []


def test_phone_width_screenshots_without_sideways_scrolling(built, browser, shots):
    """The landing page and two lessons at phone width (desktop shots: the test above)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    try:
        page = context.new_page()
        for name in SCREENSHOTS:
            _open(page, (built / name).as_uri())
            _settle(page)
            page.screenshot(path=shots / f"site_{Path(name).stem}_phone.png")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} scrolls sideways by {overflow} px at phone width"
            page.unroute("**/*")
    finally:
        context.close()
