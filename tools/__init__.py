"""Course tooling, run from the repository root with ``python -m tools.<name>``.

* ``tools.slides``: static reveal.js decks of the notebooks (``make slides``, ``make slides-pdf``);
* ``tools.bench`` and ``tools.bench_dream``: run time and memory of every notebook, and of one
  DeepDream (``make bench``);
* ``tools.offline``: the offline guard that every notebook kernel of the tests runs under (the
  start-up file ``tools/offline_boot/sitecustomize.py`` installs it);
* ``tools.repeat_notebooks``: run every notebook twice and list outputs that differ
  (``make test-repeat``);
* ``tools.new_lesson``: scaffold a new lesson from ``tools/lesson_template/``;
* ``tools.paths``: where the repository, its notebooks and build folder are;
* ``tools.site``, ``tools.alt_text``, ``tools.colour_vision``: the course website
  (``make site``), the figures' alt text and the palette's colour-vision check;
* ``tools.setup_cell``: the Colab/Kaggle set-up cell of every notebook;
* ``tools.lock``, ``tools.matrix``, ``tools.latest``, ``tools.run_tests``: the lock file, the
  Python matrix, the newest-versions run and the test command without ``make``;
* ``tools.validation_share``: the share of argument checks in the teaching modules;
* ``tools.experiments``: longer experiments whose committed output a notebook quotes.

Notebooks never import it; the student package is ``coursekit``. Nothing here is installed with
``coursekit``: the folder is used from a checkout of the repository.
"""
