# Two commands: `make run` serves the site with its content, `make test` runs the whole suite.
# Both set everything up first and are safe to run again.

PYTHON ?= python3
PORT ?= 8000
# Extras installed into .venv/; CI adds crosscheck (torch and transformers: 1.2 GB).
EXTRAS ?= dev
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run dev test test-fast lint api-fuzz check-python install clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'

$(STAMP): pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

install: $(STAMP)

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
	@chmod 600 var/secret_key

# Serves like production (DEBUG off, gunicorn, WhiteNoise) on http://127.0.0.1:$(PORT).
# gunicorn reads gunicorn.conf.py: the access log is Django's one JSON line per request
# (config/logs.py), which never holds a query string; gunicorn's own would.
RUN_ENV = SECRET_KEY="$$(cat var/secret_key)" SITE_URL=http://127.0.0.1:$(PORT)
run: install var/secret_key
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(PY) manage.py import_content fixtures --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C stops)"
	$(RUN_ENV) exec $(VENV)/bin/gunicorn config.wsgi --config gunicorn.conf.py \
		--bind 127.0.0.1:$(PORT) --workers 2

# For development: Django's auto-reloading server with DEBUG on.
DEV_ENV = DEBUG=true STATIC_PLAIN=true SITE_URL=http://127.0.0.1:$(PORT)
dev: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py import_content fixtures --if-empty
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The browser suite's tools from npm (axe-core, the Nu HTML checker), when there is a
# package.json and npm: `npm ci` only when node_modules is missing or older than the lock file.
# --ignore-scripts: vnu-jar's install script would download a Java; Java comes from apt.
# Without them, tests/browser skips with the reason (and fails under CI=true).
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := node_modules/.package-lock.json
ifneq ($(and $(NPM),$(wildcard package.json)),)
NODE_DEPS := $(NODE_STAMP)
endif

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $(NODE_STAMP)

test: install $(NODE_DEPS)
	$(PY) -m pytest

# The inner loop: everything but the tests that start other processes (gunicorn, manage.py,
# Python: marked slow) or drive Chromium (marked browser). `make test` still runs them all.
test-fast: install
	$(PY) -m pytest -m "not slow and not browser"

# mypy's django-stubs plugin imports config.settings, which refuses to load without a
# SECRET_KEY unless DEBUG is on; the type check needs no secret.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(VENV)/bin/mypy

# schemathesis against the API through real HTTP (gunicorn, the shipped content, a fresh
# SQLite database): no 5xx, every answer as its schema says, invalid inputs refused with a 4xx.
# About three minutes; API_FUZZ_SECONDS sets schemathesis's time budget.
API_FUZZ_SECONDS ?= 120
api-fuzz: install
	$(PY) scripts/api-fuzz --seconds $(API_FUZZ_SECONDS)

clean:
	rm -rf $(VENV) var/staticfiles node_modules
