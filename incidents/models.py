from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hpregister.models import ScopedModel

from .choices import IncidentCategory


class BreachCount(ScopedModel):
    """Breaches reported to Datatilsynet per year and category before the register was in use."""

    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=30, choices=IncidentCategory.choices)
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
        return reverse("incidents:breachcount_detail", args=[self.pk])
