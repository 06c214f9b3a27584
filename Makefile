# Qiyue: `make run` serves the demo on http://127.0.0.1:8000 (SQLite); `make test` runs the whole suite.
# `make lint` runs ruff, the import contract (pyproject.toml [tool.importlinter]), the migrations check and check --deploy.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development runs with DEBUG on unless the caller says otherwise.
DEV_ENV := DEBUG=$${DEBUG:-1}
# Production-like environment for `check --deploy` (PostgreSQL, as in production; `check` connects to no database).
DEPLOY_ENV := DEBUG=0 SECRET_KEY=lint-only-$$(printf '%064d' 0 | tr 0 q)-not-a-real-secret ALLOWED_HOSTS=qiyue.example.cn \
	DATABASE_URL=postgres://qiyue@127.0.0.1:5432/qiyue

.PHONY: run test lint bench venv migrate demo translations messages format clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

translations: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py compile_translations

migrate: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_regions
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

run: translations demo
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the .po catalogues from the sources (needs GNU gettext's xgettext).
messages: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l en -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests --ignore=bench

bench: translations
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
