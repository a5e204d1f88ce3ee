import django_filters
from django.utils.translation import gettext_lazy as _

from hpregister.filters import SearchFilterSet, organisation_filter

from .choices import RiskStatus, Treatment
from .models import Risk


class RiskFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "category")
    organisation = organisation_filter()
    status = django_filters.ChoiceFilter(choices=RiskStatus.choices, label=_("Status"))
    treatment = django_filters.ChoiceFilter(choices=Treatment.choices, label=_("Treatment"))

    class Meta:
        model = Risk
        fields = ["q", "organisation", "status", "treatment"]
