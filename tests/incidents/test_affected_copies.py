"""IncidentOrganisation's aware_at, category, status and title are its incident's, kept by the database on
every write path (#18): an officer's list reads one organisation's incidents in their default order or by
title, and their count with the list's common filters, from the link table's indexes."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery

from hpregister.models import Organisation
from incidents.choices import IncidentCategory, IncidentStatus
from incidents.models import Incident, IncidentOrganisation
from tests.factories import make_incident, oslo

pytestmark = pytest.mark.django_db


COPIED = ("aware_at", "category", "status", "title")


def out_of_step():
    """Link rows whose copies are not their incident's values (a blank one included)."""
    rows = IncidentOrganisation.objects.all()
    differs = Q()
    for name in COPIED:
        rows = rows.annotate(
            **{f"expected_{name}": Subquery(Incident.objects.filter(pk=OuterRef("incident_id")).values(name)[:1])}
        )
        differs |= Q(**{f"{name}__isnull": True}) | ~Q(**{name: F(f"expected_{name}")})
    return list(rows.filter(differs).values_list("pk", flat=True))


def stored(incident):
    return set(IncidentOrganisation.objects.filter(incident=incident).values_list(*COPIED))


def values(incident):
    incident.refresh_from_db()
    return {(incident.aware_at, incident.category, incident.status, incident.title)}


def test_organisations_set_on_a_new_incident_take_its_time():
    incident = make_incident(organisations=("St. Olavs hospital HF", "Melhus"))
    assert stored(incident) == values(incident)
    assert IncidentOrganisation.objects.filter(incident=incident).count() == 2
    assert out_of_step() == []


def test_saving_the_incident_with_a_new_time_moves_its_rows():
    incident = make_incident(organisations=("St. Olavs hospital HF", "Melhus"))
    incident.aware_at = oslo(2025, 6, 30, 23, 30)
    incident.category = IncidentCategory.SNOOPING
    incident.title = "Innsyn i egen journal"
    incident.save()
    assert stored(incident) == {
        (oslo(2025, 6, 30, 23, 30), IncidentCategory.SNOOPING, incident.status, "Innsyn i egen journal")
    }
    assert out_of_step() == []


def test_a_queryset_update_moves_the_rows_too():
    first, second = make_incident(), make_incident()
    Incident.objects.filter(pk=first.pk).update(aware_at=F("aware_at") - dt.timedelta(days=3))
    Incident.objects.filter(pk=second.pk).update(
        status=IncidentStatus.NOTIFIED, category=IncidentCategory.LOSS_OR_THEFT, title="Tapt minnepinne"
    )
    assert stored(first) == values(first) and stored(second) == values(second)
    assert stored(second) == {
        (second.aware_at, IncidentCategory.LOSS_OR_THEFT, IncidentStatus.NOTIFIED, "Tapt minnepinne")
    }
    assert out_of_step() == []


def test_a_row_written_with_another_time_takes_the_incidents():
    """Whatever a statement writes into the column (a stale instance, a typo in a script) is corrected."""
    incident = make_incident(organisations=())
    organisation = Organisation.objects.get(name="Melhus")
    row = IncidentOrganisation.objects.create(
        incident=incident, organisation=organisation, aware_at=oslo(2001, 1, 1), category="x", status="closed"
    )
    assert stored(incident) == values(incident)
    row.informed_at = incident.aware_at + dt.timedelta(hours=2)  # the instance still holds 2001
    row.save()
    IncidentOrganisation.objects.filter(pk=row.pk).update(aware_at=None)
    IncidentOrganisation.objects.filter(pk=row.pk).update(category=None, status="withdrawn", title="Feil tittel")
    assert stored(incident) == values(incident)
    assert out_of_step() == []


def test_bulk_created_rows_and_a_row_moved_to_another_incident():
    one, other = make_incident(organisations=()), make_incident(organisations=(), aware_at=oslo(2024, 2, 29, 12, 0))
    organisations = list(Organisation.objects.order_by("pk")[:3])
    IncidentOrganisation.objects.bulk_create(
        [IncidentOrganisation(incident=one, organisation=organisation) for organisation in organisations]
    )
    assert stored(one) == values(one)
    moved = IncidentOrganisation.objects.filter(incident=one).first()
    moved.incident = other
    moved.save()
    assert stored(other) == values(other)
    assert out_of_step() == []


def test_the_admin_shows_no_field_for_the_copy(rf, root):
    request = rf.get("/")
    request.user = root
    incident = make_incident()
    admin = site._registry[Incident]
    for inline in admin.get_inline_instances(request, incident):
        if inline.model is IncidentOrganisation:
            assert not set(COPIED) & set(inline.get_formset(request, incident).form.base_fields)
            break
    else:
        pytest.fail("the incident's admin has no inline for its organisations")


def test_the_history_of_a_link_row_does_not_record_the_copy():
    incident = make_incident()
    row = IncidentOrganisation.objects.get(incident=incident)
    assert not set(COPIED) & {field.name for field in row.history.model._meta.fields}


def test_the_database_has_the_triggers():
    """The migration's triggers are there on this database (SQLite in `make test`, PostgreSQL in CI)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'incidents_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'incidents_%'")
        names = {name for (name,) in cursor.fetchall()}
    assert "incidents_incident_copy" in names and any(name.startswith("incidents_affected_copy") for name in names)
    assert not any("aware_at" in name for name in names)  # migration 0012's, replaced


def test_closing_and_reopening_the_incident_move_its_rows(alice):
    """The status changes through the incident's own workflow, not only by a form's save."""
    incident = make_incident(organisations=("St. Olavs hospital HF", "Melhus"))
    Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.CLOSED)
    assert {status for _a, _c, status, _t in stored(incident)} == {IncidentStatus.CLOSED}
    incident.refresh_from_db()
    incident.status = IncidentStatus.REGISTERED
    incident.save(update_fields=["status"])
    assert stored(incident) == values(incident)
    assert out_of_step() == []
