"""Oslo local time in, UTC stored: the register's rules for times that people type.

Legal deadlines count elapsed hours on UTC instants (``deadline_after``), never wall-clock arithmetic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.core.signals import setting_changed
from django.utils import formats
from django.utils.translation import get_language, gettext, override

OSLO = ZoneInfo("Europe/Oslo")
UTC = dt.UTC


def local_time_problem(naive: dt.datetime) -> str | None:
    """'nonexistent' in the spring gap, 'ambiguous' in the autumn overlap, else None."""
    first = naive.replace(tzinfo=OSLO, fold=0)
    second = naive.replace(tzinfo=OSLO, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    round_trip = first.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None)
    return "nonexistent" if round_trip != naive else "ambiguous"


def oslo_to_utc(naive: dt.datetime, *, offset: dt.timedelta | None = None) -> dt.datetime:
    """Interpret a wall-clock time in Oslo. ``offset`` picks one of the two readings of an ambiguous time."""
    problem = local_time_problem(naive)
    if problem == "nonexistent":
        raise ValueError("nonexistent local time")
    if problem == "ambiguous":
        if offset is None:
            raise ValueError("ambiguous local time")
        for fold in (0, 1):
            candidate = naive.replace(tzinfo=OSLO, fold=fold)
            if candidate.utcoffset() == offset:
                return candidate.astimezone(UTC)
        raise ValueError("offset does not match either reading")
    return naive.replace(tzinfo=OSLO).astimezone(UTC)


def deadline_after(moment: dt.datetime, hours: int) -> dt.datetime:
    """``moment`` + ``hours`` elapsed hours (computed on UTC, so DST changes never shift it)."""
    return moment.astimezone(UTC) + dt.timedelta(hours=hours)


def humanize_duration(delta: dt.timedelta) -> str:
    """'2 d 3 t 5 min' style, for time left or time overdue (absolute value)."""
    from django.utils.translation import gettext as _

    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(_("%(n)d d") % {"n": days})
    if hours or days:
        parts.append(_("%(n)d h") % {"n": hours})
    parts.append(_("%(n)d min") % {"n": minutes})
    return " ".join(parts)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (or earlier), the month's last day where it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date_deadline(day: dt.date) -> dt.datetime:
    """A due date counts from 08:00 Norwegian time that day (UTC stored)."""
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=OSLO).astimezone(UTC)


def _strftime_pattern(django_format: str) -> str | None:
    """The strftime pattern that writes what Django's ``date_format`` writes for a format of digits only
    ("d.m.Y H:i", "Y-m-d H:i"), else None. Django formats through a template-like parser per value: a tenth
    of a list page's time went to its 150 time cells."""
    codes = {"d": "%d", "m": "%m", "Y": "%Y", "H": "%H", "i": "%M", "s": "%S"}
    if "%" in django_format or "\\" in django_format:
        return None
    if any(character.isalpha() and character not in codes for character in django_format):
        return None
    return "".join(codes.get(character, character) for character in django_format)


def show_time(value: dt.datetime | None, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    """A stored instant as a person in Norway reads it: Oslo wall-clock time in the current language's
    format, and in the autumn's repeated hour which of the two it is ("02:30 sommertid", "02:30 normaltid")."""
    if value is None or value == "":
        return ""
    local = value.astimezone(OSLO)
    pattern = _pattern(format_name, get_language()) if local.year >= 1000 else None
    text = local.strftime(pattern) if pattern else formats.date_format(local, format_name)
    # An instant's wall-clock time is ambiguous where the other reading of it (fold) has another offset:
    # astimezone() never lands in the spring gap, so that is the autumn's repeated hour.
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        summer = bool(local.dst())
        text += " " + (gettext("summer time") if summer else gettext("standard time"))
    return text


@functools.lru_cache(maxsize=64)
def _pattern(format_name: str, language: str) -> str | None:
    """The strftime pattern of a named format in a language, worked out once (formats.get_format alone costs
    as much as strftime)."""
    with override(language):
        return _strftime_pattern(formats.get_format(format_name))


setting_changed.connect(lambda **kwargs: _pattern.cache_clear(), weak=False, dispatch_uid="show_time_patterns")
