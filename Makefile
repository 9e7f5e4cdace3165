# Course commands. `make test` and `make lab` create the virtual environment .venv from the
# exact pins in requirements/ when it is missing or older than the pins.
SHELL := /bin/bash
PYTHON ?= python3
# Python 3.11, 3.12 and 3.13 are supported; another interpreter: make PYTHON=python3.12 test
VENV ?= .venv
BIN := $(VENV)/bin
# The environment is rebuilt from scratch when the pins change or PYTHON is another version
# (its stamp names the version); a changed pyproject.toml only re-installs coursekit itself.
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
PINS_STAMP := $(VENV)/.pins-py$(PYVER)
STAMP := $(VENV)/.installed-py$(PYVER)
SITE_STAMP := $(VENV)/.site-installed
PINS := requirements/course.txt requirements/dev.txt requirements/constraints.txt
PORT ?= 8888
# make lab NO_BROWSER=1 on a machine without a screen
NO_BROWSER ?=
NB ?= notebooks/*.ipynb

# The same environment for every run: reproducible hashing, a quiet TensorFlow, and oneDNN off
# so TensorFlow's float results do not depend on the CPU's instruction set.
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
# The offline guard (tools/offline.py): every Python process started with these variables,
# notebook kernels included, refuses network connections that leave the machine.
OFFLINE := COURSE_OFFLINE=1 PYTHONPATH="$(CURDIR)/tools/offline_boot$${PYTHONPATH:+:$$PYTHONPATH}"

.PHONY: help setup lab test lint unit unit-rest unit-downstream nbval nbval-first nbval-second execute doctor clean slides slides-pdf browser-setup browser-test test-repeat bench \
	site site-setup python-gate lock test-matrix test-latest test-readme test-portability

help:
	@echo "make lab      start JupyterLab on the course (PORT=8888, NO_BROWSER=1 for headless)"
	@echo "make test     lint, unit tests, notebook hygiene, every notebook by nbval, browser tests"
	@echo "make test-matrix   lint, unit tests and nbval on every Python 3.11-3.13 found (.venv-3.X)"
	@echo "make test-latest   every notebook on the newest versions pyproject.toml admits (Python 3.12)"
	@echo "make test-readme   run the README's install commands (no make) in a fresh clone"
	@echo "make lock     re-resolve requirements/constraints.txt from the direct pins"
	@echo "make test-repeat  run every notebook twice and report outputs that differ (NB=...)"
	@echo "make test-portability  strict nbval on every CPU kind and thread count (CONFIGS=..., NB=...)"
	@echo "make bench    time every notebook and the test command (RUN_TESTS=1 to time it now)"
	@echo "make execute  re-run notebooks in place to refresh stored outputs (NB=notebooks/01_*.ipynb)"
	@echo "make doctor   print the environment report"
	@echo "make slides   offline reveal.js decks of every notebook into build/slides/ (npm ci first)"
	@echo "make slides-pdf    one PDF per deck next to it (Chromium's print of reveal.js ?print-pdf)"
	@echo "make site    the course website in build/site/ (offline, from the stored outputs)"
	@echo "make browser-test  decks, JupyterLab, widgets and RISE tested in Chromium"
	@echo "make clean    remove outputs/, build/ and caches (keeps .venv)"

setup: $(STAMP)

python-gate:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else "The course supports Python 3.11, 3.12 and 3.13; " + sys.executable + " is " + sys.version.split()[0] + ". Run e.g.: make PYTHON=python3.12 ...")' \
		|| { [ -n "$(PYVER)" ] || echo "$(PYTHON) does not run: pass an interpreter of Python 3.11, 3.12 or 3.13, e.g. make PYTHON=/usr/bin/python3.12 ..."; exit 1; }

$(PINS_STAMP): $(PINS) | python-gate
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/course.txt -r requirements/dev.txt -c requirements/constraints.txt
	touch $(PINS_STAMP)

$(STAMP): $(PINS_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-resolve the lock from the direct pins (requirements/course.txt, dev.txt) on every supported
# Python found here, keeping locked versions (python -m tools.lock --upgrade lets them move);
# versions that differ between Pythons get a python_version marker.
lock: | python-gate
	$(PYTHON) -m tools.lock

# Fresh environments .venv-3.11, .venv-3.12, .venv-3.13 from the pins (FRESH=1 deletes them
# first; VERSIONS="3.12 3.13" for some); lint, unit tests and strict nbval in each; a summary
# table in build/matrix/summary.md.
test-matrix: | python-gate
	$(PYTHON) -m tools.matrix $(if $(FRESH),--fresh) $(if $(VERSIONS),--versions $(VERSIONS))

# The README's install commands without make, run line by line in a fresh clone of HEAD
# (tests/test_readme_install.py): a full install and every test, so minutes.
test-readme: $(STAMP)
	COURSE_README_TEST=1 $(BIN)/pytest -k fresh_clone tests/test_readme_install.py

# Python 3.12 with the newest versions pyproject.toml admits (no pins, no torch cap): every
# notebook must run and every assert hold; versions in build/latest/. LATEST_PYTHON=... to choose.
test-latest: | python-gate
	$(PYTHON) -m tools.latest $(if $(LATEST_PYTHON),--python $(LATEST_PYTHON))

lab: $(STAMP)
	$(BIN)/jupyter lab --port=$(PORT) $(if $(NO_BROWSER),--no-browser) notebooks/00_start_here.ipynb

lint: $(STAMP)
	$(BIN)/ruff check coursekit tools tests notebooks

# Unit tests; tests/test_docstring_examples.py runs the >>> examples of coursekit and tools.
# Notebooks the tests run write to build/unit-outputs, so `make test` can run nbval beside them.
unit: $(STAMP)
	COURSE_OUTPUT_DIR=$(CURDIR)/build/unit-outputs $(BIN)/pytest --durations=15 tests

# `make test` runs the unit tests as two jobs, so that the cores stay busy to the end: the
# downstream test (a kernel per notebook, tests/exercise_downstream.py) and all the others.
DOWNSTREAM := tests/test_exercise_downstream.py
unit-downstream: $(STAMP)
	COURSE_OUTPUT_DIR=$(CURDIR)/build/unit-downstream-outputs $(BIN)/pytest -p no:cacheprovider \
		--durations=10 $(DOWNSTREAM)
unit-rest: $(STAMP)
	COURSE_OUTPUT_DIR=$(CURDIR)/build/unit-outputs $(BIN)/pytest --durations=15 \
		--ignore=$(DOWNSTREAM) tests

# The stored outputs are compared with a run in another configuration than the one they were
# recorded in (tools/testenv.py: AVX2 kernels, most laptops', and one thread), so an output that
# only holds on the recording machine fails the day it is committed. NBVAL_CONFIG=native for a
# plain run, NBVAL_CONFIG=sse42-1t for the slowest and strictest.
NBVAL_CONFIG ?= avx2-1t
nbval: $(STAMP)
	$(BIN)/python -m tools.run_tests nbval --config $(NBVAL_CONFIG) --notebooks $(NB)

# `make test` runs nbval as two jobs: the first half of the notebooks and the second.
NB_LIST = $(sort $(wildcard $(NB)))
NB_HALF = $(shell echo $$(( ($(words $(NB_LIST)) + 1) / 2 )))
nbval-first: $(STAMP)
	$(BIN)/python -m tools.run_tests nbval --config $(NBVAL_CONFIG) \
		--notebooks $(wordlist 1,$(NB_HALF),$(NB_LIST))
nbval-second: $(STAMP)
	$(BIN)/python -m tools.run_tests nbval --config $(NBVAL_CONFIG) \
		--notebooks $(wordlist $(shell echo $$(($(NB_HALF) + 1))),$(words $(NB_LIST)),$(NB_LIST))

# Strict nbval of every notebook in every configuration of tools/portability.py (CPU kernels,
# thread counts); a table of failed cells per configuration in build/portability/summary.md.
# CONFIGS="1t avx2" for some of them.
test-portability: $(STAMP)
	$(BIN)/python -m tools.portability $(if $(CONFIGS),--configs $(CONFIGS)) --notebooks $(NB)

# The run must leave the work tree as it found it: compare `git status` before and after.
# Installation comes first (the environment, the website's packages, the decks' npm packages,
# Chromium) and is not timed. The unit tests and nbval (two jobs each) and the browser tests
# (after building the decks and the website) run side by side, each with one thread (more would
# only contend for the two cores; the browser tests mostly wait for pages and kernels). Each
# suite writes its notebooks' files to its own folder and its output is printed when it ends.
# TEST_JOBS=1 runs them one after the other. One thread: the variables of the matrix's "1t".
TEST_JOBS ?= 5
ONE_THREAD = $(shell $(PYTHON) -c 'from tools.testenv import CONFIGS; \
	print(*(f"{k}={v}" for k, v in CONFIGS["1t"][1].items()))')
test: $(STAMP) $(SITE_STAMP) node_modules/.package-lock.json browser-setup
	@start=$$(date +%s); before="$$(git status --porcelain 2>/dev/null)"; \
	$(MAKE) --no-print-directory lint || exit 1; \
	$(if $(filter-out 1,$(TEST_JOBS)),env $(ONE_THREAD)) $(MAKE) --no-print-directory \
		-j$(TEST_JOBS) --output-sync=target unit-rest unit-downstream nbval-first nbval-second \
		browser-test \
		|| exit 1; \
	after="$$(git status --porcelain 2>/dev/null)"; \
	if [ "$$before" != "$$after" ]; then \
		echo "make test changed the work tree (git status --porcelain before / after):"; \
		diff <(echo "$$before") <(echo "$$after"); exit 1; fi; \
	if [ -z "$(findstring n,$(firstword -$(MAKEFLAGS)))" ]; then mkdir -p build; \
		echo "$$(( $$(date +%s) - start )) s for \`make test\` (lint, unit, nbval, browser;" \
		"recorded $$(date -u +%F))" > build/test-seconds.txt; fi

# Execute every notebook twice in fresh kernels (offline) and list cells whose outputs differ.
test-repeat: $(STAMP)
	$(OFFLINE) $(BIN)/python -m tools.repeat_notebooks $(NB)

# Wall time and peak memory of every notebook vs the import floor; writes build/bench.md.
bench: $(STAMP)
	$(BIN)/python -m tools.bench $(if $(RUN_TESTS),--run-tests)

execute: $(STAMP)
	for nb in $(NB); do \
		echo "executing $$nb"; \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False \
			--ExecutePreprocessor.timeout=600 "$$nb" || exit 1; \
	done

doctor: $(STAMP)
	$(BIN)/python -m coursekit

# Static slides: pinned reveal.js, require.js, jQuery, MathJax and widget manager from npm
# (package-lock.json), copied next to the decks so they work offline.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make slides needs npm (Node.js), e.g. apt-get install npm"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund

slides: $(STAMP) node_modules/.package-lock.json
	$(BIN)/python -m tools.slides --out build/slides

# One PDF per deck next to it: reveal.js's print view, printed by Chromium (via Playwright).
slides-pdf: $(STAMP) browser-setup node_modules/.package-lock.json
	$(BIN)/python -m tools.slides --out build/slides --pdf

# The course website: Sphinx + MyST-NB + sphinx-book-theme (requirements/site.txt, locked by
# requirements/constraints.txt), added to .venv when a site is first built: `make lab` users do
# not download them. The build runs offline and does not execute the notebooks; it copies the
# slide decks into the site.

site-setup: $(SITE_STAMP)

$(SITE_STAMP): $(STAMP) requirements/site.txt
	$(BIN)/python -m pip install --quiet -r requirements/site.txt -c requirements/constraints.txt
	touch $(SITE_STAMP)

site: slides $(SITE_STAMP)
	$(OFFLINE) $(BIN)/python -m tools.site --out build/site

# Debian's chromium for the browser tests (playwright drives it; no browser download).
browser-setup:
	@command -v /usr/bin/chromium >/dev/null || { \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
			apt-get install -y -qq chromium; }

# Offline like nbval: the JupyterLab server and its kernels may only talk to 127.0.0.1.
browser-test: $(STAMP) browser-setup slides site
	$(OFFLINE) COURSE_BROWSER_TESTS=1 COURSE_OUTPUT_DIR=$(CURDIR)/build/browser-outputs \
		$(BIN)/pytest -m browser --durations=0 tests/browser

clean:
	rm -rf outputs build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
