# The two commands of the README: `make run` (the app with the demo province) and `make test`.
# Both create the virtualenv in .venv with Python >= 3.12 when it is missing.

PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Tests need no .env: they get a throwaway key here (and never read a developer's .env secrets' values).
TEST_ENV := SECRET_KEY=test-only-not-secret DEBUG=false

.PHONY: run test venv deps dev-deps lint check-deploy screenshots

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Cần Python ≥ 3.12 (Django 6); có: " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.deps

.env:
	@sed "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|; s|^DEBUG=.*|DEBUG=true|" .env.example > .env
	@echo "Đã tạo .env (DEBUG=true, SECRET_KEY ngẫu nhiên)."

## The app with the demo province on http://127.0.0.1:8000/
run: $(VENV)/.deps .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## The whole test suite (unit, database, PDF and real-browser tests), with its coverage
test: $(VENV)/.dev-deps
	$(TEST_ENV) $(PY) -m pytest --cov --cov-report=term $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

## `manage.py check --deploy` with a production-like environment
check-deploy: $(VENV)/.deps
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') DEBUG=false \
	ALLOWED_HOSTS=thidua.example.gov.vn CSRF_TRUSTED_ORIGINS=https://thidua.example.gov.vn \
	SECURE_PROXY_SSL_HEADER=true SECURE_SSL_REDIRECT=true SECURE_HSTS_SECONDS=31536000 \
	SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true EMAIL_URL=smtp+tls://thidua@mail.example.gov.vn:587 \
	$(PY) manage.py check --deploy --fail-level WARNING

## Screenshots of the main pages for the README (taken by the browser tests from the demo data)
screenshots: $(VENV)/.dev-deps
	$(TEST_ENV) SCREENSHOTS=1 $(PY) -m pytest -m e2e tests/e2e
