"""Compliance over the API: the duties with each organisation's assessment, the gaps with their actions, and
Epic's sub-processors with the notices of changes and the decisions on them, through the pages' forms."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from compliance.filters import (
    AdequacyDecisionFilterSet,
    AssessmentFilterSet,
    GapFilterSet,
    ObligationFilterSet,
    ProcessorAgreementFilterSet,
    SubProcessorFilterSet,
    SubProcessorNoticeFilterSet,
)
from compliance.forms import (
    AdequacyDecisionForm,
    AssessmentForm,
    DecisionForm,
    GapActionForm,
    GapForm,
    NoticeForm,
    ProcessorAgreementForm,
    SubProcessorForm,
)
from compliance.models import (
    AdequacyDecision,
    Assessment,
    Gap,
    GapAction,
    Obligation,
    ProcessorAgreement,
    SubProcessor,
    SubProcessorNotice,
)

from .forms import request_serializer
from .registers import CHANGE_RESPONSES, IF_MATCH, RegisterViewSet, child_schema
from .serializers import BaseMeasureSerializer, OrganisationRef, RecordSerializer, username

AssessmentWriteSerializer = request_serializer(AssessmentForm, name="AssessmentWrite")
GapWriteSerializer = request_serializer(GapForm, name="GapWrite")
GapActionWriteSerializer = request_serializer(GapActionForm, name="GapActionWrite")
SubProcessorWriteSerializer = request_serializer(SubProcessorForm, name="SubProcessorWrite")
NoticeWriteSerializer = request_serializer(NoticeForm, name="NoticeWrite")
DecisionSerializer = request_serializer(DecisionForm, name="NoticeDecision")
AdequacyWriteSerializer = request_serializer(AdequacyDecisionForm, name="AdequacyDecisionWrite")
AgreementWriteSerializer = request_serializer(ProcessorAgreementForm, name="ProcessorAgreementWrite")


class AssessmentSerializer(RecordSerializer):
    api_name = "assessment"
    organisation = OrganisationRef(read_only=True)
    duty = serializers.CharField(source="obligation.code", read_only=True)
    assessed_by = username("assessed_by")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "obligation",
            "duty",
            "organisation",
            "status",
            "rationale",
            "evidence_links",
            "assessed_by",
            "assessed_on",
            "next_review",
            "url",
            "api_url",
        ]
        read_only_fields = fields


class ObligationSerializer(RecordSerializer):
    api_name = "obligation"
    instrument = serializers.CharField(source="instrument.__str__", read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "code",
            "title",
            "instrument",
            "decision_point",
            "holder",
            "legal_basis",
            "review_cadence_months",
            "url",
            "api_url",
        ]
        read_only_fields = fields


class ObligationDetailSerializer(ObligationSerializer):
    """A duty with the assessments of the organisations the caller may see."""

    assessments = AssessmentSerializer(many=True, read_only=True)

    class Meta(ObligationSerializer.Meta):
        fields = [*ObligationSerializer.Meta.fields, "summary", "assessments"]
        read_only_fields = fields


class ObligationViewSet(RegisterViewSet):
    """The duties (the HOD decision of 23.03.2022 and the rest), filtered as the duty list. Read-only: the
    duties are reference data; each organisation's assessment of them is changed under ``assessments``."""

    model = Obligation
    serializer_class = ObligationSerializer
    detail_serializer_class = ObligationDetailSerializer
    filterset_class = ObligationFilterSet
    ordering = ("id",)
    select = ("instrument",)
    http_method_names = ["get", "head", "options"]

    def filter_queryset(self, queryset):
        # The list's filters (current versions by default) choose what the list shows; a superseded duty's own
        # address still answers, as its page does.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            assessments = Assessment.objects.visible_to(self.request.user).select_related(
                "organisation", "obligation", "assessed_by"
            )
            queryset = queryset.prefetch_related(Prefetch("assessments", queryset=assessments))
        return queryset


class AssessmentViewSet(RegisterViewSet):
    """Each organisation's assessment of each duty. Changed through the assessment page's form: whoever
    saves it assessed it today, and the duty's cadence sets the next review. (Evidence files are uploaded
    on the page.)"""

    model = Assessment
    form_class = AssessmentForm
    creatable = False  # every organisation has one per duty from the start
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    ordering = ("id",)
    select = ("organisation", "obligation", "assessed_by")

    @extend_schema(
        parameters=[IF_MATCH],
        request=AssessmentWriteSerializer,
        responses={200: AssessmentSerializer, **CHANGE_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        """Record an assessment: its status, rationale and evidence links."""
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


class GapActionSerializer(BaseMeasureSerializer):
    class Meta(BaseMeasureSerializer.Meta):
        model = GapAction


class GapSerializer(RecordSerializer):
    api_name = "gap"
    organisation = OrganisationRef(read_only=True)

    class Meta:
        model = Gap
        fields = ["id", "code", "kind", "title", "organisation", "status", "status_date", "url", "api_url"]
        read_only_fields = fields


class GapDetailSerializer(GapSerializer):
    actions = GapActionSerializer(many=True, read_only=True)

    class Meta(GapSerializer.Meta):
        fields = [
            *GapSerializer.Meta.fields,
            "source",
            "raised_by",
            "reported",
            "summary",
            "proposed_remedy",
            "status_note",
            "obligations",
            "risks",
            "actions",
        ]
        read_only_fields = fields


class GapViewSet(RegisterViewSet):
    """Archive-law gaps, helsenorge duties and findings, with their remediation actions; filtered as the
    gap list, added and changed through the gap page's form."""

    model = Gap
    form_class = GapForm
    serializer_class = GapSerializer
    detail_serializer_class = GapDetailSerializer
    filterset_class = GapFilterSet
    select = ("organisation",)
    detail_prefetch = ("obligations", "risks", "actions__owner")

    @extend_schema(request=GapWriteSerializer, responses={201: GapSerializer, **CHANGE_RESPONSES})
    def create(self, request, *args, **kwargs):
        """Add a gap or finding, as the gap page's form takes it."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH], request=GapWriteSerializer, responses={200: GapDetailSerializer, **CHANGE_RESPONSES}
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some of a gap's fields; the rest stay as they are."""
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH],
        request=GapActionWriteSerializer,
        responses={201: GapActionSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        """Add a remediation action with the person accountable for it and its due date."""
        return self.add_child(GapActionForm, lambda gap: GapAction(gap=gap), GapActionSerializer)

    @child_schema("action", GapActionSerializer, GapActionWriteSerializer)
    @action(detail=True, methods=["get", "patch"], url_path=r"actions/(?P<action_pk>[0-9]+)", url_name="action")
    def one_action(self, request, pk=None, action_pk=None):  # not "action": DRF's attribute of that name
        """One remediation action, with its own version as the ETag; changed through the gap page's form."""
        return self.child(lambda gap: gap.actions.all(), GapActionForm, GapActionSerializer, action_pk)


class SubProcessorSerializer(RecordSerializer):
    api_name = "subprocessor"

    class Meta:
        model = SubProcessor
        fields = [
            "id",
            "name",
            "processing_activity",
            "country",
            "transfer_basis",
            "status",
            "next_review",
            "url",
            "api_url",
        ]
        read_only_fields = fields


class SubProcessorDetailSerializer(SubProcessorSerializer):
    """A sub-processor with its GDPR chapter V basis."""

    class Meta(SubProcessorSerializer.Meta):
        # Everything the page's form edits.
        fields = [
            *SubProcessorSerializer.Meta.fields,
            *(f for f in SubProcessorForm._meta.fields if f not in SubProcessorSerializer.Meta.fields),
        ]
        read_only_fields = fields


class SubProcessorViewSet(RegisterViewSet):
    """Epic's sub-processors with their transfer basis (GDPR chapter V), filtered as the list; added and
    changed through the sub-processor page's form, which checks the basis."""

    model = SubProcessor
    form_class = SubProcessorForm
    serializer_class = SubProcessorSerializer
    detail_serializer_class = SubProcessorDetailSerializer
    filterset_class = SubProcessorFilterSet
    ordering = ("id",)

    @extend_schema(request=SubProcessorWriteSerializer, responses={201: SubProcessorSerializer, **CHANGE_RESPONSES})
    def create(self, request, *args, **kwargs):
        """Add a sub-processor, as the page's form takes it."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH],
        request=SubProcessorWriteSerializer,
        responses={200: SubProcessorDetailSerializer, **CHANGE_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some of a sub-processor's fields; the rest stay as they are."""
        return super().partial_update(request, *args, **kwargs)


class NoticeSerializer(RecordSerializer):
    api_name = "notice"
    decided_by = username("decided_by")

    class Meta:
        model = SubProcessorNotice
        fields = [
            "id",
            *NoticeForm._meta.fields,  # what the page's form edits, then the decision
            "decision",
            "decision_reason",
            "decided_by",
            "decided_at",
            "url",
            "api_url",
        ]
        read_only_fields = fields


class NoticeViewSet(RegisterViewSet):
    """Epic's notices of sub-processor changes, each with its objection deadline and the decision on it."""

    model = SubProcessorNotice
    form_class = NoticeForm
    serializer_class = NoticeSerializer
    filterset_class = SubProcessorNoticeFilterSet
    ordering = ("-received_on", "-id")
    select = ("decided_by",)

    @extend_schema(request=NoticeWriteSerializer, responses={201: NoticeSerializer, **CHANGE_RESPONSES})
    def create(self, request, *args, **kwargs):
        """Record a notice received from Epic. Without an objection deadline, the received date plus the
        objection window."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH], request=NoticeWriteSerializer, responses={200: NoticeSerializer, **CHANGE_RESPONSES}
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some of a notice's fields; the rest stay as they are."""
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH], request=DecisionSerializer, responses={200: NoticeSerializer, **CHANGE_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Accept the change or object to it, with the reason (required for an objection)."""
        return self.transition(
            lambda notice, data: notice.decide(decision=data["decision"], user=request.user, reason=data["reason"]),
            DecisionForm,
        )


class AdequacyDecisionSerializer(RecordSerializer):
    api_name = "adequacy"

    class Meta:
        model = AdequacyDecision
        fields = ["id", *AdequacyDecisionForm._meta.fields, "url", "api_url"]
        read_only_fields = fields


class AdequacyDecisionViewSet(RegisterViewSet):
    """The Commission's adequacy decisions (GDPR Art. 45) that sub-processors rely on, with their end dates.
    Reference data that the operators keep: changed by whom the page lets, through its form."""

    model = AdequacyDecision
    form_class = AdequacyDecisionForm
    serializer_class = AdequacyDecisionSerializer
    filterset_class = AdequacyDecisionFilterSet
    ordering = ("id",)

    @extend_schema(request=AdequacyWriteSerializer, responses={201: AdequacyDecisionSerializer, **CHANGE_RESPONSES})
    def create(self, request, *args, **kwargs):
        """Record a decision (one per country), as the page's form takes it."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH],
        request=AdequacyWriteSerializer,
        responses={200: AdequacyDecisionSerializer, **CHANGE_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a decision: a renewal or a sunset date, say."""
        return super().partial_update(request, *args, **kwargs)


class ProcessorAgreementSerializer(RecordSerializer):
    api_name = "agreement"
    organisation = OrganisationRef(read_only=True)

    class Meta:
        model = ProcessorAgreement
        fields = ["id", *ProcessorAgreementForm._meta.fields, "url", "api_url"]
        read_only_fields = fields


class ProcessorAgreementViewSet(RegisterViewSet):
    """Data processing agreements (GDPR Art. 28(3)) of the caller's organisations, each with the breach-notice
    time it gives the processor; added and changed through the page's form."""

    model = ProcessorAgreement
    form_class = ProcessorAgreementForm
    serializer_class = ProcessorAgreementSerializer
    filterset_class = ProcessorAgreementFilterSet
    ordering = ("id",)
    select = ("organisation",)

    @extend_schema(request=AgreementWriteSerializer, responses={201: ProcessorAgreementSerializer, **CHANGE_RESPONSES})
    def create(self, request, *args, **kwargs):
        """Add an agreement, as the page's form takes it."""
        return super().create(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH],
        request=AgreementWriteSerializer,
        responses={200: ProcessorAgreementSerializer, **CHANGE_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some of an agreement's fields; the rest stay as they are."""
        return super().partial_update(request, *args, **kwargs)
