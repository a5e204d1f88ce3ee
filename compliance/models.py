from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from hpregister.models import Organisation, ScopedModel, ScopedQuerySet

from .choices import GapKind, GapStatus, Holder, SubProcessorStatus, TransferBasis

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


class Obligation(ScopedModel):
    """A duty that an instrument places on Helseplattformen AS, on each health organisation, or on both."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("instrument")
    )
    code = models.CharField(_("code"), max_length=30)
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

    history = HistoricalRecords()

    organisation_path = None

    class Meta:
        ordering = ["instrument", "code"]
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
        return reverse("compliance:obligation_detail", args=[self.pk])


class GapQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status=GapStatus.CLOSED)


class Gap(ScopedModel):
    """Something that falls short: an archive-law gap, an unmet helsenorge duty or an open finding."""

    code = models.CharField(_("code"), max_length=30, unique=True)
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

    history = HistoricalRecords(m2m_fields=[obligations])

    objects = GapQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("gap")
        verbose_name_plural = _("gaps and findings")
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("compliance:gap_detail", args=[self.pk])


class SubProcessor(ScopedModel):
    """One of Epic's approved sub-processors, with its GDPR chapter V transfer basis."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    processing_activity = models.CharField(_("processing activity"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    country = CountryField(_("country"))
    transfer_basis = models.CharField(_("transfer basis"), max_length=20, choices=TransferBasis.choices)
    transfer_reference = models.CharField(_("transfer reference"), max_length=200, blank=True)
    data_processed = models.TextField(_("data processed"), blank=True)
    agreement_reference = models.CharField(_("agreement"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SubProcessorStatus.choices, default=SubProcessorStatus.APPROVED
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    last_review = models.DateField(_("last review"), null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)

    history = HistoricalRecords()

    organisation_path = None

    class Meta:
        ordering = ["name"]
        verbose_name = _("sub-processor")
        verbose_name_plural = _("sub-processors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("compliance:subprocessor_detail", args=[self.pk])
