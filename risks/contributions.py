"""What the risks app contributes to the kernel: dashboard panels, a search source, tasks, reference
data."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hpregister.filters import search_source
from hpregister.inbox import horizon_day, may_edit, queryset_source, responsible
from hpregister.registry import (
    Panel,
    ReferenceLoader,
    Task,
    bench_scenarios,
    dashboard_panels,
    reference_loaders,
    search_sources,
    task_sources,
)
from hpregister.timeutils import date_deadline

from . import bench, reference
from .choices import RiskStatus
from .filters import RiskFilterSet
from .models import ReportingPeriod, Risk, RiskMeasure


def top10_of(request):
    """(period, ranked entries) of the latest approved period the user can see, once per request: the
    top-10 panel and the incidents linked to it both need it."""
    if not hasattr(request, "_hp_top10"):
        period = ReportingPeriod.objects.visible_to(request.user).latest_approved()
        request._hp_top10 = (period, period.ranked_entries() if period else [])
    return request._hp_top10


def top10(request) -> dict:
    period, entries = top10_of(request)
    return {"period": period, "top10": entries}


def reviews(request) -> dict:
    return {
        "reviews_overdue": Risk.objects.visible_to(request.user).review_overdue().select_related("organisation")[:10]
    }


def measures(request) -> dict:
    return {"measures_overdue": RiskMeasure.objects.visible_to(request.user).overdue().select_related("risk")[:10]}


def my_reviews(user, horizon):
    risks = Risk.objects.exclude(status=RiskStatus.CLOSED).filter(
        responsible(Risk, user, "organisation"), next_review__isnull=False
    )
    if horizon is not None:
        risks = risks.filter(next_review__lte=horizon_day(horizon))
    return risks.select_related("organisation").order_by("next_review", "pk")


def review_task(user, risk) -> Task:
    return Task(
        deadline=date_deadline(risk.next_review),
        all_day=True,
        title=str(risk),
        url=risk.get_absolute_url(),
        act_url=reverse("risks:risk_edit", args=[risk.pk]) if may_edit(user, [risk.organisation_id]) else None,
        action=_("Review the risk and set the next review date"),
        organisations=risk.organisation.name,
    )


def my_measures(user, horizon):
    measures = RiskMeasure.objects.open().filter(
        responsible(RiskMeasure, user, "risk__organisation"), due_on__isnull=False
    )
    if horizon is not None:
        measures = measures.filter(due_on__lte=horizon_day(horizon))
    return measures.select_related("risk", "risk__organisation").order_by("due_on", "pk")


def measure_task(user, measure) -> Task:
    editable = may_edit(user, [measure.risk.organisation_id])
    return Task(
        deadline=measure.deadline,
        all_day=True,
        title=f"{measure.risk}: {measure}",
        url=measure.get_absolute_url(),
        act_url=reverse("risks:riskmeasure_edit", args=[measure.risk_id, measure.pk]) if editable else None,
        action=_("Carry out the measure and mark it done"),
        organisations=measure.risk.organisation.name,
    )


def register() -> None:
    dashboard_panels.register(Panel("risks.top10", "risks/panels/top10.html", top10, order=20))
    dashboard_panels.register(Panel("risks.reviews", "risks/panels/reviews.html", reviews, order=30, card=True))
    dashboard_panels.register(Panel("risks.measures", "risks/panels/measures.html", measures, order=40, card=True))
    search_sources.register(search_source("risks.risk", _("Risks"), RiskFilterSet, order=20))
    reference_loaders.register(ReferenceLoader("risks", reference.load, order=30))
    task_sources.register(queryset_source("risk.review", _("Risk review"), my_reviews, review_task, 30))
    task_sources.register(queryset_source("risk.measure", _("Risk measure"), my_measures, measure_task, 40))
    bench_scenarios.register(bench.scenario)
