"""The ledger, the rules and each user's settings: the bottom layer of the reminder engine.

Every message the register sends is a ``Reminder`` row, unique on (object, kind, deadline, threshold,
recipient); ``ReminderRule`` holds each kind's thresholds, which administrators edit in admin; ``Profile``
is what each user chose: the language of their e-mails, which reminders, and their calendar feed.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .thresholds import parse_thresholds

__all__ = ["Profile", "Reminder", "ReminderRule"]


class Reminder(models.Model):
    """The reminder ledger: one row per message the register sends, whatever the transport.

    ``key`` identifies (object, kind, deadline, threshold, recipient); its unique index makes a duplicate
    impossible even when two sweeps or two workers run at once, on SQLite and PostgreSQL alike.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    key = models.CharField(_("key"), max_length=400, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=80)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    threshold = models.CharField(_("threshold"), max_length=20, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("e-mail address"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, help_text=_("Empty on a failed message: no further attempt.")
    )
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminder ledger")
        indexes = [
            models.Index(fields=["status", "created"]),
            models.Index(fields=["status", "next_attempt_at"], name="reminder_status_next_attempt"),
            models.Index(fields=["status", "claimed_at"], name="reminder_status_claimed"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.email} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = self.make_key(
                content_type_id=self.content_type_id,
                object_id=self.object_id,
                kind=self.kind,
                deadline=self.deadline,
                threshold=self.threshold,
                email=self.email,
            )
        super().save(*args, **kwargs)

    @staticmethod
    def make_key(*, content_type_id, object_id, kind, deadline, threshold, email) -> str:
        when = deadline.astimezone(datetime.UTC).isoformat() if deadline else "-"
        return f"{content_type_id or '-'}:{object_id or '-'}:{kind}:{when}:{threshold}:{email.lower()}"


class ReminderRule(models.Model):
    """When reminders of one kind go out: administrators edit these; the defaults come from the code."""

    kind = models.CharField(_("kind"), max_length=80, unique=True)
    thresholds = models.CharField(
        _("thresholds"),
        max_length=200,
        help_text=_("Relative to the deadline, comma-separated: -14d, -3d, -12h, 0 (on the deadline)."),
    )
    repeat_overdue_days = models.PositiveSmallIntegerField(
        _("repeat when overdue (days)"), default=0, help_text=_("0: no repeat after the deadline.")
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate to managers after (days overdue)"), null=True, blank=True
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self):
        return self.kind

    def clean(self):
        try:
            parse_thresholds(self.thresholds)
        except ValueError as exc:
            raise ValidationError({"thresholds": str(exc)}) from exc


class Profile(models.Model):
    """A user's own settings: language of e-mails, which reminders, and the calendar feed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="nb")
    digest_enabled = models.BooleanField(_("weekly digest"), default=True)
    reminders_enabled = models.BooleanField(
        _("reminders that the law does not require"),
        default=True,
        help_text=_("The 72-hour clock for Datatilsynet cannot be turned off."),
    )
    calendar_token = models.CharField(_("calendar token"), max_length=64, unique=True, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)

    @classmethod
    def for_user(cls, user) -> "Profile":
        profile, _created = cls.objects.get_or_create(user=user)
        return profile

    def new_calendar_token(self) -> str:
        self.calendar_token = secrets.token_urlsafe(32)
        self.save(update_fields=["calendar_token"])
        return self.calendar_token
