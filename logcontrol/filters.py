import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hpregister.filters import SearchFilterSet, organisation_filter

from .choices import BreachDecision, CaseStatus, ReviewKind, Target
from .models import AccessLogRequest, LogControlPlan, LogReview, StaffCase

YES = [("yes", _("Yes"))]


class LogControlPlanFilterSet(SearchFilterSet):
    search_fields = ("name", "method")
    organisation = organisation_filter()
    kind = django_filters.ChoiceFilter(choices=ReviewKind.choices, label=_("Kind"))
    target = django_filters.ChoiceFilter(choices=Target.choices, label=_("Target"))
    overdue = django_filters.ChoiceFilter(choices=YES, method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = LogControlPlan
        fields = ["q", "organisation", "kind", "target", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_active=True, next_due__lt=timezone.localdate())


class LogReviewFilterSet(SearchFilterSet):
    search_fields = ("scope", "findings", "method")
    organisation = organisation_filter()
    kind = django_filters.ChoiceFilter(choices=ReviewKind.choices, label=_("Kind"))
    target = django_filters.ChoiceFilter(choices=Target.choices, label=_("Target"))
    with_suspicion = django_filters.ChoiceFilter(
        choices=YES, method="filter_suspicion", label=_("With suspected look-ups")
    )

    class Meta:
        model = LogReview
        fields = ["q", "organisation", "kind", "target", "with_suspicion"]

    def filter_suspicion(self, queryset, name, value):
        return queryset.filter(suspected__gt=0)


class StaffCaseFilterSet(SearchFilterSet):
    search_fields = ("summary", "outcome")
    organisation = organisation_filter()
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("Status"))
    breach_decision = django_filters.ChoiceFilter(
        choices=[c for c in BreachDecision.choices if c[0]], label=_("Personal-data breach?")
    )

    class Meta:
        model = StaffCase
        fields = ["q", "organisation", "status", "breach_decision"]


class AccessLogRequestFilterSet(SearchFilterSet):
    search_fields = ("reference",)
    organisation = organisation_filter()
    open = django_filters.ChoiceFilter(choices=YES, method="filter_open", label=_("Not answered"))
    overdue = django_filters.ChoiceFilter(choices=YES, method="filter_overdue", label=_("Overdue"))
    year = django_filters.NumberFilter(
        field_name="received_on", lookup_expr="year", label=_("Year received"), min_value=1900, max_value=9999
    )

    class Meta:
        model = AccessLogRequest
        fields = ["q", "organisation", "open", "overdue", "year"]

    def filter_open(self, queryset, name, value):
        return queryset.open()

    def filter_overdue(self, queryset, name, value):
        return queryset.open().filter(due_on__lt=timezone.localdate())
