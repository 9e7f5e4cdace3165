"""Course tooling, run from the repository root with ``python -m tools.<name>``.

* ``tools.slides``: static reveal.js decks of the notebooks (``make slides``, ``make slides-pdf``);
* ``tools.bench`` and ``tools.bench_dream``: run time and memory of every notebook, and of one
  DeepDream (``make bench``);
* ``tools.offline``: the offline guard that every notebook kernel of the tests runs under (the
  start-up file ``tools/offline_boot/sitecustomize.py`` installs it);
* ``tools.repeat_notebooks``: run every notebook twice and list outputs that differ
  (``make test-repeat``);
* ``tools.paths``: where the repository, its notebooks and build folder are.

Nothing here is part of the ``coursekit`` package that notebooks import, and nothing here is
installed with it: the folder is used from a checkout of the repository.
"""
