# The README's commands. `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve worker install browser-deps client-deps graphql-client-deps python-client migrate setup test lint format check pytest pytest-plugin pytest-demo test-browser audit dist matrix host-check bench bench-scale bench-import bench-embargo bench-renditions fuzz soak backup restore clean

# The virtualenv, with the plugin installed from this checkout in editable mode (the first
# line of requirements.txt), so the demo site uses it exactly as a host does.
$(BIN)/activate: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

# axe-core for the browser tests' accessibility audit, the Nu Html Checker (vnu-jar; run with
# the machine's Java 17, its Java download script is not run) and Lighthouse (run with
# Debian's Chromium), from the npm registry (package-lock.json).
# Runs `npm ci` only when the lock file changed, so repeating it costs nothing.
AXE_JS := tests/browser/node_modules/axe-core/axe.min.js
browser-deps: $(AXE_JS)

$(AXE_JS): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund
	touch $(AXE_JS)

# The API clients' tools (tests/plugin/test_generated_clients.py): Redocly, openapi-typescript,
# openapi-fetch and TypeScript from the npm registry (tests/clients/package-lock.json).
CLIENT_TOOLS := tests/clients/node_modules/.bin/openapi-typescript
client-deps: $(CLIENT_TOOLS)

$(CLIENT_TOOLS): tests/clients/package.json tests/clients/package-lock.json
	npm ci --prefix tests/clients --no-audit --no-fund
	touch $(CLIENT_TOOLS)

# The GraphQL client's tools (tests/plugin/test_graphql_client.py): graphql-codegen's client
# preset and TypeScript from the npm registry (tests/graphql-client/package-lock.json).
GRAPHQL_CLIENT_TOOLS := tests/graphql-client/node_modules/.bin/graphql-codegen
graphql-client-deps: $(GRAPHQL_CLIENT_TOOLS)

$(GRAPHQL_CLIENT_TOOLS): tests/graphql-client/package.json tests/graphql-client/package-lock.json
	npm ci --prefix tests/graphql-client --no-audit --no-fund
	touch $(GRAPHQL_CLIENT_TOOLS)

# The official Python client (clients/python/README.md): film_reviews_client generated from a
# running site's OpenAPI document (`make run` in another terminal, or OPENAPI_URL=...), with
# the templates that make openapi-python-client's models parse a review; then
# `pip install ./clients/python`.
OPENAPI_URL ?= http://$(HOST):$(PORT)/api/v3/openapi.json
python-client: install
	$(PY) clients/python/generate.py --url $(OPENAPI_URL)

migrate: install
	$(PY) manage.py migrate --noinput

setup: migrate
	$(PY) manage.py setup_site --hostname $(HOST) --port $(PORT)
	$(PY) manage.py make_demo_posters

# The development server and the task worker (scripts/run.sh): one Ctrl-C stops both.
run: setup
	PY=$(PY) HOST=$(HOST) PORT=$(PORT) scripts/run.sh

# The task worker alone (scheduled go-live and expiry, webhooks, large imports).
worker: install
	PY=$(PY) scripts/worker.sh

serve: install
	PY=$(PY) scripts/serve.sh

# schemathesis, all phases, against a live gunicorn (production settings) on SQLite and on
# PostgreSQL database FUZZ_PG_DB (created and dropped); fails on any 5xx or under 15,000
# requests per database (scripts/fuzz.py). Not part of `make test`: a few minutes each.
FUZZ_PG_DB ?= fuzz
fuzz: install
	FUZZ_PG_DB=$(FUZZ_PG_DB) $(PY) scripts/fuzz.py

# Load with faults (not part of `make test`): gunicorn on PostgreSQL `soak` and Redis DB 3
# under wrk while a writer publishes; PostgreSQL restarted and Redis stopped unless FAULTS=0.
FAULTS ?= 1
SOAK_SECONDS ?= 60
soak: install
	$(PY) bench/soak.py --faults $(FAULTS) --duration $(SOAK_SECONDS)

backup: install
	$(PY) manage.py backup_site $(if $(OUTPUT),--output $(OUTPUT),)

restore: install
	@test -n "$(ARCHIVE)" || (echo "usage: make restore ARCHIVE=backups/reviewsite-....tar.gz" && exit 2)
	$(PY) manage.py restore_site $(ARCHIVE)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Both the demo site and the plugin's test project (a host of its own) must pass the checks.
check: install
	DJANGO_SETTINGS_MODULE=reviewsite.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=reviewsite.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tests.testproject.settings $(PY) -m django check
	DJANGO_SETTINGS_MODULE=tests.testproject.settings $(PY) -m django makemigrations --check --dry-run

# The plugin's suite on its own test project, then the demo site's (browser tests included).
pytest: pytest-plugin pytest-demo

pytest-plugin: install client-deps graphql-client-deps
	$(BIN)/pytest tests/plugin $(PYTEST_ARGS)

pytest-demo: install browser-deps
	$(BIN)/pytest --ds=reviewsite.settings.test tests/demo tests/browser $(PYTEST_ARGS)

test: lint check pytest

test-browser: install browser-deps
	$(BIN)/pytest --ds=reviewsite.settings.test tests/browser $(PYTEST_ARGS)

# Benchmarks (bench/run.py): each page against the stock build of the same reviews
# (bench/stockbuild), in process on SQLite and PostgreSQL at 1,000 and 10,000 reviews, then
# the served site under wrk: about an hour; BENCH_QUICK=1 for 100 and 1,000 (about 15 min).
bench: install
	BENCH_QUICK=$(BENCH_QUICK) PY=$(abspath $(PY)) $(PY) bench/run.py

# 100,000 reviews (1,000,000 credits, 150,000 people) on PostgreSQL against 1,000
# (bench/scale.py): every page, search under load, a publish until its pages are fresh, the
# importer; bench/scale-results.md. The catalogue is written in bulk (tens of minutes in all).
bench-scale: install
	PY=$(abspath $(PY)) $(PY) bench/scale.py $(if $(SCALE_SIZE),--size $(SCALE_SIZE),)

bench-import: install
	$(PY) bench/import_bench.py

# How late 20 scheduled reviews go live under `make run`'s stack (median and worst).
bench-embargo: install
	$(PY) bench/embargo.py

# The reader pages under the production serving command (scripts/serve.sh) on throwaway demo
# data: the Nu Html Checker (0 errors), extruct (Review, Person author, reviewRating,
# sameAs), Lighthouse (>= 95 in every category, mobile and desktop), posters served.
audit: install browser-deps
	PY=$(abspath $(PY)) $(PY) scripts/audit_pages.py

# The renditions of the largest poster the demo accepts (WAGTAILIMAGES_MAX_IMAGE_PIXELS).
bench-renditions: install
	$(PY) bench/renditions.py

# The plugin's distribution: sdist and wheel in dist/, checked (metadata, and what the wheel
# holds: templates, static files and migrations, and nothing of the demo).
dist: install
	rm -rf dist build
	$(PY) -m build --outdir dist . >/dev/null
	rm -rf build
	$(BIN)/twine check --strict dist/*
	$(BIN)/pytest tests/packaging -q -p no:cacheprovider

# A stock `wagtail start` site with the plugin (the wheel in dist/ when built), checked end to end.
host-check: install
	$(PY) scripts/host_check.py

# The plugin's suite across the supported Django versions (noxfile.py), on SQLite;
# MATRIX_SESSIONS picks cells, e.g. MATRIX_SESSIONS="plugin(django-6.0) plugin(django-6.1)".
MATRIX_SESSIONS ?= plugin
matrix: install
	$(BIN)/nox --no-color -s $(foreach session,$(MATRIX_SESSIONS),'$(session)')

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .nox build dist *.egg-info
