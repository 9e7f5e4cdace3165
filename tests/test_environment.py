"""environment.yml (conda, Binder) must carry exactly the pins that make installs with pip."""

from pathlib import Path

import yaml

from tools.paths import REPO as ROOT


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            pins[line.split("==")[0].strip().lower()] = line
    return pins


def _environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_environment_yml_parses_and_names_a_supported_python():
    import tomllib

    from packaging.specifiers import SpecifierSet

    env = _environment()
    assert env["name"]
    deps = env["dependencies"]
    python = [d for d in deps if isinstance(d, str) and d.startswith("python=")]
    assert len(python) == 1, deps
    supported = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python[0].removeprefix("python=") in SpecifierSet(supported), (python, supported)
    assert "pip" in deps


def test_environment_pip_section_equals_the_pip_pins():
    env = _environment()
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    from_env = {line.split("==")[0].strip().lower(): line for line in pip_section
                if not line.startswith("-")}
    expected = {**_pins(ROOT / "requirements/course.txt"), **_pins(ROOT / "requirements/dev.txt")}
    assert from_env == expected


def test_every_direct_pin_agrees_with_the_lock():
    lock = _pins(ROOT / "requirements/constraints.txt")
    normal = {k.replace("_", "-"): v.replace("_", "-").lower() for k, v in lock.items()}
    for name, line in {**_pins(ROOT / "requirements/course.txt"),
                       **_pins(ROOT / "requirements/dev.txt")}.items():
        version_part = line.split(";")[0].replace("_", "-").lower()
        locked = [v for k, v in normal.items() if k == name.replace("_", "-")]
        assert locked, f"{name} is pinned but missing from constraints.txt"
        assert any(v.split(";")[0] == version_part for v in locked), (name, locked)


def test_torch_is_pinned_to_the_local_cpu_wheel_version():
    assert _pins(ROOT / "requirements/course.txt")["torch"] == "torch==2.13.0"
