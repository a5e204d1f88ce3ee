"""Times as people in Norway read them (hpregister.timeutils.show_time)."""

import datetime as dt

import pytest
from django.utils import formats, translation
from django.utils.translation import gettext
from hypothesis import given, settings
from hypothesis import strategies as st

from hpregister.timeutils import OSLO, show_time

FORMATS = ["SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "DATE_FORMAT"]


@pytest.mark.parametrize("language", ["nb", "en"])
@settings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.just(dt.UTC)),
    format_name=st.sampled_from(FORMATS),
)
def test_a_time_reads_as_djangos_own_format_of_the_oslo_time(language, instant, format_name):
    """The quick path (strftime for the digit-only formats) writes what Django's date_format writes, in both
    languages, for any instant, the autumn's repeated hour with which of the two it is."""
    with translation.override(language):
        shown = show_time(instant, format_name)
        reference = formats.date_format(instant.astimezone(OSLO), format_name)
        which = [f"{reference} {gettext(name)}" for name in ("summer time", "standard time")]
        assert shown == reference or shown in which


@pytest.mark.parametrize(("language", "expected"), [("nb", "25.10.2026 02:30"), ("en", "2026-10-25 02:30")])
def test_the_repeated_autumn_hour_says_which_it_is(language, expected):
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 summer time
    with translation.override(language):
        summer, standard = show_time(first), show_time(first + dt.timedelta(hours=1))
    assert summer.startswith(expected) and standard.startswith(expected) and summer != standard
