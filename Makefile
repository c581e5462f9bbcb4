# CAL Portal. `make run` serves the demo network; `make test` runs every test.
# Both work on a machine with no PostgreSQL or Redis: the portal starts embedded ones.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# For manage.py commands that need neither PostgreSQL nor Redis: start no embedded server.
OFFLINE := CAL_NO_SERVICES=1 DJANGO_SETTINGS_MODULE=cal_portal.settings.test

.PHONY: help install venv assets messages run serve migrate seed test lint audit format bench \
	browser stop-services clean docker-up

help:
	@echo "make run     install everything, migrate, load the demo network and serve it on http://$(HOST):$(PORT)"
	@echo "make test    run the whole test suite (embedded PostgreSQL unless DATABASE_URL is set)"
	@echo "make lint    ruff, import contracts, mypy, missing migrations"
	@echo "make audit   accessibility (axe-core), API fuzzing (schemathesis), check --deploy, bandit, pip-audit"
	@echo "make bench   response times and query counts at demo scale 1 and 10"

# --- Installation -------------------------------------------------------------

$(BIN)/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@# The venv of Python 3.11 comes with setuptools 65.5, which has known vulnerabilities.
	$(BIN)/pip install --quiet --upgrade setuptools
	@touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/.built: node_modules/.installed scripts/build_assets.mjs
	node scripts/build_assets.mjs
	@touch $@

assets: static/vendor/.built

messages: venv
	$(OFFLINE) $(MANAGE) compile_catalogues

install: venv assets messages

# --- Running ------------------------------------------------------------------

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

run: seed
	$(MANAGE) run_portal --host $(HOST) --port $(PORT)

stop-services: venv
	$(PY) -m cal_portal.embedded stop .data

# --- Quality ------------------------------------------------------------------

# Browser tests drive Debian's chromium; it is installed here when missing (root) or named.
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = "0" ]; then apt-get install -y --no-install-recommends chromium >/dev/null; \
		else echo "Install Debian's chromium (sudo apt-get install chromium) or set CHROMIUM=/path"; exit 1; fi; \
	fi

test: install browser
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(OFFLINE) $(BIN)/mypy cal_portal centres partnerships diagnosis network
	$(OFFLINE) $(MANAGE) makemigrations --check --dry-run
	$(OFFLINE) $(MANAGE) spectacular --validate --fail-on-warn --file /dev/null
	$(OFFLINE) $(MANAGE) check_catalogues

# Quality gates run by tools no one here wrote (README "Quality gates"); each step prints its time.
# check --deploy reads the production settings only: these values are throwaway, no server is asked.
DEPLOY_CHECK := DJANGO_SETTINGS_MODULE=cal_portal.settings.production \
	SECRET_KEY=audit-only-not-a-real-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
	ALLOWED_HOSTS=cal.example.pl DATABASE_URL=postgres://audit@127.0.0.1:1/audit REDIS_URL=redis://127.0.0.1:1/0
APPS := cal_portal centres partnerships diagnosis network benchmarks
TIMED = TIMEFORMAT="== $(1): %0R s"; time

audit: install browser
	@echo "== Deploy checks: manage.py check --deploy, production settings"
	@$(call TIMED,check --deploy) $(DEPLOY_CHECK) $(MANAGE) check --deploy --fail-level WARNING
	@echo "== bandit on $(APPS): a finding of medium severity or higher fails"
	@$(call TIMED,bandit) $(BIN)/bandit -c pyproject.toml -r $(APPS) --severity-level medium
	@echo "== pip-audit: the pins, then everything installed (.pip-audit-ignore: accepted, with reasons)"
	@$(call TIMED,pip-audit) { $(PY) scripts/audit_dependencies.py -r requirements.txt -r requirements-dev.txt \
		--no-deps --disable-pip && $(PY) scripts/audit_dependencies.py; }
	@echo "== Accessibility: axe-core in chromium, every page, pl and en"
	@$(call TIMED,accessibility) CHROMIUM=$(CHROMIUM) $(BIN)/pytest -m audit tests/audit/test_accessibility.py
	@echo "== Redis down: every page, and the actions that reach Redis, with the cache and broker unreachable"
	@$(call TIMED,Redis down) $(BIN)/pytest -m audit tests/audit/test_redis_down.py
	@echo "== API fuzzing: schemathesis as city staff and as an operator"
	@$(call TIMED,API fuzzing) $(BIN)/pytest -m audit tests/audit/test_api_fuzz.py

bench: install
	$(PY) -m benchmarks

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
