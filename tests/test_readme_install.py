"""The README's install commands without make are the commands that work.

The fast tests read the two command blocks (Linux/macOS and Windows) and check that they are the
same steps, that they name the repository recorded in pyproject.toml and files that exist. The
slow test (``make test-readme``, or ``COURSE_README_TEST=1``) runs the Linux/macOS block line by
line in a fresh clone of this repository, with two substitutions that a test cannot avoid: the
clone URL becomes this repository's path (the clone is of the committed HEAD), and
``jupyter lab`` gets ``--no-browser``, a free port (and ``--allow-root`` when the test runs as
root, as CI does), is asked for its status, then stopped.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
URL = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


def commands(platform: str) -> list[str]:
    """The lines of the fenced block after ``<!-- install-commands: PLATFORM -->``."""
    match = re.search(rf"<!-- install-commands: {platform} -->\s*```\w*\n(.*?)```", README,
                      re.DOTALL)
    assert match, f"README.md lacks the {platform} install block"
    return [line for line in match.group(1).splitlines() if line.strip()]


# Windows line -> the Linux/macOS line it stands for.
WINDOWS_TO_POSIX = [
    (r"^py -3\.1[123] -m venv \.venv$", "python3 -m venv .venv"),
    (r"^\.venv\\Scripts\\Activate\.ps1$", "source .venv/bin/activate"),
]


def test_the_windows_block_is_the_same_steps_as_the_posix_block():
    posix, windows = commands("linux-macos"), commands("windows")
    assert len(posix) == len(windows)
    for p, w in zip(posix, windows, strict=True):
        translated = next((repl for pattern, repl in WINDOWS_TO_POSIX if re.match(pattern, w)), w)
        assert translated == p, (w, p)


def test_the_blocks_clone_the_recorded_repository_and_use_files_that_exist():
    lines = commands("linux-macos")
    assert lines[0] == f"git clone {URL} nn-weights"
    text = "\n".join(lines)
    for path in re.findall(r"(?:requirements|notebooks)/[\w./-]+", text):
        assert (ROOT / path).is_file(), path
    for module in re.findall(r"python -m ([\w.]+)", text):
        if module not in ("pip", "venv"):
            assert (ROOT / (module.replace(".", "/") + ".py")).is_file() or \
                   (ROOT / module.replace(".", "/") / "__main__.py").is_file(), module
    assert "-c requirements/constraints.txt" in text and "--no-deps -e ." in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(os.environ.get("COURSE_README_TEST") != "1",
                    reason="slow (a full install and every test): make test-readme")
def test_the_posix_block_runs_in_a_fresh_clone(tmp_path):
    lines = commands("linux-macos")
    clone, setup, lab = lines[0], lines[1:-1], lines[-1]
    assert lab.startswith("jupyter lab ")
    env = {k: v for k, v in os.environ.items()
           if k not in ("COURSE_README_TEST", "VIRTUAL_ENV", "PYTHONPATH", "COURSE_OFFLINE")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if "/.venv" not in p)
    script = "\n".join(["set -euo pipefail", f"cd {tmp_path}",
                        clone.replace(URL, str(ROOT)), *setup])
    log = tmp_path / "install.log"
    with log.open("w") as out:
        rc = subprocess.call(["bash", "-c", script], env=env, stdout=out,
                             stderr=subprocess.STDOUT)
    assert rc == 0, log.read_text()[-5000:]
    repo = tmp_path / "nn-weights"
    port = _free_port()
    root = " --allow-root" if os.geteuid() == 0 else ""
    server_log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        ["bash", "-c", f"source .venv/bin/activate && exec {lab} --no-browser --port={port} "
                       f"--ServerApp.token=readme-test{root}"],
        cwd=repo, env=env, stdout=server_log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                url = f"http://127.0.0.1:{port}/api/status?token=readme-test"
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError as error:
                if time.monotonic() > deadline or server.poll() is not None:
                    log = (tmp_path / "lab.log").read_text()[-3000:]
                    raise AssertionError(f"jupyter lab did not answer: {log}") from error
                time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
