"""tools.testenv / tools.portability: the CPU configurations nbval runs in."""

import re

from tools import portability, testenv
from tools.paths import REPO


def test_the_matrix_covers_the_kinds_of_cpu_and_thread_counts_students_have():
    assert {"native", "1t", "2t", "4t", "8t", "avx2", "sse42", "sse42-1t", "avx2-1t"} <= set(
        testenv.CONFIGS)
    for name in ("avx2", "sse42"):
        variables = testenv.CONFIGS[name][1]
        # NumPy's own dispatch, OpenBLAS, ATen, MKL and oneDNN: every library that dispatches
        for key in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY",
                    "MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA"):
            assert key in variables, (name, key)
    assert testenv.CONFIGS["8t"][1]["TF_NUM_INTRAOP_THREADS"] == "8"
    # TensorFlow's pool that runs operations side by side too (at a thread per core it costs
    # CPU time and changes no result)
    assert testenv.CONFIGS["1t"][1]["TF_NUM_INTEROP_THREADS"] == "1"


def test_make_test_compares_outputs_in_another_configuration_than_the_recording_one():
    makefile = (REPO / "Makefile").read_text()
    default = re.search(r"^NBVAL_CONFIG \?= (\S+)$", makefile, re.M).group(1)
    assert default == testenv.TEST_CONFIG != "native"
    assert "--config $(NBVAL_CONFIG)" in makefile
    assert testenv.config_env(testenv.TEST_CONFIG)["OMP_NUM_THREADS"] == "1"


def test_failed_cells_are_read_from_the_pytest_log():
    log = ("FAILED notebooks/05_deepdream.ipynb::Cell 11 - nbval\n"
           "FAILED notebooks/07_loading_and_editing_weights.ipynb::Cell 3\n"
           "ERROR notebooks/03_regularization_l2_dropout.ipynb - kernel died\n")
    assert portability.failed_cells(log) == ["05::11", "07::3", "03::(error)"]
    rows = [{"config": "1t", "rc": 1, "seconds": 9.4, "passed": 2, "failed": ["05::11"]},
            {"config": "native", "rc": 0, "seconds": 8.0, "passed": 3, "failed": []}]
    table = portability.table(rows).splitlines()
    assert table[2].startswith("| 1t | OMP_NUM_THREADS=1") and "| 05::11 |" in table[2]
    assert table[3] == "| native | - | 3 | 0 | 8 s |"
