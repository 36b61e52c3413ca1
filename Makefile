# Two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-fast test-browser bench check browser-deps nginx-deps pdf-deps clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

# Installs come from the hashed lock files (requirements/*.txt, pip-compile
# --generate-hashes); the project itself is installed on top without its
# dependencies. check_lock.py stops with "run 'make lock'" when pyproject.toml
# pins something the lock file does not.
LOCK      := requirements/base.txt
TEST_LOCK := requirements/test.txt
PIP_COMPILE_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python scripts/check_lock.py $(LOCK)
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(TEST_LOCK) $(STAMP)
	$(BIN)/python scripts/check_lock.py $(TEST_LOCK) test
	$(BIN)/pip install -q --require-hashes -r $(TEST_LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@

## make lock: regenerate the hashed lock files from pyproject.toml (after a dependency changes)
lock: | $(BIN)/python
	$(BIN)/pip install -q pip-tools==7.6.2
	$(BIN)/pip-compile $(PIP_COMPILE_FLAGS) -o $(LOCK) pyproject.toml
	$(BIN)/pip-compile $(PIP_COMPILE_FLAGS) --extra test -o $(TEST_LOCK) pyproject.toml

## make run: install, migrate, load the instruments and demo waves, serve on :5000
run: $(STAMP) pdf-deps
	$(BIN)/survey-engine demo
	$(BIN)/survey-engine run

## make test: install test needs (system Chromium and nginx included) and run the whole suite
test: $(TEST_STAMP) browser-deps nginx-deps pdf-deps
	$(BIN)/python -m pytest

## the suite without the browser tests
test-fast: $(TEST_STAMP) nginx-deps pdf-deps
	$(BIN)/python -m pytest -m "not browser"

## only the browser tests
test-browser: $(TEST_STAMP) browser-deps pdf-deps
	$(BIN)/python -m pytest -m browser

browser-deps:
	@sh scripts/install-browser.sh

## Pango, HarfBuzz and fonts for WeasyPrint (the yearly report's PDF)
pdf-deps:
	@sh scripts/install-pdf.sh

## nginx (and redis-server, openssl) for the production test (tests/production)
nginx-deps:
	@sh scripts/install-nginx.sh

check: $(STAMP)
	$(BIN)/survey-engine instruments check

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/python benchmarks/bench_submit.py

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache
