#!/usr/bin/env python
"""The benchmark over real HTTP: gunicorn with DEBUG off on PostgreSQL, 2FA on, measured with `hey`.

    .venv/bin/python bench/over_http.py [--incidents 100000] [--reuse] [--seconds 8]   (needs: apt-get install hey)

Builds the register with the benchmark's own generator (`manage.py benchmark --parts`, no measuring) in a
PostgreSQL database of its own (`hpregister_http_<size>`; --reuse measures one built before), serves it with
gunicorn (gunicorn.conf.py, 4 workers) and measures, in the same run, at concurrency 1 and 16:
- the lists as the personas use them (the operator's privacy officer, a one-organisation privacy officer,
  a manager): page 1, a filtered and sorted page, a deep page by number and by its Next cursor;
- the Django admin change list on the same rows (page 1 and deep);
- the floor: a signed-in "hello" through the same middleware; and a bare Django "hello" with no middleware;
- the limit: each page's own SQL re-run raw on the same connection.
Then the CSV export of every incident as the background job writes it, against PostgreSQL's own COPY, with
the job's peak Python memory. Results: bench/results-http-<size>.md, as figures and as ratios.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT, BARE_PORT = 8799, 8798


def environment(database: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.settings_http",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-" + "h7Q" * 20,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "OTP_REQUIRED": "1",
        "LOG_LEVEL": "WARNING",
        "HPREGISTER_VAR_DIR": str(ROOT / "var" / "bench-http"),
        "GUNICORN_WORKERS": "4",
    }


# --- in the Django process (--prepare): personas, sessions, URLs, the raw SQL and the export -----------------


def prepare(seconds: int) -> dict:
    import django

    django.setup()
    import tracemalloc

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hpregister import exportjobs
    from hpregister.choices import Role
    from hpregister.middleware import SessionActivityMiddleware
    from hpregister.models import ExportJob, Membership, Organisation
    from hpregister.tables import page_cursor_token, seek_order, tie_broken
    from incidents.models import Incident

    User = get_user_model()
    bob, made = User.objects.get_or_create(username="bench.bob", defaults={"email": "bob@bench.invalid"})
    if made:
        organisation = Organisation.objects.get(name="St. Olavs hospital HF")
        Membership.objects.create(user=bob, organisation=organisation, role=Role.PRIVACY_OFFICER)
    people = {name: User.objects.get(username=f"bench.{name}") for name in ("alice", "bob", "mona", "root")}

    cookies = {}
    for name, user in people.items():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[SessionActivityMiddleware.KEY] = int(time.time())
        session.create()
        cookies[name] = f"sessionid={session.session_key}"

    total = Incident.objects.count()
    deep = max(1, int(0.75 * total / 50))
    ordered = tie_broken(Incident.objects.all())
    before_deep = ordered[(deep - 1) * 50 - 1]
    cursor = page_cursor_token(before_deep, seek_order(ordered.values_list("pk", flat=True)), deep - 1)
    pages = [
        ("Incident list, page 1 — operator's privacy officer", "alice", "/incidents/"),
        ("Incident list, page 1 — one-organisation privacy officer", "bob", "/incidents/"),
        (
            "Incident list, category filter sorted by title — one-organisation",
            "bob",
            "/incidents/?category=snooping&sort=title",
        ),
        ("Incident list, ¾ down by a page number typed in", "alice", f"/incidents/?page={deep}"),
        ("Incident list, ¾ down by its Next link (cursor)", "alice", f"/incidents/?page={deep}&after={cursor}"),
        (
            "Incident list, ¾ down by a page-number link (two pages on)",
            "alice",
            f"/incidents/?page={deep + 2}&after={cursor}",
        ),
        ("Risk list, page 1 — manager", "mona", "/risks/"),
        ("Admin incident change list, page 1", "root", "/admin/incidents/incident/"),
        (
            "Admin incident change list, ¾ down",
            "root",
            f"/admin/incidents/incident/?p={max(1, int(0.75 * total / 100))}",
        ),
    ]
    # The limit: each page's own SQL, captured from one request and re-run raw on the same connection.
    limits = {}
    with override_settings(OTP_REQUIRED=False, ALLOWED_HOSTS=["*"]):
        for label, who, url in pages:
            client = Client()
            client.force_login(people[who])
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            statements = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
            runs = []
            for _ in range(7):
                started = time.perf_counter()
                with connection.cursor() as cursor_:
                    for sql in statements:
                        cursor_.execute(sql)
                        cursor_.fetchall()
                runs.append((time.perf_counter() - started) * 1000)
            limits[label] = {"ms": statistics.median(runs), "queries": len(captured)}

    # The export of every incident as the background job writes it, and PostgreSQL's own COPY of the rows.
    alice = people["alice"]

    def job():
        made = ExportJob.objects.create(
            user=alice, path="/incidents/?_export=csv", title="Avvik", export_format="csv", filename="incidents.csv"
        )
        started = time.perf_counter()
        assert exportjobs.run(made.pk) == "done"
        return time.perf_counter() - started, made

    export_seconds, done = job()
    rows = ExportJob.objects.get(pk=done.pk).rows_total
    tracemalloc.start()
    job()
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    for old in ExportJob.objects.filter(user=alice):
        old.file.delete(save=False)
    ExportJob.objects.filter(user=alice).delete()
    copy_sql = (
        "COPY (SELECT i.year, i.number, i.title, "
        "(SELECT string_agg(o.name, ', ') FROM incidents_incidentorganisation io "
        "JOIN hpregister_organisation o ON o.id = io.organisation_id WHERE io.incident_id = i.id), "
        "i.category, r.name, i.aware_at, i.first_notified_at, i.status FROM incidents_incident i "
        "LEFT JOIN incidents_rootcause r ON r.id = i.root_cause_id ORDER BY i.aware_at DESC, i.id DESC) "
        "TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    started = time.perf_counter()
    with connection.cursor() as raw, raw.copy(copy_sql) as copy:
        size = sum(len(block) for block in copy)
    copy_seconds = time.perf_counter() - started
    return {
        "total": total,
        "cookies": cookies,
        "pages": pages,
        "limits": limits,
        "export": {
            "seconds": export_seconds,
            "rows": rows,
            "peak_mb": peak_mb,
            "copy_seconds": copy_seconds,
            "copy_bytes": size,
        },
    }


# --- in the driver: build, serve, load ---------------------------------------------------------------------


def build(env, database: str, incidents: int):
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{database}"')
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    risks = str(max(1000, incidents // 10))
    subprocess.run(
        [
            PY,
            "manage.py",
            "benchmark",
            "--yes",
            "--incidents",
            str(incidents),
            "--risks",
            risks,
            "--subprocessors",
            "1000",
            "--parts",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )


def serve(env, port, bare=False):
    log = open(ROOT / "var" / "bench-http" / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", **({"BENCH_BARE": "1"} if bare else {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/hello/", timeout=2)  # noqa: S310
            break
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP answer (a redirect to sign in): it is up
                break
            time.sleep(1)
    return process


def hey(url, cookie, concurrency, seconds) -> dict:
    """Throughput and latency percentiles from hey's per-request CSV (its summary prints no p95 when a page is
    so slow that only a handful of requests finish: the admin's deep page at a million rows)."""
    command = ["hey", "-z", f"{seconds}s", "-c", str(concurrency), "-disable-redirects", "-o", "csv"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    statuses = {row["status-code"] for row in rows}
    if not rows or statuses != {"200"}:
        raise SystemExit(f"{url} answered {statuses or 'nothing'}")
    times = sorted(float(row["response-time"]) * 1000 for row in rows)
    ended = max(float(row["offset"]) + float(row["response-time"]) for row in rows)

    def latency(pct):  # nearest rank
        return times[max(0, math.ceil(pct / 100 * len(times)) - 1)]

    return {"rps": len(times) / ended, "p50": latency(50), "p95": latency(95), "requests": len(times)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.seconds)))
        return
    if shutil.which("hey") is None:
        raise SystemExit("bench/over_http.py needs the hey load tool: apt-get install hey")
    size = f"{args.incidents // 1000}k" if args.incidents < 1_000_000 else f"{args.incidents // 1_000_000}M"
    database = f"hpregister_http_{size.lower()}"
    env = environment(database)
    (ROOT / "var" / "bench-http").mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        build(env, database, args.incidents)
    prepared = json.loads(
        subprocess.run([PY, __file__, "--prepare"], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    web, bare = serve(env, PORT), serve(env, BARE_PORT, bare=True)
    try:
        results = {}
        targets = [
            ("Floor: signed-in hello, same middleware", "alice", "/bench/hello/", PORT),
            ("Bare Django hello, no middleware", "", "/bench/hello/", BARE_PORT),
        ]
        targets += [(label, who, url, PORT) for label, who, url in prepared["pages"]]
        for label, who, url, port in targets:
            cookie = prepared["cookies"].get(who, "")
            full = f"http://127.0.0.1:{port}{url}"
            warm = ["hey", "-n", "40", "-c", "4", "-disable-redirects", "-H", f"Cookie: {cookie}", full]
            subprocess.run(warm, capture_output=True, check=True)  # every worker warm before the measuring
            results[label] = {c: hey(full, cookie, c, args.seconds) for c in (1, 16)}
            print(label, results[label], flush=True)
    finally:
        for process in (web, bare):
            process.terminate()
            process.wait()
    report(size, prepared, results)


def report(size, prepared, results):
    floor = results["Floor: signed-in hello, same middleware"]
    bare = results["Bare Django hello, no middleware"]
    admin = results["Admin incident change list, page 1"]
    lines = [
        f"### Over HTTP: {prepared['total']:,} incidents on PostgreSQL (gunicorn, 4 sync workers, 2FA on)",
        "",
        "| page | c=1 p50 ms | c=1 p95 ms | c=16 req/s | c=16 p95 ms | p50 / floor | req/s / admin list "
        "| SQL re-run raw ms | queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, figures in results.items():
        one, many = figures[1], figures[16]
        limit = prepared["limits"].get(label)
        lines.append(
            f"| {label} | {one['p50']:.1f} | {one['p95']:.1f} | {many['rps']:.0f} | {many['p95']:.0f} | "
            f"{one['p50'] / floor[1]['p50']:.2f} | {many['rps'] / admin[16]['rps']:.2f} | "
            f"{limit['ms']:.1f} | {limit['queries']} |"
            if limit
            else f"| {label} | {one['p50']:.1f} | {one['p95']:.1f} | {many['rps']:.0f} | {many['p95']:.0f} | "
            f"{one['p50'] / floor[1]['p50']:.2f} | – | – | – |"
        )
    export = prepared["export"]
    lines += [
        "",
        f"Floor against bare Django (c=1 p50): {floor[1]['p50'] / bare[1]['p50']:.2f}×.",
        f"Export of {export['rows']:,} incidents as the background job writes it: {export['seconds']:.1f} s, "
        f"peak Python memory {export['peak_mb']:.0f} MB; PostgreSQL's own COPY of the same rows: "
        f"{export['copy_seconds']:.2f} s ({export['seconds'] / export['copy_seconds']:.1f}×).",
        "",
    ]
    text = "\n".join(lines)
    (ROOT / "bench" / f"results-http-{size.lower()}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
