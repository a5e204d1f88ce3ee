"""Times are typed in Oslo time: the spring gap is refused, the autumn overlap is asked, never guessed."""

import datetime as dt

import pytest
import time_machine
from django import forms

from hpregister.fields import OsloDateTimeField
from tests.factories import oslo


class TimeForm(forms.Form):
    at = OsloDateTimeField()


def clean(value, offset=""):
    form = TimeForm({"at_0": value, "at_1": offset})
    return form, (form.cleaned_data.get("at") if form.is_valid() else None)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(oslo(2026, 11, 22, 12, 0), tick=False):
        yield


def test_a_normal_time_is_stored_in_utc():
    form, value = clean("2026-07-01T12:00")
    assert value == dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)


def test_a_time_in_the_spring_gap_is_refused_with_a_clear_message():
    form, value = clean("2026-03-29T02:30")
    assert value is None
    assert "does not exist in Norway" in str(form.errors["at"]) or "finnes ikke" in str(form.errors["at"])


def test_an_ambiguous_autumn_time_must_be_disambiguated():
    form, value = clean("2026-10-25T02:30")
    assert value is None and form.errors["at"].as_data()[0].code == "ambiguous"


@pytest.mark.parametrize(("offset", "utc_hour"), [("+02:00", 0), ("+01:00", 1)])
def test_the_user_chooses_which_of_the_two_times_is_meant(offset, utc_hour):
    form, value = clean("2026-10-25T02:30", offset)
    assert value == dt.datetime(2026, 10, 25, utc_hour, 30, tzinfo=dt.UTC)


def test_a_future_time_is_refused_where_the_event_must_have_happened():
    form, value = clean("2026-11-22T14:00")
    assert value is None and form.errors["at"].as_data()[0].code == "future"


def test_norwegian_date_format_is_accepted():
    form, value = clean("21.11.2026 08:15")
    assert value == dt.datetime(2026, 11, 21, 7, 15, tzinfo=dt.UTC)


def test_garbage_is_refused_not_crashed():
    form, value = clean("yesterday-ish")
    assert value is None and "at" in form.errors


def test_the_summer_or_winter_choice_appears_only_for_a_time_that_happens_twice(login, bob):
    from django.urls import reverse

    client = login(bob)
    blank = client.get(reverse("incidents:incident_add")).content.decode()
    assert 'name="aware_at_1"' not in blank and 'name="discovered_at_1"' not in blank
    response = client.post(
        reverse("incidents:incident_add"),
        {"title": "x", "aware_at_0": "2025-10-26T02:30", "discovered_at_0": "2025-10-20T10:00"},
    )
    html = response.content.decode()
    assert 'name="aware_at_1"' in html  # asked, next to the field, for the ambiguous time only
    assert 'name="discovered_at_1"' not in html
    assert "aware_at" in response.context["form"].errors


def test_a_stored_time_in_the_repeated_hour_keeps_its_choice_on_the_edit_form(login, bob):
    import datetime as dt

    from django.urls import reverse

    from tests.factories import make_incident

    second = dt.datetime(2025, 10, 26, 1, 30, tzinfo=dt.UTC)  # 02:30 winter time
    incident = make_incident(aware_at=second, discovered_at=second - dt.timedelta(days=1))
    html = login(bob).get(reverse("incidents:incident_edit", args=[incident.pk])).content.decode()
    assert 'name="aware_at_1"' in html and 'name="discovered_at_1"' not in html
