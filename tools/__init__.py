"""Course tooling, run from the repository root as ``python -m tools.<name>``.

Notebooks never import it; the student package is ``coursekit``.
"""
