"""The REST API (/api/v1/): the register's records for scripts and other systems, with exactly the pages'
scoping (every queryset goes through ``visible_to``) and the lists' own FilterSets."""

from django.db.models import Prefetch
from rest_framework import pagination, viewsets

from hpregister.models import Organisation
from incidents.filters import IncidentFilterSet
from incidents.models import Incident

from .serializers import IncidentSerializer


class CursorPage(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-aware_at", "-id")


class IncidentViewSet(viewsets.ReadOnlyModelViewSet):
    """Breaches the caller may see: filter with the incident list's parameters (``q``, ``status``,
    ``category``, ``organisation``, ``aware_after``, …)."""

    serializer_class = IncidentSerializer
    pagination_class = CursorPage
    filterset_class = IncidentFilterSet

    def get_queryset(self):
        return Incident.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.only("id", "name"))
        )
