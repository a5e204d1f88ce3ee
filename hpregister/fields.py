"""Form fields for times entered in Norwegian local time."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .timeutils import OSLO, UTC, local_time_problem, oslo_to_utc

# Dates a register entry can sensibly hold. Outside them date arithmetic overflows (a deadline 30 days
# after 31.12.9999, 01.01.0001 00:00 in Oslo converted to UTC) and nothing real is recorded; every form's
# date fields refuse them next to the field (hpregister.forms.harden_fields).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


def within_calendar(value) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise forms.ValidationError(
            _("Give a date between %(first)s and %(last)s."),
            code="date_range",
            params={"first": EARLIEST_DATE.strftime("%d.%m.%Y"), "last": LATEST_DATE.strftime("%d.%m.%Y")},
        )


SUMMER = "+02:00"
WINTER = "+01:00"
OFFSET_CHOICES = [
    ("", _("(only needed when the clocks go back)")),
    (SUMMER, _("Summer time (CEST, UTC+02:00) – the first time")),
    (WINTER, _("Winter time (CET, UTC+01:00) – the second time")),
]
INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class NaiveDateTimeField(forms.DateTimeField):
    """Parses the wall-clock time only; OsloDateTimeField decides how to read it in Oslo."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value
        return forms.fields.BaseTemporalField.to_python(self, str(value).strip())


class OsloDateTimeWidget(forms.MultiWidget):
    template_name = "forms/oslo_datetime_widget.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            forms.Select(choices=OFFSET_CHOICES),
        ]
        super().__init__(widgets, attrs)

    def id_for_label(self, id_):
        # The field's label names the date-and-time input; the summer/winter select has its own label.
        return f"{id_}_0" if id_ else id_

    def get_context(self, name, value, attrs):
        """The summer/winter choice is shown only for a time that happens twice (the autumn night): on all
        the other days of the year it would be a question with no meaning."""
        context = super().get_context(name, value, attrs)
        if not isinstance(value, (list, tuple)):
            value = self.decompress(value)  # a stored instant: is it in the repeated hour?
        typed = value[0] if value else None
        context["widget"]["ambiguous"] = _is_ambiguous(typed)
        return context

    def decompress(self, value):
        if not value:
            return [None, ""]
        local = timezone.localtime(value, OSLO)
        naive = local.replace(tzinfo=None)
        offset = ""
        if local_time_problem(naive) == "ambiguous":
            offset = SUMMER if local.utcoffset() == dt.timedelta(hours=2) else WINTER
        return [naive, offset]


def _is_ambiguous(typed) -> bool:
    if isinstance(typed, str):
        for fmt in INPUT_FORMATS:
            try:
                typed = dt.datetime.strptime(typed.strip(), fmt)
                break
            except ValueError:
                continue
        else:
            return False
    if isinstance(typed, dt.datetime):
        naive = timezone.make_naive(typed, OSLO) if timezone.is_aware(typed) else typed
        return local_time_problem(naive) == "ambiguous"
    return False


class OsloDateTimeField(forms.MultiValueField):
    """A time typed in Europe/Oslo, returned as an aware UTC datetime.

    Refuses a time in the spring gap, asks which reading is meant in the autumn overlap (never guesses),
    and with ``past_only`` refuses a time in the future.
    """

    widget = OsloDateTimeWidget
    default_error_messages = {
        "invalid": _("Enter a date and time, e.g. 2026-03-29 14:30."),
        "nonexistent": _(
            "%(value)s does not exist in Norway: the clocks go forward from 02:00 to 03:00 that night. Check the time."
        ),
        "ambiguous": _(
            "%(value)s happens twice in Norway: the clocks go back from 03:00 to 02:00 that night. "
            "Choose summer time (the first) or winter time (the second)."
        ),
        "future": _("This time is in the future; it must already have happened."),
    }

    def __init__(self, *, past_only: bool = True, **kwargs):
        self.past_only = past_only
        fields = (NaiveDateTimeField(input_formats=INPUT_FORMATS), forms.ChoiceField(choices=OFFSET_CHOICES))
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, **kwargs)
        self.fields[1].required = False

    def compress(self, data_list):
        if not data_list or data_list[0] in (None, ""):
            return None
        value, offset = data_list[0], data_list[1] if len(data_list) > 1 else ""
        naive = timezone.make_naive(value, OSLO) if timezone.is_aware(value) else value
        within_calendar(naive)  # before any conversion: 01.01.0001 00:00 in Oslo is before year 1 in UTC
        shown = naive.strftime("%d.%m.%Y %H:%M")
        problem = local_time_problem(naive)
        if problem == "nonexistent":
            raise forms.ValidationError(self.error_messages["nonexistent"], code="nonexistent", params={"value": shown})
        if problem == "ambiguous" and not offset:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": shown})
        hours = 2 if offset == SUMMER else 1
        result = oslo_to_utc(naive, offset=dt.timedelta(hours=hours) if problem == "ambiguous" else None)
        if self.past_only and result > timezone.now().astimezone(UTC) + dt.timedelta(minutes=1):
            raise forms.ValidationError(self.error_messages["future"], code="future")
        return result


DIGITS = re.compile(r"\d+")


def natural_key(text: str) -> str:
    """A text that sorts as people read codes: HOD-2 before HOD-10 (every number padded to ten digits)."""
    return DIGITS.sub(lambda match: match.group().zfill(10), text or "").casefold()


class NaturalSortKeyField(models.CharField):
    """A stored sort key for another text field (``source``), kept on every save and bulk insert, so a list
    sorts codes naturally in the database, with an index where wanted, on SQLite and PostgreSQL alike."""

    def __init__(self, *args, source: str = "code", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("max_length", 200), ("editable", False), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = natural_key(getattr(model_instance, self.source))[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value
