# Complaint-handling workflow platform. Two commands matter: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PYTHONPATH := $(CURDIR)

.PHONY: run test lint bench venv vendor clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

## the console's front-end packages (bpmn-js; dmn-js for the decision-table editor; Chart.js's UMD build for the reports page): pinned in package-lock.json, installed with `npm ci`,
## copied into Flask's static folder (git ignores both node_modules/ and the copy)
VENDOR := app/web/static/vendor
$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -R node_modules/bpmn-js/dist $(VENDOR)/bpmn-js
	cp -R node_modules/dmn-js/dist $(VENDOR)/dmn-js
	mkdir -p $(VENDOR)/chart.js && cp node_modules/chart.js/dist/chart.umd.js $(VENDOR)/chart.js/
	touch $@

## the analyst's modeler: our readable ES modules in app/web/static/src/modeler/ bundled by esbuild
## (bpmn-js modeler + properties panel + Camunda and spiffworkflow extensions), with the panel's CSS
MODELER_SRC := build-modeler.mjs $(wildcard app/web/static/src/modeler/*.js app/web/static/src/modeler/*.json)
$(VENDOR)/modeler/modeler.js: $(VENDOR)/.copied $(MODELER_SRC)
	mkdir -p $(VENDOR)/modeler
	node build-modeler.mjs $@
	cp node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css $(VENDOR)/modeler/

vendor: $(VENDOR)/.copied $(VENDOR)/modeler/modeler.js

## make run: set up from nothing (venv, database, processes, demo users) and serve on 127.0.0.1:$(PORT)
run: venv vendor
	mkdir -p instance
	DEMO_DATA=$${DEMO_DATA:-1} $(BIN)/flask --app app:create_app setup
	DEMO_DATA=$${DEMO_DATA:-1} $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 1 --threads 8 \
		--access-logfile - wsgi:app

## make test: the whole suite on SQLite; make test DB=postgresql: on PostgreSQL (TEST_DATABASE_URL if set,
## else a throw-away server). Installs what the tests need from Debian first (tests/setup/ensure_system.sh).
## pytest's "no tests ran" (exit 5) fails like any other failure.
DB = sqlite
PYTEST = $(BIN)/pytest -q
ON_DB_sqlite := env -u TEST_DATABASE_URL
ON_DB_postgresql := bash tests/setup/with_postgresql.sh

test: venv vendor
	@test -n "$(ON_DB_$(DB))" || { echo "make test: DB=$(DB) is neither sqlite nor postgresql" >&2; exit 2; }
	bash tests/setup/ensure_system.sh
	$(ON_DB_$(DB)) $(PYTEST)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
