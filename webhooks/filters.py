import django_filters
from django.utils.translation import gettext_lazy as _

from hpregister.filters import SearchFilterSet, organisation_filter

from .models import WebhookEndpoint


class WebhookEndpointFilterSet(SearchFilterSet):
    search_fields = ("name", "url")
    organisation = organisation_filter()
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = WebhookEndpoint
        fields = ["q", "organisation", "active"]
