# One entry point for every command. `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: install system-packages run worker test test-fast lint format bench lock clean

# Everything is installed from the lock, every file checked against its SHA-256 (DEP-4).
$(STAMP): requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

## Embedded default: SQLite, local files, in-process jobs, offline AI, demo data, on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## A separate Dramatiq worker, for when DRAMATIQ_BROKER_URL points at Redis or RabbitMQ
worker: install
	$(BIN)/python manage.py rundramatiq --processes 1 --threads 4

## The Debian packages the tests need (Chromium, the speech tools, gettext): installed when run as root, else the
## one command to run is printed and make stops before any test.
system-packages:
	@scripts/system-packages.sh

## The whole suite (unit, security matrix, browser) in parallel
test: install system-packages
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test-fast: install system-packages
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not e2e"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@for b in bench/bench_*.py; do [ -e "$$b" ] && $(BIN)/python "$$b"; done; true

## Refresh the locks after changing requirements*.txt or constraints.txt (the pins): every package at its pinned
## version, with the SHA-256 of each of its files. pip-tools runs from its own venv, outside the product's.
PIP_COMPILE = var/pip-tools/bin/pip-compile
LOCK_OPTIONS = --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
	--constraint=constraints.txt
lock:
	[ -x $(PIP_COMPILE) ] || ($(PYTHON) -m venv var/pip-tools && var/pip-tools/bin/pip install --quiet pip-tools==7.6.2)
	$(PIP_COMPILE) $(LOCK_OPTIONS) --output-file=requirements.lock requirements.txt
	$(PIP_COMPILE) $(LOCK_OPTIONS) --output-file=requirements-dev.lock requirements-dev.txt

clean:
	rm -rf $(VENV) var staticfiles
