"""A stale matplotlib font cache must not make figures print font warnings on stderr."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    if USE_COURSE:
        import coursekit
        coursekit.setup()
    fig, ax = plt.subplots()
    ax.set_title(r"$\\alpha_t$ and $\\sum_i w_i$")
    fig.savefig(OUT)
    """
)


def _stale_cache(tmp_path: Path) -> Path:
    """A font cache like one written by a deleted environment: matplotlib's own fonts missing."""
    import matplotlib
    from matplotlib import font_manager

    config = tmp_path / "mplconfig"
    config.mkdir()
    name = config / f"fontlist-v{font_manager.FontManager.__version__}.json"
    font_manager.json_dump(font_manager.fontManager, name)
    data = json.loads(name.read_text())
    bundled = str(Path(matplotlib.get_data_path()))
    for key in ("ttflist", "afmlist"):  # bundled fonts are stored relative to the data path
        data[key] = [f for f in data[key]
                     if os.path.isabs(f["fname"]) and not f["fname"].startswith(bundled)]
    name.write_text(json.dumps(data))
    return config


def _stderr(tmp_path: Path, use_course: bool) -> str:
    env = dict(os.environ, MPLCONFIGDIR=str(_stale_cache(tmp_path)))
    code = f"USE_COURSE = {use_course}\nOUT = {str(tmp_path / 'f.png')!r}\n" + SCRIPT
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    return run.stderr


def test_stale_font_cache_warns_without_the_guard(tmp_path):
    assert "findfont" in _stderr(tmp_path, use_course=False)


def test_setup_registers_matplotlib_fonts_when_the_cache_lacks_them(tmp_path):
    assert "findfont" not in _stderr(tmp_path, use_course=True)
