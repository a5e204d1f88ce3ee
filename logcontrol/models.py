"""Log control (logganalyse): each organisation's plan of log reviews, the reviews, the staff follow-up a
suspected unauthorised look-up opens, and patients' requests for their access log.

The HOD decision makes each health organisation review the record's access logs and follow up staff and
patients when pjl § 16 or hpl § 21 a may have been broken; pjl § 18 and GDPR Art. 15 give patients the
right to see who looked them up, within a month (Art. 12(3)).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hpregister.addresses import address
from hpregister.models import Organisation, ScopedModel, ScopedQuerySet
from hpregister.timeutils import OSLO, add_months, date_deadline

from .choices import BreachDecision, CaseStatus, ReviewKind, StepKind, Target

USER = settings.AUTH_USER_MODEL


def _person(verbose_name, **kwargs):
    return models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=verbose_name, **kwargs
    )


class LogControlPlan(ScopedModel):
    """A periodic log review an organisation has planned: a random sample, or a targeted search."""

    new_title = _("New log review plan")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    target = models.CharField(_("target"), max_length=30, choices=Target.choices, blank=True)
    method = models.TextField(_("method"), blank=True, help_text=_("The report, query or tool, and how it is sampled."))
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), validators=[MinValueValidator(1), MaxValueValidator(24)], default=3
    )
    responsible = _person(_("responsible"))
    next_due = models.DateField(_("next review due"))
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "next_due", "name"]
        verbose_name = _("log review plan")
        verbose_name_plural = _("log review plans")
        indexes = [models.Index(fields=["next_due"], condition=Q(is_active=True), name="logplan_due")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("logcontrol:logcontrolplan_detail", self.pk)

    def clean(self):
        if self.kind == ReviewKind.TARGETED and not self.target:
            raise ValidationError({"target": _("Say what a targeted review looks for.")})

    @property
    def deadline(self):
        return date_deadline(self.next_due) if self.is_active and self.next_due else None


class LogReview(ScopedModel):
    """One review of the access logs: the period and scope, how, by whom, how many look-ups, what was found."""

    new_title = _("New log review")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    plan = models.ForeignKey(
        LogControlPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    target = models.CharField(_("target"), max_length=30, choices=Target.choices, blank=True)
    period_from = models.DateField(_("log period from"))
    period_to = models.DateField(_("log period to"))
    scope = models.TextField(_("scope"), help_text=_("Which units, staff or patients the review covered."))
    method = models.TextField(_("method"), blank=True)
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer"))
    reviewed_on = models.DateField(_("reviewed on"), default=timezone.localdate)
    lookups_checked = models.PositiveIntegerField(_("look-ups checked"))
    findings = models.TextField(_("findings"), blank=True)
    suspected = models.PositiveIntegerField(
        _("suspected unauthorised look-ups"), default=0, help_text=_("Each opens a staff follow-up case.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("log review")
        verbose_name_plural = _("log reviews")

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_from:%d.%m.%Y}–{self.period_to:%d.%m.%Y}"

    def get_absolute_url(self):
        return address("logcontrol:logreview_detail", self.pk)

    def clean(self):
        errors = {}
        if self.period_from and self.period_to and self.period_from > self.period_to:
            errors["period_to"] = _("The period must end on or after its first day.")
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            errors["reviewed_on"] = _("The date cannot be in the future.")
        if self.plan_id and self.organisation_id and self.plan.organisation_id != self.organisation_id:
            errors["plan"] = _("The plan belongs to another organisation.")
        if self.kind == ReviewKind.TARGETED and not self.target:
            errors["target"] = _("Say what a targeted review looks for.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            if self.plan_id:
                # The plan's next review counts from its latest review.
                latest = self.plan.reviews.order_by("-reviewed_on").values_list("reviewed_on", flat=True).first()
                next_due = add_months(latest, self.plan.every_months)
                if next_due != self.plan.next_due:
                    self.plan.next_due = next_due
                    self.plan._change_reason = "Reviewed"
                    self.plan.save(update_fields=["next_due"])


class StaffCaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=CaseStatus.OPEN)


# How long each step of a staff follow-up may take, from the day the access was confirmed. The breach
# decision is due the same day: if it is a breach, the 72-hour clock started when the access was confirmed.
STEP_DAYS = {StepKind.BREACH: 0, StepKind.EMPLOYEE: 14, StepKind.PATIENT: 30, StepKind.OUTCOME: 60}


class StaffCase(ScopedModel):
    """The follow-up of a suspected unauthorised look-up by staff: the employee, the patient, whether it is a
    personal-data breach (then the incident), and the outcome. Each step has an owner and a deadline."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    review = models.ForeignKey(
        LogReview, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("log review")
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_cases",
        verbose_name=_("breach"),
    )
    employee = models.CharField(_("employee"), max_length=200, help_text=_("Name or employee number."))
    summary = models.TextField(_("what was found"))
    confirmed_at = models.DateTimeField(
        _("access confirmed"),
        help_text=_("When the review confirmed the look-up. If it is a breach, the 72-hour clock starts here."),
    )
    breach_decision = models.CharField(
        _("personal-data breach?"), max_length=20, choices=BreachDecision.choices, blank=True
    )
    breach_rationale = models.TextField(_("rationale for the breach decision"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = _person(_("closed by"), editable=False)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    created_by = _person(_("opened by"), editable=False)

    history = HistoricalRecords()
    objects = StaffCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        verbose_name = _("staff follow-up case")
        verbose_name_plural = _("staff follow-up cases")
        indexes = [models.Index(fields=["status", "confirmed_at"], name="staffcase_status")]

    def __str__(self):
        return _("Staff follow-up %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return address("logcontrol:staffcase_detail", self.pk)

    def clean(self):
        errors = {}
        if self.confirmed_at and self.confirmed_at > timezone.now():
            errors["confirmed_at"] = _("The time cannot be in the future.")
        if self.breach_decision == BreachDecision.NO_BREACH and not self.breach_rationale.strip():
            errors["breach_rationale"] = _("Say why it is not a personal-data breach.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Recording the decision or the outcome is doing that step.
        done = [
            kind for kind, value in ((StepKind.BREACH, self.breach_decision), (StepKind.OUTCOME, self.outcome)) if value
        ]
        if done:
            self.steps.filter(kind__in=done, done_on__isnull=True).update(done_on=timezone.localdate())

    def open_steps(self) -> list[str]:
        """What keeps the case open, in words."""
        steps = list(self.steps.all())
        missing = [str(step.get_kind_display()) for step in steps if step.done_on is None]
        done = {step.kind for step in steps if step.done_on is not None}
        if StepKind.BREACH in done and not self.breach_decision:
            missing.append(str(_("Decide whether it is a personal-data breach.")))
        if self.breach_decision == BreachDecision.BREACH and self.incident_id is None:
            missing.append(str(_("Register the breach.")))
        if StepKind.OUTCOME in done and not self.outcome.strip():
            missing.append(str(_("Record the outcome.")))
        return missing


class StaffCaseStep(ScopedModel):
    case = models.ForeignKey(StaffCase, on_delete=models.CASCADE, related_name="steps", verbose_name=_("case"))
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    owner = _person(_("owner"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    organisation_path = "case__organisation"

    class Meta:
        ordering = ["case", "due_on", "pk"]
        verbose_name = _("follow-up step")
        verbose_name_plural = _("follow-up steps")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="staffcasestep_one_per_kind")]
        indexes = [models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="staffcasestep_open")]

    def __str__(self):
        return str(self.get_kind_display())

    def get_absolute_url(self):
        return self.case.get_absolute_url() + "#steps"

    def clean(self):
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("The date cannot be in the future.")})

    @property
    def deadline(self):
        return date_deadline(self.due_on) if self.done_on is None else None

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


def open_case(*, organisation, employee: str, summary: str, confirmed_at, user, review=None, incident=None):
    """Open a staff follow-up case with its four steps, owned by ``user`` and due from ``confirmed_at``."""
    with transaction.atomic():
        case = StaffCase(
            organisation=organisation,
            review=review,
            incident=incident,
            employee=employee,
            summary=summary,
            confirmed_at=confirmed_at,
            breach_decision=BreachDecision.BREACH if incident is not None else "",
            created_by=user,
        )
        case.save()  # validated by the form that asked for it; a snooping breach's own times are its
        confirmed = timezone.localtime(confirmed_at, OSLO).date()
        today = timezone.localdate()
        for kind, days in STEP_DAYS.items():
            done = incident is not None and kind == StepKind.BREACH
            StaffCaseStep.objects.create(
                case=case,
                kind=kind,
                owner=user,
                due_on=confirmed + dt.timedelta(days=days),
                done_on=today if done else None,
                note=str(_("Registered as a breach.")) if done else "",
            )
    return case


def register_breach(*, case: StaffCase, user):
    """The look-up is a personal-data breach: create the incident from the case. The controller became aware
    when the review confirmed the access, so the 72-hour clock runs from then."""
    from incidents.choices import IncidentCategory
    from incidents.models import Incident

    if case.incident_id is not None:
        raise ValidationError(_("The breach is registered already."))
    with transaction.atomic():
        incident = Incident(
            title=str(_("Unauthorised look-up in the record (log review)")),
            description=case.summary,
            category=IncidentCategory.SNOOPING,
            breach_confidentiality=True,
            discovered_at=case.confirmed_at,
            aware_at=case.confirmed_at,
            awareness_basis=str(_("The log review confirmed the look-up (%(case)s).")) % {"case": case},
            how_known="log_review",
            created_by=user,
        )
        incident._from_staff_case = True  # this case follows it up: no second case
        incident.save()
        incident.organisations.set([case.organisation])
        case.incident = incident
        case.breach_decision = BreachDecision.BREACH
        case._change_reason = "Breach registered"
        case.save()
        case.steps.filter(kind=StepKind.BREACH, done_on__isnull=True).update(done_on=timezone.localdate())
        incident.refresh_status()
    return incident


def close_case(*, case: StaffCase, user) -> None:
    missing = case.open_steps()
    if missing:
        raise ValidationError(missing)
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.closed_by = user
    case._change_reason = "Closed"
    case.save()
    if case.incident_id:
        case.incident.refresh_status()


class AccessLogRequestQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(answered_on__isnull=True)


class AccessLogRequest(ScopedModel):
    """A patient's request to see who has looked them up (innsyn i logg, pjl § 18, GDPR Art. 15): answered
    within a month, or up to two more with a reason and a notice to the patient (Art. 12(3))."""

    new_title = _("New request for the access log")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    reference = models.CharField(
        _("case reference"), max_length=100, help_text=_("The archive's case number: never the patient's name.")
    )
    received_on = models.DateField(_("received"))
    owner = _person(_("owner"))
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_notified_on = models.DateField(_("patient told of the extension"), null=True, blank=True)
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    # Kept by save(): the deadline in force, so lists, filters and reminders read a column.
    due_on = models.DateField(_("answer due"), editable=False)

    history = HistoricalRecords()
    objects = AccessLogRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("request for the access log")
        verbose_name_plural = _("requests for the access log")
        indexes = [models.Index(fields=["due_on"], condition=Q(answered_on__isnull=True), name="logrequest_open")]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return address("logcontrol:accesslogrequest_detail", self.pk)

    @property
    def first_deadline(self) -> dt.date | None:
        return add_months(self.received_on, 1) if self.received_on else None

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.received_on and self.received_on > today:
            errors["received_on"] = _("The date cannot be in the future.")
        if self.answered_on and self.received_on and self.answered_on < self.received_on:
            errors["answered_on"] = _("The answer cannot come before the request.")
        if self.answered_on and self.answered_on > today:
            errors["answered_on"] = _("The date cannot be in the future.")
        if self.extended_until and self.received_on:
            if self.extended_until > add_months(self.received_on, 3):
                errors["extended_until"] = _("At most two more months: three months from the request in all.")
            elif self.extended_until <= self.first_deadline:
                errors["extended_until"] = _("An extension ends after the first month.")
            if not self.extension_reason.strip():
                errors["extension_reason"] = _("Give the reason for the extension.")
            if not self.extension_notified_on:
                errors["extension_notified_on"] = _("The patient must be told of the extension within the first month.")
            elif self.extension_notified_on > self.first_deadline:
                errors["extension_notified_on"] = _("The patient must be told within the first month.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.due_on = self.extended_until or self.first_deadline
        super().save(*args, **kwargs)

    @property
    def deadline(self):
        return date_deadline(self.due_on) if self.answered_on is None else None

    @property
    def on_time(self) -> bool | None:
        return None if self.answered_on is None else self.answered_on <= self.due_on
