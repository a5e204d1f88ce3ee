"""All mail goes through here: it is recorded in the reminder ledger, then sent after commit by Celery."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import Reminder

logger = logging.getLogger(__name__)

# Errors worth retrying: the server is down or busy, not a refused address.
TRANSIENT_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError, OSError)


def queue_mail(*, email: str, subject: str, body_text: str, body_html: str = "", **ledger) -> Reminder | None:
    """Record a message in the ledger and send it after the transaction commits.

    ``ledger`` takes the Reminder fields that identify it (content_type, object_id, kind, deadline,
    threshold, recipient). Returns None when the same reminder is already in the ledger.
    """
    identity = {
        "email": email,
        "content_type": ledger.pop("content_type", None),
        "object_id": ledger.pop("object_id", None),
        "kind": ledger.pop("kind", "message"),
        "deadline": ledger.pop("deadline", None),
        "threshold": ledger.pop("threshold", ""),
    }
    key = Reminder.make_key(
        content_type_id=identity["content_type"].pk if identity["content_type"] else None,
        **{k: v for k, v in identity.items() if k != "content_type"},
    )
    reminder, created = Reminder.objects.get_or_create(
        key=key, defaults={**identity, "subject": subject, "body_text": body_text, "body_html": body_html, **ledger}
    )
    if not created:
        return None
    from .tasks import deliver_reminder

    transaction.on_commit(lambda: deliver_reminder.delay(reminder.pk))
    return reminder


def queue_many(reminders: list[Reminder]) -> int:
    """Record many messages at once (the sweep) and send each after the transaction commits.

    One INSERT per 500 rows, not a SELECT and an INSERT each; a row whose key is already in the ledger
    is skipped by the unique index. Should two sweeps race, both may queue the same row: delivery claims
    it with a conditional UPDATE, so it is still sent once. Returns the number of rows queued.
    """
    unique = list({reminder.key: reminder for reminder in reminders}.values())
    if not unique:
        return 0
    Reminder.objects.bulk_create(unique, batch_size=500, ignore_conflicts=True)
    keys = [reminder.key for reminder in unique]
    ids = []
    for start in range(0, len(keys), 500):
        ids += Reminder.objects.filter(key__in=keys[start : start + 500], status=Reminder.Status.PENDING).values_list(
            "pk", flat=True
        )
    from .tasks import deliver_reminder

    transaction.on_commit(lambda: [deliver_reminder.delay(pk) for pk in ids])
    return len(ids)


def deliver(reminder_id: int) -> str:
    """Send one ledger row. Claimed with a conditional UPDATE so two workers never both send it."""
    claimed = Reminder.objects.filter(
        pk=reminder_id, status__in=[Reminder.Status.PENDING, Reminder.Status.FAILED]
    ).update(status=Reminder.Status.SENDING)
    if not claimed:
        return "skipped"
    reminder = Reminder.objects.get(pk=reminder_id)
    from .reminders import still_due

    if not still_due(reminder):
        Reminder.objects.filter(pk=reminder_id).update(status=Reminder.Status.CANCELLED)
        return "cancelled"
    message = EmailMultiAlternatives(
        subject=reminder.subject, body=reminder.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[reminder.email]
    )
    if reminder.body_html:
        message.attach_alternative(reminder.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        Reminder.objects.filter(pk=reminder_id).update(
            status=Reminder.Status.FAILED, attempts=reminder.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(
        status=Reminder.Status.SENT, attempts=reminder.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return "sent"
