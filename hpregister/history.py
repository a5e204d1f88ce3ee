"""Change history for object pages: who, when and what changed, from django-simple-history."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def _display(record, field_name: str, value):
    """A value of a historical record as a person reads it: choice labels, related objects by name, times
    in Oslo. Many-to-many values come as simple-history's rows of the through table."""
    field = record.instance_type._meta.get_field(field_name)
    if value is None or value == "":
        return None
    if field.many_to_many:
        key = get_m2m_reverse_field_name(field)
        ids = [row[key] for row in value]
        names = {obj.pk: str(obj) for obj in field.related_model._base_manager.filter(pk__in=ids)}
        return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in ids)) or None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_plain(field, item)) for item in value)
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else value
    return _plain(field, value)


def _plain(field, value):
    choices = getattr(field, "flatchoices", None) or getattr(getattr(field, "base_field", None), "flatchoices", None)
    if choices:
        return dict(choices).get(value, value)
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def history_entries(obj, limit: int = 200) -> list[dict]:
    """Newest first; each entry lists the fields that changed against the record before it."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(record, change.field, change.old),
                        "new": _display(record, change.field, change.new),
                    }
                )
        entries.append(
            {
                "when": record.history_date,
                "user": record.history_user,
                "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                "reason": record.history_change_reason,
                "changes": changes,
            }
        )
    return entries
