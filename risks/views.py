from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from hpregister.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import filters, forms, tables
from .models import ReportingPeriod, Risk


class RiskListView(ObjectListView):
    queryset = Risk.objects.select_related("organisation", "residual_probability", "residual_consequence")
    table_class = tables.RiskTable
    filterset_class = filters.RiskFilterSet


class RiskView(ObjectDetailView):
    model = Risk
    fields = [
        "title",
        "organisation",
        "description",
        "category",
        "residual_probability",
        "residual_consequence",
        "treatment",
        "treatment_justification",
        "status",
        "next_review",
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["measures"] = self.object.measures.all()
        return ctx


class RiskEditView(ObjectEditView):
    model = Risk
    form_class = forms.RiskForm


def top10(request):
    periods = ReportingPeriod.objects.visible_to(request.user).select_related("organisation")
    if "period" in request.GET:
        try:
            period = get_object_or_404(periods, pk=int(request.GET["period"]))
        except ValueError as exc:
            raise Http404 from exc
    else:
        period = periods.latest_approved()
    entries = []
    if period is not None:
        previous = period.previous()
        previous_ranks = dict(previous.entries.values_list("risk_id", "rank")) if previous else {}
        for entry in period.entries.select_related("risk", "residual_probability", "residual_consequence"):
            entry.previous_rank = previous_ranks.get(entry.risk_id)
            entries.append(entry)
    return render(
        request,
        "risks/top10.html",
        {"title": _("Top 10 risks"), "period": period, "periods": periods, "entries": entries},
    )
