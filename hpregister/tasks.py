"""Celery tasks: the edge of the reminder engine. Each takes primary keys or nothing, and calls down."""

from celery import shared_task

from .reminders.channels import deliver
from .reminders.digest import send_digests as send
from .reminders.sweep import sweep


@shared_task
def ping(token: str) -> str:
    """Round trip through the broker; used by the integration tests."""
    return f"pong:{token}"


@shared_task
def request_id() -> str | None:
    """The request id this task runs under (django-guid carries it from the request that queued it)."""
    from django_guid import get_guid

    return get_guid()


@shared_task
def deliver_reminder(reminder_id: int) -> str:
    """Send one ledger row. A failure is kept in the ledger with its error and the time of the next
    attempt (transient errors only); the sweep retries it then. The ledger is the one retry mechanism:
    a Celery-level retry chain per sweep once ran an SMTP outage of five minutes to 19 attempts."""
    return deliver(reminder_id)


@shared_task
def sweep_reminders() -> dict:
    return sweep()


@shared_task
def send_digests() -> int:
    return send()


@shared_task
def run_export(job_id: str) -> str:
    from .exportjobs import run

    return run(job_id)


@shared_task
def purge_exports() -> int:
    from .exportjobs import purge

    return purge()
