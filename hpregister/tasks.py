from celery import shared_task

from .emails import TRANSIENT_ERRORS, deliver


@shared_task
def ping(token: str) -> str:
    """Round trip through the broker; used by the integration tests."""
    return f"pong:{token}"


@shared_task(bind=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=30, retry_backoff_max=1800, max_retries=8)
def deliver_reminder(self, reminder_id: int) -> str:
    """Send one ledger row; transient SMTP errors are retried with backoff, the ledger keeps the error."""
    return deliver(reminder_id)


@shared_task
def sweep_reminders() -> dict:
    from .reminders import sweep

    return sweep()


@shared_task
def send_digests() -> int:
    from .digest import send_digests as send

    return send()
