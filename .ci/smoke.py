"""The production smoke journey over real HTTP (`.ci/smoke.sh` starts gunicorn and a Celery worker first).

As a browser behind the TLS proxy would (X-Forwarded-Proto: https, Secure cookies, CSRF with Origin): enrol
the second factor, sign out, sign in again with a recovery code, then a list, a record, an immediate export,
a background export written by the worker, the static files, /metrics, and sign out. Exits non-zero on the
first thing that is not as a user would expect, saying what.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import struct
import sys
import time

import requests

BASE = sys.argv[1].rstrip("/")
USERNAME, PASSWORD, METRICS_TOKEN = sys.argv[2], sys.argv[3], sys.argv[4]
PROXY = {"X-Forwarded-Proto": "https"}  # what nginx adds (deploy/nginx.conf)
cookies: dict[str, str] = {}
step = 0


def check(condition, what):
    if not condition:
        sys.exit(f"smoke: FAILED at step {step}: {what}")


def call(method, path, data=None, headers=None, expect=None):
    """One request with the session's cookies (kept here: requests never sends Secure cookies over http)."""
    global step
    step += 1
    sent = {**PROXY, **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if method == "POST":
        sent["Origin"] = BASE.replace("http://", "https://")
        sent["Referer"] = sent["Origin"] + path
    response = requests.request(method, BASE + path, data=data, headers=sent, allow_redirects=False, timeout=120)
    for cookie in response.cookies:
        if cookie.value in ("", '""'):
            cookies.pop(cookie.name, None)
        else:
            cookies[cookie.name] = cookie.value
    print(f"smoke {step:2d}: {method} {path} -> {response.status_code} ({len(response.content)} bytes)")
    if expect is not None:
        check(response.status_code == expect, f"{method} {path} answered {response.status_code}, expected {expect}")
    check("X-Request-ID" in response.headers, f"{path} has no X-Request-ID")
    return response


def csrf(response):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    check(match, "no CSRF token in the form")
    return match.group(1)


def totp(secret_b32: str, at: float) -> str:
    """RFC 6238: what the phone's authenticator app shows."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in():
    page = call("GET", "/accounts/login/", expect=200)
    answer = call(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf(page), "username": USERNAME, "password": PASSWORD, "next": "/"},
        expect=302,
    )
    return call("GET", answer.headers["Location"], expect=302)  # the second factor stands in the way


# Plain HTTP is sent to HTTPS; /healthz stays reachable for the load balancer's probe.
plain = requests.get(BASE + "/risks/", allow_redirects=False, timeout=30)
check(plain.status_code == 301 and plain.headers["Location"].startswith("https://"), "plain HTTP is not redirected")
check(requests.get(BASE + "/healthz", timeout=30).status_code == 200, "/healthz is not 200")
check(call("GET", "/risks/").status_code == 302, "a list is open without signing in")

# First sign-in: enrol the authenticator app, then keep a recovery code.
to_factor = sign_in()
check("/account/two-factor/" in to_factor.headers["Location"], "no second factor was asked for")
setup = call("GET", "/account/two-factor/", expect=200)
secret = re.search(r'<code class="hp-code">([A-Z2-7]+)</code>', setup.text)
check(secret, "the enrolment page shows no key")
enrolled = call(
    "POST",
    "/account/two-factor/",
    {"csrfmiddlewaretoken": csrf(setup), "token": totp(secret.group(1), time.time()), "next": "/"},
    expect=200,
)
codes = re.findall(r'<code class="hp-code">([^<]+)</code>', enrolled.text) or re.findall(
    r"<li[^>]*><code[^>]*>([^<]+)</code>", enrolled.text
)
check(codes, "no recovery codes were shown")
call("GET", "/", expect=200)
logout_page = call("GET", "/account/", expect=200)
call("POST", "/accounts/logout/", {"csrfmiddlewaretoken": csrf(logout_page)}, expect=302)
check(call("GET", "/risks/").status_code == 302, "still signed in after signing out")

# Second sign-in: the password alone is not enough; a recovery code is.
to_factor = sign_in()
check("/account/two-factor/verify/" in to_factor.headers["Location"], "the enrolled factor was not asked for")
verify = call("GET", "/account/two-factor/verify/?next=/risks/", expect=200)
answer = call(
    "POST",
    "/account/two-factor/verify/",
    {"csrfmiddlewaretoken": csrf(verify), "token": html.unescape(codes[0]).strip(), "next": "/risks/"},
    expect=302,
)

# A list, a record, the immediate export.
listing = call("GET", "/risks/", expect=200)
check("Lange ventetider" in listing.text, "the risk list does not show the reference risks")
record = re.search(r'href="(/risks/\d+/)"', listing.text)
check(record, "the list links to no record")
call("GET", record.group(1), expect=200)
exported = call("GET", "/risks/?_export=csv&q=Lange+ventetider", expect=200)  # one row: immediate
check(exported.headers["Content-Type"].startswith("text/csv"), "the CSV export is not CSV")
check(exported.content.startswith(b"\xef\xbb\xbf") and b"Lange ventetider" in exported.content, "CSV lacks rows")

# A large export (EXPORT_INLINE_ROWS=1 here) goes to the worker; the page follows it to the download.
queued = call("GET", "/risks/?_export=xlsx", expect=302)
job = queued.headers["Location"]
check(job.startswith("/exports/"), f"the large export was not queued: {job}")
for _ in range(120):
    progress = call("GET", job, headers={"Accept": "application/json"}, expect=200).json()
    if not progress["active"]:
        break
    time.sleep(1)
check(progress["status"] == "done", f"the background export ended as {progress['status']}")
workbook = call("GET", job + "download/", expect=200)
check(workbook.content[:2] == b"PK", "the background export is not an XLSX file")

# Static files with DEBUG off (WhiteNoise), and /metrics behind its token.
css = call("GET", "/static/css/hpregister.css", expect=200)
check(".hp-fields" in css.text, "the stylesheet is not served")
check(call("GET", "/metrics").status_code == 404, "/metrics answers without the token")
metrics = call("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, expect=200)
check("hpregister_" in metrics.text, "/metrics has no register figures")

page = call("GET", "/account/", expect=200)
call("POST", "/accounts/logout/", {"csrfmiddlewaretoken": csrf(page)}, expect=302)
check(call("GET", "/risks/").headers["Location"].startswith("/accounts/login/"), "signed out but still in")
print(f"smoke: the production journey passed in {step} requests")
