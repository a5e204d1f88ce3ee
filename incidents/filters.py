import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hpregister.filters import SearchFilterSet, organisation_filter

from .choices import IncidentCategory, IncidentStatus
from .models import NOTIFICATION_HOURS, BreachCount, Incident, IncidentMeasure, RootCause

CLOCK_FLAGS = [
    ("due_24h", _("Deadline within 24 h")),
    ("overdue", _("Overdue")),
    ("not_notified", _("Not notified")),
    ("art34_pending", _("Art. 34 pending")),
    ("measures_overdue", _("Measures overdue")),
]
NOTIFIED = [("on_time", _("Within 72 hours")), ("late", _("After 72 hours"))]


REFERENCE = re.compile(r"^\s*(?:AVVIK-)?(\d{4})-(\d{1,6})\s*$", re.IGNORECASE)


class IncidentFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "processor")
    fulltext_fields = ("title", "description")

    def exact_matches(self, value):
        """A reference finds its incident: "AVVIK-2026-0042" (or "2026-42")."""
        match = REFERENCE.match(value)
        return Q(year=int(match[1]), number=int(match[2])) if match else Q(pk__in=[])

    status = django_filters.MultipleChoiceFilter(
        choices=IncidentStatus.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple
    )
    category = django_filters.ChoiceFilter(choices=IncidentCategory.choices, label=_("Category"))
    root_cause = django_filters.ModelChoiceFilter(queryset=RootCause.objects.all(), label=_("Root cause"))
    system = django_filters.CharFilter(lookup_expr="icontains", label=_("Affected system or module"))
    recurring = django_filters.ChoiceFilter(
        choices=[("yes", _("Yes"))], method="filter_recurring", label=_("Recurrence of an earlier breach")
    )
    organisation = organisation_filter(field_name="organisations")
    year = django_filters.NumberFilter(label=_("Year"))
    aware_after = django_filters.DateFilter(
        field_name="aware_at", lookup_expr="date__gte", label=_("Became aware from (date)")
    )
    aware_before = django_filters.DateFilter(
        field_name="aware_at", lookup_expr="date__lte", label=_("Became aware until (date)")
    )
    clock = django_filters.MultipleChoiceFilter(
        choices=CLOCK_FLAGS, method="filter_clock", label=_("Deadline"), widget=forms.CheckboxSelectMultiple
    )
    notified = django_filters.MultipleChoiceFilter(
        choices=NOTIFIED, method="filter_notified", label=_("Notified"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Incident
        fields = [
            "q",
            "status",
            "category",
            "root_cause",
            "system",
            "recurring",
            "organisation",
            "year",
            "aware_after",
            "aware_before",
            "clock",
            "notified",
        ]

    def filter_recurring(self, queryset, name, value):
        links = Incident.recurrence_of.through.objects.values("from_incident_id")
        return queryset.filter(pk__in=links)

    def filter_notified(self, queryset, name, values):
        """Notified within the 72 hours, or after them (the first notification against awareness)."""
        limit = dt.timedelta(hours=NOTIFICATION_HOURS)
        conditions = Q()
        if "on_time" in values:
            conditions |= Q(first_notified_at__lte=F("aware_at") + limit)
        if "late" in values:
            conditions |= Q(first_notified_at__gt=F("aware_at") + limit)
        return queryset.filter(conditions) if values else queryset

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
            elif flag == "measures_overdue":
                overdue = IncidentMeasure.objects.overdue(timezone.localdate())
                queryset = queryset.filter(pk__in=overdue.values("incident_id"))
        return queryset


class BreachCountFilterSet(SearchFilterSet):
    search_fields = ("period_note", "source")
    year = django_filters.NumberFilter(label=_("Year"))
    category = django_filters.ChoiceFilter(choices=IncidentCategory.choices, label=_("Category"))
    root_cause = django_filters.ModelChoiceFilter(queryset=RootCause.objects.all(), label=_("Root cause"))

    class Meta:
        model = BreachCount
        fields = ["q", "year", "category", "root_cause"]


class RootCauseFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    is_active = django_filters.BooleanFilter(label=_("In use"))

    class Meta:
        model = RootCause
        fields = ["q", "is_active"]
