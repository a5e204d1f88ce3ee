#!/usr/bin/env bash
# The live API against its own OpenAPI schema with schemathesis, as two personas (.ci/api_personas.py): every
# operation with examples, boundary values and random data, then chained calls (the stateful phase follows the
# links schemathesis infers from the responses and Location headers). Fails on any 5xx and on any response the
# schema does not describe: its status, its content type, its headers or its body. The seed is fixed so that a
# run can be repeated (SCHEMATHESIS_SEED=... for another one).
# Usage: .ci/schemathesis.sh BASE_URL (the environment of .ci/smoke.sh: gunicorn up, DATABASE_URL set)
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1%/}
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
rc=0
while read -r persona key; do
  echo "--- schemathesis as $persona ---"
  .venv/bin/st run "$base/api/v1/schema/" \
    --header "Authorization: Bearer $key" --header "X-Forwarded-Proto: https" \
    --checks "$checks" --max-examples "${SCHEMATHESIS_EXAMPLES:-15}" --seed "${SCHEMATHESIS_SEED:-20261130}" \
    --phases examples,coverage,fuzzing,stateful --no-color --workers 2 --request-timeout 30 \
    --report junit --report-dir "${SCHEMATHESIS_REPORT_DIR:-var/schemathesis}/$persona" || rc=$?
done < <(.venv/bin/python manage.py shell -v0 < .ci/api_personas.py | grep '^api-')
exit "$rc"
