"""JSON in, the pages' own forms underneath: a write through the API is validated and saved by the same form
as the page, so the rules and the messages are the same (one code path, not two)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from hpregister.fields import OsloDateTimeField, OsloDateTimeWidget
from hpregister.versions import visible_choices

SCALAR = (str, int, float, bool)


def form_data(form_class, payload) -> dict:
    """The POST data a browser would send the form for this JSON object.

    Times are ISO 8601. With an offset they are one instant, shown to the form as Norwegian wall-clock time
    (and which reading, on the autumn night that has the hour twice); without one they are Norwegian
    wall-clock time, which the form checks as it does on the page.

    A value of the wrong shape (a list where the form takes one value, an object, a body that is not an
    object) is a 400 naming the field, before the form sees it."""
    if payload is None:
        payload = {}
    if not hasattr(payload, "items"):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object of fields and values.")]})
    data, wrong = {}, {}
    fields = form_class.base_fields
    for name, value in payload.items():
        field = fields.get(name)
        if field is None:
            continue  # not a field of the form: ignored, as a browser's extra field would be
        if isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
            if not isinstance(value, list) or not all(isinstance(v, SCALAR) for v in value):
                wrong[name] = [_("Give a list of values (ids).")]
                continue
        elif value is not None and not isinstance(value, SCALAR):
            wrong[name] = [_("Give one value, not a list or an object.")]
            continue
        if isinstance(field, OsloDateTimeField):
            data.update(_oslo_time(name, value))
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    if wrong:
        raise exceptions.ValidationError(wrong)
    return data


def unchanged_data(form) -> dict:
    """The POST data a browser sends for an unbound edit form left as it is (the record's values)."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.ModelMultipleChoiceField):
            value = visible_choices(field, value)  # a browser is offered only these (the rest are kept on save)
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
            for index, part in enumerate(parts):
                if isinstance(part, dt.datetime):
                    part = part.strftime("%Y-%m-%dT%H:%M")
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def patched_data(form, payload: dict) -> dict:
    """A PATCH as a browser would send it: the unchanged form, with the JSON object's fields typed over it."""
    given = form_data(type(form), payload)
    data = unchanged_data(form)
    for name in payload or {}:
        if isinstance(form.fields.get(name), OsloDateTimeField):
            data.pop(f"{name}_0", None)
            data.pop(f"{name}_1", None)
        elif name in form.fields:
            data.pop(name, None)  # a tick box or list now empty sends nothing
    data.update(given)
    return data


def validation_json(exc: ValidationError) -> dict:
    """A domain rule's refusal (close, withdraw …) as {field: [messages]}, like a form's errors."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): list(messages)
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": list(exc.messages)}


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


def request_serializer(form_class, *, name: str, exclude=()):
    """A DRF serializer describing what the page's form takes, for the OpenAPI schema only: the form still
    validates every write. Relations are ids, times ISO 8601, dates YYYY-MM-DD."""
    from rest_framework import serializers

    def describe(field):
        # The help text stays lazy: the schema is written in the language of the request (or of --lang).
        common = {"required": field.required, "help_text": field.help_text or None}
        if isinstance(field, forms.ModelMultipleChoiceField):
            return serializers.ListField(child=serializers.IntegerField(), **common)
        if isinstance(field, forms.ModelChoiceField):
            return serializers.IntegerField(allow_null=not field.required, **common)
        if isinstance(field, OsloDateTimeField):
            return serializers.DateTimeField(allow_null=not field.required, **common)
        if isinstance(field, forms.DateField):
            return serializers.DateField(allow_null=not field.required, **common)
        if isinstance(field, forms.BooleanField):
            return serializers.BooleanField(**{**common, "required": False})
        if isinstance(field, forms.IntegerField):
            bounds = {"min_value": field.min_value, "max_value": field.max_value}
            return serializers.IntegerField(allow_null=not field.required, **common, **bounds)
        if type(field).__module__.startswith("django_countries"):
            help_text = "A country as its ISO 3166 code (NO, US …)."
            return serializers.CharField(**{**common, "help_text": help_text}, min_length=2, max_length=2)
        if isinstance(field, forms.ChoiceField):
            choices = [
                (value, text)
                for option, label in field.choices
                for value, text in (label if isinstance(label, (list, tuple)) else [(option, label)])
                if value != ""
            ]
            return serializers.ChoiceField(choices=choices, allow_blank=not field.required, **common)
        # A required text is at least one character (the form strips spaces first), and at most the form's.
        lengths = {"min_length": 1 if field.required else None, "max_length": getattr(field, "max_length", None)}
        return serializers.CharField(allow_blank=not field.required, **common, **lengths)

    attrs = {
        field_name: describe(field)
        for field_name, field in form_class.base_fields.items()
        if field_name not in exclude and not isinstance(field, forms.FileField)
    }
    attrs["__doc__"] = f"What the page's {form_class.__name__} takes (it validates every write)."
    return type(name, (serializers.Serializer,), attrs)
