"""The REST API (/api/v1/): the register's records for scripts and other systems, with exactly the pages'
scoping (every queryset goes through ``visible_to``) and the lists' own FilterSets."""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, pagination, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from hpregister.access import Access
from hpregister.models import Organisation
from incidents.filters import IncidentFilterSet
from incidents.forms import IncidentForm
from incidents.models import Incident

from .forms import errors_json, form_data
from .serializers import IncidentSerializer, IncidentWriteSerializer


class CursorPage(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-aware_at", "-id")


class IncidentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Breaches the caller may see: filter with the incident list's parameters (``q``, ``status``,
    ``category``, ``organisation``, ``aware_after``, …)."""

    serializer_class = IncidentSerializer
    pagination_class = CursorPage
    filterset_class = IncidentFilterSet

    def get_queryset(self):
        return Incident.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.only("id", "name"))
        )

    @extend_schema(
        request=IncidentWriteSerializer,
        responses={201: IncidentSerializer, 400: OpenApiResponse(description="{field: [messages]}")},
    )
    def create(self, request, *args, **kwargs):
        """Register a breach. It is validated and saved by the incident page's own form: the same rules,
        the same messages (in the user's language), the same history entry."""
        if not Access.for_user(request.user).can_add(Incident):
            raise PermissionDenied
        form = IncidentForm(form_data(IncidentForm, request.data), user=request.user)
        if not form.is_valid():
            return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
        with transaction.atomic():
            incident = form.save()
        incident = self.get_queryset().get(pk=incident.pk)
        return Response(self.get_serializer(incident).data, status=status.HTTP_201_CREATED)
