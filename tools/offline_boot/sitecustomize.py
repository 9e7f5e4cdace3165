"""Start-up file of the offline guard (tools/offline.py).

Python imports ``sitecustomize`` at start-up from the first folder on ``sys.path`` that has one.
With this folder on ``PYTHONPATH`` and ``COURSE_OFFLINE=1`` (the Makefile's ``OFFLINE`` variable,
used by nbval, test-repeat, bench and the browser tests), every Python process, notebook kernels
included, installs the guard before it runs anything else. The guard is loaded from its file, as
the module ``tools.offline``, so it works from any working folder and a later
``import tools.offline`` finds the same, installed module. If it cannot be loaded, the process
stops: fail closed, never silently online.
"""

import os

if os.environ.get("COURSE_OFFLINE") == "1":
    import importlib.util
    import sys
    from pathlib import Path

    _path = Path(__file__).resolve().parents[1] / "offline.py"
    try:
        _spec = importlib.util.spec_from_file_location("tools.offline", _path)
        _guard = importlib.util.module_from_spec(_spec)
        sys.modules[_spec.name] = _guard
        _spec.loader.exec_module(_guard)
        _guard.install()
    except Exception as err:  # noqa: BLE001 - whatever it is, do not run unguarded
        raise SystemExit(f"COURSE_OFFLINE=1 but the offline guard could not be loaded from "
                         f"{_path}: {err}") from err
