"""Times as people in Norway read them (hpregister.timeutils.show_time)."""

import datetime as dt

import pytest
from django.utils import formats, translation
from django.utils.translation import gettext
from hypothesis import given, settings
from hypothesis import strategies as st

from hpregister.timeutils import OSLO, local_time_problem, show_time

FORMATS = ["SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "DATE_FORMAT"]


# Instants within two hours of a change of Oslo's clocks (the last Sundays of March and October, 01:00 UTC).
NEAR_A_CHANGE = st.builds(
    lambda year, october, minutes: (
        dt.datetime(year, 10 if october else 3, 31, 1, tzinfo=dt.UTC)
        - dt.timedelta(days=(dt.date(year, 10 if october else 3, 31).weekday() + 1) % 7, minutes=minutes)
    ),
    st.integers(1981, 2100),
    st.booleans(),
    st.integers(-120, 120),
)


@pytest.mark.parametrize("language", ["nb", "en"])
@settings(max_examples=300, deadline=None)
@given(
    instant=st.one_of(
        st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.just(dt.UTC)), NEAR_A_CHANGE
    ),
    format_name=st.sampled_from(FORMATS),
)
def test_a_time_reads_as_djangos_own_format_of_the_oslo_time(language, instant, format_name):
    """The quick path (strftime for the digit-only formats) writes what Django's date_format writes, in both
    languages, for any instant; the autumn's repeated hour, and only that, says which of the two it is."""
    with translation.override(language):
        shown = show_time(instant, format_name)
        local = instant.astimezone(OSLO)
        expected = formats.date_format(local, format_name)
        if local_time_problem(local.replace(tzinfo=None)) == "ambiguous":
            expected += " " + gettext("summer time" if local.dst() else "standard time")
        assert shown == expected


@pytest.mark.parametrize(("language", "expected"), [("nb", "25.10.2026 02:30"), ("en", "2026-10-25 02:30")])
def test_the_repeated_autumn_hour_says_which_it_is(language, expected):
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 summer time
    with translation.override(language):
        summer, standard = show_time(first), show_time(first + dt.timedelta(hours=1))
    assert summer.startswith(expected) and standard.startswith(expected) and summer != standard
