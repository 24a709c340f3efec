# The two commands: `make demo` and `make test`. Both work from a clean clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := learnweek/static/vendor

.PHONY: demo test setup assets browser office rum lint bench serve loadtest wrk-pages serve-demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

assets: $(VENDOR)/.installed

setup: $(STAMP) assets

# The browser tests drive the system Chromium (Debian's package; Playwright downloads no browser).
# Installed when missing and apt is at hand; elsewhere those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 \
	  || (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) \
	  || echo "Chromium could not be installed: the browser tests will be skipped."

# Generated Word and Excel files (the statistics form, the drafted notice and work summary) are
# opened in LibreOffice by their tests, as an official would open them (Debian's headless Writer
# and Calc); elsewhere those checks skip and say why.
OFFICE_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui
office:
	@dpkg -s $(OFFICE_PACKAGES) >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 \
	  || (apt-get install -y -q --no-install-recommends $(OFFICE_PACKAGES) >/dev/null 2>&1 \
	      || (apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $(OFFICE_PACKAGES) >/dev/null)) \
	  || echo "LibreOffice could not be installed: the LibreOffice checks will be skipped."

demo: setup
	mkdir -p var
	$(BIN)/learnweek migrate --noinput
	$(BIN)/learnweek load-divisions
	$(BIN)/learnweek seed-campaigns
	$(BIN)/learnweek generate --campaign 2023-jilin --activities 3000 --if-empty
	$(BIN)/learnweek load-demo
	DEBUG=1 LEARNWEEK_DEMO=1 $(BIN)/learnweek runserver 127.0.0.1:8000

test: lint browser office
	$(BIN)/learnweek makemigrations --check --dry-run
	$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; exit 0; fi; exit $$rc

lint: setup
	$(BIN)/ruff check learnweek tests bench loadtest
	$(BIN)/ruff format --check learnweek tests bench loadtest
	$(BIN)/mypy

# The production stack on this machine: gunicorn, PostgreSQL, Redis, a Celery worker and beat
# (see scripts/serve and docs/deploy.md).
serve: setup
	scripts/serve

# The activity week on the public side against that stack (see scripts/loadtest and
# docs/performance.md): ACTIVITIES, RESIDENTS, USERS and DURATION can be set.
loadtest: setup
	scripts/loadtest

# The anonymous pages and the open API's search under wrk, each as a share of the static file's
# rate on the same stack (scripts/wrk-pages; needs wrk). DATABASE_URL, DURATION and PORT can be set.
wrk-pages: setup
	scripts/wrk-pages

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/learnweek_bench

# The search benchmark compares the finder with PostgreSQL's RUM index (bench/search.py): Debian's
# package for the server's version, installed when missing and apt is at hand; elsewhere RUM's
# rows are skipped and say why. The product itself needs no extension.
rum:
	@v=$$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1); [ -z "$$v" ] || dpkg -s postgresql-$$v-rum >/dev/null 2>&1 \
	  || ! command -v apt-get >/dev/null 2>&1 \
	  || (apt-get install -y -q postgresql-$$v-rum >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q postgresql-$$v-rum >/dev/null)) \
	  || echo "RUM could not be installed: the search benchmark's RUM rows will be skipped."

bench: setup rum
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='learnweek_bench'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres learnweek_bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/learnweek.sqlite3
