"""What the incidents app contributes to the kernel: dashboard panels, a search source, reference data."""

from django.utils.translation import gettext_lazy as _

from hpregister.filters import search_source
from hpregister.registry import Panel, ReferenceLoader, dashboard_panels, reference_loaders, search_sources
from risks.contributions import top10_of

from . import reference
from .filters import IncidentFilterSet
from .models import Incident


def clock(request) -> dict:
    incidents = Incident.objects.visible_to(request.user)
    return {"clock": incidents.awaiting_notification().prefetch_related("organisations").order_by("aware_at")[:10]}


def linked(request) -> dict:
    risk_ids = [entry.risk_id for entry in top10_of(request)[1]]
    incidents = Incident.objects.visible_to(request.user).filter(risks__in=risk_ids)
    return {"linked_incidents": incidents.distinct().order_by("-aware_at")[:5]}


def register() -> None:
    dashboard_panels.register(Panel("incidents.clock", "incidents/panels/clock.html", clock, order=10))
    dashboard_panels.register(Panel("incidents.linked", "incidents/panels/linked.html", linked, order=50, card=True))
    search_sources.register(search_source("incidents.incident", _("Incidents"), IncidentFilterSet, order=10))
    reference_loaders.register(ReferenceLoader("incidents", reference.load, order=40))
