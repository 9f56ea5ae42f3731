# CoAction: `make run` serves the demo, `make test` runs the whole suite. Both set everything up first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# gunicorn workers of `make serve` on this host.
WORKERS ?= 4
# The PostgreSQL server the suite makes its own databases on (one per run and worker, dropped after).
TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST := $(BIN)/python -m pytest
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CATALOGUES := $(wildcard coaction/translations/*/LC_MESSAGES/messages.po)

.PHONY: run serve worker setup system test lint test-sqlite test-postgresql test-browser browser bench check translations clean

run: setup
	$(FLASK) db upgrade
	$(FLASK) coaction demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops)."
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: gunicorn on PostgreSQL and Redis (README, "Production"). Refuses to start without them, without
# COACTION_SECRET_KEY or without a mail server; migrates first, so the first host of a release upgrades the schema.
serve worker: export COACTION_ENV := production
serve: setup
	$(BIN)/python -m coaction.preflight
	$(FLASK) db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT) wsgi:app

# The background jobs of every app server, from Redis; as many as the jobs need, on any host.
worker: setup
	$(BIN)/python -m coaction.preflight
	$(FLASK) coaction worker

setup: system $(VENV)/.installed $(CATALOGUES:.po=.mo) instance

$(VENV)/.installed: requirements.lock
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ 2>/dev/null

instance:
	mkdir -p instance

# The system libraries WeasyPrint draws the annual report's PDF with (Pango, a font), installed only when missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
system:
	@if ! { /sbin/ldconfig -p | grep -q libpangoft2-1.0.so.0 && [ -d /usr/share/fonts/truetype/dejavu ]; }; then \
	  for attempt in 1 2 3; do $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $(PDF_PACKAGES) && break; sleep 10; done; \
	fi
	@/sbin/ldconfig -p | grep -q libpangoft2-1.0.so.0 || { echo "Could not install $(PDF_PACKAGES)."; exit 1; }

# Debian's Chromium for the browser tests, installed only when missing.
browser:
	@command -v chromium >/dev/null || for attempt in 1 2 3; do \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium chromium-driver && break; sleep 10; done
	@command -v chromium >/dev/null || { echo "Could not install Debian's chromium."; exit 1; }

test: setup browser lint test-sqlite test-postgresql test-browser
	@echo "All checks passed: lint, SQLite, PostgreSQL, browser."

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r coaction

# Unit tests and every database test on SQLite.
test-sqlite: setup
	$(PYTEST) -n auto -m "not e2e" tests

# Every database test again on PostgreSQL. Unreachable: a failure on CI, a loud skip on a laptop.
test-postgresql: setup
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=5).close()" \
	    "$(TEST_PG_URL)" 2>/dev/null; then \
	  TEST_DATABASE_URL="$(TEST_PG_URL)" $(PYTEST) -n auto -m "db and not e2e" tests; \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "PostgreSQL at $(TEST_PG_URL) is unreachable: CI needs it."; exit 1; \
	else \
	  echo; echo "!!! SKIPPED: PostgreSQL at $(TEST_PG_URL) is unreachable; the database tests ran on SQLite only. !!!"; echo; \
	fi

# Browser tests, once, serially.
test-browser: setup browser
	$(PYTEST) -p no:xdist -m e2e tests

# Benchmarks are never part of `make test`; they print their figures. Debian's wrk is installed only when missing.
bench: setup
	@command -v wrk >/dev/null || for attempt in 1 2 3; do \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends wrk && break; sleep 10; done
	@command -v wrk >/dev/null || { echo "Could not install Debian's wrk."; exit 1; }
	$(BIN)/python -m tests.benchmarks

# The security check, never part of `make test` (about 15 minutes): sqlmap against every public filter and form of
# a live server on 127.0.0.1 with a fresh database; fails on anything injectable. CHECK_DATABASE_URL (a PostgreSQL
# server, as TEST_PG_URL) adds a second pass on a database made there.
CHECK_DATABASE_URL ?=
check: setup
	$(BIN)/python scripts/sql_injection_check.py $(if $(CHECK_DATABASE_URL),--postgresql "$(CHECK_DATABASE_URL)")

translations: setup
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
