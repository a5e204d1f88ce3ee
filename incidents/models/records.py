"""What is recorded on a breach: affected organisations, notifications, measures, the case thread, and
the historical counts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hpregister.addresses import address
from hpregister.models import Measure, Organisation, ScopedModel

from ..choices import (
    CaseEntryKind,
    Channel,
    IncidentCategory,
    IncidentStatus,
    MeasureStatus,
    Phase,
)
from .incident import Incident, RootCause


class IncidentOrganisation(ScopedModel):
    """An affected health organisation (an independent controller) and whether it has been informed."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    # Indexed with the incident (Meta.indexes), not alone: an organisation's incidents are read from the index.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    informed_at = models.DateTimeField(_("informed"), null=True, blank=True)
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("informed by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    # The incident's aware_at, category, status and title, kept here by the database's own triggers
    # (migrations 0012-0014) on every write of either table, whatever path it takes (a form, the admin,
    # QuerySet.update, bulk_create, raw SQL): an officer of one organisation then gets a page of the incident
    # list, in its default order or by title, and its count, from the indexes (organisation, [category |
    # status,] aware_at | title, incident) alone, however large the register grows (#18). Never typed, never
    # shown; a value written here is replaced by the incident's.
    aware_at = models.DateTimeField(_("incident became aware"), null=True, editable=False)
    category = models.CharField(_("category"), max_length=30, null=True, editable=False)
    status = models.CharField(_("status"), max_length=20, null=True, editable=False)
    title = models.CharField(_("title"), max_length=300, null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["aware_at", "category", "status", "title"])
    organisation_path = "incident__organisations"

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("affected organisation")
        verbose_name_plural = _("affected organisations")
        constraints = [
            models.UniqueConstraint(fields=["incident", "organisation"], name="incident_organisation_unique"),
        ]
        # An officer's list counts the incidents of their organisations, often with a filter on the incident
        # (category, status): (organisation, incident) gives them from the index alone, where the index on
        # the organisation alone sent the count to the table for each of them (#18).
        indexes = [
            models.Index(fields=["organisation", "incident"], name="incident_org_by_organisation"),
            # One organisation's incidents in the list's default order (-aware_at, -pk), read both ways.
            models.Index(fields=["organisation", "aware_at", "incident"], name="incident_org_by_aware_at"),
            # The same with the list's two common filters, for their count and their default order.
            models.Index(fields=["organisation", "category", "aware_at", "incident"], name="incident_org_by_category"),
            models.Index(fields=["organisation", "status", "aware_at", "incident"], name="incident_org_by_status"),
            # Sorted by title, alone and within a category (the link rows' title is the incident's).
            models.Index(fields=["organisation", "title", "incident"], name="incident_org_by_title"),
            models.Index(fields=["organisation", "category", "title", "incident"], name="incident_org_category_title"),
        ]

    def __str__(self):
        return str(self.organisation)

    def clean(self):
        if self.acknowledged_at and not self.informed_at:
            raise ValidationError({"acknowledged_at": _("Record when the organisation was informed first.")})
        if self.acknowledged_at and self.informed_at and self.acknowledged_at < self.informed_at:
            raise ValidationError({"acknowledged_at": _("Acknowledgement cannot come before the notice.")})


class Notification(ScopedModel):
    """One submission to Datatilsynet. A breach has a history of them, not one date."""

    new_title = _("New notification to Datatilsynet")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("incident")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    phased = models.BooleanField(
        _("phased (trinnvis) notification"),
        default=False,
        help_text=_("The initial notification is incomplete; a final notification will follow."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ALTINN)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    case_reference = models.CharField(_("Datatilsynet's case reference"), max_length=100, blank=True)
    delay_reason = models.TextField(_("reasons for the delay"), blank=True)
    summary = models.TextField(_("what was reported"), blank=True)

    history = HistoricalRecords()
    organisation_path = "incident__organisations"

    class Meta:
        ordering = ["incident", "sent_at"]
        indexes = [models.Index(fields=["incident", "phase", "sent_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=Q(phase=Phase.INITIAL), name="notification_one_initial"
            ),
        ]
        verbose_name = _("notification to Datatilsynet")
        verbose_name_plural = _("notifications to Datatilsynet")

    def __str__(self):
        return f"{self.incident.reference}: {self.get_phase_display()}"

    def clean(self):
        if not self.incident_id or not self.sent_at:
            return
        incident = self.incident
        earlier = incident.notifications.exclude(pk=self.pk)
        if self.phase == Phase.INITIAL and earlier.filter(phase=Phase.INITIAL).exists():
            raise ValidationError({"phase": _("The initial notification is already recorded.")})
        if self.phase != Phase.INITIAL and not earlier.filter(phase=Phase.INITIAL).exists():
            raise ValidationError({"phase": _("Record the initial notification first.")})
        if self.sent_at < incident.aware_at:
            raise ValidationError({"sent_at": _("A notification cannot be sent before the controller became aware.")})
        first = self.phase == Phase.INITIAL
        if first and self.sent_at > incident.deadline and not self.delay_reason.strip():
            raise ValidationError(
                {"delay_reason": _("Sent after the 72-hour deadline: give the reasons for the delay (Art. 33(1)).")}
            )
        if self.phase != Phase.INITIAL and self.phased:
            raise ValidationError({"phased": _("Only the initial notification can be phased.")})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_incident_id = instance.__dict__.get("incident_id")
        return instance


@receiver([post_save, post_delete], sender=Notification)
def keep_first_notification(sender, instance: Notification, **kwargs):
    """Every way a notification is added, changed, moved or deleted (forms, admin, bulk delete) updates the
    incident's stored first_notified_at, and the caller's copy of the incident with it."""
    instance.incident.sync_first_notification()
    moved_from = getattr(instance, "_loaded_incident_id", None)
    if moved_from not in (None, instance.incident_id):
        Incident(pk=moved_from).sync_first_notification()
    if kwargs.get("signal") is post_save:
        instance.incident.refresh_status()


def keep_incident_state(sender, instance, created=False, raw=False, **kwargs):
    """A measure or an affected organisation changed anywhere (the pages, the admin, a script): the incident's
    status and open-duty flag follow, as they do for its notifications."""
    if not raw:
        instance.incident.refresh_status()


post_save.connect(keep_incident_state, sender=IncidentOrganisation, dispatch_uid="incident_state_organisation")


class IncidentMeasure(Measure):
    new_title = _("New measure")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)
    parent_field = "incident"
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="measures", verbose_name=_("incident")
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    history = HistoricalRecords()
    organisation_path = "incident__organisations"

    class Meta(Measure.Meta):
        ordering = ["incident", "due_on", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MeasureStatus.DONE) | Q(done_on__isnull=False),
                name="incident_measure_done_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=MeasureStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="incident_measure_cancel_has_reason",
            ),
        ]

    def get_absolute_url(self):
        return self.incident.get_absolute_url() + "#measures"

    def clean(self):
        super().clean()
        if self.status == MeasureStatus.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": _("Give the reason for cancelling the measure.")})

    def reminder_title(self) -> str:
        return self.incident.reference  # never the breach's title in an inbox

    def reopen_follow_up(self, *, user, reason: str) -> None:
        """A measure that did not work reopens its closed breach: the follow-up is not over."""
        if self.incident.status == IncidentStatus.CLOSED:
            from .lifecycle import reopen_incident

            reopen_incident(
                incident=self.incident,
                user=user,
                reason=str(_("A measure did not work: %(reason)s")) % {"reason": reason},
            )


post_save.connect(keep_incident_state, sender=IncidentMeasure, dispatch_uid="incident_state_measure")


def case_file_path(instance, filename):
    return f"incidents/{instance.incident_id}/{uuid.uuid4().hex}/{filename}"


class CaseEntry(ScopedModel):
    """One entry of an incident's case thread: a comment, the Altinn receipt, a log extract, an e-mail.

    Entries are added, never edited or deleted by users: the thread is the case's record. A file is served
    only through a view that checks the reader's access."""

    new_title = _("New entry in the case thread")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="case_entries", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseEntryKind.choices, default=CaseEntryKind.COMMENT)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to=case_file_path, blank=True)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    history = HistoricalRecords()
    organisation_path = "incident__organisations"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case entry")
        verbose_name_plural = _("case thread")
        constraints = [
            models.CheckConstraint(condition=~Q(text="") | ~Q(file=""), name="case_entry_has_text_or_file"),
        ]

    def __str__(self):
        return f"{self.incident.reference}: {self.get_kind_display()}"

    def get_absolute_url(self):
        return self.incident.get_absolute_url() + f"#case-{self.pk}"

    def clean(self):
        if not self.text.strip() and not self.file:
            raise ValidationError({"text": _("Write a text or attach a file.")})


class BreachCount(ScopedModel):
    """Breaches reported to Datatilsynet per year and category before the register was in use."""

    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=30, choices=IncidentCategory.choices)
    root_cause = models.ForeignKey(
        RootCause, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("root cause")
    )
    count = models.PositiveIntegerField(_("count"))
    period_note = models.CharField(_("period"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    history = HistoricalRecords()

    # Aggregated platform-wide statistics from a public report: every member may read them.
    organisation_path = None

    class Meta:
        ordering = ["-year", "category"]
        verbose_name = _("historical breach count")
        verbose_name_plural = _("historical breach counts")
        constraints = [
            models.UniqueConstraint(fields=["year", "category"], name="breachcount_unique_year_category"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_category_display()}: {self.count}"

    def get_absolute_url(self):
        return address("incidents:breachcount_detail", self.pk)
