"""Compliance over the API: the duties with each organisation's assessment, the gaps with their actions, and
Epic's sub-processors with the notices of changes and the decisions on them, through the pages' forms."""

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

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
    EvidenceForm,
    GapActionForm,
    GapForm,
    NoticeForm,
    ProcessorAgreementForm,
    SubProcessorForm,
)
from compliance.models import (
    AdequacyDecision,
    Assessment,
    Evidence,
    Gap,
    GapAction,
    Obligation,
    ProcessorAgreement,
    SubProcessor,
    SubProcessorNotice,
)
from compliance.views import evidence_response
from hpregister import versions

from .forms import errors_json, request_serializer
from .registers import CHANGE_RESPONSES, IF_MATCH, RegisterViewSet, child_schema
from .serializers import BaseMeasureSerializer, OrganisationRef, ReadSerializer, RecordSerializer, username

AssessmentWriteSerializer = request_serializer(AssessmentForm, name="AssessmentWrite")
GapWriteSerializer = request_serializer(GapForm, name="GapWrite")
GapActionWriteSerializer = request_serializer(GapActionForm, name="GapActionWrite")
SubProcessorWriteSerializer = request_serializer(SubProcessorForm, name="SubProcessorWrite")
NoticeWriteSerializer = request_serializer(NoticeForm, name="NoticeWrite")
DecisionSerializer = request_serializer(DecisionForm, name="NoticeDecision")
AdequacyWriteSerializer = request_serializer(AdequacyDecisionForm, name="AdequacyDecisionWrite")
AgreementWriteSerializer = request_serializer(ProcessorAgreementForm, name="ProcessorAgreementWrite")


class EvidenceSerializer(ReadSerializer):
    uploaded_by = username("uploaded_by")
    api_url = serializers.SerializerMethodField(help_text="Where the file is downloaded with the API token.")

    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "uploaded_by", "uploaded_at", "api_url"]
        read_only_fields = fields

    def get_api_url(self, evidence) -> str:
        return reverse(
            "api:assessment-evidence-file",
            args=[evidence.assessment_id, evidence.pk],
            request=self.context.get("request"),
        )


class EvidenceUpload(serializers.Serializer):
    """One file (multipart/form-data), checked as on the assessment page: its type, content, size and a
    virus scan where one is configured."""

    file = serializers.FileField()


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


class AssessmentDetailSerializer(AssessmentSerializer):
    """An assessment with its evidence files."""

    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "evidence"]
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
    ordering_fields = {"code": "code_sort", "title": "title", "holder": "holder"}  # the page's sortable columns
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
    saves it assessed it today, and the duty's cadence sets the next review. Evidence files are uploaded and
    downloaded with the page's checks and rights."""

    model = Assessment
    form_class = AssessmentForm
    creatable = False  # every organisation has one per duty from the start
    serializer_class = AssessmentSerializer
    detail_serializer_class = AssessmentDetailSerializer
    filterset_class = AssessmentFilterSet
    ordering_fields = {
        "obligation": "obligation__code_sort",
        "organisation": "organisation__name",
        "status": "status",
        "assessed_on": "assessed_on",
        "next_review": "next_review",
    }  # the page's sortable columns
    ordering = ("id",)
    select = ("organisation", "obligation", "assessed_by")
    detail_prefetch = ("evidence__uploaded_by",)

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

    @extend_schema(
        parameters=[IF_MATCH],
        request={"multipart/form-data": EvidenceUpload},
        responses={201: EvidenceSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Add an evidence file (multipart/form-data, field ``file``), checked as on the assessment page. Answers
        the file's record, with its download address in ``Location``."""
        with transaction.atomic():
            assessment = self.editable()
            form = EvidenceForm({}, request.FILES)
            if not form.is_valid():
                return Response(errors_json(form), status=status.HTTP_400_BAD_REQUEST)
            evidence = Evidence.attach(
                assessment, form.cleaned_data["file"], content_type=form.upload_type, user=request.user
            )
        data = EvidenceSerializer(evidence, context=self.get_serializer_context()).data
        headers = {"Location": data["api_url"], "ETag": versions.etag(assessment)}
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(
        parameters=[OpenApiParameter("evidence_pk", int, OpenApiParameter.PATH, description="The file's id.")],
        responses={(200, media): OpenApiTypes.BINARY for media in sorted(set(settings.EVIDENCE_TYPES.values()))},
    )
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_pk>[0-9]+)", url_name="evidence-file")
    def evidence_file(self, request, pk=None, evidence_pk=None):
        """Download an evidence file, to whoever may read the assessment (as its page serves it)."""
        return evidence_response(get_object_or_404(self.get_object().evidence.all(), pk=evidence_pk))

    def perform_content_negotiation(self, request, force=False):
        # A download answers the file's own type: a client that asks for application/pdf is not refused (406),
        # and a refusal (404) is still JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "evidence_file")


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
    ordering_fields = {
        "code": "code_sort",
        "title": "title",
        "kind": "kind",
        "status": "status",
        "organisation": "organisation__name",
    }  # the page's sortable columns
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
    ordering_fields = {
        "name": "name",
        "country": "country",
        "transfer_basis": "transfer_basis",
        "status": "status",
        "next_review": "next_review",
    }  # the page's sortable columns
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
    ordering_fields = {
        "name": "name",
        "change": "change",
        "received_on": "received_on",
        "objection_deadline": "objection_deadline",
        "decision": "decision",
    }  # the page's sortable columns
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
    ordering_fields = {
        "title": "title",
        "country": "country",
        "adopted_on": "adopted_on",
        "expires_on": "expires_on",
    }  # the page's sortable columns
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
    ordering_fields = {
        "processor": "processor",
        "kind": "kind",
        "organisation": "organisation__name",
        "reference": "reference",
        "signed_on": "signed_on",
        "ends_on": "ends_on",
    }  # the page's sortable columns
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
