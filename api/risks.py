"""Risks over the API: each risk with its assessments (inherent and residual), its measures and the top-10
lists it is on; and the top-10 periods with their approval (submit, approve, send back) as on the pages."""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.reverse import reverse

from hpregister.access import Access
from hpregister.choices import Role
from risks.filters import ReportingPeriodFilterSet, RiskFilterSet
from risks.forms import (
    AcceptanceForm,
    MoveEntryForm,
    PeriodEntryForm,
    PreparePeriodForm,
    RejectForm,
    RiskForm,
    RiskMeasureForm,
)
from risks.models import (
    PeriodEntry,
    ReportingPeriod,
    Risk,
    RiskAcceptance,
    RiskMeasure,
    RiskScale,
    accept_risk,
    may_ask_to_accept,
    prepare_next_period,
)
from risks.notify import approve_period, reject_period, submit_period

from .forms import errors_json, form_data, request_serializer
from .registers import CHANGE_RESPONSES, IF_MATCH, RegisterViewSet, child_schema
from .serializers import BaseMeasureSerializer, OrganisationRef, ReadSerializer, RecordSerializer, username

# The list's level filter takes a level band's id (its method gives the schema nothing to go on).
extend_schema_field(OpenApiTypes.INT)(RiskFilterSet.base_filters["level"])

RiskWriteSerializer = request_serializer(RiskForm, name="RiskWrite")
RiskMeasureWriteSerializer = request_serializer(RiskMeasureForm, name="RiskMeasureWrite")
RejectSerializer = request_serializer(RejectForm, name="PeriodReject")
PrepareSerializer = request_serializer(PreparePeriodForm, name="PeriodPrepare")
AcceptanceWriteSerializer = request_serializer(AcceptanceForm, name="RiskAcceptanceWrite")
EntryWriteSerializer = request_serializer(PeriodEntryForm, name="PeriodEntryWrite")
MoveSerializer = request_serializer(MoveEntryForm, name="PeriodEntryMove")


class RiskSerializer(RecordSerializer):
    api_name = "risk"
    organisation = OrganisationRef(read_only=True)
    owner = username()
    residual_level = serializers.SerializerMethodField(help_text="The matrix level of the residual risk.")

    class Meta:
        model = Risk
        fields = [
            "id",
            "title",
            "organisation",
            "owner",
            "category",
            "privacy_area",
            "status",
            "residual_probability",
            "residual_consequence",
            "residual_level",
            "treatment",
            "next_review",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    def get_residual_level(self, risk) -> str | None:
        matrix = self.context.get("matrix")
        level = risk.level(matrix) if matrix is not None else risk.level()
        return level.label if level else None


class RiskMeasureSerializer(BaseMeasureSerializer):
    class Meta(BaseMeasureSerializer.Meta):
        model = RiskMeasure
        fields = [*BaseMeasureSerializer.Meta.fields, "responsible"]
        read_only_fields = fields


class RiskEntrySerializer(ReadSerializer):
    period_name = serializers.CharField(source="period.name", read_only=True)
    approved = serializers.BooleanField(source="period.is_approved", read_only=True)

    class Meta:
        model = PeriodEntry
        fields = ["period", "period_name", "approved", "rank"]
        read_only_fields = fields


class RiskAcceptanceSerializer(ReadSerializer):
    accepted_by = username("accepted_by")
    level = serializers.CharField(source="level.label", read_only=True, allow_null=True)

    class Meta:
        model = RiskAcceptance
        fields = ["accepted_by", "accepted_at", "valid_until", "probability", "consequence", "level", "justification"]
        read_only_fields = fields


class RiskDetailSerializer(RiskSerializer):
    """A risk with its assessments (inherent and residual: ids of the scale's steps), its measures, the
    top-10 lists it is on, and its acceptances (the residual state accepted, by whom and until when)."""

    measures = RiskMeasureSerializer(many=True, read_only=True)
    periods = RiskEntrySerializer(source="period_entries", many=True, read_only=True)
    acceptances = RiskAcceptanceSerializer(many=True, read_only=True)

    class Meta(RiskSerializer.Meta):
        fields = [
            *RiskSerializer.Meta.fields,
            "description",
            "inherent_probability",
            "inherent_consequence",
            "treatment_justification",
            "obligations",
            "measures",
            "periods",
            "acceptances",
        ]
        read_only_fields = fields


class RiskViewSet(RegisterViewSet):
    """Risks the caller may see, filtered with the risk list's parameters (``q``, ``organisation``,
    ``level``, ``status``, ``top10``, …). Added and changed through the risk page's form: closing a risk
    above its acceptable level is refused with the page's message."""

    model = Risk
    form_class = RiskForm
    serializer_class = RiskSerializer
    detail_serializer_class = RiskDetailSerializer
    filterset_class = RiskFilterSet
    ordering_fields = {
        "title": "title",
        "organisation": "organisation__name",
        "treatment": "treatment",
        "status": "status",
        "next_review": "next_review",
    }  # the page's sortable columns
    select = ("organisation", "owner")
    detail_prefetch = (
        "obligations",
        "measures__owner",
        "period_entries__period",
        Prefetch(
            "acceptances",
            queryset=RiskAcceptance.objects.select_related("accepted_by", "level").order_by("-accepted_at"),
        ),
    )

    def may_edit(self, risk) -> bool:
        if self.action == "accept":  # as on the page: the owner and the organisation's managers too
            return may_ask_to_accept(risk=risk, user=self.request.user)
        return super().may_edit(risk)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "matrix": RiskScale.active_matrix()}

    @extend_schema(request=RiskWriteSerializer, responses={201: RiskSerializer, **CHANGE_RESPONSES})
    def create(self, request, *args, **kwargs):
        """Add a risk, as the risk page's form takes it."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH], request=RiskWriteSerializer, responses={200: RiskDetailSerializer, **CHANGE_RESPONSES}
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some of a risk's fields (a new residual assessment, say); the rest stay as they are."""
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH],
        request=RiskMeasureWriteSerializer,
        responses={201: RiskMeasureSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        """Add a measure with the person accountable for it and its due date."""
        return self.add_child(RiskMeasureForm, lambda risk: RiskMeasure(risk=risk), RiskMeasureSerializer)

    @child_schema("measure", RiskMeasureSerializer, RiskMeasureWriteSerializer)
    @action(detail=True, methods=["get", "patch"], url_path=r"measures/(?P<measure_pk>[0-9]+)")
    def measure(self, request, pk=None, measure_pk=None):
        """One measure, with its own version as the ETag; changed through the risk page's measure form."""
        return self.child(lambda risk: risk.measures.all(), RiskMeasureForm, RiskMeasureSerializer, measure_pk)

    @extend_schema(
        parameters=[IF_MATCH],
        request=AcceptanceWriteSerializer,
        responses={200: RiskDetailSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the residual risk as it now stands, until a date, with a justification. Who may accept
        depends on its level, as on the page: a red residual, or one above the area's acceptable level, only a
        manager of the organisation."""
        return self.transition(lambda risk, data: accept_risk(risk=risk, user=request.user, **data), AcceptanceForm)


class PeriodEntrySerializer(ReadSerializer):
    risk_title = serializers.CharField(source="risk.title", read_only=True)

    class Meta:
        model = PeriodEntry
        fields = ["id", "rank", "risk", "risk_title", "residual_probability", "residual_consequence", "change_reason"]
        read_only_fields = fields


class PeriodSerializer(RecordSerializer):
    api_name = "period"
    organisation = OrganisationRef(read_only=True)
    state = serializers.SerializerMethodField(help_text="draft, submitted (waiting for a manager) or approved.")

    class Meta:
        model = ReportingPeriod
        fields = [
            "id",
            "name",
            "organisation",
            "starts_on",
            "ends_on",
            "state",
            "submitted_at",
            "approved_at",
            "rejected_at",
            "review_comment",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    def get_state(self, period) -> str:
        return "approved" if period.is_approved else "submitted" if period.is_submitted else "draft"


class PeriodDetailSerializer(PeriodSerializer):
    entries = PeriodEntrySerializer(many=True, read_only=True)

    class Meta(PeriodSerializer.Meta):
        fields = [*PeriodSerializer.Meta.fields, "source", "note", "entries"]
        read_only_fields = fields


class PeriodViewSet(RegisterViewSet):
    """The top-10 lists (reporting periods) the caller may see, each with its ranked risks. A privacy
    officer submits a draft; a manager of its organisation approves it (frozen from then on) or sends it
    back with a comment. The pages' rules and messages, through the same functions."""

    model = ReportingPeriod
    serializer_class = PeriodSerializer
    detail_serializer_class = PeriodDetailSerializer
    filterset_class = ReportingPeriodFilterSet
    ordering_fields = {
        "name": "name",
        "organisation": "organisation__name",
        "starts_on": "starts_on",
        "ends_on": "ends_on",
        "approved_at": "approved_at",
    }  # the page's sortable columns
    ordering = ("-starts_on", "-id")
    select = ("organisation",)
    detail_prefetch = (Prefetch("entries", queryset=PeriodEntry.objects.select_related("risk").order_by("rank")),)
    http_method_names = ["get", "post", "patch", "head", "options"]  # PATCH: an entry (the list is not a form)

    def may_edit(self, period) -> bool:
        # As on the pages: approving and sending back are a manager's; submitting, the privacy officer's.
        access = Access.for_user(self.request.user)
        if self.action in ("approve", "reject"):
            allowed = access.has_role(Role.MANAGER, {period.organisation_id})
        else:
            allowed = access.can_edit(period)
        return allowed and not period.is_approved  # an approved list is frozen for everyone

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)  # 405: a period is prepared on its page

    @extend_schema(exclude=True)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)  # 405: its entries change, one by one

    @extend_schema(parameters=[IF_MATCH], request=None, responses={200: PeriodDetailSerializer, **CHANGE_RESPONSES})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the draft list to the organisation's managers for approval."""
        return self.transition(lambda period, _data: submit_period(period, user=request.user))

    @extend_schema(parameters=[IF_MATCH], request=None, responses={200: PeriodDetailSerializer, **CHANGE_RESPONSES})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the list: it is frozen from then on (a manager of its organisation)."""
        return self.transition(lambda period, _data: approve_period(period, user=request.user))

    @extend_schema(
        parameters=[IF_MATCH], request=RejectSerializer, responses={200: PeriodDetailSerializer, **CHANGE_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Send the submitted list back to the privacy officers, saying what must change."""
        return self.transition(
            lambda period, data: reject_period(period, user=request.user, comment=data["comment"]), RejectForm
        )

    @extend_schema(
        parameters=[IF_MATCH], request=EntryWriteSerializer, responses={201: PeriodEntrySerializer, **CHANGE_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def entries(self, request, pk=None):
        """Put a risk of the organisation on the draft list, at a rank no other entry has."""
        return self.add_child(PeriodEntryForm, lambda period: PeriodEntry(period=period), PeriodEntrySerializer)

    @child_schema("entry", PeriodEntrySerializer, EntryWriteSerializer)
    @action(detail=True, methods=["get", "patch"], url_path=r"entries/(?P<entry_pk>[0-9]+)")
    def entry(self, request, pk=None, entry_pk=None):
        """One entry of the list, with its own version as the ETag; changed through the page's entry form
        (its rank, its residual assessment for the period, the reason for the change) while the list is a
        draft."""
        return self.child(
            lambda period: period.entries.select_related("risk"), PeriodEntryForm, PeriodEntrySerializer, entry_pk
        )

    @extend_schema(
        parameters=[OpenApiParameter("entry_pk", int, OpenApiParameter.PATH, description="The entry's id."), IF_MATCH],
        request=MoveSerializer,
        responses={200: PeriodDetailSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path=r"entries/(?P<entry_pk>[0-9]+)/move")
    def move(self, request, pk=None, entry_pk=None):
        """Move an entry one place up or down the draft list: it swaps ranks with its neighbour, under a lock
        on the list, as the arrows on the page do. At either end nothing moves. Answers the list."""
        with transaction.atomic():
            period = self.editable(versioned=False)
            entry = get_object_or_404(period.entries.select_for_update(), pk=entry_pk)
            self.check_version(entry)
            form = MoveEntryForm(form_data(MoveEntryForm, request.data))
            if not form.is_valid():
                return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
            period.move(entry, form.step)
        return self.detail_response(period)

    @extend_schema(request=PrepareSerializer, responses={201: PeriodDetailSerializer, **CHANGE_RESPONSES})
    @action(detail=True, methods=["post"])
    def prepare(self, request, pk=None):
        """Prepare the next draft list from this approved one, as on its page: each risk keeps its rank, with
        its residual assessment of now."""
        previous = self.get_object()
        if not (previous.is_approved and self.access.can_edit(previous)):
            raise PermissionDenied
        form = PreparePeriodForm(form_data(PreparePeriodForm, request.data), organisation=previous.organisation)
        if not form.is_valid():
            return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
        period = prepare_next_period(previous=previous, **form.cleaned_data)
        response = self.detail_response(period, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:period-detail", args=[period.pk], request=request)
        return response
