# pilot06: `make run` serves the demo, `make test` runs everything, `make bench` measures.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
DEMO_PASSWORD ?= pilot06-demo
export DJANGO_SETTINGS_MODULE := project.settings
# DEBUG is off unless asked for; the demo and the developer's own commands ask for it.
DEV := DJANGO_DEBUG=true

.PHONY: help venv system-deps messages run test lint test-sqlite test-postgres test-prod-smoke prod-smoke bench clean

help:
	@echo "make run    - install, migrate, seed the demo and serve on 127.0.0.1:$(PORT)"
	@echo "make test   - ruff (lint and format), import contracts, mypy and the whole suite (SQLite, then PostgreSQL)"
	@echo "make bench  - performance figures and ratios (writes bench/results.json)"
	@echo "make prod-smoke - the production recipe (deploy/) on loopback, checked through nginx over HTTPS"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

messages: venv
	@if command -v msgfmt >/dev/null 2>&1; then $(DEV) $(BIN)/python manage.py compilemessages -v0 --ignore=.venv; \
	else echo "NOTICE: gettext missing; English translations not compiled"; fi

run: venv system-deps messages
	$(DEV) $(BIN)/python manage.py migrate --noinput -v0
	$(DEV) $(BIN)/python manage.py seed_demo --password "$(DEMO_PASSWORD)" --if-empty
	$(DEV) $(BIN)/python manage.py demo_signing_keys private/demo-signing
	@trap 'kill 0' EXIT INT TERM; \
	set -a; . private/demo-signing/env; set +a; \
	$(DEV) $(BIN)/python manage.py db_worker >/dev/null 2>&1 & \
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=. $(BIN)/lint-imports
	$(BIN)/mypy .

test-sqlite: venv
	$(BIN)/pytest

test-postgres: venv
	bash scripts/with-postgres.sh $(BIN)/pytest -p no:cacheprovider

# The production recipe: nginx, gunicorn, the worker and PostgreSQL roles, on loopback.
prod-smoke: venv system-deps
	bash scripts/prod-smoke.sh

# In `make test` only where it may install nginx and must not be skipped: root in CI.
test-prod-smoke: venv
	@if [ "$$(id -u)" = "0" ] && [ "$${CI:-}" = "true" ]; then bash scripts/prod-smoke.sh; \
	else echo "NOTICE: prod-smoke skipped (make test runs it as root with CI=true; run make prod-smoke)"; fi

test: venv system-deps messages lint test-sqlite test-postgres test-prod-smoke

bench: venv system-deps
	bash scripts/with-postgres.sh $(BIN)/python -m bench

clean:
	rm -rf $(VENV) db.sqlite3* private staticfiles
