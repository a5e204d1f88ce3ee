from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hpregister.access import Access
from hpregister.choices import Role
from hpregister.forms import add_errors, object_id
from hpregister.models import Organisation
from hpregister.pdf import pdf_response
from hpregister.views import ChildObjectEditView, ObjectDetailView, ObjectEditView, ObjectListView, attempt

from . import filters, forms, tables
from .choices import Dimension, RiskStatus
from .models import (
    AcceptableLevel,
    PeriodEntry,
    ReportingPeriod,
    Risk,
    RiskMeasure,
    RiskScale,
    ScaleStep,
    accept_risk,
    acceptance_refusal,
    may_ask_to_accept,
    prepare_next_period,
    set_acceptable_level,
)
from .notify import approve_period, reject_period, submit_period


class RiskListView(ObjectListView):
    queryset = Risk.objects.select_related("organisation", "residual_probability", "residual_consequence")
    table_class = tables.RiskTable
    filterset_class = filters.RiskFilterSet
    template_name = "risks/risk_list.html"
    bulk_fields = ("owner", "next_review")

    def get_queryset(self):
        return super().get_queryset().with_measure_counts()

    @cached_property
    def matrix(self):
        """The active matrix, read once for the level column and the level select."""
        return RiskScale.active_matrix()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.matrix = self.matrix
        return filterset

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "matrix": self.matrix}


def rank_history_chart(risk, periods):
    """Points of the risk's rank over the organisation's periods (rank 1 on top), for a small SVG."""
    width, height, left, top, bottom = 480, 160, 36, 12, 40
    if not periods:
        return None
    ranks = dict(PeriodEntry.objects.filter(risk=risk, period__in=periods).values_list("period_id", "rank"))
    worst = max([10, *ranks.values()])
    step = (width - left - 16) / max(len(periods) - 1, 1)
    points = []
    for index, period in enumerate(periods):
        rank = ranks.get(period.pk)
        x = left + index * step
        y = None if rank is None else top + (rank - 1) * (height - top - bottom) / max(worst - 1, 1)
        points.append({"x": round(x, 1), "y": None if y is None else round(y, 1), "rank": rank, "label": period.name})
    drawn = [p for p in points if p["y"] is not None]
    return {
        "width": width,
        "height": height,
        "left": left,
        "label_y": height - bottom + 16,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in drawn),
        "ticks": [
            {"rank": r, "y": round(top + (r - 1) * (height - top - bottom) / max(worst - 1, 1), 1)}
            for r in (1, 5, 10)
            if r <= worst
        ],
    }


class RiskView(ObjectDetailView):
    model = Risk
    queryset = Risk.objects.select_related(
        "organisation",
        "owner",
        "residual_probability",
        "residual_consequence",
        "inherent_probability",
        "inherent_consequence",
    ).prefetch_related("obligations")
    record_children = {
        gettext_lazy("Measures"): "measures",
        gettext_lazy("Acceptances"): "acceptances",
        gettext_lazy("Top-10 placements"): "period_entries",
    }
    fields = [
        "title",
        "organisation",
        "owner",
        "description",
        "category",
        "privacy_area",
        "status",
        "inherent_probability",
        "inherent_consequence",
        "residual_probability",
        "residual_consequence",
        "treatment",
        "treatment_justification",
        "next_review",
        "obligations",
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        risk = self.object
        periods = list(ReportingPeriod.objects.filter(organisation=risk.organisation).order_by("ends_on"))
        level = risk.level()
        root_causes = list(risk.root_causes.all())
        ctx.update(
            {
                "level": level,
                "acceptable_level": risk.acceptable_level(),
                "above_acceptable_level": risk.status != RiskStatus.CLOSED and risk.above_acceptable_level(level),
                "inherent_level": risk.level(kind="inherent"),
                "measures": risk.measures.select_related("owner"),
                "acceptances": risk.acceptances.select_related("accepted_by", "level", "probability", "consequence"),
                "current_acceptance": risk.current_acceptance(),
                "chart": rank_history_chart(risk, periods),
                "incidents": risk.incidents.visible_to(self.request.user).order_by("-aware_at")[:20],
                "gaps": risk.gaps.visible_to(self.request.user),
                "root_causes": root_causes,
                "realised": risk.realised_per_period(periods, self.request.user) if root_causes else [],
                "can_accept": level is not None
                and acceptance_refusal(risk=risk, user=self.request.user, level=level) is None,
            }
        )
        return ctx


class RiskEditView(ObjectEditView):
    model = Risk
    form_class = forms.RiskForm


class RiskMeasureEditView(ChildObjectEditView):
    model = RiskMeasure
    form_class = forms.RiskMeasureForm
    parent_model = Risk
    parent_field = "risk"


def risk_accept(request, pk):
    risk = get_object_or_404(Risk.objects.visible_to(request.user), pk=pk)
    if not may_ask_to_accept(risk=risk, user=request.user):
        raise PermissionDenied
    form = forms.AcceptanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accept_risk(risk=risk, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The residual risk is accepted."))
            return redirect(risk)
    return render(
        request,
        "generic/object_edit.html",
        {
            "form": form,
            "title": _("Accept the residual risk: %(risk)s") % {"risk": risk},
            "cancel_url": risk.get_absolute_url(),
        },
    )


def measure_counts(risk_ids):
    today = timezone.localdate()
    rows = (
        RiskMeasure.objects.open()
        .filter(risk_id__in=risk_ids)
        .values("risk_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    return {row["risk_id"]: row for row in rows}


def top10_context(request) -> dict:
    """The top-10 list of a period (default: the latest approved one), for the page and its PDF."""
    periods = ReportingPeriod.objects.visible_to(request.user).select_related("organisation", "approved_by")
    if "period" in request.GET:
        pk = object_id(request.GET["period"])
        if pk is None:
            raise Http404
        period = get_object_or_404(periods, pk=pk)
    else:
        period = periods.latest_approved()
    entries = period.ranked_entries() if period else []
    scale = RiskScale.active()
    matrix = scale.matrix() if scale else {}
    counts = measure_counts([e.risk_id for e in entries])
    for entry in entries:
        cell = (entry.residual_probability_id, entry.residual_consequence_id)
        entry.level = matrix.get(cell)
        entry.measure_counts = counts.get(entry.risk_id, {"open": 0, "overdue": 0})
    return {
        "title": _("Top 10 risks"),
        "period": period,
        "periods": periods,
        "entries": entries,
        "levels": list(scale.levels.all()) if scale else [],
    }


def top10(request):
    """The top-10 list, printable for a board meeting, with a PDF for the board's papers."""
    return render(request, "risks/top10.html", top10_context(request))


def top10_pdf(request):
    context = top10_context(request)
    if context["period"] is None:
        raise Http404
    filename = slugify(f"topp-10-{context['period'].name}") or "topp-10"
    return pdf_response(request, "risks/top10_pdf.html", context, filename)


def heatmap(request):
    """Residual (or inherent) risks on the probability x consequence matrix, as an accessible table."""
    kind = "inherent" if request.GET.get("kind") == "inherent" else "residual"
    scale = RiskScale.active()
    if scale is None:
        raise Http404
    probabilities = list(ScaleStep.objects.filter(scale=scale, dimension=Dimension.PROBABILITY).order_by("-value"))
    consequences = list(ScaleStep.objects.filter(scale=scale, dimension=Dimension.CONSEQUENCE).order_by("value"))
    matrix = scale.matrix()
    counts = dict(
        ((row[f"{kind}_probability_id"], row[f"{kind}_consequence_id"]), row["n"])
        for row in Risk.objects.visible_to(request.user)
        .exclude(status="closed")
        .values(f"{kind}_probability_id", f"{kind}_consequence_id")
        .annotate(n=Count("pk"))
    )
    rows = [
        {
            "probability": p,
            "cells": [
                {"consequence": c, "count": counts.get((p.pk, c.pk), 0), "level": matrix.get((p.pk, c.pk))}
                for c in consequences
            ],
        }
        for p in probabilities
    ]
    unassessed = sum(n for (p, c), n in counts.items() if p is None or c is None)
    return render(
        request,
        "risks/heatmap.html",
        {
            "title": _("Risk matrix"),
            "kind": kind,
            "rows": rows,
            "consequences": consequences,
            "levels": scale.levels.all(),
            "unassessed": unassessed,
        },
    )


def managed_organisations(user):
    """The organisations where ``user`` may set the acceptable levels: where they are a manager."""
    access = Access.for_user(user)
    if access.is_superuser or Role.MANAGER in access.operator_roles:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=[o for o, roles in access.roles.items() if Role.MANAGER in roles])


class AcceptableLevelListView(ObjectListView):
    queryset = AcceptableLevel.objects.select_related("organisation", "level", "approved_by").annotate(
        in_force=~Exists(
            AcceptableLevel.objects.filter(
                organisation_id=OuterRef("organisation_id"),
                area=OuterRef("area"),
                approved_at__gt=OuterRef("approved_at"),
            )
        )
    )
    table_class = tables.AcceptableLevelTable
    filterset_class = filters.AcceptableLevelFilterSet

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = managed_organisations(self.request.user).exists()
        return ctx


def acceptablelevel_add(request):
    organisations = managed_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = forms.AcceptableLevelForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            level = set_acceptable_level(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The acceptable level is recorded."))
            return redirect(level)
    return render(
        request,
        "generic/object_edit.html",
        {"form": form, "title": _("Set an acceptable level"), "cancel_url": reverse("risks:acceptablelevel_list")},
    )


class ReportingPeriodListView(ObjectListView):
    queryset = ReportingPeriod.objects.select_related("organisation", "approved_by")
    table_class = tables.ReportingPeriodTable
    filterset_class = filters.ReportingPeriodFilterSet


class ReportingPeriodView(ObjectDetailView):
    model = ReportingPeriod
    fields = ["name", "organisation", "starts_on", "ends_on", "source", "note", "approved_at", "approved_by"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        period = self.object
        access = Access.for_user(self.request.user)
        ctx["entries"] = period.ranked_entries()
        # The period's own fields are the source's; its list is what the privacy officer adjusts.
        ctx["can_edit_list"] = access.can_edit(period) and not period.is_approved
        ctx["can_approve"] = not period.is_approved and access.has_role(Role.MANAGER, {period.organisation_id})
        ctx["can_prepare"] = period.is_approved and access.can_edit(period)
        ctx["prepare_form"] = forms.PreparePeriodForm(organisation=period.organisation) if ctx["can_prepare"] else None
        return ctx


class PeriodEntryEditView(ChildObjectEditView):
    model = PeriodEntry
    form_class = forms.PeriodEntryForm
    parent_model = ReportingPeriod
    parent_field = "period"

    def get_form_kwargs(self):
        if self.parent.is_approved:
            raise PermissionDenied  # frozen
        return super().get_form_kwargs()


def _period_for(request, pk, *, manager=False):
    """The period, if the user may see it (else 404) and may act on it (else 403): a manager of its
    organisation, or a privacy officer who edits it. An approved period is frozen for everyone."""
    period = get_object_or_404(ReportingPeriod.objects.visible_to(request.user), pk=pk)
    access = Access.for_user(request.user)
    allowed = access.has_role(Role.MANAGER, {period.organisation_id}) if manager else access.can_edit(period)
    if not allowed or period.is_approved:
        raise PermissionDenied
    return period


def period_submit(request, pk):
    period = _period_for(request, pk)
    if request.method != "POST":
        raise PermissionDenied

    attempt(
        request, lambda: submit_period(period, user=request.user), _("The list is sent to the managers for approval.")
    )
    return redirect(period)


def period_approve(request, pk):
    """Approving asks first: the page shows the list that will be frozen."""
    period = _period_for(request, pk, manager=True)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        attempt(request, lambda: approve_period(period, user=request.user), _("The period is approved and frozen."))
        return redirect(period)
    return render(
        request,
        "risks/period_approve.html",
        {"title": _("Approve %(period)s") % {"period": period}, "period": period, "entries": period.ranked_entries()},
    )


def period_reject(request, pk):
    period = _period_for(request, pk, manager=True)
    if not period.is_submitted:
        raise PermissionDenied
    form = forms.RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                reject_period(period, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The list is sent back to the privacy officers with your comment."))
            return redirect(period)
    return render(
        request,
        "generic/object_edit.html",
        {
            "form": form,
            "title": _("Send %(period)s back") % {"period": period},
            "submit_label": _("Send back"),
            "cancel_url": period.get_absolute_url(),
        },
    )


def periodentry_move(request, parent_pk, pk):
    """Move a risk one place up or down the draft list: the two swap ranks, under a lock on the period."""
    period = _period_for(request, parent_pk)
    form = forms.MoveEntryForm(request.POST)
    if request.method != "POST" or not form.is_valid():
        raise PermissionDenied  # the page's arrows send nothing else
    with transaction.atomic():
        period = ReportingPeriod._base_manager.select_for_update().get(pk=period.pk)
        entry = get_object_or_404(period.entries, pk=pk)
        period.move(entry, form.step)
    return redirect(f"{period.get_absolute_url()}#entry-{entry.pk}")


def period_prepare(request, pk):
    previous = get_object_or_404(ReportingPeriod.objects.visible_to(request.user), pk=pk)
    if request.method != "POST" or not Access.for_user(request.user).can_edit(previous):
        raise PermissionDenied
    form = forms.PreparePeriodForm(request.POST, organisation=previous.organisation)
    if form.is_valid():
        period = prepare_next_period(previous=previous, **form.cleaned_data)
        messages.success(
            request, _("The new period starts from the previous list. Adjust it, then ask a manager to approve it.")
        )
        return redirect(period)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}")
    return redirect(previous)
