"""The reminder engine with frozen time: each kind and threshold, twice -> once, outages, moves, opt-outs."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from hpregister.models import Profile, Reminder, ReminderRule
from hpregister.reminders.sweep import sweep
from hpregister.reminders.thresholds import parse_thresholds
from hpregister.tasks import deliver_reminder
from incidents.choices import MeasureStatus, RiskLevel
from risks.models import Risk
from tests.factories import assessed, make_incident, measure, notify, oslo

pytestmark = pytest.mark.django_db


def quiet_incident(**kwargs):
    """An incident whose 72-hour clock is stopped (assessed as unlikely to harm), so only measures remind."""
    return assessed(make_incident(**kwargs), level=RiskLevel.UNLIKELY)


def to(messages):
    return sorted(m.to[0] for m in messages)


def test_thresholds_parse_and_refuse_nonsense():
    assert [label for label, _ in parse_thresholds("0, -14d, -3d")] == ["-14d", "-3d", "0"]
    with pytest.raises(ValueError):
        parse_thresholds("soon")


def test_72_hour_clock_reminds_at_24_48_60_and_72_hours_to_both_privacy_offices(run, alice, bob):
    incident = assessed(make_incident(aware_at=oslo(2026, 11, 20, 10)))
    assert run(oslo(2026, 11, 21, 9, 59)) == []
    first = run(oslo(2026, 11, 21, 10, 0))
    assert to(first) == ["alice@example.test", "bob@example.test"]
    assert incident.reference in first[0].subject
    assert run(oslo(2026, 11, 21, 10, 5)) == []  # the same threshold again: nothing
    assert len(run(oslo(2026, 11, 22, 10, 0))) == 2  # +48 h
    assert len(run(oslo(2026, 11, 22, 22, 0))) == 2  # +60 h
    assert len(run(oslo(2026, 11, 23, 10, 0))) == 2  # +72 h: the deadline
    thresholds = set(Reminder.objects.filter(kind="incident.datatilsynet").values_list("threshold", flat=True))
    assert thresholds == {"-48h", "-24h", "-12h", "0"}


def test_72_hour_clock_stops_when_notified_or_decided_not_to_notify(run):
    incident = assessed(make_incident(aware_at=oslo(2026, 11, 20, 10)))
    other = assessed(make_incident(aware_at=oslo(2026, 11, 20, 10)), level=RiskLevel.UNLIKELY)
    run(oslo(2026, 11, 21, 10))
    notify(incident, oslo(2026, 11, 21, 12))
    assert run(oslo(2026, 11, 22, 10)) == []
    assert not Reminder.objects.filter(object_id=other.pk, kind="incident.datatilsynet").exists()


def test_a_sweep_run_twice_sends_one_email(run, bob):
    m = measure(quiet_incident(), due_on=dt.date(2026, 12, 1), owner=bob)
    assert to(run(oslo(2026, 12, 1, 9))) == ["bob@example.test"]
    assert run(oslo(2026, 12, 1, 9)) == []
    assert Reminder.objects.filter(object_id=m.pk, kind="incident.measure").count() == 1


def test_after_a_three_day_outage_one_catch_up_email_at_the_most_urgent_threshold(run, bob):
    measure(quiet_incident(), due_on=dt.date(2026, 12, 1), owner=bob)
    # Workers down from 14 days before the deadline until two days after it.
    messages = run(oslo(2026, 12, 3, 9))
    assert len(messages) == 1
    assert Reminder.objects.get(kind="incident.measure").threshold == "0"
    assert "over fristen" in messages[0].subject.lower() or "overdue" in messages[0].subject.lower()


def test_overdue_repeats_every_seven_days_and_escalates_to_managers_once_per_step(run, bob, mona):
    measure(quiet_incident(), due_on=dt.date(2026, 12, 1), owner=bob)
    run(oslo(2026, 12, 1, 9))
    assert to(run(oslo(2026, 12, 8, 9))) == ["bob@example.test"]  # +7d
    escalated = run(oslo(2026, 12, 15, 9))  # +14d: escalation to St. Olav's manager
    assert to(escalated) == ["bob@example.test", "mona@example.test"]
    assert run(oslo(2026, 12, 15, 18)) == []


def test_owner_gets_it_else_the_privacy_officers(run, bob):
    measure(quiet_incident(organisations=("St. Olavs hospital HF",)), due_on=dt.date(2026, 12, 1))
    assert to(run(oslo(2026, 12, 1, 9))) == ["bob@example.test"]


def test_a_moved_deadline_cancels_the_old_reminder(django_capture_on_commit_callbacks, bob):
    m = measure(quiet_incident(), due_on=dt.date(2026, 12, 1), owner=bob)
    with time_machine.travel(oslo(2026, 12, 1, 9), tick=False), django_capture_on_commit_callbacks(execute=False):
        sweep()  # queued, not yet delivered (the worker is slow)
    m.due_on = dt.date(2026, 12, 20)
    m.save()
    reminder = Reminder.objects.get(kind="incident.measure")
    deliver_reminder.delay(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED and mail.outbox == []


def test_finishing_the_task_cancels_what_is_queued(django_capture_on_commit_callbacks, bob):
    m = measure(quiet_incident(), due_on=dt.date(2026, 12, 1), owner=bob)
    with time_machine.travel(oslo(2026, 12, 1, 9), tick=False), django_capture_on_commit_callbacks(execute=False):
        sweep()
    m.status, m.done_on = MeasureStatus.DONE, dt.date(2026, 11, 30)
    m.save()
    deliver_reminder.delay(Reminder.objects.get(kind="incident.measure").pk)
    assert mail.outbox == []


def test_smtp_down_then_up_delivers_once(run, bob, monkeypatch):
    measure(quiet_incident(), due_on=dt.date(2026, 12, 1), owner=bob)

    def down(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", down)
    assert run(oslo(2026, 12, 1, 9)) == []  # the worker retries with backoff, then leaves it failed
    reminder = Reminder.objects.get(kind="incident.measure")
    assert reminder.status == Reminder.Status.FAILED and "connection refused" in reminder.last_error
    monkeypatch.undo()
    assert to(run(oslo(2026, 12, 1, 9, 5))) == ["bob@example.test"]
    assert run(oslo(2026, 12, 1, 9, 10)) == []
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT


def test_users_may_turn_off_ordinary_reminders_but_not_the_72_hour_clock(run, bob):
    Profile.objects.update_or_create(user=bob, defaults={"reminders_enabled": False})
    measure(quiet_incident(), due_on=dt.date(2026, 11, 21), owner=bob)
    assessed(make_incident(aware_at=oslo(2026, 11, 20, 10)))  # the clock runs
    messages = run(oslo(2026, 11, 21, 10))
    kinds = set(Reminder.objects.filter(recipient=bob).values_list("kind", flat=True))
    assert kinds == {"incident.datatilsynet"} and "bob@example.test" in to(messages)


def test_email_is_in_the_recipients_language_with_oslo_time_and_a_link(run, bob, settings):
    settings.SITE_URL = "https://hpregister.example.no"
    Profile.objects.update_or_create(user=bob, defaults={"language": "en"})
    incident = quiet_incident()
    measure(incident, due_on=dt.date(2026, 12, 1), owner=bob, description="Talk to the employee")
    [message] = run(oslo(2026, 11, 17, 8))
    assert message.subject.startswith("[HP Register] Due in 14 d")
    assert f"Measure after a breach – {incident.reference}" in message.subject
    assert "1 Dec 2026" in message.body and "08:00" not in message.body  # a due date is a date
    assert f"https://hpregister.example.no/incidents/{incident.pk}/#measures" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="en">' in html and incident.reference in html
    assert "Talk to the employee" not in html  # the register holds the details; the e-mail links to them


def test_rules_are_data_that_administrators_edit(run, bob):
    measure(quiet_incident(), due_on=dt.date(2026, 12, 1), owner=bob)
    sweep_rule = ReminderRule.objects.filter(kind="incident.measure")
    run(oslo(2026, 11, 1, 9))  # creates the rules with their defaults
    sweep_rule.update(thresholds="-30d, 0")
    assert len(run(oslo(2026, 11, 2, 9))) == 1
    assert Reminder.objects.get(kind="incident.measure").threshold == "-30d"


def test_risk_review_and_subprocessor_review_are_reminded(run, mona, alice):
    risk = Risk.objects.get(title="Lange ventetider")
    risk.next_review, risk.owner = dt.date(2026, 12, 1), mona
    risk.save()
    from compliance.models import SubProcessor

    SubProcessor.objects.filter(name="Microsoft").update(next_review=dt.date(2026, 12, 1))
    messages = run(oslo(2026, 12, 1, 9))
    assert set(Reminder.objects.values_list("kind", "email")) == {
        ("risk.review", "mona@example.test"),
        ("subprocessor.review", "alice@example.test"),
    }
    assert len(messages) == 2


def test_sendreminders_command_runs_the_sweep(bob, capsys):
    measure(quiet_incident(), due_on=dt.date(2026, 12, 1), owner=bob)
    with time_machine.travel(oslo(2026, 12, 1, 9), tick=False):
        call_command("sendreminders")
    assert "1 reminders queued" in capsys.readouterr().out


def test_open_measures_of_a_withdrawn_incident_do_not_remind(run, bob):
    from incidents.models import withdraw_incident

    incident = quiet_incident(organisations=("St. Olavs hospital HF",))
    measure(incident, due_on=dt.date(2026, 12, 1))
    withdraw_incident(incident=incident, user=bob, reason="Registered twice")
    assert run(oslo(2026, 12, 1, 9)) == []


def test_the_sweep_finds_due_measures_through_their_due_index():
    """The cost must follow the due rows: the query reads the (status, due_on) index, not the parents."""
    from django.db import connection

    from incidents.models import IncidentMeasure

    for _ in range(5):
        incident = quiet_incident()
        for day in range(1, 30):
            measure(incident, due_on=dt.date(2027, 1, day), status=MeasureStatus.DONE, done_on=dt.date(2026, 12, 1))
    measure(incident, due_on=dt.date(2026, 12, 1))
    query = IncidentMeasure.objects.due_by(dt.date(2026, 12, 14)).select_related("incident", "owner")
    assert query.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "incidents_incidentmeasure_due" in plan, plan
