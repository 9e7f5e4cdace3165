"""make test-repeat's comparison (tools/repeat_notebooks.py) finds cells whose outputs differ
between two runs, ignores what nbval's sanitize file masks, and finds it in a real kernel run."""

import nbformat
import pytest

from tools import repeat_notebooks as rn
from tools.bench import code_notebook


def _executed(*cells):
    """A notebook whose code cells have the given outputs (lists of output dicts)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title")]
    for i, outputs in enumerate(cells, 1):
        cell = nbformat.v4.new_code_cell(f"print({i})", execution_count=i)
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.cells.append(cell)
    return nb


def _stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def _result(text):
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {},
            "data": {"text/plain": text, "image/png": "iVBOR"}}


def test_identical_runs_have_no_differences():
    a = _executed([_stream("loss 0.123\n")], [_result("array([1, 2])")])
    b = _executed([_stream("loss 0.123\n")], [_result("array([1, 2])")])
    assert rn.differences(a, b, rn.load_sanitizers()) == []


def test_a_changed_number_is_reported_with_its_cell():
    a = _executed([_stream("loss 0.123\n")], [_result("array([1, 2])")])
    b = _executed([_stream("loss 0.123\n")], [_result("array([1, 3])")])
    found = rn.differences(a, b, rn.load_sanitizers())
    assert len(found) == 1
    assert found[0].startswith("cell 2 (code cell 2, `print(2)`)")
    assert "array([1, 2])" in found[0] and "array([1, 3])" in found[0]


def test_a_stream_split_into_chunks_equals_the_whole_stream():
    a = _executed([_stream("line 1\nline 2\n")])
    b = _executed([_stream("line 1\n"), _stream("line 2\n")])
    assert rn.differences(a, b) == []
    c = _executed([_stream("line 1\n"), _stream("line 2\n", "stderr")])
    assert rn.differences(a, c), "stdout and stderr chunks must not be merged"


def test_missing_output_and_stderr_count():
    a = _executed([_stream("ok\n"), _stream("warning\n", "stderr")])
    b = _executed([_stream("ok\n")])
    assert "code cell 1" in rn.differences(a, b)[0]


def test_sanitized_parts_and_png_are_not_compared():
    bar = "100%|####| 10/10 [00:0{}<00:00, {}it/s]\n"
    a = _executed([_stream("<object at 0x7f3a2b1c9d40>\n" + bar.format(1, 9.1))])
    b = _executed([_stream("<object at 0x7f00deadbeef>\n" + bar.format(3, 3.0))])
    assert rn.differences(a, b, rn.load_sanitizers()) == []
    a.cells[1].outputs = [nbformat.from_dict(_result("x"))]
    b.cells[1].outputs = [nbformat.from_dict(_result("x"))]
    b.cells[1].outputs[0]["data"]["image/png"] = "different pixels"
    assert rn.differences(a, b, rn.load_sanitizers()) == []


def test_errors_are_compared():
    err = {"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []}
    a = _executed([err])
    b = _executed([{**err, "evalue": "y"}])
    assert "ValueError" in rn.differences(a, b)[0]


def test_sanitizer_file_is_read():
    patterns = [regex.pattern for regex, _ in rn.load_sanitizers()]
    assert any("0x" in p for p in patterns)
    with pytest.raises(FileNotFoundError, match="sanitize file"):
        rn.load_sanitizers("/nonexistent/sanitize.cfg")


def test_real_runs_find_an_unseeded_cell(tmp_path):
    nb = code_notebook("print('stable', 1 + 1)", "import os\nprint(os.urandom(8).hex())")
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    found = rn.check_notebook(path, runs=2, save_dir=tmp_path / "runs")
    assert len(found) == 1 and found[0].startswith("tiny.ipynb: cell 1 (code cell 2, `import os`)")
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["tiny.run1.ipynb",
                                                                      "tiny.run2.ipynb"]


def test_command_line_needs_two_runs_to_compare(capsys):
    with pytest.raises(SystemExit) as exit_info:
        rn.main(["--runs", "1"])
    assert exit_info.value.code == 2 and "--runs" in capsys.readouterr().err
