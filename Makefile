# Telemedical API — developer commands. `make help` lists them.
#
# Everything runs from the project's own virtualenv (.venv), created on first use. The install is
# redone only when pyproject.toml changes (stamp: .venv/.installed).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PYTEST_ARGS ?=
# The server the PostgreSQL test run creates (and drops) its throw-away databases on.
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
SPEC := openapi/v1.json
# bench/ may not exist yet; lint what is there.
LINT_PATHS := api tests $(wildcard bench) scripts
# The server `make run` starts: `telemedical run` (granian), as in production (see Dockerfile), on the default
# ISSUER's address.
SERVE ?= $(BIN)/telemedical run --host 127.0.0.1 --port 8000 --workers 2

# A .venv copied from another checkout (`cp -r`) keeps that checkout's absolute paths in its scripts: its
# pip would install into, and its tools run, the other checkout's environment. Start such a .venv afresh.
ifneq ($(wildcard $(BIN)/pip),)
ifneq ($(realpath $(dir $(shell head -n1 $(BIN)/pip | cut -c3-))),$(realpath $(BIN)))
$(info $(VENV) was created for another directory: recreating it)
$(shell rm -rf $(VENV))
endif
endif

.DEFAULT_GOAL := help
.PHONY: help install run test test-postgres lint spec spec-check bench

help:
	@echo "make run            migrate + seed the SQLite demo database, then serve on http://127.0.0.1:8000"
	@echo "make test           run the whole test suite (SQLite, 2 workers)"
	@echo "make test-postgres  the same on PostgreSQL ($(TEST_POSTGRES_URL))"
	@echo "make lint           ruff check, ruff format --check, mypy"
	@echo "make spec           regenerate $(SPEC) from the code"
	@echo "make spec-check     fail if $(SPEC) is stale; lint it with Spectral"
	@echo "make install        create .venv and install the project with its dev extras"
	@echo "make bench          the service under load (wrk) against its stack's ceilings, and matching, on PostgreSQL"
	@echo "make soak           a few minutes of mixed load at half the peak: errors, memory, connections (~5 min)"
	@echo "make fuzz           contract fuzzing: Schemathesis against the live server on PostgreSQL (~4 min)"
	@echo "make crowd          50 clients writing at once on SQLite and PostgreSQL: zero 5xx, invariants (~1 min)"
	@echo "make sdk            regenerate the Python and TypeScript SDKs in clients/ from $(SPEC) and build them"
	@echo "make sdk-consumers  install the built SDKs into fresh strict projects; run the quickstarts (~1 min)"
	@echo "make docs           build the partner docs site into site/ (MkDocs, --strict: a broken link fails)"
	@echo "make postman        regenerate the Postman collection in clients/postman/ from $(SPEC)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e ".[dev]"
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/telemedical db upgrade
	$(BIN)/telemedical seed-demo
	@echo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop). Get a token with:"
	@echo "  curl -s -u cli_demo_portal:demo-portal-secret -d grant_type=client_credentials http://127.0.0.1:8000/oauth/token"
	@echo "API docs: http://127.0.0.1:8000/v1/docs"
	@echo "Webhooks: a worker runs beside the server and delivers them; receivers on this machine"
	@echo "  (http://127.0.0.1:<port>/...) are allowed: WEBHOOK_ALLOW_LOOPBACK=1, a development setting only."
	@echo
	@# The worker lives as long as the server: stopped with it (Ctrl-C, or a signal to the group).
	export WEBHOOK_ALLOW_LOOPBACK=1; $(BIN)/telemedical worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE)

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider --durations=10 $(PYTEST_ARGS)

test-postgres: $(STAMP) $(NODE_STAMP)
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider --durations=10 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy api

spec: $(STAMP)
	$(BIN)/telemedical openapi write $(SPEC)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

spec-check: $(STAMP) $(NODE_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/telemedical openapi write "$$tmp/v1.json" >/dev/null && \
	if diff -u $(SPEC) "$$tmp/v1.json"; then \
		echo "$(SPEC) is up to date with the code"; \
	else \
		echo "$(SPEC) differs from the code (diff above): run 'make spec' and commit the result" >&2; exit 1; \
	fi
	npx --no-install spectral lint $(SPEC) --ruleset .spectral.yaml --fail-severity error

# The service over HTTP against its stack's ceilings (wrk, PostgreSQL), then matching at 10,000 and 100,000
# providers on the same PostgreSQL server (bench/README.md).
BENCH_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
bench: $(STAMP)
	$(BIN)/python bench/load.py --server $(BENCH_POSTGRES_URL)
	$(BIN)/python bench/matching.py --database-url $(BENCH_POSTGRES_URL)
	$(BIN)/python bench/outcomes.py --database-url $(BENCH_POSTGRES_URL)
	$(BIN)/python bench/audit_scale.py --server $(BENCH_POSTGRES_URL)

# A bounded mixed workload at half its measured peak, on PostgreSQL with Redis and a worker (bench/README.md).
SOAK_ARGS ?=
.PHONY: soak
soak: $(STAMP)
	$(BIN)/python bench/soak.py --server $(BENCH_POSTGRES_URL) $(SOAK_ARGS)

# Contract fuzzing (tests/contract/README.md): a throw-away PostgreSQL database on $(TEST_POSTGRES_URL), the
# server as production runs it, Schemathesis with every phase and check. FUZZ_ARGS, e.g. --max-time 60 --keep.
FUZZ_ARGS ?=
# The SDKs (clients/README.md), generated from the committed spec and committed themselves, then built into
# packages (not committed): clients/python/dist/*.whl and clients/typescript/dist/ (+ its npm pack tarball).
# sdk-check (CI) regenerates them and fails on any difference; sdk-consumers (CI) installs the built packages
# into fresh strict projects and runs the quickstarts from them against a live server (after make sdk).
.PHONY: sdk sdk-check sdk-consumers
sdk: $(STAMP) $(NODE_STAMP)
	rm -rf clients/python
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/openapi-python-client generate --path $(SPEC) --output-path clients/python \
		--config clients/python-config.yaml --meta uv --custom-template-path clients/python-templates
	cp clients/helpers/auth.py clients/helpers/runtime.py clients/helpers/webhooks.py clients/python/telemedical_api_client/
	$(BIN)/python scripts/sdk_webhook_events.py $(SPEC) clients/python/telemedical_api_client/webhook_events.py
	$(BIN)/mypy --strict --no-incremental --config-file /dev/null clients/python/telemedical_api_client
	$(BIN)/python -m pip wheel --disable-pip-version-check -q --no-deps -w clients/python/dist clients/python
	rm -rf clients/typescript/src/gen clients/typescript/dist
	cd clients/typescript && ../../node_modules/.bin/openapi-ts -f openapi-ts.config.mjs --no-log-file --silent
	cp clients/helpers/auth.ts clients/helpers/runtime.ts clients/helpers/webhooks.ts clients/typescript/src/
	node_modules/.bin/tsc -p clients/typescript/tsconfig.json
	cd clients/typescript && npm pack --silent --pack-destination dist >/dev/null

sdk-check: sdk
	@if [ -n "$$(git status --porcelain -- clients)" ]; then \
		git status --porcelain -- clients | head -20; \
		echo "clients/ differs from what make sdk generates from $(SPEC): run make sdk and commit"; exit 1; fi
	@echo "clients/ is what make sdk generates; mypy --strict and tsc (NodeNext, dist/) pass"

sdk-consumers: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/sdk_consumers.py

# Every shell command of README.md, run as written in one shell against `make run` (scripts/readme_check.py).
.PHONY: readme-check
readme-check: $(STAMP)
	$(BIN)/python scripts/readme_check.py

# The partner docs site (mkdocs.yml, docs/, scripts/docs_site.py): built into site/ (git-ignored) with
# --strict, so a broken link or a missing include fails; CI builds it, tests/browser renders it offline.
.PHONY: docs
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --clean --quiet
	@echo "site/ built: open site/index.html, or python3 -m http.server -d site"

# The Postman collection, generated from the committed spec (scripts/postman.mjs) and committed;
# postman-check (CI) regenerates it and fails on any difference.
POSTMAN := clients/postman/telemedical-api.postman_collection.json
.PHONY: postman postman-check
postman: $(NODE_STAMP)
	node scripts/postman.mjs $(SPEC) $(POSTMAN)

postman-check: $(NODE_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	node scripts/postman.mjs $(SPEC) "$$tmp/collection.json" && \
	if diff -q $(POSTMAN) "$$tmp/collection.json" >/dev/null; then \
		echo "$(POSTMAN) is what make postman generates from $(SPEC)"; \
	else \
		diff -u $(POSTMAN) "$$tmp/collection.json" | head -40; \
		echo "$(POSTMAN) differs from $(SPEC) (diff above): run make postman and commit" >&2; exit 1; \
	fi

.PHONY: fuzz
fuzz: $(STAMP)
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m tests.contract.fuzz $(FUZZ_ARGS)

# A crowd of 50 clients writing at once against the live server, on SQLite and on PostgreSQL
# (tests/contract/crowd.py): zero 5xx, no unhandled error logged, the invariants hold. CROWD_ARGS, e.g.
# --seconds 30.
CROWD_ARGS ?= --clients 50 --seconds 15
.PHONY: crowd
crowd: $(STAMP)
	$(BIN)/python -m tests.contract.crowd --database sqlite $(CROWD_ARGS)
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m tests.contract.crowd --database postgresql $(CROWD_ARGS)
