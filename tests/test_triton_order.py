"""Triton must load before TensorFlow: the other order crashes CUDA builds of PyTorch."""

import os
import subprocess
import sys
import textwrap

import pytest


def _run(code: str, tmp_path, extra_path=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join([str(extra_path), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)


def test_coursekit_loads_a_triton_package_before_tensorflow(tmp_path):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "triton.py").write_text("import sys\n"
        "print('triton loaded; tensorflow already loaded:', 'tensorflow' in sys.modules)\n")
    run = _run("""
        import coursekit
        import tensorflow
        """, tmp_path, extra_path=fake)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "triton loaded; tensorflow already loaded: False" in run.stdout


@pytest.mark.skipif(not __import__("importlib").util.find_spec("triton"),
                    reason="Triton is not installed (PyTorch's CPU wheel)")
def test_tensorflow_then_a_torch_optimizer_does_not_crash(tmp_path):
    run = _run("""
        import coursekit
        import tensorflow
        import torch
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
        print("optimizer built")
        """, tmp_path)
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-2000:]}"
    assert "optimizer built" in run.stdout
