# Course commands. `make test` and `make lab` create the virtual environment .venv from the
# exact pins in requirements/ when it is missing or older than the pins.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PINS := requirements/course.txt requirements/dev.txt requirements/constraints.txt pyproject.toml
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

.PHONY: help setup lab test lint unit nbval execute doctor clean slides slides-pdf browser-setup browser-test test-repeat bench

help:
	@echo "make lab      start JupyterLab on the course (PORT=8888, NO_BROWSER=1 for headless)"
	@echo "make test     lint, unit tests, notebook hygiene, every notebook by nbval, browser tests"
	@echo "make test-repeat  run every notebook twice and report outputs that differ (NB=...)"
	@echo "make bench    time every notebook and the test command (RUN_TESTS=1 to time it now)"
	@echo "make execute  re-run notebooks in place to refresh stored outputs (NB=notebooks/01_*.ipynb)"
	@echo "make doctor   print the environment report"
	@echo "make slides   offline reveal.js decks of every notebook into build/slides/ (npm ci first)"
	@echo "make slides-pdf    one PDF per deck next to it (Chromium's print of reveal.js ?print-pdf)"
	@echo "make browser-test  decks, JupyterLab, widgets and RISE tested in Chromium"
	@echo "make clean    remove outputs/, build/ and caches (keeps .venv)"

setup: $(STAMP)

$(STAMP): $(PINS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "The course is pinned for Python 3.11; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/course.txt -r requirements/dev.txt -c requirements/constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --port=$(PORT) $(if $(NO_BROWSER),--no-browser) notebooks/00_start_here.ipynb

lint: $(STAMP)
	$(BIN)/ruff check coursekit tests tools notebooks

# Unit tests; tests/test_docstring_examples.py runs the >>> examples of coursekit and tools.
unit: $(STAMP)
	$(BIN)/pytest tests

nbval: $(STAMP)
	$(OFFLINE) $(BIN)/pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--durations=0 notebooks

# The run must leave the work tree as it found it: compare `git status` before and after.
test: $(STAMP)
	@start=$$(date +%s); before="$$(git status --porcelain 2>/dev/null)"; \
	$(MAKE) --no-print-directory lint unit nbval browser-test || exit 1; \
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

# Debian's chromium for the browser tests (playwright drives it; no browser download).
browser-setup:
	@command -v /usr/bin/chromium >/dev/null || { \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
			apt-get install -y -qq chromium; }

# Offline like nbval: the JupyterLab server and its kernels may only talk to 127.0.0.1.
browser-test: $(STAMP) browser-setup slides
	$(OFFLINE) COURSE_BROWSER_TESTS=1 $(BIN)/pytest -m browser --durations=0 tests/browser

clean:
	rm -rf outputs build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
