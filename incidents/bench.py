"""The incident register's share of ``manage.py benchmark`` (registered in contributions.py): incidents
with their organisations, notifications and measures, the pages that list them, open measures for the
reminder sweep, and the list whose export is timed."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from hpregister.registry import BenchPage, BenchScenario

from .choices import IncidentCategory, IncidentStatus, RiskLevel
from .models import Incident, IncidentMeasure, IncidentOrganisation, Notification

BATCH = 5000


def build(rng, sizes, organisation_ids):
    now = timezone.now()
    categories = [c.value for c in IncidentCategory]
    year_start = {}
    for start in range(0, sizes["incidents"], BATCH):
        batch = []
        for n in range(start, min(start + BATCH, sizes["incidents"])):
            aware = now - dt.timedelta(minutes=rng.randint(60 * 24 * 4, 60 * 24 * 1000))
            year = aware.year
            year_start[year] = year_start.get(year, 0) + 1
            batch.append(
                Incident(
                    year=year,
                    number=year_start[year],
                    title=f"Benchmark breach {n}",
                    description="x",
                    category=rng.choice(categories),
                    breach_confidentiality=True,
                    discovered_at=aware,
                    aware_at=aware,
                    how_known="internal",
                    risk_level=RiskLevel.RISK,
                    risk_rationale="x",
                    # One in a thousand still waits for its notification to Datatilsynet.
                    status=(
                        IncidentStatus.ASSESSED
                        if n % 1000 == 0
                        else IncidentStatus.CLOSED
                        if n % 3
                        else IncidentStatus.NOTIFIED
                    ),
                )
            )
        created = Incident.objects.bulk_create(batch)
        IncidentOrganisation.objects.bulk_create(
            IncidentOrganisation(incident=i, organisation_id=rng.choice(organisation_ids)) for i in created
        )
        notifications = Notification.objects.bulk_create(
            Notification(
                incident=i,
                phase="initial",
                channel="altinn",
                sent_at=i.aware_at + dt.timedelta(hours=rng.randint(1, 70)),
            )
            for i in created
            if i.status != IncidentStatus.ASSESSED
        )
        # bulk_create sends no signals: store each incident's first notification as they would.
        for notification in notifications:
            notification.incident.first_notified_at = notification.sent_at
        Incident.objects.bulk_update([n.incident for n in notifications], ["first_notified_at"], batch_size=1000)
        IncidentMeasure.objects.bulk_create(
            IncidentMeasure(
                incident=i,
                description="Follow up",
                due_on=(i.aware_at + dt.timedelta(days=30)).date(),
                status="done",
                done_on=(i.aware_at + dt.timedelta(days=20)).date(),
            )
            for i in created
        )


def deadline_rows(rng, count, due):
    """Open measures owned by the benchmark's privacy officer: due yesterday, or in 400 days."""
    if count == 0:
        # A new measurement: drop an earlier run's deadline rows (no signals: nothing to keep history of).
        IncidentMeasure.objects.filter(description="Measure")._raw_delete(connection.alias)
        return
    incident_ids = list(Incident.objects.values_list("pk", flat=True)[:20000])
    today = timezone.localdate()
    owner = get_user_model().objects.get(username="bench.alice")
    for start in range(0, count, BATCH):
        IncidentMeasure.objects.bulk_create(
            IncidentMeasure(
                incident_id=rng.choice(incident_ids),
                description="Measure",
                owner=owner,
                due_on=today - dt.timedelta(days=1) if due else today + dt.timedelta(days=400),
                status="planned",
            )
            for _ in range(min(BATCH, count - start))
        )
    # The incidents must be live for their measures to remind.
    Incident.objects.filter(pk__in=incident_ids).update(status=IncidentStatus.MEASURES)


def deep_page():
    return max(1, Incident.objects.count() // settings.LIST_PAGE_SIZE * 3 // 4)  # three quarters down


def admin_deep_page():
    return max(1, Incident.objects.count() // 100 * 3 // 4)


scenario = BenchScenario(
    name="incidents",
    build=build,
    pages=(
        BenchPage("Incident list, page 1", "alice", lambda: "/incidents/"),
        BenchPage("Incident list, page 1 of 100 rows (as admin)", "alice", lambda: "/incidents/?per_page=100"),
        BenchPage("Incident list, deep page", "alice", lambda: f"/incidents/?page={deep_page()}"),
        BenchPage("Incident list, filtered (category)", "alice", lambda: "/incidents/?category=snooping"),
        BenchPage("Incident list, filtered (overdue)", "alice", lambda: "/incidents/?clock=overdue"),
        BenchPage("Admin incident change list, page 1", "root", lambda: "/admin/incidents/incident/"),
        BenchPage(
            "Admin incident change list, deep page", "root", lambda: f"/admin/incidents/incident/?p={admin_deep_page()}"
        ),
    ),
    deadline_rows=deadline_rows,
    export_url="/incidents/?_export=csv",
    order=10,
)
