"""The REST API (/api/v1/): the register's records for scripts and other systems, with exactly the pages'
scoping (every queryset goes through ``visible_to``) and the lists' own FilterSets."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, pagination, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from hpregister import versions
from hpregister.access import Access
from hpregister.models import Organisation
from incidents.filters import IncidentFilterSet
from incidents.forms import IncidentForm, MeasureForm, NotificationForm, ReopenForm, WithdrawForm
from incidents.models import (
    ENDED,
    Incident,
    IncidentMeasure,
    Notification,
    close_incident,
    reopen_incident,
    withdraw_incident,
)

from .forms import errors_json, form_data, patched_data, validation_json
from .serializers import (
    IncidentDetailSerializer,
    IncidentSerializer,
    IncidentWriteSerializer,
    MeasureSerializer,
    MeasureWriteSerializer,
    NotificationSerializer,
    NotificationWriteSerializer,
    ReasonSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the incident as last read: a stale one gets 412, none gets 428.",
)
ERRORS = OpenApiResponse(description="{field: [messages]}, in the user's language")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"


class CursorPage(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-aware_at", "-id")


class IncidentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Breaches the caller may see: filter with the incident list's parameters (``q``, ``status``,
    ``category``, ``organisation``, ``aware_after``, …).

    Every write goes through the incident page's own forms and transitions: the same rules, the same
    messages. An incident carries its version as an ETag; a change must send it back in ``If-Match``."""

    serializer_class = IncidentSerializer
    pagination_class = CursorPage
    filterset_class = IncidentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = Incident.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.only("id", "name"))
        )
        if self.action != "list":
            queryset = queryset.prefetch_related(
                "notifications", "measures__owner", "affected__organisation", "risks", "obligations", "recurrence_of"
            )
        return queryset

    def get_serializer_class(self):
        return IncidentSerializer if self.action in ("list", "create") else IncidentDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def _detail(self, incident):
        incident = self.get_queryset().get(pk=incident.pk)
        response = Response(IncidentDetailSerializer(incident, context={"request": self.request}).data)
        response["ETag"] = versions.etag(incident)
        return response

    def _editable(self, *, open_only=False) -> Incident:
        """The incident, locked for this change; 404 outside the caller's scope, 403 if they may only read it
        (or, with ``open_only``, if it is closed or withdrawn), 412/428 unless ``If-Match`` names its current
        version."""
        incident = self.get_object()
        if not Access.for_user(self.request.user).can_edit(incident):
            raise PermissionDenied
        incident = Incident._base_manager.select_for_update().get(pk=incident.pk)
        expected = self.request.headers.get("If-Match")
        if not expected:
            raise PreconditionRequired(_("Send the incident's ETag in If-Match: read it first, then change it."))
        current = versions.etag(incident)
        if expected.strip() not in (current, "*"):
            raise PreconditionFailed(
                _("Someone changed the incident after you read it. Read it again, then repeat your change.")
            )
        if open_only and incident.status in ENDED:
            raise PermissionDenied(_("The incident is closed or withdrawn: reopen it to change its records."))
        return incident

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

    @extend_schema(
        parameters=[IF_MATCH],
        request=IncidentWriteSerializer,
        responses={200: IncidentDetailSerializer, 400: ERRORS, 412: ERRORS, 428: ERRORS},
    )
    @transaction.atomic
    def partial_update(self, request, *args, **kwargs):
        """Change some of a breach's fields; the rest stay as they are. Validated and saved by the incident
        page's form."""
        incident = self._editable(open_only=True)
        form = IncidentForm(instance=incident, user=request.user)
        form = IncidentForm(patched_data(form, request.data), instance=incident, user=request.user)
        if not form.is_valid():
            return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
        form.save()
        return self._detail(incident)

    def _transition(self, run, form=None):
        """A legal transition as the page runs it: the caller's right and the version first (404, 403, 412),
        then the form (400), then the domain rule under the row lock (400 with its messages)."""
        try:
            with transaction.atomic():
                incident = self._editable()
                if form is not None and not form.is_valid():
                    return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
                run(incident)
        except ValidationError as exc:
            return Response(validation_json(exc), status=status.HTTP_400_BAD_REQUEST)
        return self._detail(incident)

    @extend_schema(
        parameters=[IF_MATCH], request=None, responses={200: IncidentDetailSerializer, 400: ERRORS, 412: ERRORS}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the breach: refused, with each open duty named, until every duty is met."""
        return self._transition(lambda incident: close_incident(incident=incident, user=request.user))

    @extend_schema(
        parameters=[IF_MATCH],
        request=ReasonSerializer,
        responses={200: IncidentDetailSerializer, 400: ERRORS, 412: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a breach registered by mistake, with the reason. It stays in the register."""
        return self._reasoned(WithdrawForm, withdraw_incident)

    @extend_schema(
        parameters=[IF_MATCH],
        request=ReasonSerializer,
        responses={200: IncidentDetailSerializer, 400: ERRORS, 412: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a closed or withdrawn breach, with the reason: its duties and reminders are live again."""
        return self._reasoned(ReopenForm, reopen_incident)

    def _reasoned(self, form_class, run):
        form = form_class(form_data(form_class, self.request.data))
        return self._transition(
            lambda incident: run(incident=incident, user=self.request.user, reason=form.cleaned_data["reason"]), form
        )

    @extend_schema(
        parameters=[IF_MATCH],
        request=NotificationWriteSerializer,
        responses={201: NotificationSerializer, 400: ERRORS, 412: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def notifications(self, request, pk=None):
        """Record a notification to Datatilsynet (initial, final, supplementary), as on the incident page."""
        return self._add_child(
            NotificationForm,
            lambda incident: Notification(incident=incident, sent_by=request.user),
            NotificationSerializer,
        )

    @extend_schema(
        parameters=[IF_MATCH],
        request=MeasureWriteSerializer,
        responses={201: MeasureSerializer, 400: ERRORS, 412: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        """Add a measure with the person accountable for closing it and its due date."""
        return self._add_child(MeasureForm, lambda incident: IncidentMeasure(incident=incident), MeasureSerializer)

    def _add_child(self, form_class, new, serializer_class):
        with transaction.atomic():
            incident = self._editable(open_only=True)
            child, user = new(incident), self.request.user
            # As a browser sends the add form: its defaults (a new measure is open, say), typed over.
            data = patched_data(form_class(instance=child, user=user), self.request.data)
            form = form_class(data, instance=child, user=user)
            if not form.is_valid():
                return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
            child = form.save()
            incident.refresh_status()
        response = Response(serializer_class(child).data, status=status.HTTP_201_CREATED)
        response["ETag"] = versions.etag(Incident.objects.get(pk=incident.pk))  # the incident's new version
        return response
