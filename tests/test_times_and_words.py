"""Everything a user reads is in Oslo time and in their language, and a long text change shows what
changed (issue "A register that privacy officers … would choose to use", "Times and words")."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from hpregister.history import text_change
from risks.models import ReportingPeriod
from tests.factories import make_incident

pytestmark = pytest.mark.django_db


def render(value, language="nb"):
    with translation.override(language):
        return Template("{% load hpregister %}{{ value|oslo }}").render(Context({"value": value}))


def test_a_time_in_the_repeated_autumn_hour_says_which_one_it_is():
    # 25 October 2026: 03:00 summer time goes back to 02:00, so 02:30 happens twice.
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 CEST
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)  # 02:30 CET
    assert render(first) == "25.10.2026 02:30 sommertid"
    assert render(second) == "25.10.2026 02:30 normaltid"
    assert render(second, "en").endswith("standard time")
    assert render(dt.datetime(2026, 10, 25, 12, 0, tzinfo=dt.UTC)) == "25.10.2026 13:00"
    assert render(None) == ""


def test_a_long_text_change_shows_what_was_added():
    old = "Logganalysen viste oppslag uten tjenstlig behov. " * 5
    new = old + "Den ansatte er innkalt til samtale."
    change = str(text_change(old, new))
    assert "Den ansatte er innkalt til samtale." in change and "<ins" in change
    assert len(change) < len(old) + 200  # the unchanged text is shortened around the change


def test_the_period_page_shows_the_approval_in_oslo_time_by_full_name(login, mona, alice):
    period = ReportingPeriod.objects.filter(approved_at__isnull=False).first()
    period.approved_at = dt.datetime(2026, 11, 22, 19, 29, 45, 194802, tzinfo=dt.UTC)
    alice.first_name, alice.last_name = "Alice", "Aune"
    alice.save()
    period.approved_by = alice
    period.save()
    html = login(mona).get(period.get_absolute_url()).content.decode()
    assert "22.11.2026 20:29" in html and "+00:00" not in html and "194802" not in html
    assert "Alice Aune" in html


def test_history_speaks_the_users_language(login, bob):
    incident = make_incident()
    incident._change_reason = "Closed"
    incident.save()
    html = login(bob).get(incident.get_absolute_url()).content.decode()
    assert "Endret: Lukket" in html and ": Closed" not in html
