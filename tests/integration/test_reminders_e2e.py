"""Reminders end to end on real services: PostgreSQL, a real broker, a real Celery worker with beat,
and a real SMTP server (aiosmtpd) on 127.0.0.1."""

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.db import connection

from hpregister.celery import app as celery_app
from hpregister.models import Reminder
from hpregister.reminders import sweep
from incidents.choices import RiskLevel
from tests.factories import assessed, make_incident, measure
from tests.integration.conftest import require_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def require_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("These tests need PostgreSQL: set DATABASE_URL (see .ci/run).")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def eager():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False
    # Eager tasks set a process-wide "no result.get() inside a task" flag and restore it on the way out;
    # two threads running them at once (the racing sweeps both queue the delivery that only one sends) can
    # leave it set, which later tests would trip over.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


def test_two_sweeps_racing_on_postgresql_send_one_email(bob, eager):
    require_postgresql()
    incident = assessed(make_incident(), level=RiskLevel.UNLIKELY)
    measure(incident, due_on=dt.date.today() - dt.timedelta(days=1), owner=bob)
    barrier = threading.Barrier(2)
    errors = []

    def racer():
        try:
            barrier.wait()
            sweep()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert Reminder.objects.filter(kind="incident.measure").count() == 1
    assert [m.to for m in mail.outbox] == [["bob@example.test"]]


def test_a_real_worker_and_beat_deliver_the_72_hour_reminder_to_a_real_smtp_server(smtp_server, tmp_path):
    require_postgresql()
    require_env("CELERY_BROKER_URL", ("redis://", "amqp://"))
    controller, inbox = smtp_server
    from django.contrib.auth import get_user_model

    bob = get_user_model().objects.get(username="bob")
    incident = assessed(make_incident(aware_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)))
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "REMINDER_SWEEP_SECONDS": "2",
        "CELERY_TASK_DEFAULT_QUEUE": f"hpregister-e2e-{uuid.uuid4().hex[:8]}",
        "SITE_URL": "https://hpregister.example.no",
        "HPREGISTER_VAR_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hpregister",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any(bob.email in e.rcpt_tos for e in inbox.messages):
            time.sleep(0.5)
        time.sleep(5)  # several more sweeps run: none may send the same reminder again
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    to_bob = [e for e in inbox.messages if bob.email in e.rcpt_tos]
    assert len(to_bob) == 1, output[-3000:]
    content = to_bob[0].content.decode()
    assert incident.reference in content
    assert f"https://hpregister.example.no/incidents/{incident.pk}/" in content
    reminder = Reminder.objects.get(email=bob.email, kind="incident.datatilsynet")
    assert reminder.status == Reminder.Status.SENT and reminder.threshold == "-48h"
