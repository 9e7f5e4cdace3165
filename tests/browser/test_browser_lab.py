"""JupyterLab and RISE in Chromium, the way students and instructors use them.

* The first notebook is opened in JupyterLab and ALL its cells are run: no cell fails.
* Every other notebook that shows a widget is opened and only what its widget needs is run (the
  statements tools/slicing.py finds, then the widget cells; if that is not enough, every cell up
  to the last widget cell), which keeps the time small: nbval already executes every notebook.
* In each of them at least one ipywidgets control renders, and dragging the first slider changes
  the figure the widget draws (the image data differs; screenshots before and after).
* The first notebook opens as a RISE slideshow (``/rise/<path>``) with reveal.js sections.

No request may leave 127.0.0.1. Screenshots go to ``build/screenshots/``.
"""
import json
import os

import pytest

from tools import slicing, slides
from tools.paths import notebooks

NOTEBOOKS = notebooks()
LOCAL_THEMES = ("white", "black", "white-contrast", "black-contrast")
# page.evaluate() itself never times out: promises in the page get this bound (ms)
RUN_ALL_MS = 2 * int(os.environ.get("COURSE_BROWSER_TIMEOUT_S", "120")) * 1000
# ipywidgets controls (not every control view carries the .jupyter-widgets class)
CONTROLS = ", ".join(f".jp-OutputArea-output .widget-{kind}" for kind in (
    "slider", "hslider", "vslider", "dropdown", "select", "toggle-buttons", "checkbox", "button",
    "radio", "text", "play"))




def _widget_plan(path, run_all: bool):
    """(cells to try, cells if those fail, widget cells) of a notebook; None: all cells.

    The cells to try are what the widget cells need (:func:`tools.slicing.needed`): pairs of a
    cell's index and the statements to run in it (None: the whole cell). If that is not enough,
    every cell up to the last widget cell runs as written (not the cells after it).
    """
    nb = json.loads(path.read_text())
    code = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    widget_cells = [i for i in code if any(slides.WIDGET_VIEW in o.get("data", {})
                                           for o in nb["cells"][i].get("outputs", []))]
    if run_all or not widget_cells:
        return None, None, widget_cells
    plan = slicing.needed(nb, set(widget_cells), widget_cells[-1])
    upto = [[i, None] for i in code if i <= widget_cells[-1]]
    return sorted(plan.items()), upto, widget_cells


# (notebook, cells to run, fallback, widget cells): the first notebook runs every cell
LAB_CASES = [pytest.param(p, *_widget_plan(p, run_all=i == 0), id=p.stem)
             for i, p in enumerate(NOTEBOOKS) if i == 0 or slides.has_widgets(p)]


def _bounded(page, promise: str, what: str):
    """Await a promise in the page, failing after RUN_ALL_MS instead of hanging."""
    return page.evaluate(
        f"""ms => Promise.race([{promise},
               new Promise((_, reject) => setTimeout(
                 () => reject(new Error('{what} took longer than ' + ms + ' ms')), ms))])""",
        RUN_ALL_MS)


def _offline(page, lab) -> list[str]:
    """Abort and record every request that does not go to the local server."""
    remote = []

    def route(route):
        url = route.request.url
        if url.startswith((lab["url"], "data:", "blob:", "about:")):
            route.continue_()
        else:
            remote.append(url)
            route.abort()

    page.route("**/*", route)
    return remote


def _open(page, lab, notebook):
    """Open a notebook in JupyterLab and wait until its kernel is ready. ``reset``: a fresh
    workspace, with this notebook's tab only (the server remembers the tabs of the earlier tests,
    and JupyterLab would open and draw them all again: 209 core-seconds for these tests, 147
    with the reset)."""
    page.goto(f"{lab['url']}lab/tree/notebooks/{notebook.name}?reset&token={lab['token']}")
    page.wait_for_function(
        """name => {
             const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
             return !!(w && w.context && w.context.path.endsWith(name) && w.context.isReady
                       && w.sessionContext && w.sessionContext.session
                       && w.sessionContext.session.kernel);
           }""", arg=notebook.name)
    _bounded(page, "window.jupyterapp.shell.currentWidget.sessionContext.ready", "kernel start")


def _run(page, cells) -> list[str]:
    """Run the given cells (None: all; else pairs of an index and the code to run in it, None:
    the cell as written) and wait for them; returns the errors cells raised. The notebook is a
    copy with autosave off: replaced code is never saved."""
    if cells is None:
        ok = _bounded(page, "window.jupyterapp.commands.execute('notebook:run-all-cells')",
                      "running all cells")
    else:
        ok = _bounded(page, f"""(async () => {{
            const app = window.jupyterapp, notebook = app.shell.currentWidget.content;
            const written = window.courseWritten || (window.courseWritten = {{}});
            let ok = true;
            for (const [i, code] of {json.dumps(cells)}) {{
              const shared = notebook.model.cells.get(i).sharedModel;
              if (!(i in written)) written[i] = shared.getSource();
              shared.setSource(code === null ? written[i] : code);
              notebook.activeCellIndex = i;
              ok = (await app.commands.execute('notebook:run-cell')) && ok;
            }}
            return ok; }})()""", "running the widget cells")
    page.wait_for_function(
        "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'")
    errors = page.evaluate(
        """cells => {
             const model = window.jupyterapp.shell.currentWidget.content.model.cells;
             const errors = [];
             for (let i = 0; i < model.length; i++) {
               const cell = model.get(i);
               if (cell.type !== 'code' || (cells !== null && !cells.includes(i))) continue;
               for (const out of cell.toJSON().outputs || []) {
                 if (out.output_type === 'error') {
                   errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
                 }
               }
               if (cell.executionCount === null) errors.push(`cell ${i} did not run`);
             }
             return errors;
           }""", None if cells is None else [i for i, _ in cells])
    if not ok and not errors:
        errors.append("JupyterLab reported a failed execution")
    return errors


def _cell(page, index: int):
    """Locator of cell ``index``, scrolled into view (JupyterLab may not render far-off cells)."""
    page.evaluate(
        """async i => {
             const notebook = window.jupyterapp.shell.currentWidget.content;
             notebook.activeCellIndex = i;
             await notebook.scrollToItem(i, 'start');
             notebook.widgets[i].node.setAttribute('data-course-cell', String(i));
           }""", index)
    return page.locator(f'[data-course-cell="{index}"]')


def _image_of(output_area):
    """What the widget's figure shows: the PNG data of its <img>, else a screenshot."""
    images = output_area.locator("img")
    if images.count():
        return images.first.get_attribute("src")
    return output_area.screenshot()


@pytest.mark.parametrize(("notebook", "cells", "fallback", "widget_cells"), LAB_CASES)
def test_notebook_runs_in_jupyterlab_and_its_widgets_respond(notebook, cells, fallback,
                                                             widget_cells, lab, page, shots):
    remote = _offline(page, lab)
    _open(page, lab, notebook)
    errors = _run(page, cells)
    if errors and fallback is not None:  # the widget needs more than the slice found
        errors = _run(page, fallback)
    assert errors == [], f"cells failed in JupyterLab: {errors}"
    if not widget_cells:
        page.screenshot(path=shots / f"lab_{notebook.stem}.png")
        assert remote == [], f"JupyterLab requested the network: {remote[:5]}"
        return

    outputs = _cell(page, widget_cells[0])
    outputs.locator(CONTROLS).filter(visible=True).first.wait_for(state="visible")
    slider = outputs.locator(".widget-hslider").filter(visible=True).first
    if not slider.count():
        page.screenshot(path=shots / f"lab_{notebook.stem}.png")
        assert remote == [], f"JupyterLab requested the network: {remote[:5]}"
        return
    # the figure drawn by the same widget: its Output widget in the same cell
    figure = outputs.locator(".widget-output, .jupyter-widgets-output-area").first
    figure.locator("img, svg, canvas").first.wait_for(state="visible")
    slider.scroll_into_view_if_needed()
    before = _image_of(figure)
    page.screenshot(path=shots / f"lab_{notebook.stem}_before.png")

    handle = slider.locator(".noUi-handle").first
    box = handle.bounding_box()
    track = slider.locator(".noUi-target, .slider").first.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # drag towards the end with more room, by a third of the track
    dx = track["width"] / 3 if x0 < track["x"] + track["width"] / 2 else -track["width"] / 3
    page.evaluate(  # note when the kernel last changed state, to wait for the final redraw
        """() => { window.__statusAt = performance.now();
                   window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
                     .statusChanged.connect(() => { window.__statusAt = performance.now(); }); }""")
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + dx, y0, steps=8)
    page.mouse.up()

    if isinstance(before, str):  # explicit wait for the kernel to redraw this widget's figure
        page.wait_for_function(
            "([area, old]) => { const img = area.querySelector('img');"
            " return !!img && !!img.src && img.src !== old; }",
            arg=[figure.element_handle(), before])
    # the drag sends several values: wait until the kernel has been idle for a second
    page.wait_for_function(
        """() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status
                 === 'idle' && performance.now() - window.__statusAt > 1000""", polling=100)
    after = _image_of(figure)
    page.screenshot(path=shots / f"lab_{notebook.stem}_after.png")
    assert after != before, "moving the slider did not change the figure"
    assert remote == [], f"JupyterLab requested the network: {remote[:5]}"


def test_rise_slideshow_opens_with_reveal_sections(lab, page, shots):
    notebook = NOTEBOOKS[0]
    plan = slides.slide_plan(notebook, remove_tags=())
    remote = _offline(page, lab)
    page.goto(f"{lab['url']}rise/notebooks/{notebook.name}?token={lab['token']}")
    page.wait_for_selector(".reveal .slides section", state="attached")
    page.wait_for_function("document.querySelector('.reveal .slides section.present') !== null")
    horizontal = page.locator(".reveal .slides > section").count()
    assert horizontal == len(plan), (
        f"RISE shows {horizontal} slides, the metadata implies {len(plan)}")
    page.screenshot(path=shots / f"rise_{notebook.stem}.png")
    # RISE's default theme 'simple' @imports two Google web fonts (offline the slides fall back
    # to local fonts); the themes in LOCAL_THEMES use bundled fonts only. A notebook chooses its
    # theme with the metadata {"rise": {"theme": "white"}}.
    meta = json.loads(notebook.read_text())["metadata"]
    theme = {**meta.get("livereveal", {}), **meta.get("rise", {})}.get("theme", "simple")
    if theme not in LOCAL_THEMES:
        remote = [url for url in remote if not url.startswith("https://fonts.googleapis.com/")]
    assert remote == [], f"RISE requested the network: {remote[:5]}"
