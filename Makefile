# The two commands a newcomer needs:
#   make demo   install, build the SQLite database, seed a demo organisation, serve on :5000
#   make test   install, lint (ruff, the layer rules), and run the whole suite on SQLite and then PostgreSQL
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo test install assets lint test-sqlite test-postgresql browser-deps saml-deps oidc-deps

$(BIN)/lms: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/lms

install: $(BIN)/lms assets

# The SCORM runtime (scorm-again, from npm) copied into lms/static/vendor/ for the player page.
assets:
	npm ci --prefix assets --no-audit --no-fund --silent
	npm run build --prefix assets --silent

demo: install
	$(BIN)/lms demo

browser-deps:
	scripts/ensure-chromium
	npm ci --prefix tests/browser/axe --no-audit --no-fund --silent

# pysaml2's signatures need the xmlsec1 program (SAML sign-in and its tests).
saml-deps:
	scripts/ensure-xmlsec1

# The OpenID provider the OpenID Connect tests sign in through (oidc-provider, from npm).
oidc-deps:
	npm ci --prefix tests/sso/oidc_provider --no-audit --no-fund --silent

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test-sqlite: install browser-deps saml-deps oidc-deps
	TEST_DATABASE=sqlite $(BIN)/pytest

test-postgresql: install browser-deps saml-deps oidc-deps
	TEST_DATABASE=postgresql TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest

test: lint test-sqlite test-postgresql
