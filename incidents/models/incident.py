"""A breach (avvik): its fields, its 72-hour clock, its status and the duties still open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hpregister.addresses import address
from hpregister.models import Organisation, ScopedModel, ScopedQuerySet
from hpregister.timeutils import OSLO, deadline_after

from ..choices import (
    DataCategory,
    HowKnown,
    IncidentCategory,
    IncidentStatus,
    Phase,
    RiskLevel,
    SubjectsDecision,
)

NOTIFICATION_HOURS = 72  # GDPR Art. 33(1)
SUBJECT_EXCEPTIONS = [SubjectsDecision.UNINTELLIGIBLE, SubjectsDecision.RISK_REMOVED, SubjectsDecision.PUBLIC_NOTICE]
ENDED = [IncidentStatus.CLOSED, IncidentStatus.WITHDRAWN]


class RootCause(ScopedModel):
    """Why breaches happen (access-control set-up, a system error, …): data the operator maintains. A cause
    can point at the risk in the register that such breaches realise (the inherent risk)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    risk = models.ForeignKey(
        "risks.Risk",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="root_causes",
        verbose_name=_("inherent risk"),
        help_text=_("The risk in the register that breaches of this cause realise."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords()
    organisation_path = None  # register-wide: every member reads them, the operator maintains them

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("incidents:rootcause_detail", self.pk)


# Other apps add the duties of theirs a breach must meet before it closes (log control: the staff
# follow-up): callables incident -> iterable of OpenDuty, registered from their AppConfig.ready().
DUTY_SOURCES: list = []


@dataclass(frozen=True)
class OpenDuty:
    """A duty of a breach not met yet: what to do and the page to do it on. ``follow_up`` marks the duties
    with a reminder kind of their own beyond the first notification and the measures."""

    code: str
    text: str
    url: str
    follow_up: bool = False


# The Datatilsynet clock runs: live, not assessed as unlikely to result in a risk, no initial notification.
CLOCK_RUNNING = Q(first_notified_at__isnull=True) & ~Q(status__in=ENDED) & ~Q(risk_level=RiskLevel.UNLIKELY)


class IncidentQuerySet(ScopedQuerySet):
    def live(self):
        return self.exclude(status__in=ENDED)

    def awaiting_notification(self):
        """Live incidents whose Datatilsynet clock runs: no initial notification, no decision not to notify.

        A column the database computes (``clock_running``) and an index on it: the running clocks are found
        without reading the register, however large it grows."""
        return self.filter(clock_running=True)

    def overdue(self, now=None):
        now = now or timezone.now()
        return self.awaiting_notification().filter(aware_at__lt=now - dt.timedelta(hours=NOTIFICATION_HOURS))

    def due_within(self, hours: int, now=None):
        now = now or timezone.now()
        start = now - dt.timedelta(hours=NOTIFICATION_HOURS)
        return self.awaiting_notification().filter(aware_at__gte=start, aware_at__lt=start + dt.timedelta(hours=hours))

    def art34_pending(self):
        return (
            self.live()
            .filter(risk_level=RiskLevel.HIGH, subjects_informed_at__isnull=True)
            .exclude(subjects_decision__in=[*SUBJECT_EXCEPTIONS, SubjectsDecision.NOT_REQUIRED])
        )


class Incident(ScopedModel):
    new_title = _("New incident")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    number = models.PositiveIntegerField(_("number"), editable=False)

    # What happened
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("what happened and how"))
    main_cause = models.TextField(_("main cause"), blank=True)
    category = models.CharField(_("category"), max_length=30, choices=IncidentCategory.choices)
    root_cause = models.ForeignKey(
        RootCause,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("root cause"),
    )
    system = models.CharField(
        _("affected system or module"), max_length=200, blank=True, help_text=_("For example Epic Hyperspace, MyChart.")
    )
    breach_confidentiality = models.BooleanField(_("confidentiality breach"), default=False)
    breach_integrity = models.BooleanField(_("integrity breach"), default=False)
    breach_availability = models.BooleanField(_("availability breach"), default=False)
    occurred_from = models.DateTimeField(_("occurred from"), null=True, blank=True)
    occurred_to = models.DateTimeField(_("occurred until"), null=True, blank=True)
    ongoing = models.BooleanField(_("still ongoing"), default=False)
    discovered_at = models.DateTimeField(_("discovered"))
    aware_at = models.DateTimeField(
        _("became aware"), help_text=_("When the controller became aware: the 72-hour clock starts here.")
    )
    awareness_basis = models.TextField(_("basis for awareness"), blank=True)
    how_known = models.CharField(_("how it became known"), max_length=20, choices=HowKnown.choices)

    # Who and what is affected
    organisations = models.ManyToManyField(
        Organisation, through="IncidentOrganisation", related_name="incidents", verbose_name=_("affected organisations")
    )
    processor = models.CharField(_("processor involved"), max_length=200, blank=True)
    processor_detected_at = models.DateTimeField(_("processor detected it"), null=True, blank=True)
    processor_notified_at = models.DateTimeField(_("processor notified us"), null=True, blank=True)
    processor_agreement = models.ForeignKey(
        "compliance.ProcessorAgreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("processor agreement"),
        help_text=_("Its breach-notice SLA decides whether the processor told us in time."),
    )
    data_categories = models.JSONField(_("categories of personal data"), default=list, blank=True)
    subjects_count = models.PositiveIntegerField(_("approximate number of data subjects"), null=True, blank=True)
    records_count = models.PositiveIntegerField(_("approximate number of records"), null=True, blank=True)
    subjects_relation = models.CharField(_("relation to the people affected"), max_length=300, blank=True)
    data_location = models.TextField(_("where the data is now"), blank=True)
    likely_consequences = models.TextField(_("likely consequences"), blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    measures_planned = models.TextField(_("measures planned"), blank=True)
    contact_point = models.CharField(_("contact point"), max_length=300, blank=True)

    # Assessment and decisions
    risk_level = models.CharField(_("risk to the data subjects"), max_length=20, choices=RiskLevel.choices, blank=True)
    risk_rationale = models.TextField(_("rationale for the risk assessment"), blank=True)
    subjects_decision = models.CharField(
        _("informing the data subjects (Art. 34)"), max_length=20, choices=SubjectsDecision.choices, blank=True
    )
    subjects_rationale = models.TextField(_("rationale for the Art. 34 decision"), blank=True)
    subjects_informed_at = models.DateTimeField(_("data subjects informed"), null=True, blank=True)
    subjects_informed_how = models.CharField(_("how they were informed"), max_length=300, blank=True)
    police_notified_at = models.DateTimeField(_("police (Kripos) notified"), null=True, blank=True)
    police_reference = models.CharField(_("police reference"), max_length=100, blank=True)

    # Links and lifecycle
    risks = models.ManyToManyField("risks.Risk", blank=True, related_name="incidents", verbose_name=_("risks"))
    recurrence_of = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="recurrences",
        verbose_name=_("recurrence of"),
        help_text=_("Earlier breaches this one repeats: their measures did not work."),
    )
    obligations = models.ManyToManyField(
        "compliance.Obligation", blank=True, related_name="incidents", verbose_name=_("duties it shows a failure of")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.REGISTERED
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    reopened_reason = models.TextField(_("reason for reopening"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # Kept from the notifications (sync_first_notification), never typed: the clock's state is then a column,
    # and lists, filters and the dashboard need no subquery per row. Its history is the notifications'.
    first_notified_at = models.DateTimeField(_("notified"), null=True, blank=True, editable=False)
    # Kept by refresh_status(): a live breach with a follow-up duty open beyond the first notification (the
    # final notification, Art. 34, Kripos, informing the other organisations). Its partial index lets those
    # duties' reminders read the open ones only, however large the register grows.
    follow_up_open = models.BooleanField(_("follow-up duty open"), default=False, editable=False)
    clock_running = models.GeneratedField(
        expression=Case(When(CLOCK_RUNNING, then=Value(True)), default=Value(False)),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("clock running"),
    )

    history = HistoricalRecords(
        m2m_fields=[risks, obligations, recurrence_of],
        excluded_fields=["first_notified_at", "clock_running", "follow_up_open"],
    )

    objects = IncidentQuerySet.as_manager()
    organisation_path = "organisations"

    class Meta:
        ordering = ["-aware_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="incident_unique_reference"),
            models.CheckConstraint(
                condition=Q(breach_confidentiality=True) | Q(breach_integrity=True) | Q(breach_availability=True),
                name="incident_has_a_breach_type",
            ),
            models.CheckConstraint(
                condition=~Q(status=IncidentStatus.WITHDRAWN) | ~Q(withdrawn_reason=""),
                name="incident_withdrawal_has_a_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "aware_at", "id"], name="incident_status"),
            models.Index(fields=["aware_at", "id"], name="incident_aware_at"),  # the default order, both ways
            models.Index(fields=["aware_at"], condition=Q(clock_running=True), name="incident_clock_running"),
            models.Index(fields=["aware_at"], condition=Q(follow_up_open=True), name="incident_follow_up_open"),
            models.Index(fields=["root_cause", "aware_at", "id"], name="incident_root_cause_at"),  # recurrence, filters
            # Behind each sortable column of the list (the paginator adds the id as the last key), and the
            # category filter with the default order or with a sort by title (#18).
            models.Index(fields=["title", "id"], name="incident_title"),
            models.Index(fields=["first_notified_at", "id"], name="incident_first_notified"),
            models.Index(fields=["category", "aware_at", "id"], name="incident_category"),
            models.Index(fields=["category", "title", "id"], name="incident_category_title"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return address("incidents:incident_detail", self.pk)

    # --- reference -----------------------------------------------------------------------------
    @property
    def reference(self) -> str:
        if self.number is None:
            return "AVVIK"
        return f"AVVIK-{self.year}-{self.number:04d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            if not self._state.adding and kwargs.get("update_fields") is None:
                # first_notified_at belongs to the notifications: an edit of a copy loaded before one was
                # recorded must not write back the old value.
                kwargs["update_fields"] = [
                    f.name
                    for f in self._meta.concrete_fields
                    if not (f.primary_key or f.generated or f.name == "first_notified_at")
                ]
            return super().save(*args, **kwargs)
        self.year = timezone.localtime(timezone.now(), OSLO).year
        for _attempt in range(5):  # two privacy officers registering at once: the unique constraint decides
            last = Incident.objects.filter(year=self.year).aggregate(n=models.Max("number"))["n"] or 0
            self.number = last + 1
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                self.pk = None
                continue
        raise IntegrityError("Could not allocate an incident number")

    def clean(self):
        errors = {}
        if not (self.breach_confidentiality or self.breach_integrity or self.breach_availability):
            errors["breach_confidentiality"] = _("Choose at least one breach type.")
        if self.discovered_at and self.aware_at and self.aware_at < self.discovered_at:
            errors["aware_at"] = _("Awareness cannot come before discovery.")
        if self.occurred_from and self.occurred_to and self.occurred_to < self.occurred_from:
            errors["occurred_to"] = _("The end of the period cannot be before its start.")
        if self.occurred_to and self.ongoing:
            errors["occurred_to"] = _("An ongoing breach has no end yet.")
        if self.processor_notified_at and not self.processor:
            errors["processor"] = _("Name the processor that notified you.")
        if (
            self.processor_detected_at
            and self.processor_notified_at
            and (self.processor_notified_at < self.processor_detected_at)
        ):
            errors["processor_notified_at"] = _("The processor cannot notify before it detected the breach.")
        if self.risk_level and not self.risk_rationale.strip():
            errors["risk_rationale"] = _("Give the rationale for the risk assessment (Art. 33(5)).")
        if self.subjects_decision in SUBJECT_EXCEPTIONS and not self.subjects_rationale.strip():
            errors["subjects_rationale"] = _("Give the rationale for the exception.")
        if self.subjects_decision == SubjectsDecision.NOT_REQUIRED and self.risk_level == RiskLevel.HIGH:
            errors["subjects_decision"] = _(
                "With a high risk the data subjects must be informed unless an exception applies."
            )
        if self.subjects_informed_at and not self.subjects_informed_how.strip():
            errors["subjects_informed_how"] = _("Say how the data subjects were informed.")
        if errors:
            raise ValidationError(errors)

    # --- the legal clock -----------------------------------------------------------------------
    @property
    def deadline(self) -> dt.datetime | None:
        """Datatilsynet's deadline: awareness + 72 elapsed hours (Art. 33(1)); weekends and holidays count."""
        return deadline_after(self.aware_at, NOTIFICATION_HOURS) if self.aware_at else None

    @property
    def notification_required(self) -> bool | None:
        """None until assessed; False only when the breach is unlikely to result in a risk."""
        if not self.risk_level:
            return None
        return self.risk_level != RiskLevel.UNLIKELY

    def sync_first_notification(self) -> None:
        """Store when the initial notification was sent (one UPDATE, from the notifications themselves)."""
        first = self.notifications.model.objects.filter(incident=OuterRef("pk"), phase=Phase.INITIAL).order_by(
            "sent_at"
        )
        Incident.objects.filter(pk=self.pk).update(first_notified_at=Subquery(first.values("sent_at")[:1]))
        self.first_notified_at = Incident.objects.values_list("first_notified_at", flat=True).get(pk=self.pk)

    def clock(self, now=None) -> dict:
        """State of the 72-hour clock: 'notified', 'not_required', 'overdue', 'soon' (< 24 h) or 'running'."""
        now = now or timezone.now()
        notified = self.first_notified_at
        deadline = self.deadline
        if notified:
            return {
                "state": "notified",
                "deadline": deadline,
                "at": notified,
                "late": notified > deadline,
                "delta": notified - deadline,
            }
        if self.notification_required is False:
            return {"state": "not_required", "deadline": deadline, "delta": None, "late": False}
        remaining = deadline - now
        if self.status in ENDED:
            state = "stopped"
        elif remaining.total_seconds() < 0:
            state = "overdue"
        elif remaining <= dt.timedelta(hours=24):
            state = "soon"
        else:
            state = "running"
        return {"state": state, "deadline": deadline, "delta": remaining, "late": remaining.total_seconds() < 0}

    @property
    def processor_delay(self) -> dt.timedelta | None:
        if self.processor_detected_at and self.processor_notified_at:
            return self.processor_notified_at - self.processor_detected_at
        return None

    @property
    def processor_notice_limit_hours(self) -> int:
        """The processor's breach-notice SLA: its agreement's, or PROCESSOR_NOTICE_LIMIT_HOURS without one."""
        if self.processor_agreement_id:
            return self.processor_agreement.notice_limit_hours
        return settings.PROCESSOR_NOTICE_LIMIT_HOURS

    @property
    def processor_late(self) -> bool:
        delay = self.processor_delay
        return delay is not None and delay > dt.timedelta(hours=self.processor_notice_limit_hours)

    @property
    def follow_up_notification_open(self) -> bool:
        """A phased ("trinnvis") initial notification keeps a duty open until the final one is sent."""
        notifications = list(self.notifications.all())
        phased = any(n.phase == Phase.INITIAL and n.phased for n in notifications)
        return phased and not any(n.phase == Phase.FINAL for n in notifications)

    @property
    def police_follow_up_open(self) -> bool:
        """Address-protected patients among the data: Kripos must be notified (the sector's norm)."""
        return DataCategory.ADDRESS_PROTECTED in (self.data_categories or []) and self.police_notified_at is None

    @property
    def art34_pending(self) -> bool:
        return (
            self.risk_level == RiskLevel.HIGH
            and self.subjects_informed_at is None
            and self.subjects_decision not in [*SUBJECT_EXCEPTIONS, SubjectsDecision.NOT_REQUIRED]
        )

    @property
    def breach_types(self) -> list[str]:
        return [
            str(label)
            for flag, label in (
                (self.breach_confidentiality, _("confidentiality")),
                (self.breach_integrity, _("integrity")),
                (self.breach_availability, _("availability")),
            )
            if flag
        ]

    def data_category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(code, code)) for code in self.data_categories or []]

    # --- lifecycle -----------------------------------------------------------------------------
    def derived_status(self) -> str:
        if self.status in ENDED:
            return self.status
        if not self.risk_level:
            return IncidentStatus.REGISTERED
        if self.notification_required and not self.first_notified_at:
            return IncidentStatus.ASSESSED
        if self.pk and self.follow_up_notification_open:
            return IncidentStatus.PHASED
        if self.pk and self.measures.open().exists():
            return IncidentStatus.MEASURES
        if not self.notification_required:
            return IncidentStatus.NOT_REQUIRED
        return IncidentStatus.NOTIFIED

    def refresh_status(self) -> None:
        """Store what the breach's records now say: its status and whether a follow-up duty is open."""
        changed = {}
        status = self.derived_status()
        if status != self.status:
            changed["status"] = status
        follow_up = self.status not in ENDED and any(duty.follow_up for duty in self.open_duties())
        if follow_up != self.follow_up_open:
            changed["follow_up_open"] = follow_up
        if changed:
            for name, value in changed.items():
                setattr(self, name, value)
            self.save(update_fields=list(changed))

    # --- the duties that must be met before the breach can be closed ----------------------------
    @property
    def organisations_to_inform(self) -> list:
        """A shared breach (two or more organisations): each one, the recording one too, is recorded as
        informed. A breach of one organisation has no one else to inform."""
        affected = list(self.affected.all())
        if len(affected) < 2:
            return []
        return [a for a in affected if a.informed_at is None]

    def duty_deadline(self, code: str) -> dt.datetime | None:
        """When a follow-up duty falls due: elapsed hours from awareness, or days from the phased notification."""
        if code == "final_notification":
            phased = [n.sent_at for n in self.notifications.all() if n.phase == Phase.INITIAL and n.phased]
            return min(phased) + dt.timedelta(days=settings.FINAL_NOTIFICATION_DAYS) if phased else None
        hours = {
            "art34": settings.ART34_HOURS,
            "police": settings.POLICE_NOTICE_HOURS,
            "organisation": settings.INFORM_ORGANISATIONS_HOURS,
        }[code]
        return deadline_after(self.aware_at, hours)

    def open_duties(self) -> list[OpenDuty]:
        """Every duty still open, each with where to meet it. Closing is refused while any is open."""
        duties = []
        edit = reverse("incidents:incident_edit", args=[self.pk])
        notify = reverse("incidents:notification_add", args=[self.pk])
        if not self.risk_level:
            duties.append(OpenDuty("assessment", _("Assess the risk to the data subjects."), edit))
        elif self.notification_required and not self.first_notified_at:
            duties.append(
                OpenDuty(
                    "notification",
                    _("Notify Datatilsynet (Art. 33), or record that the breach is unlikely to result in a risk."),
                    notify,
                )
            )
        if self.follow_up_notification_open:
            duties.append(
                OpenDuty("final_notification", _("Send the final notification after the phased one."), notify, True)
            )
        if self.art34_pending:
            duties.append(
                OpenDuty(
                    "art34",
                    _("High risk: inform the data subjects (Art. 34), or record the exception that applies."),
                    edit + "#id_subjects_decision",
                    True,
                )
            )
        if self.police_follow_up_open:
            duties.append(
                OpenDuty(
                    "police",
                    _("Address-protected patients are affected: notify the police (Kripos)."),
                    edit + "#id_police_notified_at",
                    True,
                )
            )
        for affected in self.organisations_to_inform:
            duties.append(
                OpenDuty(
                    "organisation",
                    _("Inform %(organisation)s of the breach.") % {"organisation": affected.organisation},
                    reverse("incidents:incidentorganisation_edit", args=[self.pk, affected.pk]),
                    True,
                )
            )
        for item in self.measures.open():
            duties.append(
                OpenDuty(
                    "measure",
                    _("Finish the measure “%(measure)s”: mark it done, or cancel it with a reason.")
                    % {"measure": item.description[:120]},
                    reverse("incidents:incidentmeasure_edit", args=[self.pk, item.pk]),
                )
            )
        for source in DUTY_SOURCES:
            duties.extend(source(self))
        return duties

    def open_measures(self):
        return self.measures.open()
