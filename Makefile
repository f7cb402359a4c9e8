# The two commands: `make run` (set up everything, start the app) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
export ECABINET_HOST ?= 127.0.0.1
export ECABINET_PORT ?= 5000

.PHONY: run test setup lint bench format clean system-deps fuzz scaleout lock

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -c constraints.txt -e '.[test,eventlet]'
	touch $@

# constraints.txt anew: the newest releases pyproject.toml admits, resolved in a scratch venv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q --upgrade pip && .lock-venv/bin/pip install -q '.[test,eventlet]'
	{ sed -n '1,3p' constraints.txt; .lock-venv/bin/pip freeze --exclude ecabinet; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .lock-venv build

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.installed: node_modules/.installed scripts/vendor-assets.sh
	bash scripts/vendor-assets.sh
	touch $@

system-deps:
	bash scripts/system-deps.sh

setup: system-deps $(VENV)/.installed static/vendor/.installed

# The demo PKI (OCSP, CRLs, time stamps) runs beside the app: signing is refused without it.
run: setup
	$(FLASK) cabinet init
	@$(FLASK) cabinet pki serve & pki=$$!; trap 'kill $$pki 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) cabinet pki wait --timeout 60 && \
	  $(FLASK) cabinet seed-demo --save-logins && $(FLASK) cabinet demo-logins && \
	  echo "Open http://$(ECABINET_HOST):$(ECABINET_PORT)/ in a browser." && $(PY) app.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	bash scripts/check-sizes.sh

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: setup lint
	$(VENV)/bin/pytest
	@if [ -n "$$ECABINET_TEST_DATABASE_URL" ]; then \
	  echo "== the suite on PostgreSQL ($$ECABINET_TEST_DATABASE_URL), but the browser tests =="; \
	  ECABINET_TEST_BACKEND=postgres ECABINET_TEST_BROWSERS=0 $(VENV)/bin/pytest; \
	fi

# schemathesis over /api/v1/openapi.json as the secretariat, a member and anonymous, in-process
# (offline), on PostgreSQL when ECABINET_TEST_DATABASE_URL is set; `make test` runs it short.
fuzz: setup
	@if [ -n "$$ECABINET_TEST_DATABASE_URL" ]; then export ECABINET_TEST_BACKEND=postgres; fi; \
	ECABINET_FUZZ_EXAMPLES=$${ECABINET_FUZZ_EXAMPLES:-25} $(VENV)/bin/pytest -q tests/fuzz

# Several gevent workers behind a real nginx, a private Redis, a cut-able database link and
# 120 tablets (tests/scaleout); needs ECABINET_TEST_DATABASE_URL (PostgreSQL).
scaleout: setup
	ECABINET_SCALEOUT_TIMING=1 ECABINET_TEST_BACKEND=postgres $(VENV)/bin/pytest -q -s tests/scaleout

bench: setup
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules static/vendor test-artifacts .pytest_cache .ruff_cache
