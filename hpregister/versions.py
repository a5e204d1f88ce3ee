"""Lost updates refused: what an edit form was opened on, and what has changed since.

Two officers open the same incident. The first saves a new title; the second, whose page still shows the
old one, saves a new risk level. Without this the second save writes the old title back and nobody is told.

The edit page carries a *version token*: when it was opened and a short hash of each field's value then.
On save the form is compared field by field with the record as it is now (under a row lock):

- a field someone else changed, which this editor left as it was, keeps the other change (merged);
- a field both changed to the same value is no conflict;
- a field both changed differently is a conflict: the form comes back with the editor's values, a message
  next to the field saying who changed it to what, and a new token, so saving again is a decision.

The API uses the whole record's version as its ETag (``etag``): a write with a stale ``If-Match`` gets 412.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.query import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .history import display_value

VERSION_FIELD = "_version"


def _canonical(value):
    """One spelling per value, whichever side of a form it comes from (the stored initial or cleaned data)."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset, QuerySet)):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()  # as a browser sends a textarea back, and as fields clean
    return str(value)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]


def visible_choices(form_field, value):
    """A many-to-many value as this editor's form offers it: links outside its choices are kept on save
    (ScopedModelForm) and are not this editor's to conflict over."""
    if isinstance(form_field, forms.ModelMultipleChoiceField) and value:
        pks = [v.pk if isinstance(v, models.Model) else v for v in value]
        return list(form_field.queryset.filter(pk__in=pks).values_list("pk", flat=True))
    return value


def stored_values(form) -> dict[str, str]:
    """Each field's hash as the record stands (the form's initial values)."""
    return {
        name: _digest(_canonical(visible_choices(f, form.get_initial_for_field(f, name))))
        for name, f in form.fields.items()
    }


def submitted_values(form) -> dict[str, str]:
    """Each field's hash as the editor submitted it (a valid form's cleaned data)."""
    return {
        name: _digest(_canonical(visible_choices(f, form.cleaned_data.get(name))))
        for name, f in form.fields.items()
        if name in form.cleaned_data
    }


def token_for(form) -> str:
    """The version token the edit page carries: when it was opened and each field's hash then."""
    payload = {"t": timezone.now().isoformat(), "f": stored_values(form)}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def read_token(token: str) -> tuple[dt.datetime, dict[str, str]] | None:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
        return dt.datetime.fromisoformat(payload["t"]), dict(payload["f"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


@dataclass
class Merge:
    taken: list[str] = field(default_factory=list)  # changed by someone else only: their value is kept
    conflicts: list[str] = field(default_factory=list)  # changed by both, differently


def merge(form, current_form, opened: dict[str, str]) -> Merge:
    """Compare the submitted ``form`` with ``current_form`` (the same form class on the record as it is now)
    against the hashes the page was ``opened`` with."""
    now = stored_values(current_form)
    mine = submitted_values(form)
    result = Merge()
    for name, base in opened.items():
        if name not in now or now[name] == base:
            continue  # nobody else changed it
        if mine.get(name, base) == base:
            result.taken.append(name)
        elif mine.get(name) != now[name]:
            result.conflicts.append(name)
    return result


def _model_field(instance, name):
    """The model field behind form field ``name``, or None for a form-only field."""
    try:
        return instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def take_current(form, current_form, names) -> None:
    """Keep the stored value of ``names`` in the submitted form (they were changed by someone else only)."""
    for name in names:
        model_field = _model_field(form.instance, name)
        if model_field is not None and not model_field.many_to_many:
            setattr(form.instance, model_field.attname, getattr(current_form.instance, model_field.attname))
            form.cleaned_data[name] = getattr(current_form.instance, name)
        else:  # a many-to-many field (saved from cleaned_data) or a form-only one
            form.cleaned_data[name] = current_form.get_initial_for_field(current_form.fields[name], name)


def stored_display(form, name) -> str:
    """A field's stored value as a person reads it, for the message at a conflicting field."""
    model_field = _model_field(form.instance, name)
    if model_field is not None and model_field.many_to_many:
        value = ", ".join(str(v) for v in form.get_initial_for_field(form.fields[name], name))
    elif model_field is not None:
        value = display_value(model_field, getattr(form.instance, name))
    else:
        value = form.get_initial_for_field(form.fields[name], name)
    text = str(value) if value not in (None, "") else _("(empty)")
    return text if len(text) <= 200 else text[:199] + "…"


def names_of(people) -> str:
    """ "alice, Bob Olsen" (each by their name, as everywhere), or "someone else" when the history says nobody."""
    return ", ".join(str(person) for person in people) or _("someone else")


def changed_by(instance, since: dt.datetime) -> list:
    """Who saved ``instance`` after ``since`` (from its history), each once, earliest first."""
    history = getattr(instance, "history", None)
    if history is None:
        return []
    people = []
    for record in history.filter(history_date__gt=since).select_related("history_user").order_by("history_date"):
        if record.history_user is not None and record.history_user not in people:
            people.append(record.history_user)
    return people


def etag(instance) -> str:
    """The whole record's version: every stored field and many-to-many link (a strong ETag)."""
    values = {}
    for f in instance._meta.concrete_fields:
        values[f.name] = _canonical(f.value_from_object(instance))
    for f in instance._meta.many_to_many:
        values[f.name] = _canonical(f.value_from_object(instance))
    return f'"{_digest(values)}"'
