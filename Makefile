# Imogen: `make run` sets everything up and starts the app; `make test` sets everything up and runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: run dev test test-fast test-slow test-postgres lint bench prepare system-deps clean help

help:
	@echo "make run        set up (venv, packages, database, static files) and start web + worker + broker (DEBUG off)"
	@echo "make dev        the same with DEBUG=1 (Django's debug pages, static files straight from the source)"
	@echo "make test       set up and run the whole test suite (with ruff)"
	@echo "make test-slow  the long fault-tolerance tests"
	@echo "make bench      the benchmarks under bench/"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

system-deps:
	@scripts/system-deps.sh

# Browser-test tools from npm (axe-core for the accessibility sweep); without npm that sweep is skipped.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "[imogen] npm is missing: the accessibility sweep (axe-core) is skipped"; fi

prepare:
	@command -v msgfmt >/dev/null && $(PY) manage.py compilemessages -v0 --ignore=.venv || echo "[imogen] gettext (msgfmt) missing: pages stay in English. apt-get install gettext to get Korean."
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v0

# `make run` serves as a real site would: DEBUG off (friendly 404/500 pages, static files by whitenoise), a secret key
# made once and kept in var/secret_key. `DEBUG=1 make run` or `make dev` for the debug pages.
run: export DEBUG ?= 0
run: export IMOGEN_SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key
run: $(VENV)/.run-deps
	@scripts/system-deps.sh run
	@$(MAKE) --no-print-directory prepare
	$(PY) manage.py serve

dev:
	@DEBUG=1 $(MAKE) --no-print-directory run

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

PG_URL ?= postgres://postgres@127.0.0.1:5432/imogen
PG_UP  := $(PY) -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1',5432)))"

test: $(VENV)/.test-deps system-deps node_modules/.installed
	$(BIN)/ruff check .
	@$(MAKE) --no-print-directory prepare
	$(PY) -m pytest
	@if $(PG_UP) 2>/dev/null; then echo "[imogen] PostgreSQL run (tests marked postgres) against $(PG_URL)"; \
	  DATABASE_URL=$(PG_URL) $(PY) -m pytest -m postgres -q; \
	else echo "[imogen] No PostgreSQL on 127.0.0.1:5432: skipping the PostgreSQL run (make test-postgres)"; fi

test-fast: $(VENV)/.test-deps
	$(PY) -m pytest -m "not browser and not slow"

test-slow: $(VENV)/.test-deps system-deps node_modules/.installed
	$(PY) -m pytest -m slow --run-slow

test-postgres: $(VENV)/.test-deps system-deps
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m postgres

bench: $(VENV)/.test-deps
	@ls bench/*.py | sed 's/^/  /'; echo "Run one: $(PY) bench/<name>.py --help"

clean:
	rm -rf $(VENV) staticfiles var
