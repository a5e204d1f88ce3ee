"""The incidents over the API: breaches with their notifications, measures, affected organisations and the
Art. 34 decision, and the legal transitions (close, withdraw, reopen) through the incident page's own code."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from hpregister.models import Organisation
from incidents.filters import IncidentFilterSet
from incidents.forms import (
    AffectedOrganisationForm,
    IncidentForm,
    MeasureForm,
    NotificationForm,
    ReopenForm,
    WithdrawForm,
)
from incidents.models import (
    ENDED,
    Incident,
    IncidentMeasure,
    Notification,
    close_incident,
    reopen_incident,
    withdraw_incident,
)

from .forms import request_serializer
from .registers import CHANGE_RESPONSES, IF_MATCH, RegisterViewSet, child_schema
from .serializers import (
    AffectedSerializer,
    IncidentDetailSerializer,
    IncidentSerializer,
    MeasureSerializer,
    MeasureWriteSerializer,
    NotificationSerializer,
    NotificationWriteSerializer,
    ReasonSerializer,
)

# Everything the incident page's form takes: the breach, the risk assessment, the Art. 34 decision, the police.
IncidentWriteSerializer = request_serializer(IncidentForm, name="IncidentWrite")
AffectedWriteSerializer = request_serializer(AffectedOrganisationForm, name="AffectedOrganisationWrite")


class IncidentViewSet(RegisterViewSet):
    """Breaches the caller may see: filter with the incident list's parameters (``q``, ``status``,
    ``category``, ``organisation``, ``aware_after``, …).

    Every write goes through the incident page's own forms and transitions: the same rules, the same
    messages. An incident carries its version as an ETag; a change must send it back in ``If-Match``."""

    model = Incident
    form_class = IncidentForm
    serializer_class = IncidentSerializer
    detail_serializer_class = IncidentDetailSerializer
    filterset_class = IncidentFilterSet
    ordering_fields = {
        "reference": ("year", "number"),
        "title": "title",
        "category": "category",
        "status": "status",
        "aware_at": "aware_at",
        "first_notified_at": "first_notified_at",
    }  # the page's sortable columns
    ordering = ("-aware_at", "-id")
    prefetch = (Prefetch("organisations", queryset=Organisation.objects.only("id", "name")),)
    detail_prefetch = (
        "notifications",
        "measures__owner",
        "affected__organisation",
        "affected__informed_by",
        "risks",
        "obligations",
        "recurrence_of",
    )

    def is_ended(self, record) -> bool:
        return record.status in ENDED

    @property
    def ended_message(self):
        return _("The incident is closed or withdrawn: reopen it to change its records.")

    @extend_schema(
        request=IncidentWriteSerializer,
        responses={201: IncidentSerializer, **CHANGE_RESPONSES},
    )
    def create(self, request, *args, **kwargs):
        """Register a breach. It is validated and saved by the incident page's own form: the same rules,
        the same messages (in the user's language), the same history entry."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH],
        request=IncidentWriteSerializer,
        responses={200: IncidentDetailSerializer, **CHANGE_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some of a breach's fields; the rest stay as they are. Validated and saved by the incident
        page's form."""
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH], request=None, responses={200: IncidentDetailSerializer, **CHANGE_RESPONSES})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the breach: refused, with each open duty named, until every duty is met."""
        return self.transition(lambda incident, _data: close_incident(incident=incident, user=request.user))

    @extend_schema(
        parameters=[IF_MATCH],
        request=ReasonSerializer,
        responses={200: IncidentDetailSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a breach registered by mistake, with the reason. It stays in the register."""
        return self._reasoned(WithdrawForm, withdraw_incident)

    @extend_schema(
        parameters=[IF_MATCH],
        request=ReasonSerializer,
        responses={200: IncidentDetailSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a closed or withdrawn breach, with the reason: its duties and reminders are live again."""
        return self._reasoned(ReopenForm, reopen_incident)

    def _reasoned(self, form_class, run):
        return self.transition(
            lambda incident, data: run(incident=incident, user=self.request.user, reason=data["reason"]), form_class
        )

    @extend_schema(
        parameters=[IF_MATCH],
        request=NotificationWriteSerializer,
        responses={201: NotificationSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def notifications(self, request, pk=None):
        """Record a notification to Datatilsynet (initial, final, supplementary), as on the incident page."""
        return self.add_child(
            NotificationForm,
            lambda incident: Notification(incident=incident, sent_by=request.user),
            NotificationSerializer,
            after=Incident.refresh_status,
        )

    @extend_schema(
        parameters=[IF_MATCH],
        request=MeasureWriteSerializer,
        responses={201: MeasureSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        """Add a measure with the person accountable for closing it and its due date."""
        return self.add_child(
            MeasureForm,
            lambda incident: IncidentMeasure(incident=incident),
            MeasureSerializer,
            after=Incident.refresh_status,
        )

    @child_schema("measure", MeasureSerializer, MeasureWriteSerializer)
    @action(detail=True, methods=["get", "patch"], url_path=r"measures/(?P<measure_pk>[0-9]+)")
    def measure(self, request, pk=None, measure_pk=None):
        """One measure, with its own version as the ETag; a change (marking it done, say) goes through the
        incident page's measure form, while the breach is open."""
        return self.child(
            lambda incident: incident.measures.all(),
            MeasureForm,
            MeasureSerializer,
            measure_pk,
            after=Incident.refresh_status,
        )

    @child_schema("affected", AffectedSerializer, AffectedWriteSerializer)
    @action(detail=True, methods=["get", "patch"], url_path=r"affected/(?P<affected_pk>[0-9]+)")
    def affected(self, request, pk=None, affected_pk=None):
        """One affected organisation, with its own version as the ETag: when it was informed of the breach
        (recording who informed it) and when it acknowledged, through the incident page's form for it."""
        return self.child(
            lambda incident: incident.affected.select_related("organisation", "informed_by"),
            AffectedOrganisationForm,
            AffectedSerializer,
            affected_pk,
            after=Incident.refresh_status,
        )
