#!/usr/bin/env bash
# The production configuration, booted and walked over real HTTP: gunicorn (gunicorn.conf.py) with DEBUG off on
# PostgreSQL, static files collected for WhiteNoise, a Celery worker on Redis, 2FA required. The journey itself
# is .ci/smoke.py; then schemathesis runs against the live API (.ci/schemathesis.sh). Needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379 (.ci/run checks both first).
set -euo pipefail
cd "$(dirname "$0")/.."

port=${SMOKE_PORT:-8765}
work=$(mktemp -d)
export DEBUG=0 SECRET_KEY="smoke-$(date +%s)-$RANDOM" ALLOWED_HOSTS=127.0.0.1 \
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/smoke \
  CELERY_BROKER_URL=redis://127.0.0.1:6379/5 CELERY_RESULT_BACKEND= \
  SECURE_PROXY_SSL_HEADER=1 SECURE_HSTS_SECONDS=60 OTP_REQUIRED=1 \
  STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media" HPREGISTER_VAR_DIR="$work/var" \
  EXPORT_INLINE_ROWS=1 API_TOKEN_RATE=100000/minute METRICS_TOKEN="metrics-$RANDOM" PROMETHEUS_MULTIPROC_DIR="$work/prom" \
  GUNICORN_BIND=127.0.0.1:$port GUNICORN_WORKERS=2 \
  DJANGO_SUPERUSER_USERNAME=smoke DJANGO_SUPERUSER_EMAIL=smoke@example.invalid \
  DJANGO_SUPERUSER_PASSWORD="smoke-pass-$RANDOM-$RANDOM"
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

.venv/bin/python - <<'PY'
import psycopg
with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
    db.execute("DROP DATABASE IF EXISTS smoke WITH (FORCE)")
    db.execute("CREATE DATABASE smoke")
PY
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py loadreference -v0
.venv/bin/python manage.py createsuperuser --noinput
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py check --deploy --fail-level ERROR

.venv/bin/gunicorn -c gunicorn.conf.py > "$work/gunicorn.log" 2>&1 &
web=$!
.venv/bin/celery -A hpregister worker --pool=solo --loglevel=INFO > "$work/worker.log" 2>&1 &
worker=$!
trap 'kill $web $worker 2>/dev/null || true; wait $web $worker 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 1
done

rc=0
.venv/bin/python .ci/smoke.py "http://127.0.0.1:$port" "$DJANGO_SUPERUSER_USERNAME" "$DJANGO_SUPERUSER_PASSWORD" \
  "$METRICS_TOKEN" || rc=$?
if [ "$rc" -eq 0 ]; then
  .ci/schemathesis.sh "http://127.0.0.1:$port" || rc=$?
fi
if [ "$rc" -ne 0 ]; then
  echo "--- gunicorn log ---" >&2; tail -n 60 "$work/gunicorn.log" >&2
  echo "--- worker log ---" >&2; tail -n 60 "$work/worker.log" >&2
fi
exit "$rc"
