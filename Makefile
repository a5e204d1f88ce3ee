# HP Register: `make run` and `make test` are all a new machine needs (Python 3.11+ and make).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve bench test test-browser test-integration lint messages bench install setup clean

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

# The production configuration locally: gunicorn (gunicorn.conf.py) with DEBUG off, static files collected
# and served by WhiteNoise, and the Celery worker and beat as processes of their own. Ctrl-C stops all three.
serve: setup
	DEBUG=0 SECRET_KEY=$${SECRET_KEY:-local-serve-only-$$(hostname)} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 OTP_REQUIRED=$${OTP_REQUIRED:-1} \
	$(PY) manage.py collectstatic --noinput -v0
	trap 'kill 0' INT TERM EXIT; \
	export DEBUG=0 SECRET_KEY=$${SECRET_KEY:-local-serve-only-$$(hostname)} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 GUNICORN_BIND=$(HOST):$(PORT); \
	$(VENV)/bin/celery -A hpregister worker --loglevel=INFO & \
	$(VENV)/bin/celery -A hpregister beat --loglevel=INFO --schedule=var/celerybeat-schedule & \
	$(VENV)/bin/gunicorn -c gunicorn.conf.py

# The suite runs on every core (pytest-xdist); each worker has its own test database.
test: $(STAMP)
	$(VENV)/bin/pytest -m "not integration and not browser" -p no:cacheprovider -n auto

# Needs Debian's Chromium: apt-get install chromium chromium-driver
test-browser: $(STAMP)
	cd tests/sso && npm ci --no-audit --no-fund --loglevel=error
	$(VENV)/bin/pytest -m browser -p no:cacheprovider -n auto tests/browser

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
