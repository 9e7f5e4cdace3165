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

.PHONY: help setup lab test lint unit nbval execute doctor clean

help:
	@echo "make lab      start JupyterLab on the course (PORT=8888, NO_BROWSER=1 for headless)"
	@echo "make test     lint, unit tests, notebook hygiene, every notebook executed by nbval"
	@echo "make execute  re-run notebooks in place to refresh stored outputs (NB=notebooks/01_*.ipynb)"
	@echo "make doctor   print the environment report"
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
	$(BIN)/ruff check coursekit tests notebooks

unit: $(STAMP)
	$(BIN)/pytest tests

nbval: $(STAMP)
	$(BIN)/pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--durations=0 notebooks

# The run must leave the work tree as it found it: compare `git status` before and after.
test: $(STAMP)
	@before="$$(git status --porcelain 2>/dev/null)"; \
	$(MAKE) --no-print-directory lint unit nbval || exit 1; \
	after="$$(git status --porcelain 2>/dev/null)"; \
	if [ "$$before" != "$$after" ]; then \
		echo "make test changed the work tree (git status --porcelain before / after):"; \
		diff <(echo "$$before") <(echo "$$after"); exit 1; fi

execute: $(STAMP)
	for nb in $(NB); do \
		echo "executing $$nb"; \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False \
			--ExecutePreprocessor.timeout=600 "$$nb" || exit 1; \
	done

doctor: $(STAMP)
	$(BIN)/python -m coursekit

clean:
	rm -rf outputs build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
