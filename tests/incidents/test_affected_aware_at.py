"""IncidentOrganisation.aware_at is its incident's aware_at, kept by the database on every write path (#18):
an officer's list reads one organisation's incidents in their default order from the link table's index."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery

from hpregister.models import Organisation
from incidents.models import Incident, IncidentOrganisation
from tests.factories import make_incident, oslo

pytestmark = pytest.mark.django_db


def out_of_step():
    """Link rows whose aware_at is not their incident's (a blank one included)."""
    incident_aware = Subquery(Incident.objects.filter(pk=OuterRef("incident_id")).values("aware_at")[:1])
    rows = IncidentOrganisation.objects.annotate(expected=incident_aware)
    return list(rows.filter(Q(aware_at__isnull=True) | ~Q(aware_at=F("expected"))).values_list("pk", flat=True))


def stored(incident):
    return set(IncidentOrganisation.objects.filter(incident=incident).values_list("aware_at", flat=True))


def test_organisations_set_on_a_new_incident_take_its_time():
    incident = make_incident(organisations=("St. Olavs hospital HF", "Melhus"))
    assert stored(incident) == {incident.aware_at}
    assert IncidentOrganisation.objects.filter(incident=incident).count() == 2
    assert out_of_step() == []


def test_saving_the_incident_with_a_new_time_moves_its_rows():
    incident = make_incident(organisations=("St. Olavs hospital HF", "Melhus"))
    incident.aware_at = oslo(2025, 6, 30, 23, 30)
    incident.save()
    assert stored(incident) == {oslo(2025, 6, 30, 23, 30)}
    assert out_of_step() == []


def test_a_queryset_update_moves_the_rows_too():
    first, second = make_incident(), make_incident()
    Incident.objects.filter(pk=first.pk).update(aware_at=F("aware_at") - dt.timedelta(days=3))
    first.refresh_from_db()
    assert stored(first) == {first.aware_at} and stored(second) == {second.aware_at}
    assert out_of_step() == []


def test_a_row_written_with_another_time_takes_the_incidents():
    """Whatever a statement writes into the column (a stale instance, a typo in a script) is corrected."""
    incident = make_incident(organisations=())
    organisation = Organisation.objects.get(name="Melhus")
    row = IncidentOrganisation.objects.create(incident=incident, organisation=organisation, aware_at=oslo(2001, 1, 1))
    assert stored(incident) == {incident.aware_at}
    row.informed_at = incident.aware_at + dt.timedelta(hours=2)  # the instance still holds 2001
    row.save()
    IncidentOrganisation.objects.filter(pk=row.pk).update(aware_at=None)
    assert stored(incident) == {incident.aware_at}
    assert out_of_step() == []


def test_bulk_created_rows_and_a_row_moved_to_another_incident():
    one, other = make_incident(organisations=()), make_incident(organisations=(), aware_at=oslo(2024, 2, 29, 12, 0))
    organisations = list(Organisation.objects.order_by("pk")[:3])
    IncidentOrganisation.objects.bulk_create(
        [IncidentOrganisation(incident=one, organisation=organisation) for organisation in organisations]
    )
    assert stored(one) == {one.aware_at}
    moved = IncidentOrganisation.objects.filter(incident=one).first()
    moved.incident = other
    moved.save()
    assert stored(other) == {oslo(2024, 2, 29, 12, 0)}
    assert out_of_step() == []


def test_the_admin_shows_no_field_for_the_copy(rf, root):
    request = rf.get("/")
    request.user = root
    incident = make_incident()
    admin = site._registry[Incident]
    for inline in admin.get_inline_instances(request, incident):
        if inline.model is IncidentOrganisation:
            assert "aware_at" not in inline.get_formset(request, incident).form.base_fields
            break
    else:
        pytest.fail("the incident's admin has no inline for its organisations")


def test_the_history_of_a_link_row_does_not_record_the_copy():
    incident = make_incident()
    row = IncidentOrganisation.objects.get(incident=incident)
    assert "aware_at" not in {field.name for field in row.history.model._meta.fields}


def test_the_database_has_the_triggers():
    """The migration's triggers are there on this database (SQLite in `make test`, PostgreSQL in CI)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'incidents_%%aware_at%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'incidents_%aware_at%'")
        names = {name for (name,) in cursor.fetchall()}
    assert "incidents_incident_aware_at" in names and len(names) >= 2
