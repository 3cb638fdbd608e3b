# The two set-up commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint browser-deps service-deps bench eval

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: the CPU build lies on local disk; an unpinned torch pulls a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/pe-assistant serve

# Debian's Chromium drives the browser tests (never `playwright install`).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium chromium-driver' for the browser tests"; fi; \
	fi

# Debian's PostgreSQL for the shared-deployment tests (the tests start their own server as the postgres user;
# nothing is started here). The Chroma server comes with the chromadb package (`chroma run`).
service-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "postgresql missing: run 'sudo apt-get install postgresql' for the shared-deployment tests"; fi; \
	fi

test: install browser-deps service-deps
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check assistant ui knowledge evals tests

eval: install
	$(BIN)/pe-assistant eval all

bench: install
	$(BIN)/pe-assistant bench --json
