# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: site test serve check compute clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TSTAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## Build the bundled East Kazakhstan site into output/.
site: $(STAMP)
	$(BIN)/aimaq build

## Install test needs (Python packages, Debian's chromium) and run the whole suite.
test: $(TSTAMP) browser
	$(BIN)/python -m pytest

## Debian's chromium for the real-browser tests (Playwright cannot download its own here).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

## Build, then serve output/ on http://127.0.0.1:8000/.
serve: $(STAMP)
	$(BIN)/aimaq serve

## Validate config, data and content without writing anything.
check: $(STAMP)
	$(BIN)/aimaq check

## Compute every index with its audit into computed/.
compute: $(STAMP)
	$(BIN)/aimaq compute --out computed

clean:
	rm -rf output computed .pytest_cache
