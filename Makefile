# IMPOR — the two commands that matter: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: demo test lint format bench install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "IMPOR needs Python 3.11 or newer"'
	@$(PYTHON) -m venv $(VENV) || { echo "Creating a virtual environment failed; on Debian: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Start IMPOR with the demo municipality on SQLite at http://$(HOST)/
demo: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "IMPOR draait op http://$(HOST)/ — log in als 'programma' (of admin, riolering, beleid,"
	@echo "lezer, enexis, vechthorst) met wachtwoord 'impor-demo'. Stoppen: Ctrl+C."
	@echo ""
	DEBUG=true $(BIN)/python manage.py runserver $(HOST)

## Run the whole test suite (DATABASE_URL selects PostgreSQL)
test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Print the benchmark figures (seconds, rows/s, peak memory); not part of CI
bench: $(STAMP)
	DEBUG=true $(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache .ruff_cache
