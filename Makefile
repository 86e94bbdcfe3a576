# Every target bootstraps .venv itself; it reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play test lint bench schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

play: $(STAMP)
	$(BIN)/warroom play tutorial

lint: $(STAMP)
	$(BIN)/ruff check sim scoring tui scenarios tests
	$(BIN)/ruff format --check --quiet sim scoring tui scenarios tests
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m tests.bench

schema: $(STAMP)
	$(BIN)/python -m sim.schema scenarios/schema

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
