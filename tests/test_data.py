"""coursekit.data: offline data sets and images."""

import shutil

import numpy as np
import pytest

from coursekit import data


def test_blobs_reproduces_the_tutorial_split():
    X_train, y_train, X_test, y_test = data.blobs()
    assert X_train.shape == (100, 2) and X_test.shape == (1000, 2)
    assert set(np.unique(y_train)) == {0, 1, 2}
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=1100, centers=3, n_features=2, cluster_std=2, random_state=2)
    assert np.array_equal(X_train, X[:100]) and np.array_equal(y_test, y[100:])


def test_blobs_returns_the_centres_the_points_were_drawn_around():
    *split, centres = data.blobs(return_centers=True)
    for got, plain in zip(split, data.blobs(), strict=True):          # the same points
        assert np.array_equal(got, plain)
    X, y = np.concatenate([split[0], split[2]]), np.concatenate([split[1], split[3]])
    for k in range(3):                     # each class mean lies within 0.3 of its centre
        assert np.linalg.norm(X[y == k].mean(axis=0) - centres[k]) < 0.3


def test_digits_is_standardised_with_training_statistics():
    X_train, y_train, X_test, y_test = data.digits()
    assert X_train.shape[1] == 64 and len(X_train) + len(X_test) == 1797
    assert np.allclose(X_train.mean(axis=0), 0, atol=1e-12)
    assert np.mean(X_train**2) == pytest.approx(1.0)  # one common scale: E[x²] = 1 overall
    assert not np.allclose(X_test.mean(axis=0), 0, atol=1e-3)  # test set uses train statistics
    assert np.bincount(y_test).min() >= 40  # stratified


def test_digits_scaling_has_no_extreme_tails():
    # Per-pixel scaling divides nearly constant pixels by a tiny standard deviation (values of
    # 36.7 in training and 88.6 in test); one common scale keeps every value below 16 / 4.3.
    X_train, _, X_test, _ = data.digits()
    raw_train, _, raw_test, _ = data.digits(standardize=False)
    scale = (raw_train - raw_train.mean(axis=0)).std()
    assert max(np.abs(X_train).max(), np.abs(X_test).max()) <= 16 / scale
    assert np.allclose(X_test * scale + raw_train.mean(axis=0), raw_test)


def test_digits_images_and_raw_pixels():
    X_train, _, _, _ = data.digits(images=True)
    assert X_train.shape[1:] == (1, 8, 8)
    raw, _, _, _ = data.digits(standardize=False)
    assert raw.min() == 0 and raw.max() == 16


def test_digits_split_depends_on_seed_only():
    a, b = data.digits(seed=1), data.digits(seed=1)
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    assert not np.array_equal(a[0], data.digits(seed=2)[0])


@pytest.mark.parametrize("name", sorted(data.SAMPLE_IMAGES))
def test_sample_images_are_uint8_rgb(name):
    img = data.sample_image(name)
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3


def test_grace_hopper_has_the_documented_size():
    assert data.sample_image().shape == (600, 512, 3)


def test_corrupted_image_is_refused(tmp_path, monkeypatch):
    broken = tmp_path / "grace_hopper.jpg"
    shutil.copy(data.sample_image_path("grace_hopper"), broken)
    with open(broken, "r+b") as fh:
        fh.truncate(1000)
    monkeypatch.setattr(data, "sample_image_path", lambda name="grace_hopper": broken)
    with pytest.raises(ValueError, match="corrupted and was not read; reinstall matplotlib"):
        data.sample_image("grace_hopper")


def test_missing_image_names_its_package(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "sample_image_path", lambda name="grace_hopper": tmp_path / "no.jpg")
    with pytest.raises(FileNotFoundError, match="pip install matplotlib"):
        data.sample_image("grace_hopper")


def test_output_dir_is_inside_the_ignored_outputs_folder(tmp_path):
    path = data.output_dir("unit-test")
    try:
        assert path.is_dir() and path.parent == data.OUTPUT_DIR
    finally:
        path.rmdir()
    # without COURSE_OUTPUT_DIR (`make unit` sets one), a checkout writes to its ignored outputs/
    assert data._default_output_dir(data.REPO_DIR, tmp_path, {}) == data.REPO_DIR / "outputs"
    assert ".gitignore" in {p.name for p in data.REPO_DIR.iterdir()}
    assert "outputs/" in (data.REPO_DIR / ".gitignore").read_text().splitlines()


def test_output_dir_outside_a_checkout_is_under_the_current_folder(tmp_path):
    # coursekit installed from a wheel (Colab, Kaggle) lives in site-packages: never write there
    site = tmp_path / "site-packages"
    site.mkdir()
    content = tmp_path / "content"
    assert data._default_output_dir(site, content, {}) == content / "outputs"
    # in a checkout it is the repository's outputs/, whatever the current folder
    assert data._default_output_dir(data.REPO_DIR, tmp_path, {}) == data.REPO_DIR / "outputs"
    # and an explicit choice wins
    chosen = {"COURSE_OUTPUT_DIR": str(tmp_path / "mine")}
    mine = (tmp_path / "mine").resolve()
    assert data._default_output_dir(data.REPO_DIR, tmp_path, chosen) == mine


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="name must be one of 'grace_hopper'"):
        data.sample_image("lena")
    with pytest.raises(ValueError, match="n_train must be smaller"):
        data.blobs(n_samples=100, n_train=100)
    with pytest.raises(ValueError, match="cluster_std"):
        data.blobs(cluster_std=0)
    with pytest.raises(ValueError, match="test_fraction"):
        data.digits(test_fraction=1.5)
    with pytest.raises(TypeError, match="seed"):
        data.digits(seed="0")


def test_corrupted_digits_file_is_refused(tmp_path, monkeypatch):
    broken = tmp_path / "digits.csv.gz"
    broken.write_bytes(data.digits_path().read_bytes()[:500])
    monkeypatch.setattr(data, "digits_path", lambda: broken)
    with pytest.raises(ValueError,
                       match="digits data .* corrupted and was not read; reinstall scikit-learn"):
        data.digits()
