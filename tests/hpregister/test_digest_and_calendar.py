import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from hpregister.models import Profile
from hpregister.reminders.digest import send_digests
from incidents.choices import RiskLevel
from tests.factories import assessed, make_incident, measure, oslo

pytestmark = pytest.mark.django_db


def quiet_incident():
    return assessed(make_incident(), level=RiskLevel.UNLIKELY)


def test_weekly_digest_labels_overdue_and_coming_honestly_and_is_sent_once(django_capture_on_commit_callbacks, bob):
    overdue, coming, far = quiet_incident(), quiet_incident(), quiet_incident()
    measure(overdue, due_on=dt.date(2026, 11, 20), owner=bob, description="Overdue measure")
    measure(coming, due_on=dt.date(2026, 11, 30), owner=bob, description="Coming measure")
    measure(far, due_on=dt.date(2027, 3, 1), owner=bob, description="Far away")
    with time_machine.travel(oslo(2026, 11, 23, 7), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
        assert send_digests() == 0  # the same week: not again
    [message] = mail.outbox
    assert 'lang="nb"' in message.alternatives[0][0]
    lines = message.body.splitlines()
    overdue_line = next(line for line in lines if overdue.reference in line)
    coming_line = next(line for line in lines if coming.reference in line)
    assert lines.index(overdue_line) < lines.index(coming_line) and far.reference not in message.body
    # A due date is a date, not "08:00"; the labels are honest: overdue is overdue ...
    assert "20.11.2026" in overdue_line and "08:00" not in overdue_line
    assert "over fristen med 2 d 23 t" in overdue_line
    assert "frist om 7 d 1 t" in coming_line  # ... and what is coming is never called overdue
    assert "1 over fristen, 1 kommende" in message.subject
    # A breach is named by its reference: its title and the measure's text stay in the register.
    for text in ("Overdue measure", overdue.title):
        assert text not in message.body and text not in message.subject


def test_digest_can_be_turned_off(django_capture_on_commit_callbacks, bob):
    Profile.objects.update_or_create(user=bob, defaults={"digest_enabled": False})
    measure(quiet_incident(), due_on=dt.date(2026, 11, 20), owner=bob)
    with time_machine.travel(oslo(2026, 11, 23, 7), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0


def test_calendar_feed_lists_the_users_deadlines_and_can_be_revoked(client, login, bob):
    incident = quiet_incident()
    measure(incident, due_on=dt.date(2026, 12, 1), owner=bob, description="Talk to the employee")
    user_client = login(bob)
    user_client.post(reverse("account"), {"action": "new_calendar"})
    token = Profile.objects.get(user=bob).calendar_token
    assert token and len(token) >= 32
    client.logout()
    with time_machine.travel(oslo(2026, 11, 22, 12), tick=False):
        response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(events) == 1 and incident.reference in str(events[0]["summary"])
    assert "Talk to the employee" not in response.content.decode() and incident.title not in response.content.decode()
    # A due date is an all-day event, not a zero-length one at 08:00.
    assert events[0].decoded("dtstart") == dt.date(2026, 12, 1)
    assert events[0].decoded("dtend") == dt.date(2026, 12, 2)
    login(bob).post(reverse("account"), {"action": "revoke_calendar"})
    client.logout()
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_unknown_calendar_token_is_404(client):
    assert client.get(reverse("calendar_feed", args=["nope"])).status_code == 404


def test_account_page_saves_language_and_reminder_choices(login, bob):
    response = login(bob).post(reverse("account"), {"action": "save", "language": "en", "digest_enabled": "on"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    profile = Profile.objects.get(user=bob)
    assert (profile.language, profile.digest_enabled, profile.reminders_enabled) == ("en", True, False)
