import django_filters
from django.utils.translation import gettext_lazy as _

from hpregister.filters import SearchFilterSet

from .choices import IncidentCategory
from .models import BreachCount


class BreachCountFilterSet(SearchFilterSet):
    search_fields = ("period_note", "source")
    year = django_filters.NumberFilter(label=_("Year"))
    category = django_filters.ChoiceFilter(choices=IncidentCategory.choices, label=_("Category"))

    class Meta:
        model = BreachCount
        fields = ["q", "year", "category"]
