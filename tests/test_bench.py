"""tools.bench and tools.bench_dream (make bench): a notebook's time and peak memory, the
Markdown table, and the DeepDream timing taken from the outside."""

import nbformat
import pytest
import torch

from tools import bench, bench_dream


def test_run_notebook_times_and_measures_without_touching_the_file(tmp_path):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(bench.code_notebook("import numpy as np\nblock = np.ones(50 * 2**20 // 8)",
                                       "print(block.sum())"), path)
    before = path.read_bytes()
    result = bench.run_notebook(path, timeout=120)
    assert path.read_bytes() == before
    nb = result["notebook"]
    assert len(nb.cells) == 2  # the peak-memory cell was removed again
    assert nb.cells[1].outputs[0]["text"].strip() == "6553600.0"
    assert 0 < result["wall_s"] < 120
    assert result["peak_rss_mb"] > 50  # the 50 MiB array is in the peak


def test_format_table_gives_ratios_and_flags_slow_notebooks():
    floor = {"wall_s": 5.0, "peak_rss_mb": 400.0}
    table = bench.format_table([{"name": "01_a.ipynb", "wall_s": 10.0, "peak_rss_mb": 600.0},
                                {"name": "05_b.ipynb", "wall_s": 75.0, "peak_rss_mb": 1200.0},
                                {"name": "06_c.ipynb", "wall_s": 29.0, "peak_rss_mb": 1600.0}],
                               floor)
    lines = table.splitlines()
    assert lines[2].startswith("| floor") and "| 5.0 | 400 | 1.0 | 1.0 |" in lines[2]
    assert lines[3] == "| 01_a.ipynb | 10.0 | 600 | 2.0 | 1.5 |"
    assert lines[4] == "| 05_b.ipynb (over the 30 s target) | 75.0 | 1200 | 15.0 | 3.0 |"
    assert lines[5] == "| 06_c.ipynb (over the 1536 MiB target) | 29.0 | 1600 | 5.8 | 4.0 |"


@pytest.mark.parametrize("argv", [["--timeout", "0"], ["--timeout", "soon"], ["--no-such"]])
def test_bench_command_line_rejects_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.main(argv)
    assert exit_info.value.code == 2  # argparse's usage error, before anything runs
    assert argv[0] in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--threads", "0"], ["--layer", "conv5"], ["--layer", "logits"],
                                  ["--size", "8"], ["--repeats", "0"], ["--steps", "x"]])
def test_bench_dream_command_line_rejects_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench_dream.main(argv)
    assert exit_info.value.code == 2
    assert argv[0] in capsys.readouterr().err


def test_prepared_copy_computes_the_same_features_with_fewer_layers(model):
    prepared = bench_dream.prepared_copy(model)
    n_bn = sum(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
    assert n_bn == 49  # stem, head, and two or three per block: all of them fold
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in prepared.modules())
    assert not any(p.requires_grad for p in prepared.parameters())
    assert all(p.requires_grad for p in model.parameters())  # the original is untouched
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()) == n_bn
    x = torch.randn(1, 3, 96, 96, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        for layer in ("stem", "block8", "logits"):
            torch.testing.assert_close(prepared.features(x, layer), model.features(x, layer),
                                       rtol=1e-4, atol=1e-4)


def test_time_passes_makes_steps_passes_per_octave(model, monkeypatch):
    calls = []
    features = model.features

    def counted(x, layer):
        calls.append((tuple(x.shape[-2:]), layer, x.requires_grad))
        return features(x, layer)

    monkeypatch.setattr(model, "features", counted)  # the test's own model, not coursekit code
    x = torch.zeros(1, 3, 64, 64)
    seconds = bench_dream.time_passes(model, x, "block2", [(40, 40), (64, 64)], steps=3)
    assert seconds > 0
    assert calls == [((40, 40), "block2", True)] * 3 + [((64, 64), "block2", True)] * 3


def test_measure_times_the_public_call_and_the_plain_passes():
    r = bench_dream.measure("block4", size=64, octaves=2, steps=2, repeats=1)
    assert set(r) == {"dream_s", "passes_s", "passes_as_loaded_s", "outside_fraction"}
    assert all(r[k] > 0 for k in ("dream_s", "passes_s", "passes_as_loaded_s"))
    assert r["outside_fraction"] == pytest.approx(1 - r["passes_s"] / r["dream_s"])
    assert r["outside_fraction"] < 1
