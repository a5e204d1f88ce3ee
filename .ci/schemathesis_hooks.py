"""schemathesis hooks for .ci/schemathesis.sh: a client that reads before it writes.

Every change is guarded by If-Match (the record's version, 428 without it, 412 when stale). Random strings never
match a version, so without help every PATCH and every legal transition would stop at 412, and the stateful
chains (add a record, read it, change it, close it) would never reach the page's form or the domain rule. Here
two writes in three first GET the record (the address itself for a PATCH, the record above it for an action
such as ``…/close/`` or ``…/measures/``) and send its current ETag, as a real client does; the third keeps the
generated value, so the 412 answer stays exercised.

Reads SCHEMATHESIS_BASE_URL and SCHEMATHESIS_API_KEY (set per persona by .ci/schemathesis.sh)."""

import os
import zlib

import requests
import schemathesis


def record_address(case) -> str:
    path = case.formatted_path
    if case.method.upper() == "PATCH":
        return path
    return path.rstrip("/").rsplit("/", 1)[0] + "/"  # …/incidents/7/close/ → …/incidents/7/


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.method.upper() not in ("PATCH", "POST") or not case.headers or "If-Match" not in case.headers:
        return
    if zlib.crc32(str(case.headers["If-Match"]).encode()) % 3 == 0:
        return  # keep the generated version: a stale write, refused with 412
    response = requests.get(
        os.environ["SCHEMATHESIS_BASE_URL"].rstrip("/") + record_address(case),
        headers={"Authorization": f"Bearer {os.environ['SCHEMATHESIS_API_KEY']}", "X-Forwarded-Proto": "https"},
        timeout=30,
    )
    if response.status_code == 200 and response.headers.get("ETag"):
        case.headers["If-Match"] = response.headers["ETag"]
