# The two commands: `make run` and `make test`. Everything else here serves them.
PORT ?= 8000
# Links in emails (built by the worker, which has no request) point at the port being served,
# unless CLINIC_BASE_URL is set in the environment or on the command line.
CLINIC_BASE_URL ?= http://127.0.0.1:$(PORT)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test install install-dev migrate lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	$(PY) manage.py migrate --noinput

# Web server, Celery worker and Celery beat under one supervisor: one Ctrl-C stops all three.
run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_billing_demo
	@echo ""
	@echo "Meso Clinic is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server, worker and beat)"
	@echo ""
	PORT=$(PORT) CLINIC_BASE_URL=$(CLINIC_BASE_URL) $(VENV)/bin/honcho --no-colour -f Procfile.dev start

lint: install-dev
	$(VENV)/bin/ruff check .

test: install-dev lint
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
