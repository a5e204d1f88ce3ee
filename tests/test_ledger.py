import smtplib

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from hpregister.models import Reminder
from hpregister.reminders.channels import deliver, queue_mail

pytestmark = pytest.mark.django_db


def test_mail_is_recorded_in_the_ledger_and_sent_after_commit(django_capture_on_commit_callbacks, alice):
    with django_capture_on_commit_callbacks(execute=True):
        reminder = queue_mail(
            email="alice@example.test",
            subject="Frist",
            body_text="Tekst",
            kind="test",
            recipient=alice,
            threshold="24h",
        )
        assert mail.outbox == []  # nothing leaves before the transaction commits
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT and reminder.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["Frist"]


def test_the_same_reminder_is_never_queued_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_mail(email="a@example.test", subject="S", body_text="B", kind="k", threshold="1")
        assert queue_mail(email="a@example.test", subject="S", body_text="B", kind="k", threshold="1") is None
    assert len(mail.outbox) == 1 and Reminder.objects.count() == 1


def test_a_sent_reminder_is_not_sent_again_by_a_second_worker(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminder = queue_mail(email="a@example.test", subject="S", body_text="B", kind="k")
    assert deliver(reminder.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_failed_send_is_kept_in_the_ledger_with_its_error_and_can_be_retried(monkeypatch):
    reminder = Reminder.objects.create(email="a@example.test", subject="S", body_text="B", kind="k")

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert deliver(reminder.pk) == "failed"
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED and "server down" in reminder.last_error
    assert reminder.next_attempt_at > timezone.now()
    monkeypatch.undo()
    assert deliver(reminder.pk) == "skipped"  # not before its wait is over
    with time_machine.travel(reminder.next_attempt_at, tick=False):
        assert deliver(reminder.pk) == "sent"
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT and reminder.attempts == 2 and len(mail.outbox) == 1
