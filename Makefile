# The two commands: `make run` and `make test`. Only Python 3.11 is needed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev lint migrate screenshots bench-payments bench-billing bench-webhooks bench-dashboard clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Set up (venv, migrations, static files, the demo merchant), then web + worker + beat in the
# foreground; Ctrl-C stops all three. A development run: test-mode webhook endpoints may
# target this machine (TILL_WEBHOOK_ALLOW_LOCAL, unless set otherwise).
run: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py demo_merchant
	TILL_WEBHOOK_ALLOW_LOCAL=$${TILL_WEBHOOK_ALLOW_LOCAL:-true} $(BIN)/honcho start

# The whole suite, lint (ruff, the apps' layering) first. SQLite and eager tasks unless DATABASE_URL / REDIS_URL are set.
# Two pytest-xdist workers by default (each with its own database and Redis database).
TEST_WORKERS ?= 2
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n $(TEST_WORKERS)

# docs/screenshots/: the browser tests that save what the customer sees (those reading
# TILL_SCREENSHOTS) run once against a live server, each writing its full-page PNGs there.
# They need Debian's chromium (apt-get install chromium); without it they are skipped.
SCREENSHOT_TESTS = $(shell grep -l TILL_SCREENSHOTS tests/*/*_browser.py)

screenshots: install-dev
	mkdir -p docs/screenshots
	TILL_SCREENSHOTS=docs/screenshots $(BIN)/pytest -n $(TEST_WORKERS) $(SCREENSHOT_TESTS)

# Benchmarks (docs/performance.md): they need PostgreSQL and Redis, and make their own database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/6
BENCH_SUBSCRIPTIONS ?= 10000

bench-payments: install-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
		$(BIN)/python bench/payments_bench.py --markdown

bench-billing: install-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
		$(BIN)/python bench/billing_bench.py -n $(BENCH_SUBSCRIPTIONS) --workers 1,2 --markdown

bench-webhooks: install-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
		$(BIN)/python bench/webhooks_bench.py

# Seeds BENCH_PAYMENTS payments into the database till_bench_dashboard (kept: --reuse skips
# the seed next time) and times the dashboard's pages in-process.
BENCH_PAYMENTS ?= 1000000

bench-dashboard: install-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python bench/dashboard_bench.py --payments $(BENCH_PAYMENTS) --reuse --markdown

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var/
