"""Internal control records (the HOD decision of 23.03.2022, and 004 section 7.8): the Art. 30 record of
processing, the DPIA register with the Art. 36 prior consultation, and the archive plan with its hand-over
and disposal duties. Each is linked to what the register already holds (sub-processors, risks, gaps), so
nothing is typed twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from compliance.models import Gap, SubProcessor
from hpregister.addresses import address
from hpregister.models import Organisation, ScopedModel, ScopedQuerySet
from hpregister.timeutils import date_deadline
from risks.models import Risk

from .choices import (
    ArchiveRegime,
    ArchiveTrigger,
    ConsultationOutcome,
    Disposition,
    DpiaStatus,
    Medium,
    ProcessingRole,
    ResidualRisk,
    ServiceLevel,
)

USER = settings.AUTH_USER_MODEL

# Art. 36(2): Datatilsynet answers a prior consultation within eight weeks, extendable by six.
CONSULTATION_ANSWER_WEEKS = 8
CONSULTATION_EXTENSION_WEEKS = 6
# helsearkivforskriften § 17: specialist care's patient records go to Norsk helsearkiv ten years after death.
HELSEARKIV_YEARS_AFTER_DEATH = 10


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without it
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Transfer:
    """One transfer of the record: a sub-processor, where it is and on what basis, since when."""

    subprocessor: SubProcessor
    basis_since: dt.datetime | None
    previous: str  # the earlier country and basis, when the basis changed


class ProcessingActivity(ScopedModel):
    """One processing activity in an organisation's record of processing (GDPR Art. 30).

    A controller keeps one record (30(1)); Helseplattformen AS keeps one as processor for its owners (30(2)).
    The transfers are the linked sub-processors: their country and chapter V basis are read from the
    sub-processor register, with the date each last changed, never retyped here."""

    new_title = _("New processing activity")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=ProcessingRole.choices, default=ProcessingRole.CONTROLLER)
    controllers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of (controllers)"),
        help_text=_("For a processor's record: each controller it processes for."),
    )
    name = models.CharField(_("processing activity"), max_length=200)
    purposes = models.TextField(_("purposes"))
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("Art. 6 and Art. 9, and the national law.")
    )
    data_subjects = models.TextField(_("categories of data subjects"))
    data_categories = models.TextField(_("categories of personal data"))
    special_categories = models.BooleanField(_("special categories (Art. 9)"), default=True)
    recipients = models.TextField(_("recipients"), blank=True)
    subprocessors = models.ManyToManyField(
        SubProcessor,
        blank=True,
        related_name="processing_activities",
        verbose_name=_("transfers to sub-processors"),
        help_text=_("Their country and transfer basis are read from the sub-processor register."),
    )
    other_transfers = models.TextField(_("other transfers to third countries"), blank=True)
    retention = models.TextField(_("time limits for erasure"))
    security_measures = models.TextField(_("technical and organisational security measures"))
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    history = HistoricalRecords(m2m_fields=[subprocessors, controllers])

    class Meta:
        ordering = ["organisation", "role", "name"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("internalcontrol:processingactivity_detail", self.pk)

    def clean(self):
        if self.role == ProcessingRole.PROCESSOR and self.organisation_id and not self.organisation.is_operator:
            raise ValidationError({"role": _("Only Helseplattformen AS keeps a record as processor.")})

    def transfers(self) -> list[Transfer]:
        return transfers_of(list(self.subprocessors.all()))


def transfers_of(subprocessors: list[SubProcessor]) -> list[Transfer]:
    """Each sub-processor with the instant its country or transfer basis last changed, and the earlier one.

    One query over the sub-processors' history, whatever their number."""
    history = SubProcessor.history.model.objects.filter(id__in=[s.pk for s in subprocessors]).order_by(
        "id", "history_date", "history_id"
    )
    since: dict[int, dt.datetime] = {}
    previous: dict[int, str] = {}
    last: dict[int, tuple] = {}
    basis_labels = dict(SubProcessor._meta.get_field("transfer_basis").choices)
    for row in history.only("id", "history_date", "country", "transfer_basis", "transfer_reference"):
        key = (str(row.country), row.transfer_basis, row.transfer_reference)
        if last.get(row.id) != key:
            if row.id in last:
                country, basis, _reference = last[row.id]
                previous[row.id] = f"{country}, {basis_labels.get(basis, basis)}"
            since[row.id] = row.history_date
            last[row.id] = key
    return [Transfer(s, since.get(s.pk), previous.get(s.pk, "")) for s in subprocessors]


class DpiaQuerySet(ScopedQuerySet):
    def consultation_open(self):
        """High residual risk and no outcome of the prior consultation yet (Art. 36(1))."""
        return self.filter(consultation_due_on__isnull=False)


class Dpia(ScopedModel):
    """A data protection impact assessment (GDPR Art. 35), linked to its processing and its risks.

    When the residual risk after measures stays high, Art. 36 requires a prior consultation of Datatilsynet
    before the processing starts: the DPIA carries that duty, its deadline and its outcome."""

    new_title = _("New DPIA")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    activities = models.ManyToManyField(
        ProcessingActivity, blank=True, related_name="dpias", verbose_name=_("processing activities")
    )
    risks = models.ManyToManyField(Risk, blank=True, related_name="dpias", verbose_name=_("risks"))
    description = models.TextField(_("description of the processing"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DpiaStatus.choices, default=DpiaStatus.PLANNED)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    residual_risk = models.CharField(
        _("residual risk after measures"), max_length=10, choices=ResidualRisk.choices, blank=True
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    review_due = models.DateField(_("next review"), null=True, blank=True)
    processing_starts_on = models.DateField(
        _("processing starts on"),
        null=True,
        blank=True,
        help_text=_("A prior consultation must be answered before this day."),
    )
    consultation_sent_on = models.DateField(_("prior consultation sent on"), null=True, blank=True)
    consultation_extended = models.BooleanField(
        _("Datatilsynet extended its answer by six weeks"), default=False, help_text=_("Art. 36(2).")
    )
    consultation_reference = models.CharField(_("Datatilsynet's case number"), max_length=100, blank=True)
    consultation_outcome = models.CharField(
        _("outcome of the prior consultation"), max_length=20, choices=ConsultationOutcome.choices, blank=True
    )
    consultation_answered_on = models.DateField(_("answered on"), null=True, blank=True)
    consultation_due_on = models.DateField(_("prior consultation due"), null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[activities, risks])
    objects = DpiaQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "title"]
        verbose_name = _("DPIA")
        verbose_name_plural = _("DPIAs")
        indexes = [
            models.Index(fields=["review_due"], name="dpia_review_due"),
            models.Index(fields=["consultation_due_on"], name="dpia_consultation_due"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("internalcontrol:dpia_detail", self.pk)

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.status == DpiaStatus.COMPLETED:
            if not self.residual_risk:
                errors["residual_risk"] = _("A completed DPIA states the residual risk after measures.")
            if not self.completed_on:
                errors["completed_on"] = _("Give the day the DPIA was completed.")
        if self.completed_on and self.completed_on > today:
            errors["completed_on"] = _("The date cannot be in the future.")
        if self.consultation_sent_on and self.consultation_sent_on > today:
            errors["consultation_sent_on"] = _("The date cannot be in the future.")
        if self.consultation_outcome and not self.consultation_sent_on:
            errors["consultation_outcome"] = _("Record when the prior consultation was sent first.")
        if self.consultation_outcome and not self.consultation_answered_on:
            errors["consultation_answered_on"] = _("Give the day Datatilsynet answered.")
        if self.consultation_answered_on and self.consultation_sent_on:
            if self.consultation_answered_on < self.consultation_sent_on:
                errors["consultation_answered_on"] = _("The answer cannot come before the consultation was sent.")
        if errors:
            raise ValidationError(errors)

    @property
    def consultation_required(self) -> bool:
        return self.residual_risk == ResidualRisk.HIGH

    @property
    def consultation_open(self) -> bool:
        return self.consultation_required and not self.consultation_outcome

    @property
    def answer_expected_on(self) -> dt.date | None:
        """When Datatilsynet's answer is due: eight weeks after the request, fourteen when extended."""
        if not self.consultation_sent_on:
            return None
        weeks = CONSULTATION_ANSWER_WEEKS + (CONSULTATION_EXTENSION_WEEKS if self.consultation_extended else 0)
        return self.consultation_sent_on + dt.timedelta(weeks=weeks)

    def compute_consultation_due_on(self) -> dt.date | None:
        """The open duty's date: send before the processing starts; once sent, the answer's due date."""
        if not self.consultation_open:
            return None
        if self.consultation_sent_on:
            return self.answer_expected_on
        return self.processing_starts_on or self.completed_on or self.consultation_due_on or timezone.localdate()

    def save(self, *args, **kwargs):
        self.consultation_due_on = self.compute_consultation_due_on()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "consultation_due_on"}
        super().save(*args, **kwargs)

    @property
    def consultation_deadline(self):
        day = self.consultation_due_on
        return date_deadline(day) if day else None

    @property
    def review_deadline(self):
        return date_deadline(self.review_due) if self.review_due else None


class ArchiveSeriesQuerySet(ScopedQuerySet):
    def due_within(self, days: int, today=None):
        today = today or timezone.localdate()
        return self.filter(due_on__isnull=False, done_on__isnull=True, due_on__lte=today + dt.timedelta(days=days))


class ArchiveSeries(ScopedModel):
    """An archive series in an organisation's archive plan, with the hand-over or disposal its regime demands.

    - helsearkivforskriften (specialist care): patient records go to Norsk helsearkiv ten years after the
      patient's death (§ 17), or earlier by agreement with Norsk helsearkiv (§ 18).
    - Riksarkivarens forskrift § 7-29 (municipal health and care service): selection, a minimum retention,
      then the municipal archive or disposal by the disposal plan; never Norsk helsearkiv.
    """

    new_title = _("New archive series")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("series"), max_length=200)
    service_level = models.CharField(_("service level"), max_length=20, choices=ServiceLevel.choices)
    regime = models.CharField(_("regime"), max_length=20, choices=ArchiveRegime.choices)
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices)
    trigger = models.CharField(_("trigger"), max_length=20, choices=ArchiveTrigger.choices)
    trigger_on = models.DateField(_("trigger date"), null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("minimum retention (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("For municipal records: the retention the disposal plan sets after the trigger."),
    )
    agreed_handover_on = models.DateField(
        _("agreed earlier hand-over"),
        null=True,
        blank=True,
        help_text=_("helsearkivforskriften § 18: an earlier hand-over agreed with Norsk helsearkiv."),
    )
    disposal_plan = models.TextField(_("selection and disposal plan"), blank=True)
    location = models.CharField(_("where the series is kept"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("responsible")
    )
    due_on = models.DateField(_("hand-over or disposal due"), null=True, blank=True, editable=False)
    done_on = models.DateField(_("handed over or disposed of on"), null=True, blank=True)
    gaps = models.ManyToManyField(Gap, blank=True, related_name="archive_series", verbose_name=_("archive-law gaps"))

    history = HistoricalRecords(m2m_fields=[gaps])
    objects = ArchiveSeriesQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("archive series")
        verbose_name_plural = _("archive series")
        indexes = [models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="archive_due")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("internalcontrol:archiveseries_detail", self.pk)

    def clean(self):
        errors = {}
        if self.regime == ArchiveRegime.HELSEARKIV:
            if self.service_level and self.service_level != ServiceLevel.SPECIALIST:
                errors["regime"] = _("Helsearkivforskriften covers the specialist health service's patient records.")
            if self.disposition and self.disposition != Disposition.NORSK_HELSEARKIV:
                errors["disposition"] = _("Under helsearkivforskriften the records go to Norsk helsearkiv.")
            if self.trigger and self.trigger != ArchiveTrigger.PATIENT_DEATH and not self.agreed_handover_on:
                errors["trigger"] = _(
                    "Hand-over counts from the patient's death (§ 17), unless an earlier one is agreed (§ 18)."
                )
        if self.regime == ArchiveRegime.RA_7_29:
            if self.service_level and self.service_level != ServiceLevel.MUNICIPAL:
                errors["regime"] = _("Riksarkivarens forskrift § 7-29 covers municipal records.")
            if self.disposition == Disposition.NORSK_HELSEARKIV:
                errors["disposition"] = _("Municipal records never go to Norsk helsearkiv.")
            if self.agreed_handover_on:
                errors["agreed_handover_on"] = _("An agreed hand-over to Norsk helsearkiv is for specialist care.")
            if not self.retention_years:
                errors["retention_years"] = _("Give the minimum retention the disposal plan sets.")
            if self.disposition == Disposition.DISPOSAL and not self.disposal_plan.strip():
                errors["disposal_plan"] = _("Disposal needs a selection and disposal plan.")
        if self.done_on and self.done_on > timezone.localdate():
            errors["done_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def compute_due_on(self) -> dt.date | None:
        if self.regime == ArchiveRegime.HELSEARKIV:
            if self.agreed_handover_on:
                return self.agreed_handover_on
            return add_years(self.trigger_on, HELSEARKIV_YEARS_AFTER_DEATH) if self.trigger_on else None
        if self.trigger_on and self.retention_years:
            return add_years(self.trigger_on, self.retention_years)
        return None

    def save(self, *args, **kwargs):
        self.due_on = self.compute_due_on()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_on"}
        super().save(*args, **kwargs)

    @property
    def deadline(self):
        return date_deadline(self.due_on) if self.due_on and not self.done_on else None
