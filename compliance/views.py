from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hpregister.access import Access
from hpregister.forms import object_id
from hpregister.models import Organisation
from hpregister.views import ChildObjectEditView, ObjectDetailView, ObjectEditView, ObjectListView

from . import filters, forms, tables
from .choices import AssessmentStatus, TransferBasis
from .imports import apply_import, plan_import
from .models import (
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


def status_counts(user):
    """Per-duty counts of the user's visible assessments, by status, plus overdue reviews."""
    access = Access.for_user(user)
    scope = Q() if access.sees_all else Q(assessments__organisation__in=access.organisation_ids)
    counts = {
        status.value: Count("assessments", filter=scope & Q(assessments__status=status.value))
        for status in (
            AssessmentStatus.COMPLIANT,
            AssessmentStatus.PARTLY,
            AssessmentStatus.NOT_COMPLIANT,
            AssessmentStatus.NOT_ASSESSED,
        )
    }
    return {
        "compliant": counts["compliant"],
        "partly": counts["partly"],
        "not_compliant": counts["not_compliant"],
        "not_assessed": counts["not_assessed"],
        "overdue": Count("assessments", filter=scope & Q(assessments__next_review__lt=timezone.localdate())),
    }


class ObligationListView(ObjectListView):
    queryset = Obligation.objects.select_related("instrument")
    table_class = tables.ObligationTable
    filterset_class = filters.ObligationFilterSet
    template_name = "compliance/obligation_list.html"

    def get_queryset(self):
        return super().get_queryset().annotate(**status_counts(self.request.user))  # current: the FilterSet


class ObligationView(ObjectDetailView):
    model = Obligation
    queryset = Obligation.objects.select_related("instrument", "supersedes", "owner")
    fields = [
        "code",
        "title",
        "instrument",
        "decision_point",
        "holder",
        "legal_basis",
        "summary",
        "owner",
        "review_cadence_months",
        "supersedes",
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["assessments"] = (
            Assessment.objects.visible_to(self.request.user)
            .filter(obligation=self.object)
            .select_related("organisation", "assessed_by")
        )
        ctx["is_current"] = self.object.is_current
        return ctx


def obligation_matrix(request):
    """Duty x organisation: each cell the organisation's status on the duty, with counts per status."""
    organisation_ids = request.GET.getlist("organisation")
    assessments = (
        Assessment.objects.visible_to(request.user)
        .filter(obligation__in=Obligation.objects.current())
        .select_related("obligation", "organisation")
    )
    if organisation_ids:
        assessments = assessments.filter(organisation_id__in=[i for i in map(object_id, organisation_ids) if i])
    rows, organisations, cells = {}, {}, {}
    for a in assessments:
        rows.setdefault(a.obligation_id, a.obligation)
        organisations.setdefault(a.organisation_id, a.organisation)
        cells[(a.obligation_id, a.organisation_id)] = a
    duties = sorted(rows.values(), key=lambda o: (len(o.code), o.code))
    orgs = sorted(organisations.values(), key=lambda o: (not o.is_operator, o.kind != "health_trust", o.name))
    matrix = [
        {
            "duty": duty,
            "cells": [cells.get((duty.pk, org.pk)) for org in orgs],
            "counts": Counter(cells[(duty.pk, org.pk)].status for org in orgs if (duty.pk, org.pk) in cells),
        }
        for duty in duties
    ]
    return render(
        request,
        "compliance/matrix.html",
        {
            "title": _("Duties by organisation"),
            "organisations": orgs,
            "matrix": matrix,
            "statuses": AssessmentStatus.choices,
            "totals": Counter(a.status for a in cells.values()),
            "organisation_choices": Organisation.objects.visible_to(request.user),
            "selected": organisation_ids,
        },
    )


class AssessmentListView(ObjectListView):
    queryset = Assessment.objects.select_related("obligation", "organisation", "assessed_by")
    table_class = tables.AssessmentTable
    filterset_class = filters.AssessmentFilterSet
    bulk_fields = ("next_review",)


class AssessmentView(ObjectDetailView):
    model = Assessment
    queryset = Assessment.objects.select_related("obligation", "organisation", "assessed_by")
    fields = ["obligation", "organisation", "status", "rationale", "assessed_by", "assessed_on", "next_review"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["evidence"] = self.object.evidence.select_related("uploaded_by")
        ctx["links"] = self.object.link_list()
        return ctx


class AssessmentEditView(ObjectEditView):
    model = Assessment
    form_class = forms.AssessmentForm

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            upload = form.cleaned_data.get("upload")
            if upload:
                Evidence.attach(self.object, upload, content_type=form.upload_type, user=self.request.user)
        return response


def evidence_download(request, pk):
    """Evidence is never on a public URL: this view checks the user's access, then streams the file."""
    return evidence_response(get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk))


def evidence_response(evidence) -> FileResponse:
    """An evidence file as a download that the browser neither sniffs nor caches (the page and the API)."""
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class GapListView(ObjectListView):
    queryset = Gap.objects.select_related("organisation")
    table_class = tables.GapTable
    filterset_class = filters.GapFilterSet
    bulk_fields = ("owner",)


class GapView(ObjectDetailView):
    model = Gap
    queryset = Gap.objects.prefetch_related("obligations", "risks")
    fields = [
        "code",
        "kind",
        "title",
        "organisation",
        "source",
        "raised_by",
        "reported",
        "summary",
        "proposed_remedy",
        "status",
        "status_date",
        "status_note",
        "obligations",
        "risks",
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["actions"] = self.object.actions.select_related("owner")
        # The archive series that point at this gap (internal control's archive plan), where that app is in.
        series = getattr(self.object, "archive_series", None)
        ctx["archive_series"] = series.visible_to(self.request.user) if series is not None else []
        return ctx


class GapEditView(ObjectEditView):
    model = Gap
    form_class = forms.GapForm


class GapActionEditView(ChildObjectEditView):
    model = GapAction
    form_class = forms.GapActionForm
    parent_model = Gap
    parent_field = "gap"


class SubProcessorListView(ObjectListView):
    queryset = SubProcessor.objects.all()
    table_class = tables.SubProcessorTable
    filterset_class = filters.SubProcessorFilterSet
    bulk_fields = ("next_review",)
    template_name = "compliance/subprocessor_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        summary = Counter()
        for country, basis in self.get_queryset().values_list("country", "transfer_basis"):
            summary[(country, basis)] += 1
        from django_countries import countries

        names = dict(countries)
        labels = dict(TransferBasis.choices)
        ctx["summary"] = sorted(
            ({"country": names.get(c, c), "basis": labels.get(b, b), "count": n} for (c, b), n in summary.items()),
            key=lambda r: (-r["count"], r["country"]),
        )
        ctx["pending_notices"] = SubProcessorNotice.objects.pending().count()
        return ctx


class SubProcessorView(ObjectDetailView):
    model = SubProcessor
    fields = forms.SubProcessorForm.Meta.fields

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["problems"] = self.object.validation_problems()
        ctx["adequacy_warning"] = self.object.adequacy_warning
        ctx["agreements"] = ProcessorAgreement.objects.visible_to(self.request.user).filter(subprocessor=self.object)
        return ctx


class SubProcessorEditView(ObjectEditView):
    model = SubProcessor
    form_class = forms.SubProcessorForm


class NoticeListView(ObjectListView):
    queryset = SubProcessorNotice.objects.select_related("decided_by")
    table_class = tables.SubProcessorNoticeTable
    filterset_class = filters.SubProcessorNoticeFilterSet


class NoticeView(ObjectDetailView):
    model = SubProcessorNotice
    fields = [
        "change",
        "name",
        "subprocessor",
        "replaces",
        "received_on",
        "objection_deadline",
        "details",
        "decision",
        "decision_reason",
        "decided_by",
        "decided_at",
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["decision_form"] = forms.DecisionForm() if ctx["can_edit"] and self.object.decision == "pending" else None
        return ctx


class NoticeEditView(ObjectEditView):
    model = SubProcessorNotice
    form_class = forms.NoticeForm


def notice_decide(request, pk):
    notice = get_object_or_404(SubProcessorNotice.objects.visible_to(request.user), pk=pk)
    if request.method != "POST" or not Access.for_user(request.user).can_edit(notice):
        raise PermissionDenied
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            notice.decide(decision=form.cleaned_data["decision"], user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The decision is recorded."))
    return redirect(notice)


SESSION_KEY = "subprocessor_import"


def subprocessor_import(request):
    """Upload -> differences -> confirm. Nothing is saved until the whole list is valid and confirmed."""
    if not Access.for_user(request.user).can_add(SubProcessor):
        raise PermissionDenied
    context = {"title": _("Import the sub-processor list")}
    if request.method == "POST" and request.POST.get("action") == "apply":
        rows = request.session.get(SESSION_KEY)
        if rows is None:
            messages.error(request, _("Upload the file again."))
            return redirect("compliance:subprocessor_import")
        plan = apply_import(rows, user=request.user)
        del request.session[SESSION_KEY]
        if plan.errors:
            messages.error(request, _("Nothing was changed: the file has errors."))
        else:
            messages.success(
                request,
                _("Imported: %(a)d added, %(c)d changed, %(r)d removed.")
                % {"a": len(plan.added), "c": len(plan.changed), "r": len(plan.removed)},
            )
        return redirect("compliance:subprocessor_list")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        rows = form.cleaned_data["file"]
        plan = plan_import(rows)
        context["plan"] = plan
        if not plan.errors:
            request.session[SESSION_KEY] = rows
    context["form"] = form
    return render(request, "compliance/subprocessor_import.html", context)


class AdequacyDecisionListView(ObjectListView):
    queryset = AdequacyDecision.objects.all()
    table_class = tables.AdequacyDecisionTable
    filterset_class = filters.AdequacyDecisionFilterSet
    template_name = "compliance/list.html"


class AdequacyDecisionView(ObjectDetailView):
    model = AdequacyDecision
    fields = forms.AdequacyDecisionForm.Meta.fields

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["relying"] = SubProcessor.objects.visible_to(self.request.user).filter(
            country=str(self.object.country), transfer_basis=TransferBasis.ADEQUACY
        )
        return ctx


class AdequacyDecisionEditView(ObjectEditView):
    model = AdequacyDecision
    form_class = forms.AdequacyDecisionForm


class ProcessorAgreementListView(ObjectListView):
    queryset = ProcessorAgreement.objects.select_related("organisation")
    table_class = tables.ProcessorAgreementTable
    filterset_class = filters.ProcessorAgreementFilterSet
    template_name = "compliance/list.html"


class ProcessorAgreementView(ObjectDetailView):
    model = ProcessorAgreement
    queryset = ProcessorAgreement.objects.select_related("organisation", "subprocessor")
    fields = forms.ProcessorAgreementForm.Meta.fields


class ProcessorAgreementEditView(ObjectEditView):
    model = ProcessorAgreement
    form_class = forms.ProcessorAgreementForm
