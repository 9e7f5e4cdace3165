"""The environment of a test run: the variables every run sets, and the CPU configurations.

Every test run (``make test``, ``python -m tools.run_tests``, the portability matrix) starts its
processes with :func:`environment`: reproducible hashing, a quiet TensorFlow without oneDNN,
and for notebook kernels the offline guard. :data:`CONFIGS` adds the variables that make NumPy,
PyTorch and TensorFlow compute as on another kind of CPU or with another number of threads;
``make test`` runs nbval in :data:`TEST_CONFIG`, ``make test-portability`` in all of them.
"""

from __future__ import annotations

import os

from .paths import OFFLINE_BOOT

__all__ = ["TEST_ENV", "CONFIGS", "TEST_CONFIG", "environment", "config_env"]

# The same variables as the Makefile exports for every test run.
TEST_ENV = {"PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def environment(*, offline: bool) -> dict[str, str]:
    """This process's environment plus :data:`TEST_ENV` (and the offline guard if asked)."""
    env = {**os.environ, **TEST_ENV}
    env.pop("MPLBACKEND", None)  # an Agg backend set here would drop figures from nbval's view
    if offline:
        env["COURSE_OFFLINE"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(OFFLINE_BOOT), env.get("PYTHONPATH", "")) if p)
    return env


def _threads(n: int) -> dict[str, str]:
    """The thread-count variables of every library the notebooks compute with. TensorFlow has
    two pools: one inside an operation and one that runs operations side by side; left at its
    default (a thread per core), the second cost 06's strict run 46-49 core-seconds against
    36-41 at one thread, with the same outputs."""
    n = str(n)
    return {"OMP_NUM_THREADS": n, "MKL_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n,
            "TF_NUM_INTRAOP_THREADS": n, "TF_NUM_INTEROP_THREADS": n}


# Kernels of other instruction sets: NumPy's own dispatch (its exp, tanh, ... differ in the
# last bit between AVX-512, AVX2 and the baseline), OpenBLAS's core type (NumPy's matrix
# products), ATen's vector kernels, MKL's code path and oneDNN's ISA (PyTorch's matrix products
# and convolutions). TensorFlow's kernels are compiled for one instruction set (its oneDNN is
# switched off by the Makefile), except its matrix products, which follow oneDNN's ISA. NumPy
# refuses to disable a feature the CPU lacks: these configurations are meant for an AVX-512
# machine such as the project's, which can compute as all three kinds of CPU. (Older AVX-512
# kernels, e.g. OPENBLAS_CORETYPE=SkylakeX with MKL_ENABLE_INSTRUCTIONS=AVX512, gave the same
# bits as this machine in every probe of tools.determinism, so they are not a configuration of
# their own.)
AVX2 = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR", "OPENBLAS_CORETYPE": "Haswell",
        "ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2",
        "ONEDNN_MAX_CPU_ISA": "AVX2"}
SSE42 = {"NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
         "OPENBLAS_CORETYPE": "Nehalem", "ATEN_CPU_CAPABILITY": "default",
         "MKL_ENABLE_INSTRUCTIONS": "SSE4_2", "ONEDNN_MAX_CPU_ISA": "SSE41"}

# name -> (what it stands for, environment variables)
CONFIGS: dict[str, tuple[str, dict[str, str]]] = {
    "native": ("this machine as it is", {}),
    "1t": ("one thread", _threads(1)),
    "2t": ("two threads (Colab, Kaggle, CI runners)", _threads(2)),
    "4t": ("four threads (a laptop)", _threads(4)),
    "8t": ("eight threads (a workstation)", _threads(8)),
    "avx2": ("AVX2 kernels (most laptops)", AVX2),
    "sse42": ("SSE4.2 kernels (old or emulated CPUs)", SSE42),
    "sse42-1t": ("SSE4.2 kernels and one thread", {**SSE42, **_threads(1)}),
    "avx2-1t": ("AVX2 kernels and one thread", {**AVX2, **_threads(1)}),
}
# The configuration `make test` runs nbval in: other kernels (those of most laptops) and another
# thread count than the recording machine's. SSE4.2 differs more but is slower (332 s against
# 259 s for all notebooks here) than `make test`'s 8 minutes allow; the matrix covers it.
TEST_CONFIG = "avx2-1t"


def config_env(name: str) -> dict[str, str]:
    """The environment of one configuration, on top of the test environment (offline guard on).

    >>> config_env("1t")["OMP_NUM_THREADS"], config_env("1t")["COURSE_OFFLINE"]
    ('1', '1')
    """
    if name not in CONFIGS:
        raise ValueError(f"unknown configuration {name!r}; choose from {', '.join(CONFIGS)}")
    return {**environment(offline=True), **CONFIGS[name][1]}


