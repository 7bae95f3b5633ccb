# Complaint-handling workflow platform. Two commands matter: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PYTHONPATH := $(CURDIR)

.PHONY: run test lint bench venv clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

## make run: set up from nothing (venv, database, processes, demo users) and serve on 127.0.0.1:$(PORT)
run: venv
	mkdir -p instance
	DEMO_DATA=$${DEMO_DATA:-1} $(BIN)/flask --app app:create_app setup
	DEMO_DATA=$${DEMO_DATA:-1} $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 1 --threads 8 \
		--access-logfile - wsgi:app

## make test: the whole suite (SQLite; TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)
test: venv
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
