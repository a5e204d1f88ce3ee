import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from hpregister.addresses import address
from hpregister.choices import MeasureStatus
from hpregister.fields import NaturalSortKeyField
from hpregister.models import Measure, Organisation, ScopedModel, ScopedQuerySet
from hpregister.timeutils import add_months

from .choices import (
    EEA,
    AgreementKind,
    AssessmentStatus,
    Derogation,
    GapKind,
    GapStatus,
    Holder,
    NoticeChange,
    NoticeDecision,
    SccModule,
    SubProcessorStatus,
    TransferBasis,
)

partial_date_validator = RegexValidator(r"^\d{4}(-\d{2}(-\d{2})?)?$", _("Use YYYY, YYYY-MM or YYYY-MM-DD."))


class Instrument(ScopedModel):
    """A legal instrument that places duties, e.g. the HOD decision of 23.03.2022 (ref. 20/2985-9).

    An amendment is a new Instrument that ``supersedes`` the old one, so older text stays readable.
    """

    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200)
    reference = models.CharField(_("reference"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    amended_on = models.DateField(_("last amended on"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    organisation_path = None

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["reference", "issued_on"], name="instrument_unique_reference_date"),
        ]

    def __str__(self):
        return f"{self.title} ({self.reference})"


class ObligationQuerySet(ScopedQuerySet):
    def current(self):
        """The duties of instruments that no later amendment has superseded."""
        return self.filter(instrument__superseded_by__isnull=True)


class Obligation(ScopedModel):
    """A duty that an instrument places on Helseplattformen AS, on each health organisation, or on both."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("instrument")
    )
    code = models.CharField(_("code"), max_length=30)
    code_sort = NaturalSortKeyField(source="code")  # HOD-2 before HOD-10
    decision_point = models.CharField(_("point in the instrument"), max_length=100, blank=True)
    holder = models.CharField(_("held by"), max_length=30, choices=Holder.choices)
    title = models.CharField(_("title"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    review_cadence_months = models.PositiveSmallIntegerField(_("review every (months)"), default=12)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("previous version"),
    )

    history = HistoricalRecords(excluded_fields=["code_sort"])

    objects = ObligationQuerySet.as_manager()
    organisation_path = None

    class Meta:
        ordering = ["instrument", "code_sort"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="obligation_unique_code_per_instrument"),
            models.CheckConstraint(
                condition=models.Q(review_cadence_months__gte=1), name="obligation_review_cadence_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return address("compliance:obligation_detail", self.pk)

    @property
    def is_current(self) -> bool:
        return not self.instrument.superseded_by.exists()

    def holder_organisations(self):
        """Who must assess this duty: Helseplattformen AS, each health organisation, or both."""
        operators = Organisation.objects.filter(is_operator=True)
        health = Organisation.objects.filter(kind__in=HEALTH_ORGANISATION_KINDS)
        if self.holder == Holder.OPERATOR:
            return operators
        if self.holder == Holder.EACH_ORGANISATION:
            return health
        return operators | health

    def ensure_assessments(self) -> int:
        """Create the 'not assessed' rows this duty needs (one per holder organisation); returns how many."""
        existing = set(self.assessments.values_list("organisation_id", flat=True))
        missing = [org for org in self.holder_organisations() if org.pk not in existing]
        Assessment.objects.bulk_create(Assessment(obligation=self, organisation=org) for org in missing)
        return len(missing)


HEALTH_ORGANISATION_KINDS = ["health_trust", "municipality"]


def amend_instrument(
    *,
    instrument: Instrument,
    reference: str,
    issued_on: dt.date,
    title: str = "",
    note: str = "",
    changes: dict[str, dict] | None = None,
) -> Instrument:
    """Record an amendment as a new version: each duty is carried over (with ``changes`` by code applied)
    and linked to its previous version, so the old text stays readable and old assessments stay put."""
    amended = Instrument.objects.create(
        title=title or instrument.title,
        issuer=instrument.issuer,
        reference=reference,
        issued_on=issued_on,
        supersedes=instrument,
        note=note,
    )
    changes = changes or {}
    for duty in instrument.obligations.all():
        values = {
            f: getattr(duty, f)
            for f in (
                "code",
                "decision_point",
                "holder",
                "title",
                "legal_basis",
                "summary",
                "owner_id",
                "review_cadence_months",
            )
        }
        values.update(changes.get(duty.code, {}))
        new = Obligation.objects.create(instrument=amended, supersedes=duty, **values)
        new.ensure_assessments()
    return amended


class AssessmentQuerySet(ScopedQuerySet):
    def review_overdue(self, today=None):
        return self.filter(next_review__lt=today or timezone.localdate())


class Assessment(ScopedModel):
    """Where one organisation stands on one duty."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("duty")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("organisation")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_ASSESSED
    )
    rationale = models.TextField(_("rationale"), blank=True)
    evidence_links = models.TextField(_("evidence (links, one per line)"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["obligation", "organisation__name"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["obligation", "organisation"], name="assessment_unique_per_organisation"),
        ]
        indexes = [models.Index(fields=["next_review"]), models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.obligation.code} – {self.organisation}"

    def get_absolute_url(self):
        return address("compliance:assessment_detail", self.pk)

    def clean(self):
        assessed = self.status not in (AssessmentStatus.NOT_ASSESSED,)
        if assessed and not self.rationale.strip():
            raise ValidationError({"rationale": _("Give the rationale for the assessment.")})

    def record(self, *, user, today=None) -> None:
        """Stamp who assessed and when; the cadence gives the next review."""
        today = today or timezone.localdate()
        self.assessed_by = user
        self.assessed_on = today
        self.next_review = add_months(today, self.obligation.review_cadence_months)

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]


def evidence_path(instance, filename):
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}/{filename}"


class Evidence(ScopedModel):
    """A file supporting an assessment; served only through a permission-checked view."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    history = HistoricalRecords()
    organisation_path = "assessment__organisation"

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("compliance:evidence_download", self.pk)

    @classmethod
    def attach(cls, assessment, upload, *, content_type: str, user) -> "Evidence":
        """Keep a checked upload (``hpregister.uploads.check_upload`` gave its type) as evidence of ``assessment``:
        from the assessment page and the API alike."""
        return cls.objects.create(
            assessment=assessment,
            file=upload,
            name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )


class GapQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status=GapStatus.CLOSED)


class Gap(ScopedModel):
    """Something that falls short: an archive-law gap, an unmet helsenorge duty or an open finding."""

    new_title = _("New gap")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)

    code = models.CharField(_("code"), max_length=30, unique=True)
    code_sort = NaturalSortKeyField(source="code")
    kind = models.CharField(_("kind"), max_length=20, choices=GapKind.choices)
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=300, blank=True)
    raised_by = models.CharField(_("raised by"), max_length=200, blank=True)
    reported = models.CharField(
        _("reported"),
        max_length=10,
        blank=True,
        validators=[partial_date_validator],
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source."),
    )
    summary = models.TextField(_("summary"), blank=True)
    proposed_remedy = models.TextField(_("proposed remedy"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=GapStatus.choices, default=GapStatus.OPEN)
    status_date = models.DateField(_("status as of"), null=True, blank=True)
    status_note = models.TextField(_("status note"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="gaps", verbose_name=_("organisation")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    obligations = models.ManyToManyField(Obligation, blank=True, related_name="gaps", verbose_name=_("duties"))
    risks = models.ManyToManyField("risks.Risk", blank=True, related_name="gaps", verbose_name=_("risks"))

    history = HistoricalRecords(m2m_fields=[obligations, risks], excluded_fields=["code_sort"])

    objects = GapQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code_sort"]
        verbose_name = _("gap")
        verbose_name_plural = _("gaps and findings")
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return address("compliance:gap_detail", self.pk)


class GapAction(Measure):
    """A remediation action for a gap."""

    new_title = _("New remediation action")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)

    gap = models.ForeignKey(Gap, on_delete=models.PROTECT, related_name="actions", verbose_name=_("gap"))
    parent_field = "gap"

    history = HistoricalRecords()
    organisation_path = "gap__organisation"

    class Meta(Measure.Meta):
        ordering = ["gap", "due_on", "pk"]
        verbose_name = _("remediation action")
        verbose_name_plural = _("remediation actions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MeasureStatus.DONE) | Q(done_on__isnull=False), name="gap_action_done_has_date"
            ),
        ]

    def get_absolute_url(self):
        return self.gap.get_absolute_url() + "#actions"

    def reopen_follow_up(self, *, user, reason: str) -> None:
        if self.gap.status == GapStatus.CLOSED:
            self.gap.status = GapStatus.IN_PROGRESS
            self.gap._change_reason = "Reopened: a remediation action did not work"
            self.gap.save()


class AdequacyDecisionQuerySet(ScopedQuerySet):
    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))

    def expiring(self, on=None):
        """In force today, but ending within ADEQUACY_WARNING_DAYS."""
        on = on or timezone.localdate()
        return self.in_force(on).filter(expires_on__lte=on + dt.timedelta(days=settings.ADEQUACY_WARNING_DAYS))


class AdequacyDecision(ScopedModel):
    """A Commission decision under GDPR Art. 45 that a third country protects personal data adequately.

    Data, not code: the operator records a new decision, a renewal or a sunset here, and every sub-processor
    that relies on it is checked against its end date."""

    new_title = _("New adequacy decision")

    country = CountryField(_("country"), unique=True)
    title = models.CharField(_("decision"), max_length=200)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    expires_on = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The sunset date, or the end of the latest renewal. Empty: no end date."),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    objects = AdequacyDecisionQuerySet.as_manager()
    organisation_path = None

    class Meta:
        ordering = ["country"]
        verbose_name = _("adequacy decision")
        verbose_name_plural = _("adequacy decisions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("compliance:adequacydecision_detail", self.pk)

    def in_force_on(self, day) -> bool:
        return self.expires_on is None or self.expires_on >= day

    def expires_soon(self, day=None) -> bool:
        day = day or timezone.localdate()
        return (
            self.expires_on is not None
            and self.in_force_on(day)
            and self.expires_on <= day + dt.timedelta(days=settings.ADEQUACY_WARNING_DAYS)
        )


class SubProcessorQuerySet(ScopedQuerySet):
    def review_overdue(self, today=None):
        return self.filter(next_review__lt=today or timezone.localdate())

    def adequacy_expiring(self, today=None):
        """Transfers on an adequacy decision that ends within ADEQUACY_WARNING_DAYS: find another basis now."""
        countries = AdequacyDecision.objects.expiring(today).values("country")
        return self.filter(transfer_basis=TransferBasis.ADEQUACY, country__in=countries)

    def failing_validation(self):
        """Rows that break a chapter V rule (the same rules as SubProcessor.validation_problems)."""
        outside = ~Q(country__in=EEA)
        in_force = AdequacyDecision.objects.in_force().values("country")
        return self.filter(
            (outside & Q(transfer_basis=TransferBasis.WITHIN_EEA))
            | (Q(country__in=EEA) & ~Q(transfer_basis=TransferBasis.WITHIN_EEA))
            | (Q(transfer_basis=TransferBasis.ADEQUACY) & ~Q(country__in=in_force))
            | (Q(transfer_basis=TransferBasis.ADEQUACY, country="US") & Q(dpf_checked_on__isnull=True))
            | (Q(transfer_basis=TransferBasis.SCC) & (Q(tia_date__isnull=True) | Q(scc_module="")))
            | (Q(transfer_basis=TransferBasis.DEROGATION) & Q(derogation=""))
        )


class SubProcessor(ScopedModel):
    """One of Epic's approved sub-processors, with its GDPR chapter V transfer basis."""

    new_title = _("New sub-processor")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)

    name = models.CharField(_("name"), max_length=200, unique=True)
    processing_activity = models.CharField(_("processing activity"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    country = CountryField(_("country"))
    transfer_basis = models.CharField(_("transfer basis"), max_length=20, choices=TransferBasis.choices)
    transfer_reference = models.CharField(_("transfer reference"), max_length=200, blank=True)
    adequacy_decision = models.CharField(_("adequacy decision"), max_length=200, blank=True)
    dpf_checked_on = models.DateField(_("Data Privacy Framework certification checked on"), null=True, blank=True)
    scc_module = models.CharField(_("SCC module"), max_length=1, choices=SccModule.choices, blank=True)
    tia_date = models.DateField(_("transfer impact assessment"), null=True, blank=True)
    derogation = models.CharField(_("Art. 49 ground"), max_length=1, choices=Derogation.choices, blank=True)
    data_processed = models.TextField(_("data processed"), blank=True)
    agreement_reference = models.CharField(_("agreement"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SubProcessorStatus.choices, default=SubProcessorStatus.APPROVED
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    last_review = models.DateField(_("last review"), null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)

    history = HistoricalRecords()

    objects = SubProcessorQuerySet.as_manager()
    organisation_path = None

    class Meta:
        ordering = ["name"]
        verbose_name = _("sub-processor")
        verbose_name_plural = _("sub-processors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("compliance:subprocessor_detail", self.pk)

    def clean(self):
        problems = self.validation_problems()
        if problems:
            raise ValidationError(problems)

    def validation_problems(self) -> dict[str, str]:
        """GDPR chapter V rules: {field: why}. Empty when the transfer basis holds together."""
        problems = {}
        code = str(self.country or "")
        basis = self.transfer_basis
        if code and code not in EEA and basis == TransferBasis.WITHIN_EEA:
            problems["transfer_basis"] = _("%(country)s is outside the EEA: choose a transfer basis.") % {
                "country": self.country.name
            }
        if code in EEA and basis and basis != TransferBasis.WITHIN_EEA:
            problems["transfer_basis"] = _("%(country)s is in the EEA: no chapter V transfer basis is needed.") % {
                "country": self.country.name
            }
        if basis == TransferBasis.ADEQUACY:
            decision = self.adequacy
            if decision is None:
                problems["country"] = _("%(country)s has no adequacy decision.") % {"country": self.country.name}
            elif not decision.in_force_on(timezone.localdate()):
                problems["transfer_basis"] = _(
                    "The adequacy decision for %(country)s ended on %(date)s: choose another transfer basis."
                ) % {"country": self.country.name, "date": decision.expires_on.strftime("%d.%m.%Y")}
            elif code == "US" and not self.dpf_checked_on:
                problems["dpf_checked_on"] = _(
                    "Record when the organisation's Data Privacy Framework certification was checked."
                )
        if basis == TransferBasis.SCC:
            if not self.tia_date:
                problems["tia_date"] = _("Standard contractual clauses need a transfer impact assessment date.")
            if not self.scc_module:
                problems["scc_module"] = _("Give the module of the standard contractual clauses.")
        if basis == TransferBasis.DEROGATION and not self.derogation:
            problems["derogation"] = _("Give the Art. 49 ground.")
        return problems

    @cached_property
    def adequacy(self) -> AdequacyDecision | None:
        """The adequacy decision for the country, whether or not the transfer relies on it."""
        if not self.country:
            return None
        return AdequacyDecision.objects.filter(country=str(self.country)).first()

    @property
    def adequacy_warning(self) -> str:
        """A warning while the adequacy decision this transfer relies on nears its end date."""
        decision = self.adequacy if self.transfer_basis == TransferBasis.ADEQUACY else None
        if decision is None or not decision.expires_soon():
            return ""
        return _("The adequacy decision ends on %(date)s: prepare another transfer basis before then.") % {
            "date": decision.expires_on.strftime("%d.%m.%Y")
        }

    def save(self, *args, **kwargs):
        if self.transfer_basis == TransferBasis.ADEQUACY and not self.adequacy_decision:
            self.adequacy_decision = self.adequacy.title if self.adequacy else ""
        super().save(*args, **kwargs)


class SubProcessorNoticeQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(decision=NoticeDecision.PENDING)


class SubProcessorNotice(ScopedModel):
    """A vendor's notice of an added or replaced sub-processor (GDPR Art. 28(2)), with the objection window."""

    new_title = _("New sub-processor notice")  # the add form's title (bokmål: "Nytt"/"Ny" by gender)

    change = models.CharField(_("change"), max_length=20, choices=NoticeChange.choices)
    name = models.CharField(_("sub-processor named in the notice"), max_length=200)
    subprocessor = models.ForeignKey(
        SubProcessor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("sub-processor in the register"),
    )
    replaces = models.ForeignKey(
        SubProcessor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by_notices",
        verbose_name=_("replaces"),
    )
    received_on = models.DateField(_("received on"))
    objection_deadline = models.DateField(_("objection deadline"), blank=True)
    details = models.TextField(_("details"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=NoticeDecision.choices, default=NoticeDecision.PENDING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = SubProcessorNoticeQuerySet.as_manager()
    organisation_path = None

    class Meta:
        ordering = ["-received_on"]
        verbose_name = _("sub-processor notice")
        verbose_name_plural = _("sub-processor notices")

    def __str__(self):
        return f"{self.get_change_display()}: {self.name}"

    def get_absolute_url(self):
        return address("compliance:subprocessornotice_detail", self.pk)

    def clean(self):
        if self.change == NoticeChange.REPLACED and not self.replaces_id:
            raise ValidationError({"replaces": _("Say which sub-processor is replaced.")})
        if self.decision == NoticeDecision.OBJECTED and not self.decision_reason.strip():
            raise ValidationError({"decision_reason": _("Give the reasons for the objection.")})

    def save(self, *args, **kwargs):
        if self.received_on and not self.objection_deadline:
            self.objection_deadline = self.received_on + dt.timedelta(days=settings.SUBPROCESSOR_OBJECTION_DAYS)
        super().save(*args, **kwargs)

    def decide(self, *, decision: str, user, reason: str = "") -> None:
        self.decision = decision
        self.decision_reason = reason
        self.decided_by = user
        self.decided_at = timezone.now()
        self.full_clean()
        self.save()


class ProcessorAgreementQuerySet(ScopedQuerySet):
    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class ProcessorAgreement(ScopedModel):
    """A data processing agreement (GDPR Art. 28(3)) of an organisation with a processor or sub-processor.

    Each agreement records its own breach-notification SLA: the hours the processor has to tell the
    controller after it becomes aware of a breach (Art. 33(2)). An incident that names the agreement is
    flagged against that SLA, and against PROCESSOR_NOTICE_LIMIT_HOURS only where none is recorded."""

    new_title = _("New processor agreement")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("controller"),
        help_text=_("The organisation that signed as controller (or as processor, for a sub-processor)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices, default=AgreementKind.PROCESSOR)
    processor = models.CharField(_("processor"), max_length=200)
    subprocessor = models.ForeignKey(
        SubProcessor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("sub-processor in the register"),
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    breach_notice_hours = models.PositiveSmallIntegerField(
        _("breach notice within (hours)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(24 * 30)],
        help_text=_("The agreement's SLA for telling us about a breach. Empty: the register's default applies."),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    objects = ProcessorAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "processor"]
        verbose_name = _("processor agreement")
        verbose_name_plural = _("processor agreements")

    def __str__(self):
        return f"{self.processor} ({self.reference})" if self.reference else self.processor

    def get_absolute_url(self):
        return address("compliance:processoragreement_detail", self.pk)

    def clean(self):
        errors = {}
        if self.kind == AgreementKind.SUBPROCESSOR and not self.subprocessor_id:
            errors["subprocessor"] = _("Choose the sub-processor the agreement covers.")
        if self.signed_on and self.ends_on and self.ends_on < self.signed_on:
            errors["ends_on"] = _("The agreement cannot end before it was signed.")
        if errors:
            raise ValidationError(errors)

    @property
    def notice_limit_hours(self) -> int:
        """The breach-notice SLA in hours: the agreement's own, or the register's default."""
        if self.breach_notice_hours is not None:
            return self.breach_notice_hours
        return settings.PROCESSOR_NOTICE_LIMIT_HOURS
