from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hpregister.models import Organisation, ScopedModel, ScopedQuerySet

from .choices import Dimension, MeasureStatus, RiskStatus, Treatment


class ScaleStep(models.Model):
    """One step of an ordered scale (probability or consequence), kept as data."""

    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    value = models.PositiveSmallIntegerField(_("value"), help_text=_("Higher is worse."))
    label = models.CharField(_("label"), max_length=60)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension", "value"]
        verbose_name = _("scale step")
        verbose_name_plural = _("scale steps")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "value"], name="scalestep_unique_value"),
            models.UniqueConstraint(fields=["dimension", "label"], name="scalestep_unique_label"),
        ]

    def __str__(self):
        return self.label


class Risk(ScopedModel):
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="risks", verbose_name=_("organisation")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    category = models.CharField(_("category"), max_length=100, blank=True)
    residual_probability = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"dimension": Dimension.PROBABILITY},
        verbose_name=_("residual probability"),
    )
    residual_consequence = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"dimension": Dimension.CONSEQUENCE},
        verbose_name=_("residual consequence"),
    )
    treatment = models.CharField(_("treatment"), max_length=20, choices=Treatment.choices, blank=True)
    treatment_justification = models.TextField(_("justification of the treatment"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    next_review = models.DateField(_("next review"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="risk_unique_title_per_organisation"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("risks:risk_detail", args=[self.pk])


class RiskMeasure(ScopedModel):
    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="measures", verbose_name=_("risk"))
    description = models.TextField(_("description"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    organisation_path = "risk__organisation"

    class Meta:
        ordering = ["risk", "due_on", "pk"]
        verbose_name = _("risk measure")
        verbose_name_plural = _("risk measures")

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return self.risk.get_absolute_url() + "#measures"


class ReportingPeriodQuerySet(ScopedQuerySet):
    def latest_approved(self):
        return self.filter(approved_at__isnull=False).order_by("-ends_on").first()


class ReportingPeriod(ScopedModel):
    """A reporting period (e.g. "2. tertial 2025") with its ranked top-10 list."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reporting_periods", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )

    history = HistoricalRecords()

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="period_unique_name_per_organisation"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="period_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.organisation}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def approve(self, *, user, when=None):
        self.approved_at = when or timezone.now()
        self.approved_by = user
        self.save(update_fields=["approved_at", "approved_by"])

    def previous(self):
        return (
            ReportingPeriod.objects.filter(organisation=self.organisation, ends_on__lt=self.ends_on)
            .order_by("-ends_on")
            .first()
        )


class PeriodEntry(ScopedModel):
    """A risk's rank in a period, with its residual assessment as it was then."""

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="entries", verbose_name=_("period")
    )
    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="period_entries", verbose_name=_("risk"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    residual_probability = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("residual probability"),
    )
    residual_consequence = models.ForeignKey(
        ScaleStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("residual consequence"),
    )
    change_reason = models.TextField(_("reason for the change"), blank=True)

    history = HistoricalRecords()

    organisation_path = "period__organisation"

    class Meta:
        ordering = ["period", "rank"]
        verbose_name = _("top-10 entry")
        verbose_name_plural = _("top-10 entries")
        constraints = [
            models.UniqueConstraint(fields=["period", "rank"], name="entry_unique_rank_per_period"),
            models.UniqueConstraint(fields=["period", "risk"], name="entry_unique_risk_per_period"),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="entry_rank_positive"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.risk}"
