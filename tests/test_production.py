"""The production configuration the README and deploy/ describe loads as written."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


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
