"""What the incidents app contributes to the kernel: dashboard panels, a search source, tasks, reference
data."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hpregister.access import Access
from hpregister.filters import search_source
from hpregister.inbox import (
    horizon_day,
    is_operator_privacy_officer,
    may_edit,
    privacy_officer_organisations,
    queryset_source,
    responsible,
)
from hpregister.registry import (
    Panel,
    ReferenceLoader,
    Task,
    TaskSource,
    bench_scenarios,
    dashboard_panels,
    reference_loaders,
    search_sources,
    task_sources,
)
from hpregister.reminders import REGISTRY
from risks.contributions import top10_of

from . import bench, reference
from .filters import IncidentFilterSet
from .kpis import breach_kpis, cached_for_scope
from .models import ENDED, NOTIFICATION_HOURS, Incident, IncidentMeasure
from .recurrence import recurring_patterns


def clock(request) -> dict:
    incidents = Incident.objects.visible_to(request.user)
    return {
        "clock": incidents.awaiting_notification().prefetch_related("organisations").order_by("aware_at")[:10],
        "can_add": Access.for_user(request.user).can_add(Incident),
    }


def linked(request) -> dict:
    risk_ids = [entry.risk_id for entry in top10_of(request)[1]]
    incidents = Incident.objects.visible_to(request.user).filter(risks__in=risk_ids)
    return {"linked_incidents": incidents.distinct().order_by("-aware_at")[:5]}


def organisation_names(organisations) -> str:
    return ", ".join(sorted(o.name for o in organisations))


def my_clocks(user, horizon):
    """Running 72-hour clocks: the privacy officers of the breach's organisations, and the operator's."""
    incidents = Incident.objects.awaiting_notification()
    if not is_operator_privacy_officer(user):
        organisations = privacy_officer_organisations(user)
        incidents = incidents.filter(pk__in=Incident._base_manager.filter(organisations__in=organisations).values("pk"))
    if horizon is not None:
        incidents = incidents.filter(aware_at__lte=horizon - dt.timedelta(hours=NOTIFICATION_HOURS))
    return incidents.prefetch_related("organisations").order_by("aware_at", "pk")


def clock_task(user, incident) -> Task:
    return Task(
        deadline=incident.deadline,
        title=str(incident),
        url=incident.get_absolute_url(),
        action=_("Notify Datatilsynet or record the assessment"),
        organisations=organisation_names(incident.organisations.all()),
    )


def my_measures(user, horizon):
    measures = IncidentMeasure.objects.open().filter(
        responsible(IncidentMeasure, user, "incident__organisations"), due_on__isnull=False
    )
    measures = measures.exclude(incident__status__in=ENDED)
    if horizon is not None:
        measures = measures.filter(due_on__lte=horizon_day(horizon))
    return measures.select_related("incident").prefetch_related("incident__organisations").order_by("due_on", "pk")


def measure_task(user, measure) -> Task:
    organisations = measure.incident.organisations.all()
    editable = may_edit(user, [o.pk for o in organisations])
    return Task(
        deadline=measure.deadline,
        all_day=True,
        title=f"{measure.incident.reference}: {measure.description[:120]}",
        url=measure.get_absolute_url(),
        act_url=reverse("incidents:incidentmeasure_edit", args=[measure.incident_id, measure.pk]) if editable else None,
        action=_("Carry out the measure and mark it done"),
        organisations=organisation_names(organisations),
    )


def my_breaches(user):
    """Live breaches the user is a privacy officer for (the operator's privacy officers: all of them)."""
    incidents = Incident.objects.exclude(status__in=ENDED)
    if not is_operator_privacy_officer(user):
        organisations = privacy_officer_organisations(user)
        incidents = incidents.filter(pk__in=Incident._base_manager.filter(organisations__in=organisations).values("pk"))
    return incidents


def follow_up_source(name, label, code, order):
    """The breaches with the follow-up duty ``code`` open. They are found through the ``follow_up_open``
    flag and its index, and the duty is checked on those few rows."""

    def tasks(user, horizon, limit):
        incidents = my_breaches(user).filter(follow_up_open=True)
        rows = []
        for incident in incidents.prefetch_related("organisations", "notifications", "affected"):
            duty = next((d for d in incident.open_duties() if d.code == code), None)
            deadline = incident.duty_deadline(code) if duty else None
            if deadline is None or (horizon is not None and deadline > horizon):
                continue
            rows.append(
                Task(
                    deadline=deadline,
                    title=str(incident),
                    url=incident.get_absolute_url(),
                    act_url=duty.url,
                    action=duty.text,
                    organisations=organisation_names(incident.organisations.all()),
                )
            )
        rows.sort(key=lambda task: task.deadline)
        return len(rows), rows[:limit]

    return TaskSource(name, label, tasks, order)


def recurring(request) -> dict | None:
    """Root causes that keep coming back: for the managers and privacy officers who must stop them."""
    if not Access.for_user(request.user).is_member:
        return None
    patterns = cached_for_scope("recurring", request.user, lambda: recurring_patterns(request.user))
    return {"patterns": patterns, "months": settings.RECURRENCE_MONTHS}


def key_figures(request) -> dict | None:
    if not Access.for_user(request.user).is_member:
        return None
    return {"kpis": breach_kpis(request.user)}


def register() -> None:
    dashboard_panels.register(Panel("incidents.clock", "incidents/panels/clock.html", clock, order=10))
    dashboard_panels.register(Panel("incidents.kpis", "incidents/panels/kpis.html", key_figures, order=15))
    dashboard_panels.register(Panel("incidents.linked", "incidents/panels/linked.html", linked, order=50, card=True))
    dashboard_panels.register(
        Panel("incidents.recurring", "incidents/panels/recurring.html", recurring, order=52, card=True)
    )
    search_sources.register(search_source("incidents.incident", _("Incidents"), IncidentFilterSet, order=10))
    reference_loaders.register(ReferenceLoader("incidents", reference.load, order=40))
    task_sources.register(
        queryset_source(
            "incident.datatilsynet", _("Notification to Datatilsynet (72 hours)"), my_clocks, clock_task, 10
        )
    )
    task_sources.register(
        queryset_source("incident.measure", _("Measure after a breach"), my_measures, measure_task, 20)
    )
    for order, (name, code) in enumerate(
        [
            ("incident.final_notification", "final_notification"),
            ("incident.art34", "art34"),
            ("incident.police", "police"),
            ("incident.organisations", "organisation"),
        ],
        start=11,
    ):
        task_sources.register(follow_up_source(name, REGISTRY[name].label, code, order))
    bench_scenarios.register(bench.scenario)
