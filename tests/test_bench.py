"""coursekit.bench: a notebook's time and peak memory, and the Markdown table (make bench)."""

import nbformat
import pytest

from coursekit import bench


def _notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t")] + [nbformat.v4.new_code_cell(s)
                                                         for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def test_run_notebook_times_and_measures_without_touching_the_file(tmp_path):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(_notebook("import numpy as np\nblock = np.ones(50 * 2**20 // 8)",
                             "print(block.sum())"), path)
    before = path.read_bytes()
    result = bench.run_notebook(path, timeout=120)
    assert path.read_bytes() == before
    nb = result["notebook"]
    assert len(nb.cells) == 3  # the peak-memory cell was removed again
    assert nb.cells[2].outputs[0]["text"].strip() == "6553600.0"
    assert 0 < result["wall_s"] < 120
    assert result["peak_rss_mb"] > 50  # the 50 MiB array is in the peak


def test_format_table_gives_ratios_and_flags_slow_notebooks():
    floor = {"wall_s": 5.0, "peak_rss_mb": 400.0}
    table = bench.format_table([{"name": "01_a.ipynb", "wall_s": 10.0, "peak_rss_mb": 600.0},
                                {"name": "05_b.ipynb", "wall_s": 75.0, "peak_rss_mb": 1200.0}],
                               floor)
    lines = table.splitlines()
    assert lines[2].startswith("| floor") and "| 5.0 | 400 | 1.0 | 1.0 |" in lines[2]
    assert lines[3] == "| 01_a.ipynb | 10.0 | 600 | 2.0 | 1.5 |"
    assert lines[4] == "| 05_b.ipynb (over the 60 s target) | 75.0 | 1200 | 15.0 | 3.0 |"


def test_run_notebook_rejects_bad_input(tmp_path):
    with pytest.raises(FileNotFoundError, match="path"):
        bench.run_notebook(tmp_path / "missing.ipynb")
    with pytest.raises(TypeError, match="path"):
        bench.run_notebook(3)
    with pytest.raises(ValueError, match="timeout"):
        bench.run_notebook(_notebook("1"), timeout=0)
    with pytest.raises(TypeError, match="offline"):
        bench.run_notebook(_notebook("1"), offline="yes")


def test_format_table_rejects_bad_input():
    floor = {"wall_s": 5.0, "peak_rss_mb": 400.0}
    with pytest.raises(TypeError, match="rows"):
        bench.format_table("01_a.ipynb", floor)
    with pytest.raises(TypeError, match=r"rows\[0\]"):
        bench.format_table([{"name": "x"}], floor)
    with pytest.raises(TypeError, match="floor"):
        bench.format_table([], 5.0)


def test_main_rejects_bad_argv():
    with pytest.raises(TypeError, match="argv"):
        bench.main("--run-tests")
