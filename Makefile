# Two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-fast test-browser bench check browser-deps nginx-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

## make run: install, migrate, load the instruments and demo waves, serve on :5000
run: $(STAMP)
	$(BIN)/survey-engine demo
	$(BIN)/survey-engine run

## make test: install test needs (system Chromium and nginx included) and run the whole suite
test: $(TEST_STAMP) browser-deps nginx-deps
	$(BIN)/python -m pytest

## the suite without the browser tests
test-fast: $(TEST_STAMP) nginx-deps
	$(BIN)/python -m pytest -m "not browser"

## only the browser tests
test-browser: $(TEST_STAMP) browser-deps
	$(BIN)/python -m pytest -m browser

browser-deps:
	@sh scripts/install-browser.sh

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
