"""Delivery channels. E-mail today: every message is recorded in the ledger, then sent after commit by a
Celery task that claims its row. A channel is one small interface (``queue`` rows, ``deliver`` one); webhooks
and in-app messages come in beside ``EmailChannel``.

The Celery task is at the edge (``hpregister.tasks``); this layer hands it the row ids by the task's
registered name, so it never imports the edge."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..celery import app as celery_app
from .kinds import still_due
from .models import Reminder

logger = logging.getLogger(__name__)

# Errors worth retrying: the server is down or busy, not a refused address.
TRANSIENT_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError, OSError)


def is_transient(exc: Exception) -> bool:
    """A 4xx answer or a network failure may pass; a 5xx answer (no such user, refused) will not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    return isinstance(exc, TRANSIENT_ERRORS)


DELIVERY_TASK = "hpregister.tasks.deliver_reminder"


def dispatch(ids) -> None:
    """Hand ledger rows to the workers (eagerly in tests), by the delivery task's registered name."""
    task = celery_app.tasks[DELIVERY_TASK]
    for pk in ids:
        task.delay(pk)


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
        key=key,
        defaults={
            **identity,
            "subject": header_safe(subject),
            "body_text": body_text,
            "body_html": body_html,
            **ledger,
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: dispatch([reminder.pk]))
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
    for reminder in unique:
        reminder.subject = header_safe(reminder.subject)
    Reminder.objects.bulk_create(unique, batch_size=500, ignore_conflicts=True)
    keys = [reminder.key for reminder in unique]
    ids = []
    for start in range(0, len(keys), 500):
        ids += Reminder.objects.filter(key__in=keys[start : start + 500], status=Reminder.Status.PENDING).values_list(
            "pk", flat=True
        )
    transaction.on_commit(lambda: dispatch(ids))
    return len(ids)


def header_safe(text: str, limit: int = 200) -> str:
    """``text`` as one line fit for a mail header: line breaks of every kind (CR, LF, U+2028, ...), tabs and
    control characters become single spaces, and a long text is cut with an ellipsis. A title or
    description may hold any of these; a header with a line break is refused (BadHeaderError), and a
    statutory reminder must never fail for that."""
    one_line = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after ``attempts`` failed ones: 1, 2, 4 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def claimable(now: dt.datetime):
    """Rows a worker may claim now: new ones, failed ones whose wait is over, and ones whose claim's lease
    ran out (the worker died mid-send), while attempts remain. Every claim counts an attempt, so no
    combination of sweeps, retries and crashes sends more than REMINDER_MAX_ATTEMPTS times."""
    Status = Reminder.Status
    lease = now - dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    return Reminder.objects.filter(
        Q(status=Status.PENDING)
        | Q(status=Status.FAILED, next_attempt_at__lte=now)
        | Q(status=Status.SENDING, claimed_at__lt=lease),
        attempts__lt=settings.REMINDER_MAX_ATTEMPTS,
    )


def deliver(reminder_id: int) -> str:
    """Send one ledger row. Claimed with a conditional UPDATE, so two workers never both send it."""
    now = timezone.now()
    claimed = (
        claimable(now)
        .filter(pk=reminder_id)
        .update(status=Reminder.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    reminder = Reminder.objects.get(pk=reminder_id)
    if not still_due(reminder):
        # The row stays as a record, but gives up its key: nothing was sent, so if the deadline comes back (a
        # reopened incident, a measure set open again) the sweep may remind of it afresh.
        Reminder.objects.filter(pk=reminder_id).update(status=Reminder.Status.CANCELLED, key=f"cancelled:{reminder_id}")
        return "cancelled"
    message = EmailMultiAlternatives(
        subject=header_safe(reminder.subject),
        body=reminder.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.email],
    )
    if reminder.body_html:
        message.attach_alternative(reminder.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        transient = is_transient(exc)
        Reminder.objects.filter(pk=reminder_id).update(
            status=Reminder.Status.FAILED,
            next_attempt_at=timezone.now() + backoff(reminder.attempts) if transient else None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("Reminder %s not sent (attempt %s): %s", reminder_id, reminder.attempts, exc)
        return "failed"
    Reminder.objects.filter(pk=reminder_id).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return "sent"
