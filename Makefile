# Every target installs what it needs from the lock: tools/uv.txt pins uv by hash, uv.lock pins the rest.
# All a machine needs is python3 (3.11+) and make. Why: docs/decisions/0006-uv-lock.md
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
UV := $(TOOLS)/bin/uv
STAMP := $(VENV)/.installed
# uv uses the python3 it is given and never downloads an interpreter of its own.
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages are compiled to bytecode at install, as pip does, so no start-up pays for it.
export UV_COMPILE_BYTECODE := 1

.PHONY: play test lint bench lock schema clean

$(UV): tools/uv.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --no-deps --require-hashes -r tools/uv.txt
	touch $(UV)

$(STAMP): pyproject.toml uv.lock $(UV)
	@$(UV) lock --check --offline --quiet || { \
		echo "error: pyproject.toml and uv.lock disagree: the lock was not refreshed after a dependency changed." >&2; \
		echo "hint: run 'make lock' and commit uv.lock with pyproject.toml." >&2; \
		exit 1; }
	$(UV) sync --locked --extra test --quiet
	touch $(STAMP)

play: $(STAMP)
	$(BIN)/warroom play tutorial

lint: $(STAMP)
	$(BIN)/ruff check sim scoring tui scenarios tests
	$(BIN)/ruff format --check --quiet sim scoring tui scenarios tests
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m tests.bench

# Re-resolves uv.lock after pyproject.toml changes, keeping every version it can.
# `make lock LOCK_FLAGS=--upgrade` takes the newest releases the ranges allow.
lock: $(UV)
	$(UV) lock $(LOCK_FLAGS)
	$(UV) pip compile tools/uv.in --generate-hashes --no-header --quiet --python-version 3.11 -o tools/uv.txt

schema: $(STAMP)
	$(BIN)/python -m sim.format.schema scenarios/schema

clean:
	rm -rf $(VENV) $(TOOLS) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
