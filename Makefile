# Two commands: `make run` (the app with the demo) and `make test` (the whole suite, ruff included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app surveyapp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-pandas2 lint setup translations clean-db

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ..." or 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-app

translations: $(VENV)/.installed-app
	$(FLASK) translate compile

setup: $(VENV)/.installed-app translations
	$(FLASK) db upgrade
	$(FLASK) demo init

run: setup
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

test: $(VENV)/.installed-dev translations lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The analysis library on the previous pandas major version (its CSV reading and dtypes changed in pandas 3).
VENV_PANDAS2 := .venv-pandas2
$(VENV_PANDAS2)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV_PANDAS2)
	$(VENV_PANDAS2)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_PANDAS2)/bin/pip install --quiet -e '.[dev]' 'pandas>=2.1,<3'
	touch $@

test-pandas2: $(VENV_PANDAS2)/.installed
	$(VENV_PANDAS2)/bin/python -c 'import pandas; print("pandas", pandas.__version__)'
	$(VENV_PANDAS2)/bin/python -m pytest tests/analysis $(PYTEST_ARGS)

clean-db:
	rm -f instance/surveyapp.sqlite3 instance/demo-logins.txt
