# Two commands do everything on a fresh machine with only Python 3.11: `make run`, `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

# The local demo switches the staff second factor off (the UI shows a banner saying so);
# `STAFF_2FA_REQUIRED=true make run` tries the real login with an authenticator app.
STAFF_2FA_REQUIRED ?= false

.PHONY: run serve test lint messages clean-var help

help:
	@echo "make run   - install, migrate, load demo data, start web + worker + beat on http://127.0.0.1:8000"
	@echo "make test  - install and run the whole test suite"
	@echo "make lint  - ruff"
	@echo "make messages - refresh and compile the translation catalogues (needs GNU gettext)"
	@echo "make clean-var - delete the local demo data under var/ (database, mail, uploads)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.local-installed: requirements.txt requirements-local.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-local.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-local.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.local-installed

# Without DATABASE_URL both run on an embedded PostgreSQL from the virtualenv (pgserver):
# `make run` keeps its data in var/postgres, `make test` starts a throw-away one. Either stops
# its server when it ends. With DATABASE_URL set, that server is used and nothing is started.
EMBEDDED_PG := $(BIN)/python tools/embedded_postgres.py

run: $(VENV)/.local-installed
	@$(EMBEDDED_PG) --data var/postgres -- $(MAKE) --no-print-directory serve

serve: export STAFF_2FA_REQUIRED := $(STAFF_2FA_REQUIRED)
serve:
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "=================================================================="
	@echo " Balikpapan KLA is starting on  http://127.0.0.1:8000"
	@echo " Staff login:                   http://127.0.0.1:8000/akun/masuk/"
	@echo "   e.g. petugas / Demo-KLA-2026 (other accounts listed above)"
	@echo " Emails that would be sent:     var/mail/"
	@echo " Stop everything with Ctrl-C."
	@echo "=================================================================="
	@# Ctrl-C is how the demo ends: honcho's 130 is not an error.
	$(BIN)/honcho -f Procfile.dev start || [ $$? -eq 130 ]

test: $(VENV)/.dev-installed
	@$(EMBEDDED_PG) --temporary -- $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

messages: $(VENV)/.dev-installed
	$(BIN)/python manage.py makemessages --locale id --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

# Deletes the local demo: its database, mail, uploads and broker files. Not while `make run` runs.
clean-var:
	@if [ -f var/postgres/postmaster.pid ] && kill -0 "$$(head -n 1 var/postgres/postmaster.pid)" 2>/dev/null; then \
	  echo "The demo's PostgreSQL is running: stop \`make run\` (Ctrl-C) first."; exit 1; fi
	rm -rf var/
	@echo "var/ removed: the next \`make run\` starts with fresh demo data."

# Benchmarks (bench/README.md): need PostgreSQL, Redis and wrk (Debian package). `make bench` takes
# about 15 minutes and writes bench/results/; `make bench-smoke` takes about a minute and writes to a
# temporary directory. BENCH_POSTGRES, BENCH_REDIS_URL and BENCH_ARGS (e.g. --reuse-data) adjust them.
.PHONY: bench bench-smoke
bench: $(VENV)/.local-installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-smoke: $(VENV)/.local-installed
	$(BIN)/python bench/run.py --smoke --out "$$(mktemp -d)" $(BENCH_ARGS)
