# IMPOR — the two commands that matter: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: demo test lint format bench load install clean vendor messages screenshots adr

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "IMPOR needs Python 3.11 or newer"'
	@$(PYTHON) -m venv $(VENV) || { echo "Creating a virtual environment failed; on Debian: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Start IMPOR with the demo municipality (computed) on SQLite at http://$(HOST)/, with the task worker
demo: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "IMPOR draait op http://$(HOST)/ — log in als 'programma' (of admin, riolering, beleid,"
	@echo "lezer, enexis, vechthorst) met wachtwoord 'impor-demo'. De taakwerker draait mee,"
	@echo "zodat 'Berekenen' in de browser rekent. Stoppen (server en werker): Ctrl+C."
	@echo ""
	BIN=$(BIN) HOST=$(HOST) tools/demo.sh

## Run the whole test suite on every core (DATABASE_URL selects PostgreSQL); a module's
## tests stay on one worker, so a module-scoped browser or demo fixture is built once
test: $(STAMP)
	$(BIN)/pytest -n auto --dist loadscope

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=true $(BIN)/mypy

## Lint the OpenAPI document with the NL API Design Rules as the national API register does
## (Spectral, tools/spectral/adr.yaml; `npm ci --prefix tools/spectral --ignore-scripts` first); fails on errors
SPECTRAL := tools/spectral/node_modules/.bin/spectral
adr: $(STAMP)
	@test -x $(SPECTRAL) || { echo "Spectral is missing: npm ci --prefix tools/spectral --ignore-scripts"; exit 1; }
	@mkdir -p var
	DEBUG=true $(BIN)/python manage.py spectacular --format openapi-json --fail-on-warn --file var/openapi.json
	$(SPECTRAL) lint --ruleset tools/spectral/adr.yaml --fail-severity error var/openapi.json

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Print the benchmark figures (seconds, rows/s, peak memory); not part of CI
bench: $(STAMP)
	DEBUG=true $(BIN)/python benchmarks/run.py

## 50 users for 2 minutes against gunicorn + two db_workers on 127.0.0.1 (docs/load.md);
## LOAD_USERS and LOAD_DURATION override; fails when any request failed
load: $(STAMP)
	$(BIN)/pip install --quiet -e '.[load]'
	$(BIN)/python benchmarks/load/run.py

## Refresh static/vendor/ from the pinned npm packages in frontend/ (needs node and npm;
## the copied files are committed, so running IMPOR never needs npm). See docs/frontend.md.
NPM_DIR := frontend/node_modules
VENDOR := static/vendor
vendor:
	cd frontend && npm ci --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet/images $(VENDOR)/proj4 $(VENDOR)/proj4leaflet \
		$(VENDOR)/htmx $(VENDOR)/utrecht $(VENDOR)/voorbeeld-design-tokens $(VENDOR)/leaflet-geoman
	cp $(NPM_DIR)/leaflet/dist/leaflet.js $(NPM_DIR)/leaflet/dist/leaflet.js.map $(NPM_DIR)/leaflet/dist/leaflet.css $(NPM_DIR)/leaflet/LICENSE $(VENDOR)/leaflet/
	cp $(NPM_DIR)/leaflet/dist/images/*.png $(VENDOR)/leaflet/images/
	cp $(NPM_DIR)/proj4/dist/proj4.js $(NPM_DIR)/proj4/LICENSE.md $(VENDOR)/proj4/
	cp $(NPM_DIR)/proj4leaflet/src/proj4leaflet.js $(NPM_DIR)/proj4leaflet/LICENSE $(VENDOR)/proj4leaflet/
	cp $(NPM_DIR)/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js \
		$(NPM_DIR)/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js.map \
		$(NPM_DIR)/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css \
		$(NPM_DIR)/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css.map \
		$(NPM_DIR)/@geoman-io/leaflet-geoman-free/LICENSE $(VENDOR)/leaflet-geoman/
	cp $(NPM_DIR)/htmx.org/dist/htmx.min.js $(NPM_DIR)/htmx.org/LICENSE $(VENDOR)/htmx/
	cp $(NPM_DIR)/@utrecht/component-library-css/dist/index.css $(VENDOR)/utrecht/component-library.css
	cp $(NPM_DIR)/@utrecht/component-library-css/dist/html.css $(VENDOR)/utrecht/html.css
	cp $(NPM_DIR)/@utrecht/component-library-css/LICENSE.md $(VENDOR)/utrecht/
	cp $(NPM_DIR)/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css \
		$(NPM_DIR)/@nl-design-system-unstable/voorbeeld-design-tokens/LICENSE.md $(VENDOR)/voorbeeld-design-tokens/

## Collect the Dutch source strings into locale/en/ and compile the translations (needs gettext)
messages: $(STAMP)
	DEBUG=true $(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=frontend --ignore=staticfiles
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv
	@echo "Translate the empty msgstr entries in locale/en/LC_MESSAGES/django.po, then run make messages again."

## Photograph the dashboard, an area page and the Gantt into docs/screenshots/ (needs chromium)
screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache .ruff_cache .mypy_cache
