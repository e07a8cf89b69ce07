# Two commands do everything on a machine with only Python 3.11+:
#   make run    install, migrate a SQLite file, load the demo data if empty, serve on :8000
#   make test   install, lint and type-check, install Chromium for the dashboard's browser tests
#               if it is missing, then run the whole suite (again on PostgreSQL when
#               TEST_POSTGRES_URL is set)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two locks, both made from pyproject.toml by `make lock`: requirements.txt pins what the service
# runs on (the image installs it alone); requirements-dev.txt adds the test extra, constrained
# by the first so every package shared by both has the same version.
LOCKS  := requirements.txt requirements-dev.txt
STAMP  := $(VENV)/.installed-$(shell cat $(LOCKS) pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run check browser test test-sqlite test-postgres bench bench-latency wrk bench-load bench-throughput bench-dashboard bench-imports lock clean

install: $(STAMP)

$(STAMP): $(LOCKS) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	$(BIN)/occupancy migrate
	$(BIN)/occupancy demo --if-empty
	$(BIN)/occupancy serve --host $(HOST) --port $(PORT)

# Lint, format and strict type checks: the same in CI as on a laptop.
check: install
	@echo "== ruff, ruff format, mypy --strict, hadolint"
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

# The dashboard's tests drive Debian's Chromium (tests/test_dashboard.py); browsers cannot be
# downloaded here, so it comes from the Debian package. Without it (no root, no apt) they skip,
# saying why; .ci/run insists on it.
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  echo "== installing Chromium (Debian package) for the dashboard's browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "could not install Chromium: tests/test_dashboard.py will be skipped"; \
	}

test: install check browser test-sqlite
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else \
	  echo "TEST_POSTGRES_URL is not set: the suite ran on SQLite only"; \
	fi

test-sqlite: install
	@echo "== test suite on SQLite"
	TEST_DATABASE_URL= $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== test suite on PostgreSQL"
	TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything in one run: latency against the best SQL (bench.run; BENCH_ARGS, e.g. --postgres
# URL), then requests per second against the bare ASGI floor and Datasette (bench.throughput,
# SQLite; THROUGHPUT_ARGS).
bench: install $(DATASETTE) wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.throughput --datasette $(DATASETTE) $(THROUGHPUT_ARGS)

bench-latency: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Requests per second with wrk: the service beside a bare ASGI app and Datasette (same data).
DATASETTE := .venv-datasette/bin/datasette
$(DATASETTE):
	$(PYTHON) -m venv .venv-datasette
	.venv-datasette/bin/python -m pip install --quiet --disable-pip-version-check datasette==0.65.5

wrk:
	@command -v wrk >/dev/null || { echo "installing wrk (Debian package)"; apt-get install -y -qq wrk; }

bench-throughput: install $(DATASETTE) wrk
	$(BIN)/python -m bench.throughput --datasette $(DATASETTE) $(THROUGHPUT_ARGS)

# The dashboard in Chromium: first render and bytes transferred (bench/dashboard.py).
bench-dashboard: install browser
	$(BIN)/python -m bench.dashboard $(BENCH_ARGS)

# Spreadsheet imports: 2,000 zones, then 10k/20k/40k projects, dry run and real, beside the floor.
bench-imports: install
	$(BIN)/python -m bench.imports $(BENCH_ARGS)

# Write bursts (1/2/4 workers), keep-alive latency, the cost of SQLite's synchronous=FULL,
# one write's cost against the leases its zone already holds.
bench-load: install
	$(BIN)/python -m bench.load $(BENCH_ARGS)

# Re-pin dependencies after changing pyproject.toml: the runtime lock first, then the
# development lock constrained by it. Pins already in the locks are kept when they still
# satisfy pyproject.toml, so the same inputs give the same locks; `make lock LOCK_ARGS=--upgrade`
# moves everything to the newest versions allowed. Made with the image's Python (3.11).
LOCK_PYTHON ?= python3.11
LOCK_VENV   := .venv-lock
PIP_TOOLS   := pip-tools==7.6.2
COMPILE     := CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
               --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

lock:
	$(LOCK_PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$(PIP_TOOLS)"
	$(COMPILE) -o requirements.txt pyproject.toml
	$(COMPILE) --extra test --constraint requirements.txt -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) $(LOCK_VENV) build *.egg-info .pytest_cache
