"""No legal duty left open (issue "Follow-through", part 1): a breach closes only when every duty is met,
the page says which are open, closing asks first, reopening needs a reason, the status says what is true,
and each open duty has a reminder."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hpregister.models import Reminder
from hpregister.reminders.sweep import sweep
from incidents.choices import DataCategory, IncidentStatus, RiskLevel, SubjectsDecision
from incidents.models import Incident, IncidentOrganisation, close_incident, reopen_incident
from tests.factories import assessed, make_incident, measure, notify

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - dt.timedelta(**kwargs)


def known(**kwargs):
    """Discovered and known at one instant, some time ago."""
    at = ago(**kwargs)
    return {"aware_at": at, "discovered_at": at}


def settled(**fields):
    """A breach with nothing left to do: assessed, notified, nothing else open."""
    incident = assessed(make_incident(**known(days=5), **fields))
    notify(incident, ago(days=4))
    return incident


def close(incident, user):
    with transaction.atomic():
        close_incident(incident=incident, user=user)


def duty_codes(incident):
    incident.refresh_from_db()
    return [duty.code for duty in incident.open_duties()]


def test_a_high_risk_breach_with_open_duties_does_not_close_with_one_click(login, bob):
    """The bug as found: high risk, no Art. 34 decision, an open Kripos notice, and one POST closed it."""
    incident = settled(data_categories=[DataCategory.ADDRESS_PROTECTED])
    incident.risk_level = RiskLevel.HIGH
    incident.save()
    response = login(bob).post(reverse("incidents:incident_close", args=[incident.pk]), follow=True)
    incident.refresh_from_db()
    assert incident.status != IncidentStatus.CLOSED
    html = response.content.decode()
    assert "Kripos" in html and "art. 34" in html.lower()


@pytest.mark.parametrize(
    ("duty", "make_open", "meet"),
    [
        (
            "assessment",
            lambda: make_incident(**known(days=1)),
            lambda i: assessed(i, RiskLevel.UNLIKELY),
        ),
        (
            "notification",
            lambda: assessed(make_incident(**known(days=1))),
            lambda i: notify(i, ago(hours=1)),
        ),
        (
            "final_notification",
            lambda: notify(assessed(make_incident(**known(days=2))), ago(days=1), phased=True).incident,
            lambda i: notify(i, ago(hours=1), phase="final"),
        ),
        (
            "art34",
            lambda: _high(settled()),
            lambda i: _save(
                i,
                subjects_decision=SubjectsDecision.INFORM,
                subjects_informed_at=ago(hours=2),
                subjects_informed_how="Brev i Helsenorge",
            ),
        ),
        (
            "police",
            lambda: settled(data_categories=[DataCategory.ADDRESS_PROTECTED]),
            lambda i: _save(i, police_notified_at=ago(hours=1), police_reference="KRIPOS-1"),
        ),
        (
            "organisation",
            lambda: settled(organisations=("St. Olavs hospital HF", "Melhus")),
            lambda i: i.affected.update(informed_at=ago(hours=1)),
        ),
        (
            "measure",
            lambda: measure(settled(), due_on=timezone.localdate()).incident,
            lambda i: i.measures.update(status="done", done_on=timezone.localdate()),
        ),
    ],
)
def test_each_open_duty_blocks_closing_until_it_is_met(bob, duty, make_open, meet):
    incident = make_open()
    incident.refresh_status()
    assert duty in duty_codes(incident)
    with pytest.raises(ValidationError):
        close(incident, bob)
    incident.refresh_from_db()
    assert incident.status != IncidentStatus.CLOSED
    meet(incident)
    incident.refresh_status()
    assert duty_codes(incident) == []
    close(incident, bob)
    assert Incident.objects.get(pk=incident.pk).status == IncidentStatus.CLOSED


def _high(incident):
    incident.risk_level = RiskLevel.HIGH
    incident.save()
    return incident


def _save(incident, **fields):
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.full_clean()
    incident.save()


def test_the_close_page_lists_each_open_duty_with_a_link_and_offers_no_button(login, bob):
    incident = settled(organisations=("St. Olavs hospital HF", "Melhus"))
    measure(incident, description="Samtale med den ansatte")
    incident.refresh_status()
    page = login(bob).get(reverse("incidents:incident_close", args=[incident.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Melhus" in html and "Samtale med den ansatte" in html
    informed = IncidentOrganisation.objects.get(incident=incident, organisation__name="Melhus")
    assert reverse("incidents:incidentorganisation_edit", args=[incident.pk, informed.pk]) in html
    assert 'name="confirm"' not in html


def test_closing_asks_for_confirmation_first(login, bob):
    incident = settled()
    client = login(bob)
    detail = client.get(incident.get_absolute_url()).content.decode()
    close_url = reverse("incidents:incident_close", args=[incident.pk])
    assert f'href="{close_url}"' in detail  # a link to the confirmation, not a form that closes at once
    page = client.get(close_url).content.decode()
    assert 'name="confirm"' in page
    client.post(close_url, {"confirm": "yes"})
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED and incident.closed_by == bob


def test_a_closed_incident_offers_reopening_not_new_notifications(login, bob):
    incident = settled()
    close(incident, bob)
    html = login(bob).get(incident.get_absolute_url()).content.decode()
    assert reverse("incidents:notification_add", args=[incident.pk]) not in html
    assert reverse("incidents:incidentmeasure_add", args=[incident.pk]) not in html
    assert reverse("incidents:incident_reopen", args=[incident.pk]) in html


def test_reopening_needs_a_reason_is_in_the_history_and_restarts_the_reminders(
    login, bob, django_capture_on_commit_callbacks
):
    incident = settled()
    overdue = measure(incident, due_on=timezone.localdate() - dt.timedelta(days=3), owner=bob)
    overdue.status = "done"
    overdue.done_on = timezone.localdate()
    overdue.save()
    close(incident, bob)
    # Then the measure is found not done after all: the incident is reopened with a reason.
    client = login(bob)
    url = reverse("incidents:incident_reopen", args=[incident.pk])
    page = client.post(url, {"reason": "  "})
    assert page.status_code == 200 and page.context["form"].errors["reason"]
    assert Incident.objects.get(pk=incident.pk).status == IncidentStatus.CLOSED
    client.post(url, {"reason": "Tiltaket var ikke gjennomført likevel"})
    incident.refresh_from_db()
    assert incident.status not in (IncidentStatus.CLOSED, IncidentStatus.WITHDRAWN)
    assert incident.closed_at is None
    latest = incident.history.first()
    assert latest.history_user == bob and latest.reopened_reason == "Tiltaket var ikke gjennomført likevel"
    history = client.get(incident.get_absolute_url()).content.decode()
    assert "Tiltaket var ikke gjennomført likevel" in history
    overdue.status = "planned"
    overdue.done_on = None
    overdue.save()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert Reminder.objects.filter(kind="incident.measure", object_id=overdue.pk, status=Reminder.Status.SENT).exists()


def test_a_reminder_cancelled_when_its_incident_closed_is_sent_again_after_reopening(
    bob, django_capture_on_commit_callbacks
):
    incident = settled()
    item = measure(incident, due_on=timezone.localdate() - dt.timedelta(days=1), owner=bob)
    sweep()  # queued (not delivered: no on-commit callbacks run)
    row = Reminder.objects.get(kind="incident.measure", object_id=item.pk)
    item.status, item.done_on = "done", timezone.localdate()
    item.save()
    incident.refresh_status()
    close(incident, bob)
    from hpregister.reminders.channels import deliver

    assert deliver(row.pk) == "cancelled"
    with transaction.atomic():
        reopen_incident(incident=incident, user=bob, reason="Feil lukket")
    item.status, item.done_on = "planned", None
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert Reminder.objects.filter(kind="incident.measure", object_id=item.pk, status=Reminder.Status.SENT).count() == 1


@pytest.mark.parametrize(
    ("setup", "nb"),
    [
        (lambda: make_incident(**known(hours=1)), "Registrert, ikke vurdert"),
        (lambda: assessed(make_incident(**known(hours=1))), "Ikke meldt"),
        (
            lambda: assessed(make_incident(**known(hours=1)), RiskLevel.UNLIKELY),
            "Ikke meldepliktig",
        ),
        (
            lambda: notify(assessed(make_incident(**known(days=1))), ago(hours=1), phased=True).incident,
            "Meldt trinnvis, endelig melding gjenstår",
        ),
        (lambda: settled(), "Meldt"),
    ],
)
def test_the_status_says_what_is_true(setup, nb):
    incident = setup()
    incident.refresh_status()
    incident.refresh_from_db()
    assert str(incident.get_status_display()) == nb


def test_open_measures_do_not_hide_that_a_breach_is_not_notified(bob):
    incident = assessed(make_incident(**known(hours=1)))
    measure(incident)
    incident.refresh_status()
    assert incident.status == IncidentStatus.ASSESSED  # "Ikke meldt", not "Tiltak pågår"


@pytest.mark.parametrize(
    ("kind", "setup", "hours_after_awareness"),
    [
        ("incident.art34", lambda: _high(settled()), 72),
        ("incident.police", lambda: settled(data_categories=[DataCategory.ADDRESS_PROTECTED]), 72),
        ("incident.organisations", lambda: settled(organisations=("St. Olavs hospital HF", "Melhus")), 24),
    ],
)
def test_every_open_duty_has_a_reminder_to_its_owners(
    bob, carol, kind, setup, hours_after_awareness, django_capture_on_commit_callbacks
):
    incident = setup()
    incident.refresh_status()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    sent = Reminder.objects.filter(kind=kind, object_id=incident.pk, status=Reminder.Status.SENT)
    assert bob.email in {r.email for r in sent}
    deadline = incident.aware_at + dt.timedelta(hours=hours_after_awareness)
    assert {r.deadline for r in sent} == {deadline}
    assert incident.reference in sent.first().subject and incident.title not in sent.first().subject


def test_the_final_notification_has_a_reminder_from_the_phased_one(bob, django_capture_on_commit_callbacks, settings):
    incident = assessed(make_incident(**known(days=40)))
    phased = notify(incident, ago(days=39), phased=True)
    incident.refresh_status()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    sent = Reminder.objects.get(kind="incident.final_notification", object_id=incident.pk, email=bob.email)
    assert sent.deadline == phased.sent_at + dt.timedelta(days=settings.FINAL_NOTIFICATION_DAYS)


def test_open_duties_are_on_my_tasks(bob):
    from hpregister.inbox import my_tasks

    incident = _high(settled(data_categories=[DataCategory.ADDRESS_PROTECTED]))
    incident.refresh_status()
    sources = {t.source for t in my_tasks(bob).tasks if t.url == incident.get_absolute_url()}
    assert len(sources) >= 2


def test_the_sweep_reads_only_incidents_with_an_open_duty():
    """The duty kinds find their incidents by a stored flag with a partial index (the cost follows the
    open duties, not the register)."""
    settled()
    open_one = _high(settled())
    open_one.refresh_status()
    assert list(Incident.objects.filter(follow_up_open=True).values_list("pk", flat=True)) == [open_one.pk]


def test_withdrawing_asks_with_its_own_words(login, bob):
    incident = settled()
    html = login(bob).get(reverse("incidents:incident_withdraw", args=[incident.pk])).content.decode()
    assert "Trekk tilbake" in html and ">Lagre<" not in html


def test_the_status_follows_changes_made_anywhere_the_admin_included():
    incident = settled()
    item = measure(incident, due_on=timezone.localdate())  # as the admin's inline saves it
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.MEASURES
    item.status, item.done_on = "done", timezone.localdate()
    item.save()
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.NOTIFIED
    shared = settled(organisations=("St. Olavs hospital HF", "Melhus"))
    shared.refresh_status()
    assert Incident.objects.get(pk=shared.pk).follow_up_open
    for affected in shared.affected.all():
        affected.informed_at = ago(hours=1)
        affected.save()
    assert not Incident.objects.get(pk=shared.pk).follow_up_open
