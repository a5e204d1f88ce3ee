"""JSON in, the pages' own forms underneath: a write through the API is validated and saved by the same form
as the page, so the rules and the messages are the same (one code path, not two)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hpregister.fields import OsloDateTimeField, OsloDateTimeWidget


def form_data(form_class, payload: dict) -> dict:
    """The POST data a browser would send the form for this JSON object.

    Times are ISO 8601. With an offset they are one instant, shown to the form as Norwegian wall-clock time
    (and which reading, on the autumn night that has the hour twice); without one they are Norwegian
    wall-clock time, which the form checks as it does on the page."""
    data = {}
    fields = form_class.base_fields
    for name, value in (payload or {}).items():
        field = fields.get(name)
        if field is None:
            continue  # not a field of the form: ignored, as a browser's extra field would be
        if isinstance(field, OsloDateTimeField):
            data.update(_oslo_time(name, value))
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def _oslo_time(name: str, value) -> dict:
    if value in (None, ""):
        return {f"{name}_0": ""}
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return {f"{name}_0": str(value)}  # the form says what it expects
    if timezone.is_naive(moment):
        return {f"{name}_0": moment.strftime("%Y-%m-%dT%H:%M")}
    naive, offset = OsloDateTimeWidget().decompress(moment)  # as the page shows a stored instant
    return {f"{name}_0": naive.strftime("%Y-%m-%dT%H:%M"), f"{name}_1": offset}


def errors_json(form) -> dict:
    """The form's errors as {field: [messages]}; errors of the whole form under ``non_field_errors``."""
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }
