import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hpregister.filters import SearchFilterSet, organisation_filter

from .choices import GapKind, GapStatus, Holder, SubProcessorStatus, TransferBasis
from .models import Gap, Obligation, SubProcessor


class ObligationFilterSet(SearchFilterSet):
    search_fields = ("code", "title", "legal_basis", "summary")
    holder = django_filters.ChoiceFilter(choices=Holder.choices, label=_("Held by"))

    class Meta:
        model = Obligation
        fields = ["q", "holder"]


class GapFilterSet(SearchFilterSet):
    search_fields = ("code", "title", "summary", "source", "raised_by")
    kind = django_filters.ChoiceFilter(choices=GapKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=GapStatus.choices, label=_("Status"))
    organisation = organisation_filter()

    class Meta:
        model = Gap
        fields = ["q", "kind", "status", "organisation"]


class SubProcessorFilterSet(SearchFilterSet):
    search_fields = ("name", "processing_activity", "address", "data_processed")
    country = django_filters.ChoiceFilter(choices=countries, label=_("Country"))
    transfer_basis = django_filters.ChoiceFilter(choices=TransferBasis.choices, label=_("Transfer basis"))
    status = django_filters.ChoiceFilter(choices=SubProcessorStatus.choices, label=_("Status"))

    class Meta:
        model = SubProcessor
        fields = ["q", "country", "transfer_basis", "status"]
