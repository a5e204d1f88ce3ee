"""The production configuration the README and deploy/ describe loads as written."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection


def test_gunicorns_configuration_loads_and_names_our_application():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "gunicorn.conf.py"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_nginx_lets_through_every_upload_the_application_accepts():
    text = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()
    megabytes = int(text.split("client_max_body_size", 1)[1].split("m;", 1)[0])
    assert megabytes * 1024 * 1024 > settings.EVIDENCE_MAX_BYTES


def test_a_gunicorn_worker_freezes_the_loaded_application_out_of_the_collectors_scans():
    """A full garbage collection scanned the 200 000 objects of the loaded application: 100 ms of a request
    every hundred or so. The worker freezes them once the application is loaded."""
    import gc
    import runpy

    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def database_options(**environment) -> str:
    code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hpregister.settings", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgresql_connections_plan_without_parallel_workers_unless_told():
    """A page's short queries waited 7 ms for a parallel plan's workers to start (#18); a host that runs long
    reports alone may allow them."""
    url = "postgres://postgres@127.0.0.1:5432/hpregister"
    assert "max_parallel_workers_per_gather=0" in database_options(DATABASE_URL=url)
    assert "max_parallel_workers_per_gather=2" in database_options(DATABASE_URL=url, DATABASE_PARALLEL_WORKERS="2")
    assert "max_parallel" not in database_options(DATABASE_URL="sqlite:////tmp/x.sqlite3")


@pytest.mark.django_db
def test_this_connection_has_the_setting():
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return  # SQLite plans in one thread: nothing to set (`make test`); CI runs this on PostgreSQL
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
