# Two commands on a fresh machine: `make run` (install, migrate, demo content, serve on
# http://127.0.0.1:5000) and `make test` (install, then the whole suite on SQLite and PostgreSQL,
# then schemathesis against the live API).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed
#: the PostgreSQL server the second test run uses; each run makes and drops its own database
TEST_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=
#: seconds of generated API requests in test-fuzz (setup and start-up add ~40 s)
FUZZ_MAX_TIME ?= 60

.PHONY: install run test test-sqlite test-postgres test-fuzz bench serve-production api-docs

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) govwiki demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: test-sqlite test-postgres test-fuzz

test-sqlite: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	GOVWIKI_TEST_POSTGRES=$(TEST_POSTGRES) $(PY) -m pytest $(PYTEST_ARGS)

# schemathesis against a live server on 127.0.0.1 (PostgreSQL, the stricter database): no 500s,
# responses as govwiki/api/openapi.py documents them. See .ci/fuzz_api.py.
test-fuzz: install
	$(PY) .ci/fuzz_api.py --postgres $(TEST_POSTGRES) --max-time $(FUZZ_MAX_TIME)

#: rewrite the generated route table of docs/API.md from the OpenAPI document
api-docs: install
	$(PY) -m govwiki.api.reference

bench: install
	$(PY) bench/run_all.py

serve-production: install
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn --config gunicorn.conf.py app:app
