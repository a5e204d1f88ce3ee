import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hpregister.filters import SearchFilterSet, organisation_filter
from hpregister.forms import share_options

from .choices import Dimension, PrivacyArea, RiskStatus, Treatment
from .models import AcceptableLevel, LevelBand, MatrixCell, PeriodEntry, ReportingPeriod, Risk, ScaleStep

YES = [("yes", _("Yes"))]


def latest_approved_period_ids():
    """The latest approved period of each organisation (a risk is "in the top 10" if it is on that list)."""
    latest = {}
    for period in ReportingPeriod.objects.filter(approved_at__isnull=False).order_by("ends_on"):
        latest[period.organisation_id] = period.pk
    return list(latest.values())


class RiskFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "category")
    fulltext_fields = ("title", "description")
    organisation = organisation_filter()
    level = django_filters.ModelChoiceFilter(
        queryset=LevelBand.objects.filter(scale__is_active=True), method="filter_level", label=_("Level")
    )
    treatment = django_filters.ChoiceFilter(choices=Treatment.choices, label=_("Treatment"))
    status = django_filters.ChoiceFilter(choices=RiskStatus.choices, label=_("Status"))
    privacy_area = django_filters.ChoiceFilter(choices=PrivacyArea.choices, label=_("Privacy area"))
    review_overdue = django_filters.ChoiceFilter(choices=YES, method="filter_review", label=_("Review overdue"))
    measures_overdue = django_filters.ChoiceFilter(choices=YES, method="filter_measures", label=_("Measures overdue"))
    top10 = django_filters.ChoiceFilter(choices=YES, method="filter_top10", label=_("In the top 10"))
    residual_probability = django_filters.ModelChoiceFilter(
        queryset=ScaleStep.objects.filter(dimension=Dimension.PROBABILITY), label=_("Residual probability")
    )
    residual_consequence = django_filters.ModelChoiceFilter(
        queryset=ScaleStep.objects.filter(dimension=Dimension.CONSEQUENCE), label=_("Residual consequence")
    )

    class Meta:
        model = Risk
        fields = [
            "q",
            "organisation",
            "level",
            "treatment",
            "status",
            "privacy_area",
            "review_overdue",
            "measures_overdue",
            "top10",
            "residual_probability",
            "residual_consequence",
        ]

    matrix = None  # the active matrix, where the list has read it for its level column (RiskListView)

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_options_shared", False):
            # The two selects of steps: one query, not two.
            share_options(
                form,
                ScaleStep.objects.all(),  # in the model's order: newest scale first, then by dimension and value
                {
                    "residual_probability": lambda step: step.dimension == Dimension.PROBABILITY,
                    "residual_consequence": lambda step: step.dimension == Dimension.CONSEQUENCE,
                },
            )
            # The levels from the matrix the list has read (a level no cell gives would find nothing).
            if self.matrix is not None:
                bands = sorted({band.pk: band for band in self.matrix.values()}.values(), key=lambda b: b.rank)
                share_options(form, bands, {"level": lambda band: True})
            form._options_shared = True
        return form

    def filter_level(self, queryset, name, band):
        cells = MatrixCell.objects.filter(level=band).values_list("probability_id", "consequence_id")
        match = Q(pk__in=[])
        for p, c in cells:
            match |= Q(residual_probability_id=p, residual_consequence_id=c)
        return queryset.filter(match)

    def filter_review(self, queryset, name, value):
        return queryset.review_overdue()

    def filter_measures(self, queryset, name, value):
        return queryset.with_overdue_measures()

    def filter_top10(self, queryset, name, value):
        entries = PeriodEntry.objects.filter(period_id__in=latest_approved_period_ids())
        return queryset.filter(pk__in=entries.values("risk_id"))


class ReportingPeriodFilterSet(SearchFilterSet):
    search_fields = ("name", "source")
    organisation = organisation_filter()

    class Meta:
        model = ReportingPeriod
        fields = ["q", "organisation"]


class AcceptableLevelFilterSet(SearchFilterSet):
    search_fields = ("justification",)
    organisation = organisation_filter()
    area = django_filters.ChoiceFilter(choices=PrivacyArea.choices, label=_("Privacy area"))
    in_force = django_filters.ChoiceFilter(choices=YES, method="filter_in_force", label=_("In force"))

    class Meta:
        model = AcceptableLevel
        fields = ["q", "organisation", "area", "in_force"]

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(in_force=True)
