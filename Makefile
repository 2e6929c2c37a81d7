# Two commands on a fresh machine: `make demo` and `make test`. Only Python 3.11+ and pip needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/walmart-sex-discrimination-case-supreme-court-2011-03-29
# The daily demo mixes every story of the shared corpus; a fresh clone without it uses the
# stories in examples/.
CORPUS_STORIES := $(filter-out %/PROVENANCE/,$(wildcard ../shared/corpus/*/))
DAILY_INPUT := $(or $(CORPUS_STORIES),$(wildcard examples/*/))

.PHONY: demo test lint bench clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools warns about every editable install; the warning is not for our users.
PIP_INSTALL := PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@mkdir -p out
	$(BIN)/briefing build $(EXAMPLE) -o out/briefing.md
	$(BIN)/briefing build $(EXAMPLE) -o out/briefing.html
	$(BIN)/briefing build $(EXAMPLE) -o out/briefing.json
	@echo "Briefing written to out/briefing.md, out/briefing.html and out/briefing.json"
	$(BIN)/briefing daily $(DAILY_INPUT) -o out/daily.md
	$(BIN)/briefing daily $(DAILY_INPUT) -o out/daily.html
	@echo "Daily briefing of $(words $(DAILY_INPUT)) story folders written to out/daily.md and out/daily.html"

test: $(VENV)/.installed-dev chromium
	$(BIN)/python -m pytest

# tests/test_daily_browser.py drives a real headless Chromium. Install it where we can (root
# with apt-get); elsewhere, or if the install fails, that test skips and says why.
chromium:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver >/dev/null) \
	  || echo "could not install chromium; the browser test will skip"; \
	else echo "no chromium and no apt-get as root here; the browser test will skip"; fi

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[bench]'
	touch $@ $(VENV)/.installed

# Cost and speed benchmarks, offline (a fake model on 127.0.0.1), about 10 minutes: results
# go to benchmarks/results/ and into benchmarks/README.md.
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run_all.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check briefing tests benchmarks
	$(BIN)/ruff format --check briefing tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out build *.egg-info
