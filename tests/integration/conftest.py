"""Integration tests talk to real services; .ci/run provides them. Missing services fail, never skip."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings


def require_env(name: str, prefixes: tuple[str, ...]) -> str:
    value = os.environ.get(name, "")
    if not value.startswith(prefixes):
        pytest.fail(f"{name} must point at a real service ({', '.join(prefixes)}), got {value!r}")
    return value


@pytest.fixture
def celery_worker_queue():
    """A real Celery worker in a subprocess, consuming a queue of its own; yields the queue name."""
    require_env("CELERY_BROKER_URL", ("redis://", "amqp://", "pyamqp://"))
    require_env("CELERY_RESULT_BACKEND", ("redis://", "rpc://"))
    queue = f"hpregister-test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hpregister",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(0.5)
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output[-4000:])


@pytest.fixture(autouse=True)
def _reference_back(request):
    if request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("reference_data")
