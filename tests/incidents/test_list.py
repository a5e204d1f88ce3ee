import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hpregister.models import Organisation
from incidents.choices import RiskLevel
from incidents.models import Incident, IncidentOrganisation
from tests.factories import assessed, make_incident, notify, oslo, svg_problems

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(oslo(2026, 11, 22, 12, 0), tick=False):
        yield


def codes(response):
    return {row.record.title for row in response.context["table"].page.object_list}


def test_list_query_count_is_fixed_with_500_incidents_on_the_page(login, alice):
    orgs = list(Organisation.objects.filter(kind="municipality")[:5])
    incidents = Incident.objects.bulk_create(
        Incident(
            year=2026,
            number=1000 + n,
            title=f"Bulk {n}",
            description="x",
            category="other",
            breach_availability=True,
            discovered_at=oslo(2026, 11, 1),
            aware_at=oslo(2026, 11, 1, 1),
            how_known="internal",
        )
        for n in range(500)
    )
    IncidentOrganisation.objects.bulk_create(
        IncidentOrganisation(incident=i, organisation=orgs[n % 5]) for n, i in enumerate(incidents)
    )
    client = login(alice)
    client.get(reverse("incidents:incident_list"))
    counts = []
    for per_page in (10, 500):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("incidents:incident_list"), {"per_page": per_page})
        assert len(response.context["table"].page.object_list) == per_page
        counts.append(len(ctx))
    # session, user, memberships, count, filter's organisations, the page's keys, its rows, their organisations,
    # and saving the session (three statements on SQLite): never one per row.
    assert counts[0] == counts[1] and counts[1] <= 13, counts  # 12: the saved filters; 13: the root causes


def test_list_shows_deadline_and_time_left(login, bob):
    incident = assessed(make_incident(title="Due soon", aware_at=oslo(2026, 11, 20, 10)))
    html = login(bob).get(reverse("incidents:incident_list")).content.decode()
    assert "23.11.2026 10:00" in html  # deadline, Oslo time
    assert incident.clock()["delta"] == dt.timedelta(hours=22)


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("overdue", {"Overdue"}),
        ("due_24h", {"Soon"}),
        ("not_notified", {"Overdue", "Soon", "Later"}),
        ("art34_pending", {"High"}),
    ],
)
def test_clock_filters(flag, expected, login, bob):
    assessed(make_incident(title="Overdue", aware_at=oslo(2026, 11, 18, 10)))
    assessed(make_incident(title="Soon", aware_at=oslo(2026, 11, 19, 20)))
    assessed(make_incident(title="Later", aware_at=oslo(2026, 11, 21, 10)))
    done = assessed(make_incident(title="High", aware_at=oslo(2026, 11, 18, 10)), level=RiskLevel.HIGH)
    notify(done, oslo(2026, 11, 19, 10))
    response = login(bob).get(reverse("incidents:incident_list"), {"clock": flag})
    assert codes(response) == expected


def test_filters_by_status_category_organisation_and_year(login, alice):
    make_incident(title="A", category="snooping")
    make_incident(title="B", category="human_error", organisations=("Melhus",))
    client = login(alice)
    assert codes(client.get(reverse("incidents:incident_list"), {"category": "human_error"})) == {"B"}
    melhus = Organisation.objects.get(name="Melhus").pk
    assert codes(client.get(reverse("incidents:incident_list"), {"organisation": melhus})) == {"B"}
    assert codes(client.get(reverse("incidents:incident_list"), {"status": "registered", "year": 2026})) == {"A", "B"}
    assert codes(client.get(reverse("incidents:incident_list"), {"year": 2025})) == set()


def test_export_has_iso_8601_times_with_offset(login, bob):
    assessed(make_incident(title="Exported", aware_at=oslo(2026, 7, 1, 10)))
    response = login(bob).get(reverse("incidents:incident_list"), {"_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if r[next(iter(r))].startswith("AVVIK"))
    values = list(row.values())
    assert "2026-07-01T10:00:00+02:00" in values and "2026-07-04T10:00:00+02:00" in values


def test_incidents_are_scoped_by_affected_organisation(login, carol, bob, mona):
    make_incident(title="St. Olav only")
    make_incident(title="Shared", organisations=("St. Olavs hospital HF", "Melhus"))
    assert codes(login(carol).get(reverse("incidents:incident_list"))) == {"Shared"}
    assert codes(login(bob).get(reverse("incidents:incident_list"))) == {"St. Olav only", "Shared"}
    assert codes(login(mona).get(reverse("incidents:incident_list"))) == {"St. Olav only", "Shared"}


def test_statistics_add_live_incidents_to_the_historical_counts(login, alice):
    make_incident(category="access_control", aware_at=oslo(2025, 12, 1), discovered_at=oslo(2025, 12, 1))
    context = login(alice).get(reverse("incidents:statistics")).context
    row2025 = next(r for r in context["table"] if r["year"] == 2025)
    labels = [str(c["label"]) for c in context["categories"]]
    access = row2025["cells"][0]
    assert labels[0] in ("Access control missing or wrong", "Manglende eller feil tilgangsstyring")
    assert (access["historical"], access["live"], access["total"]) == (21, 1, 22)
    assert row2025["total"] == 21 + 6 + 2 + 1
    assert "<svg" in login(alice).get(reverse("incidents:statistics")).content.decode()


def test_statistics_by_organisation_leave_out_platform_wide_history(login, alice):
    make_incident(category="human_error", organisations=("Melhus",))
    melhus = Organisation.objects.get(name="Melhus").pk
    context = login(alice).get(reverse("incidents:statistics"), {"organisation": melhus}).context
    assert [(r["year"], r["total"]) for r in context["table"]] == [(2026, 1)]


def test_export_streams_in_chunks_instead_of_building_the_file(login, alice):
    for _ in range(3):
        make_incident()
    with CaptureQueriesContext(connection) as ctx:
        response = login(alice).get(reverse("incidents:incident_list"), {"_export": "csv"})
    assert response.streaming
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    # No paginator for an export: one count, bounded, of whether it is small enough to send at once.
    assert len(counts) == 1 and "LIMIT" in counts[0]
    assert response.getvalue().decode("utf-8-sig").count("AVVIK-") == 3
    xlsx = login(alice).get(reverse("incidents:incident_list"), {"_export": "xlsx"})
    assert xlsx.streaming and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_statistics_chart_draws_in_both_languages(login, alice, language):
    """In bokmål the coordinates came out with decimal commas (y1="280,0"), and the browser drew no bars."""
    client = login(alice)
    client.cookies["django_language"] = language
    html = client.get(reverse("incidents:statistics"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    charts, shapes, bad = svg_problems(html)
    assert charts == 1 and shapes > 10
    assert bad == []


def test_a_long_list_is_counted_up_to_a_limit_and_estimated_past_it(client, alice, settings):
    """No request counts the whole table: past LIST_EXACT_COUNT_LIMIT rows the count is an estimate, shown
    as "about", read from the planner (PostgreSQL) or a cached count (SQLite)."""
    settings.LIST_EXACT_COUNT_LIMIT = 5
    for n in range(8):
        make_incident(title=f"Row {n}")
    client.force_login(alice)
    first = client.get(reverse("incidents:incident_list"))
    assert first.context["table"].paginator.estimated and first.context["table"].paginator.count >= 6
    assert "ca. " in first.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(reverse("incidents:incident_list"))
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts  # bounded, never the whole table
    assert again.context["table"].paginator.estimated
    settings.LIST_EXACT_COUNT_LIMIT = 100
    exact = client.get(reverse("incidents:incident_list"))
    assert not exact.context["table"].paginator.estimated and exact.context["table"].paginator.count == 8


def test_a_one_organisation_officer_s_list_is_scoped_by_exists_on_the_link_table(client, bob):
    """#18: "id IN (SELECT … JOIN incidentorganisation)" read every incident of the organisation before the
    page; a correlated EXISTS on the (incident, organisation) index checks only the rows the page reads."""
    make_incident(title="Scoped")
    client.force_login(bob)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("incidents:incident_list"))
    assert [row.record.title for row in page.context["table"].rows] == ["Scoped"]
    listing = [q["sql"] for q in ctx.captured_queries if 'FROM "incidents_incident"' in q["sql"]]
    assert listing and all("EXISTS" in sql and "incidents_incidentorganisation" in sql for sql in listing)
    assert not any('"incidents_incident"."id" IN (SELECT' in sql for sql in listing)
