# Two commands on a fresh machine: `make demo` and `make test`. Only Python 3.11+ and pip needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/wonsan-2025-07

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@mkdir -p out
	$(BIN)/briefing build $(EXAMPLE) -o out/briefing.md
	$(BIN)/briefing build $(EXAMPLE) -o out/briefing.html
	$(BIN)/briefing build $(EXAMPLE) -o out/briefing.json
	@echo "Briefing written to out/briefing.md, out/briefing.html and out/briefing.json"

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check briefing tests benchmarks
	$(BIN)/ruff format --check briefing tests benchmarks

clean:
	rm -rf $(VENV) out build *.egg-info
