"""House rules every notebook in notebooks/ must follow (new notebooks are picked up)."""

import json
import re

import pytest

from tools.paths import notebooks

NOTEBOOKS = notebooks()
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
ABSOLUTE_PATH = re.compile(r"(/(home|root|tmp|work|Users|usr|opt)/|[A-Z]:\\\\)")
# reprs that show a cell ended on a plotting call instead of plt.show()
PLOT_REPR = re.compile(r"<(Figure size|matplotlib\.)|^\[?<matplotlib|^Text\(", re.MULTILINE)


def _load(path):
    return json.loads(path.read_text())


def _text(output) -> str:
    if "text" in output:
        return "".join(output["text"])
    return "".join("".join(v) if isinstance(v, list) else str(v)
                   for k, v in output.get("data", {}).items() if k.startswith("text/"))


def test_the_course_has_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert "00_start_here.ipynb" in names and "01_backprop_by_hand.ipynb" in names, names


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def notebook(request):
    return request.param, _load(request.param)


def test_name_follows_NN_topic(notebook):
    path, _ = notebook
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)


def test_first_cell_is_a_title_with_learning_goals_and_time(notebook):
    _, nb = notebook
    first = nb["cells"][0]
    text = "".join(first["source"])
    assert first["cell_type"] == "markdown"
    assert text.startswith("# "), "the first cell starts with a '# Title'"
    assert re.search(r"learning goals", text, re.IGNORECASE), "state the learning goals"
    assert re.search(r"\d+\s*min", text), "give an estimated time in minutes"


def test_second_cell_imports_and_calls_setup(notebook):
    _, nb = notebook
    second = nb["cells"][1]
    assert second["cell_type"] == "code"
    assert "coursekit.setup(" in "".join(second["source"])


def test_every_cell_has_slide_metadata(notebook):
    _, nb = notebook
    missing = [i for i, c in enumerate(nb["cells"])
               if c["metadata"].get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not missing, f"cells without a valid slideshow.slide_type: {missing}"


def test_execution_counts_run_1_to_n(notebook):
    _, nb = notebook
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), "restart the kernel and run all cells"


def test_no_stored_errors_or_absolute_paths_or_plot_reprs(notebook):
    _, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"cell {i} stores an error"
            text = _text(output)
            assert not ABSOLUTE_PATH.search(text), f"cell {i} shows an absolute path"
            assert not PLOT_REPR.search(text), f"cell {i} prints a plot object's repr"
            if output.get("name") == "stderr":
                assert "Warning" not in text, f"cell {i} stores a warning: {text[:200]}"


def test_ends_with_summary_and_answers_to_common_questions(notebook):
    path, nb = notebook
    headings = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    if path.name.startswith("00_"):
        return
    assert re.search(r"^#+ .*summary", headings, re.IGNORECASE | re.MULTILINE)
    assert re.search(r"^#+ .*answers to common questions", headings, re.IGNORECASE | re.MULTILINE)


def test_no_timing_metadata_or_outputs_left_from_editing(notebook):
    _, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        assert "execution" not in cell["metadata"], (
            f"cell {i}: run `make execute`, which drops timing metadata")
        if cell["cell_type"] == "code":
            tags = cell["metadata"].get("tags", [])
            ignored = "nbval-ignore-output" in tags or "nbval-skip" in tags
            src = "".join(cell["source"])
            if ignored:
                assert src.lstrip().startswith("#"), (
                    f"cell {i} is ignored by nbval: say why in a comment on its first line")
