"""Reminders end to end on real services: PostgreSQL, a real broker, a real Celery worker with beat,
and a real SMTP server (aiosmtpd) on 127.0.0.1."""

import datetime as dt
import os
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
from hpregister.reminders.sweep import sweep
from incidents.choices import RiskLevel
from tests.factories import assessed, make_incident, measure
from tests.integration.conftest import require_env
from tests.smtp import Inbox, free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def require_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("These tests need PostgreSQL: set DATABASE_URL (see .ci/run).")


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


def worker_env(controller, tmp_path, queue: str) -> dict:
    """The environment of a real worker: this test database, the SMTP server, a sweep every 2 s."""
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "REMINDER_SWEEP_SECONDS": "2",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "HPREGISTER_VAR_DIR": str(tmp_path),
    }


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
    env = worker_env(controller, tmp_path, f"hpregister-e2e-{uuid.uuid4().hex[:8]}")
    env["SITE_URL"] = "https://hpregister.example.no"
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


class SlowInbox(Inbox):
    """An SMTP server that takes a while per message, so a worker can be killed in the middle of a batch."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import asyncio

        await asyncio.sleep(0.4)
        return await super().handle_DATA(server, session, envelope)


def start_worker(env, tmp_path, *, beat: bool):
    args = [sys.executable, "-m", "celery", "-A", "hpregister", "worker", "--pool=solo", "--loglevel=INFO"]
    args += ["--without-gossip", "--without-mingle"]
    if beat:
        args += ["--beat", f"--schedule={tmp_path / 'beat-schedule'}"]
    return subprocess.Popen(
        args, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_a_worker_killed_mid_batch_loses_no_reminder(tmp_path):
    """SIGKILL a real worker while it sends a batch through a real SMTP server; a new worker with beat
    reclaims what the dead one held (claimed rows after their lease, tasks it had prefetched) and every
    reminder is delivered. A message is sent twice only if the worker died between the SMTP server's
    acceptance and the ledger's update: at most the rows it held at that instant."""
    require_postgresql()
    require_env("CELERY_BROKER_URL", ("redis://", "amqp://"))
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    queue = f"hpregister-kill-{uuid.uuid4().hex[:8]}"
    env = worker_env(controller, tmp_path, queue)
    env["REMINDER_LEASE_SECONDS"] = "3"
    rows = [
        Reminder.objects.create(email=f"officer{n}@example.test", subject=f"Reminder {n}", body_text="B", kind="k")
        for n in range(12)
    ]
    from hpregister.tasks import deliver_reminder

    first = start_worker(env, tmp_path, beat=False)
    second = None
    try:
        for row in rows:
            deliver_reminder.apply_async((row.pk,), queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(inbox.messages) < 3:
            time.sleep(0.05)
        first.kill()  # SIGKILL: no cleanup, no acknowledgement, a claim possibly held
        first.communicate(timeout=30)
        held = Reminder.objects.filter(status__in=[Reminder.Status.SENDING, Reminder.Status.PENDING]).count()
        assert 3 <= len(inbox.messages) < len(rows) and held > 0, "the kill must land in the middle of the batch"

        second = start_worker(env, tmp_path, beat=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and Reminder.objects.exclude(status=Reminder.Status.SENT).exists():
            time.sleep(0.5)
    finally:
        output = ""
        if second is not None:
            second.terminate()
            output, _ = second.communicate(timeout=30)
        controller.stop()
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists(), output[-3000:]
    received = [rcpt for envelope in inbox.messages for rcpt in envelope.rcpt_tos]
    assert set(received) == {row.email for row in rows}  # every reminder arrived
    assert len(received) - len(rows) <= 1  # the duplicate window: the one message in flight at the kill
    assert all(r.attempts <= settings.REMINDER_MAX_ATTEMPTS for r in Reminder.objects.all())
