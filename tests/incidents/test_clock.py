"""The 72-hour clock: elapsed hours on UTC, never wall-clock arithmetic, never extended."""

import datetime as dt

import pytest
import time_machine

from hpregister.timeutils import OSLO
from incidents.choices import RiskLevel
from incidents.models import Incident
from tests.factories import assessed, make_incident, notify, oslo

pytestmark = pytest.mark.django_db


def local(value):
    return value.astimezone(OSLO).replace(tzinfo=None)


def test_deadline_is_72_elapsed_hours_across_the_spring_clock_change():
    incident = make_incident(discovered_at=oslo(2026, 3, 28, 9), aware_at=oslo(2026, 3, 28, 10))
    # The night of 29 March has 23 hours: 72 elapsed hours end at 11:00 on the wall clock.
    assert local(incident.deadline) == dt.datetime(2026, 3, 31, 11, 0)
    assert incident.deadline - incident.aware_at == dt.timedelta(hours=72)


def test_deadline_is_72_elapsed_hours_across_the_autumn_clock_change():
    incident = make_incident(discovered_at=oslo(2026, 10, 23, 9), aware_at=oslo(2026, 10, 23, 10))
    # The night of 25 October has 25 hours: 72 elapsed hours end at 09:00 on the wall clock.
    assert local(incident.deadline) == dt.datetime(2026, 10, 26, 9, 0)


def test_deadline_is_not_extended_over_easter():
    # Maundy Thursday 2026-04-02; Good Friday, Easter Sunday and Monday are public holidays.
    incident = make_incident(discovered_at=oslo(2026, 4, 2, 11), aware_at=oslo(2026, 4, 2, 12))
    assert local(incident.deadline) == dt.datetime(2026, 4, 5, 12, 0)


def test_deadline_survives_a_round_trip_through_the_database():
    incident = make_incident(discovered_at=oslo(2026, 3, 28, 9), aware_at=oslo(2026, 3, 28, 10))
    reloaded = Incident.objects.get(pk=incident.pk)
    assert reloaded.aware_at.utcoffset() == dt.timedelta(0)  # stored in UTC
    assert local(reloaded.deadline) == dt.datetime(2026, 3, 31, 11, 0)


@time_machine.travel(oslo(2026, 11, 22, 8, 0), tick=False)
def test_clock_counts_down_then_overdue():
    incident = assessed(make_incident(aware_at=oslo(2026, 11, 20, 10, 0)))
    clock = incident.clock()
    assert clock["state"] == "running" and clock["delta"] == dt.timedelta(hours=26)
    with time_machine.travel(oslo(2026, 11, 22, 20, 0), tick=False):
        assert incident.clock()["state"] == "soon"
    with time_machine.travel(oslo(2026, 11, 23, 11, 0), tick=False):
        clock = incident.clock()
        assert clock["state"] == "overdue" and clock["delta"] == dt.timedelta(hours=-1)


@time_machine.travel(oslo(2026, 11, 22, 8, 0), tick=False)
def test_clock_stops_when_notified_or_not_required():
    incident = assessed(make_incident())
    notify(incident, oslo(2026, 11, 21, 12))
    assert incident.clock()["state"] == "notified" and not incident.clock()["late"]
    other = assessed(make_incident(), level=RiskLevel.UNLIKELY)
    assert other.clock()["state"] == "not_required"
    assert other.notification_required is False


@time_machine.travel(oslo(2026, 11, 22, 8, 0), tick=False)
def test_queryset_flags_overdue_and_due_soon_incidents():
    overdue = assessed(make_incident(aware_at=oslo(2026, 11, 18, 10)))
    soon = assessed(make_incident(aware_at=oslo(2026, 11, 19, 20)))  # deadline 22.11 20:00
    later = assessed(make_incident(aware_at=oslo(2026, 11, 21, 10)))
    not_required = assessed(make_incident(aware_at=oslo(2026, 11, 18, 10)), level=RiskLevel.UNLIKELY)
    notified = assessed(make_incident(aware_at=oslo(2026, 11, 18, 10)))
    notify(notified, oslo(2026, 11, 19, 10))
    assert set(Incident.objects.overdue()) == {overdue}
    assert set(Incident.objects.due_within(24)) == {soon}
    assert set(Incident.objects.awaiting_notification()) == {overdue, soon, later}
    assert not_required not in Incident.objects.awaiting_notification()


def test_first_notification_is_stored_whatever_way_a_notification_comes_and_goes(root):
    from incidents.models import Notification

    incident = assessed(make_incident())
    stale = Incident.objects.get(pk=incident.pk)  # loaded before the notification, saved after it
    initial = notify(incident, oslo(2026, 11, 21, 9, 0))
    assert incident.first_notified_at == initial.sent_at  # the caller's copy follows
    assert Incident.objects.get(pk=incident.pk).first_notified_at == initial.sent_at

    stale.title = "Edited from an old copy"
    stale.save()
    assert Incident.objects.get(pk=incident.pk).first_notified_at == initial.sent_at

    initial.sent_at = oslo(2026, 11, 21, 8, 0)
    initial.save()
    assert Incident.objects.get(pk=incident.pk).first_notified_at == oslo(2026, 11, 21, 8, 0)

    # Moved to another incident (admin can): both incidents are brought up to date.
    other = assessed(make_incident())
    moved = Notification.objects.get(pk=initial.pk)
    moved.incident = other
    moved.save()
    assert Incident.objects.get(pk=incident.pk).first_notified_at is None
    assert Incident.objects.get(pk=other.pk).first_notified_at == oslo(2026, 11, 21, 8, 0)
    assert set(Incident.objects.awaiting_notification()) >= {Incident.objects.get(pk=incident.pk)}

    # A bulk delete (admin's action) too.
    Notification.objects.filter(incident=other).delete()
    assert Incident.objects.get(pk=other.pk).first_notified_at is None
    assert other.pk in set(Incident.objects.awaiting_notification().values_list("pk", flat=True))


def test_running_clocks_are_found_through_their_partial_index():
    """The overdue filter and the dashboard must not scan the register: the query uses the partial index."""
    from django.db import connection

    assessed(make_incident())
    for _ in range(30):  # most of a register: notified and closed
        notify(assessed(make_incident()), oslo(2026, 11, 21, 9, 0))
    Incident.objects.exclude(first_notified_at=None).update(status="closed")
    query = Incident.objects.overdue(now=oslo(2026, 11, 30, 12, 0)).order_by("aware_at")
    assert query.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_incident")  # statistics, as a live database has
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: make the planner show its hand
        sql, params = query.query.sql_with_params()
        cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "incident_clock_running" in plan, plan
