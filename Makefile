# HP Register: `make run` and `make test` are all a new machine needs (Python 3.11+ and make).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run bench test test-browser test-integration lint messages bench install setup clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	sh scripts/system-deps.sh
	touch $(STAMP)

install: $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loadreference
	$(PY) manage.py createdemousers

# Web server and Celery worker (with beat) together; Ctrl-C stops both.
run: setup
	@echo "HP Register on http://$(HOST):$(PORT)/  (demo users: see README.md; Ctrl-C stops)"
	$(PY) manage.py devserver $(HOST):$(PORT)

test: $(STAMP)
	$(VENV)/bin/pytest -m "not integration and not browser" -p no:cacheprovider

# Needs Debian's Chromium: apt-get install chromium chromium-driver
test-browser: $(STAMP)
	$(VENV)/bin/pytest -m browser -p no:cacheprovider tests/browser

test-integration: $(STAMP)
	$(VENV)/bin/pytest -m integration -p no:cacheprovider tests/integration

# The performance benchmark (SQLite and PostgreSQL); figures in README.md. BENCH=--small for a quick run.
bench: $(STAMP)
	$(PY) bench/run.py $(BENCH)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

messages: $(STAMP)
	$(PY) manage.py makemessages -l nb --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l nb --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
