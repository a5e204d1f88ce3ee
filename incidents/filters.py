import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from hpregister.filters import SearchFilterSet, organisation_filter

from .choices import IncidentCategory, IncidentStatus
from .models import BreachCount, Incident

CLOCK_FLAGS = [
    ("due_24h", _("Deadline within 24 h")),
    ("overdue", _("Overdue")),
    ("not_notified", _("Not notified")),
    ("art34_pending", _("Art. 34 pending")),
]


class IncidentFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "processor")
    status = django_filters.MultipleChoiceFilter(
        choices=IncidentStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    category = django_filters.ChoiceFilter(choices=IncidentCategory.choices, label=_("Category"))
    organisation = organisation_filter(field_name="organisations")
    year = django_filters.NumberFilter(label=_("Year"))
    clock = django_filters.MultipleChoiceFilter(
        choices=CLOCK_FLAGS, method="filter_clock", label=_("Deadline"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Incident
        fields = ["q", "status", "category", "organisation", "year", "clock"]

    def filter_clock(self, queryset, name, values):
        """Each flag narrows the list (all of them must hold); the clock's state is a column, not a subquery."""
        for flag in values:
            if flag == "due_24h":
                queryset = queryset.due_within(24)
            elif flag == "overdue":
                queryset = queryset.overdue()
            elif flag == "not_notified":
                queryset = queryset.awaiting_notification()
            elif flag == "art34_pending":
                queryset = queryset.art34_pending()
        return queryset


class BreachCountFilterSet(SearchFilterSet):
    search_fields = ("period_note", "source")
    year = django_filters.NumberFilter(label=_("Year"))
    category = django_filters.ChoiceFilter(choices=IncidentCategory.choices, label=_("Category"))

    class Meta:
        model = BreachCount
        fields = ["q", "year", "category"]
