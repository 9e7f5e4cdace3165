"""Put this folder on PYTHONPATH with COURSE_OFFLINE=1 to cut the network off (the Makefile's
nbval and test-repeat targets and coursekit.bench do): every Python process started then,
notebook kernels included, installs coursekit's offline guard at start-up
(coursekit/offline.py). If the guard cannot be installed, the process stops: fail closed."""

import os

if os.environ.get("COURSE_OFFLINE") == "1":
    try:
        from coursekit import offline
    except ImportError:  # coursekit not importable here: load the stdlib-only guard by path
        import importlib.util
        import sys
        from pathlib import Path

        _path = Path(__file__).resolve().parents[2] / "coursekit" / "offline.py"
        try:
            _spec = importlib.util.spec_from_file_location("_course_offline_guard", _path)
            offline = importlib.util.module_from_spec(_spec)
            sys.modules[_spec.name] = offline
            _spec.loader.exec_module(offline)
        except Exception as err:  # noqa: BLE001
            raise SystemExit(f"COURSE_OFFLINE=1 but the offline guard could not be loaded from "
                             f"{_path}: {err}") from err
    offline.install()
