"""Delivery that privacy officers can trust (issue "Trust", section 2): any text a user can type becomes a
deliverable e-mail, a worker that dies mid-send does not lose the message, and an outage never runs past
REMINDER_MAX_ATTEMPTS however many sweeps it spans."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hpregister.models import Reminder
from hpregister.reminders.channels import deliver, header_safe
from hpregister.reminders.sweep import retry_undelivered, sweep
from incidents.models import Incident
from tests.factories import make_incident

pytestmark = pytest.mark.django_db

# What a person can type into a title: anything but NUL (forms refuse it) and lone surrogates.
typed = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=300)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=typed)
@example(title="Journal opened\nby mistake")
@example(title="Line\r\nbreak\u2028and\u2029separators\x85\x0b\x0c")
@example(title='=HYPERLINK("http://x")\t' + "æøå " * 80)
def test_the_72_hour_reminder_is_delivered_whatever_the_title(smtp_settings, title):
    from django.db import transaction

    title = title[: Incident._meta.get_field("title").max_length]  # the form refuses a longer one
    with transaction.atomic():
        incident = make_incident(title=title, description=f"{title}\n{title}", aware_at=timezone.now())
        before = set(Reminder.objects.values_list("pk", flat=True))
        with time_machine.travel(incident.aware_at + dt.timedelta(hours=25), tick=False):
            sweep()
        rows = Reminder.objects.exclude(pk__in=before).filter(object_id=incident.pk)
        assert rows, "the 72-hour clock reminds after 24 hours"
        sent_before = len(smtp_settings.messages)
        for row in rows:
            assert deliver(row.pk) == "sent", Reminder.objects.get(pk=row.pk).last_error
        received = smtp_settings.parsed()[sent_before:]
        assert len(received) == rows.count()
        for message in received:
            subject = str(message["subject"])
            assert "\n" not in subject and "\r" not in subject
            # The subject names the breach by its reference, never by its (possibly sensitive) title.
            assert incident.reference in subject
        transaction.set_rollback(True)


def test_header_safe_keeps_words_and_drops_breaks():
    assert header_safe("Journal\r\nopened \u2028 twice\t!") == "Journal opened twice !"
    assert len(header_safe("x" * 500)) == 200 and header_safe("x" * 500).endswith("…")


def failing_smtp(monkeypatch, error=None):
    def refuse(self, *args, **kwargs):
        raise error or smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)


def test_a_message_left_sending_by_a_dead_worker_is_sent_after_the_lease(mailoutbox):
    row = Reminder.objects.create(email="a@example.test", subject="S", body_text="B", kind="k")
    now = timezone.now()
    # A worker claimed it and was killed before it could record anything.
    Reminder.objects.filter(pk=row.pk).update(status=Reminder.Status.SENDING, claimed_at=now, attempts=1)
    assert retry_undelivered(now + dt.timedelta(seconds=60)) == 0  # still within its lease: not touched
    later = now + dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert retry_undelivered(later) == 1  # eager Celery in unit tests: delivered here
    row.refresh_from_db()
    assert row.status == Reminder.Status.SENT and row.attempts == 2 and len(mailoutbox) == 1


def test_an_outage_spanning_many_sweeps_stops_at_the_attempt_limit(monkeypatch, mailoutbox):
    row = Reminder.objects.create(email="a@example.test", subject="S", body_text="B", kind="k")
    failing_smtp(monkeypatch)
    start = timezone.now()
    for minute in range(0, 24 * 60, 5):  # a day of sweeps every five minutes
        when = start + dt.timedelta(minutes=minute)
        with time_machine.travel(when, tick=False):
            retry_undelivered(when)  # the sweep
    row.refresh_from_db()
    assert row.attempts == settings.REMINDER_MAX_ATTEMPTS and row.status == Reminder.Status.FAILED
    monkeypatch.undo()
    assert deliver(row.pk) == "skipped" and mailoutbox == []  # spent: an administrator resends it


def test_an_outage_of_minutes_is_one_message_when_the_server_is_back(monkeypatch, mailoutbox):
    row = Reminder.objects.create(email="a@example.test", subject="S", body_text="B", kind="k")
    failing_smtp(monkeypatch)
    start = timezone.now()
    assert deliver(row.pk) == "failed"
    for minute in (5, 10):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            retry_undelivered(start + dt.timedelta(minutes=minute))
    monkeypatch.undo()
    with time_machine.travel(start + dt.timedelta(minutes=15), tick=False):
        retry_undelivered(start + dt.timedelta(minutes=15))
    row.refresh_from_db()
    assert row.status == Reminder.Status.SENT and len(mailoutbox) == 1 and row.attempts <= 4


def test_a_refused_address_is_not_retried(monkeypatch):
    row = Reminder.objects.create(email="a@example.test", subject="S", body_text="B", kind="k")
    failing_smtp(monkeypatch, smtplib.SMTPRecipientsRefused({"a@example.test": (550, b"no such user")}))
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.next_attempt_at is None and "no such user" in row.last_error
    assert retry_undelivered(timezone.now() + dt.timedelta(days=1)) == 0
