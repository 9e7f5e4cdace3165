"""Bad input for the exercise checks, data.verify, the EfficientNet constructor and the bench CLI.

Every check refuses something that is not a function, naming the argument ``student_fn``.
"""

import pytest

from coursekit import bench_dream, data
from coursekit.checks import dream as dream_checks
from coursekit.checks import initialization as initialization_checks
from coursekit.checks import regularization as regularization_checks
from coursekit.checks import weights as weights_checks
from coursekit.efficientnet import EfficientNetLite0

NOT_A_FUNCTION = "pass your function itself to the check \\(argument student_fn\\)"


def test_check_jittered_gradient_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        dream_checks.check_jittered_gradient(3)


def test_check_octave_sizes_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        dream_checks.check_octave_sizes("octaves")


def test_check_conv_fans_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        initialization_checks.check_conv_fans((3, 3, 1, 6))


def test_check_he_normal_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        initialization_checks.check_he_normal(None)


def test_check_he_std_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        initialization_checks.check_he_std(0.1)


def test_check_inverted_dropout_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        regularization_checks.check_inverted_dropout([0.5])


def test_check_l2_update_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        regularization_checks.check_l2_update(0.01)


def test_check_vanilla_dropout_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        regularization_checks.check_vanilla_dropout("dropout")


def test_check_freeze_all_but_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        weights_checks.check_freeze_all_but({})


def test_check_matching_entries_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        weights_checks.check_matching_entries([])


def test_check_torch_linear_to_keras_rejects_a_non_function():
    with pytest.raises(TypeError, match=NOT_A_FUNCTION):
        weights_checks.check_torch_linear_to_keras(1)


def test_verify_names_a_missing_file_and_a_wrong_checksum(tmp_path):
    with pytest.raises(FileNotFoundError, match="pip install somepackage"):
        data.verify(tmp_path / "absent.bin", "0" * 64, "the test file", "somepackage")
    present = tmp_path / "present.bin"
    present.write_bytes(b"course")
    with pytest.raises(ValueError,
                       match="the test file .* corrupted and was not read; reinstall somepackage"):
        data.verify(present, "0" * 64, "the test file", "somepackage")


def test_efficientnet_rejects_bad_sizes():
    with pytest.raises(ValueError, match="num_classes"):
        EfficientNetLite0(num_classes=0)
    with pytest.raises(ValueError, match="dropout"):
        EfficientNetLite0(dropout=1.0)


def test_bench_dream_main_rejects_a_non_list_argv():
    with pytest.raises(TypeError, match="argv must be a list"):
        bench_dream.main("--layer block8")
