"""What the risks app contributes to the kernel: dashboard panels, a search source, reference data."""

from django.utils.translation import gettext_lazy as _

from hpregister.filters import search_source
from hpregister.registry import Panel, ReferenceLoader, dashboard_panels, reference_loaders, search_sources

from . import reference
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


def register() -> None:
    dashboard_panels.register(Panel("risks.top10", "risks/panels/top10.html", top10, order=20))
    dashboard_panels.register(Panel("risks.reviews", "risks/panels/reviews.html", reviews, order=30, card=True))
    dashboard_panels.register(Panel("risks.measures", "risks/panels/measures.html", measures, order=40, card=True))
    search_sources.register(search_source("risks.risk", _("Risks"), RiskFilterSet, order=20))
    reference_loaders.register(ReferenceLoader("risks", reference.load, order=30))
