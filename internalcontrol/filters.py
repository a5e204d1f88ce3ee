import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hpregister.filters import SearchFilterSet, organisation_filter

from .choices import ArchiveRegime, DpiaStatus, ProcessingRole, ResidualRisk, ServiceLevel
from .models import ArchiveSeries, Dpia, ProcessingActivity

YES = [("yes", _("Yes"))]


class ProcessingActivityFilterSet(SearchFilterSet):
    search_fields = ("name", "purposes", "data_categories", "data_subjects")
    organisation = organisation_filter()
    role = django_filters.ChoiceFilter(choices=ProcessingRole.choices, label=_("Role"))

    class Meta:
        model = ProcessingActivity
        fields = ["q", "organisation", "role"]


class DpiaFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "conclusion")
    organisation = organisation_filter()
    status = django_filters.ChoiceFilter(choices=DpiaStatus.choices, label=_("Status"))
    residual_risk = django_filters.ChoiceFilter(choices=ResidualRisk.choices, label=_("Residual risk"))
    consultation = django_filters.ChoiceFilter(
        choices=YES, label=_("Prior consultation open"), method="filter_consultation"
    )
    overdue = django_filters.ChoiceFilter(choices=YES, label=_("Review overdue"), method="filter_overdue")

    class Meta:
        model = Dpia
        fields = ["q", "organisation", "status", "residual_risk", "consultation", "overdue"]

    def filter_consultation(self, queryset, name, value):
        return queryset.consultation_open()

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(review_due__lt=timezone.localdate())


class ArchiveSeriesFilterSet(SearchFilterSet):
    search_fields = ("name", "location", "disposal_plan")
    organisation = organisation_filter()
    service_level = django_filters.ChoiceFilter(choices=ServiceLevel.choices, label=_("Service level"))
    regime = django_filters.ChoiceFilter(choices=ArchiveRegime.choices, label=_("Regime"))
    due = django_filters.ChoiceFilter(choices=YES, label=_("Due within a year"), method="filter_due")

    class Meta:
        model = ArchiveSeries
        fields = ["q", "organisation", "service_level", "regime", "due"]

    def filter_due(self, queryset, name, value):
        return queryset.due_within(365)
