"""Change history for object pages: who, when and what changed, from django-simple-history."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def _display(record, field_name: str, value):
    field = record.instance_type._meta.get_field(field_name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and value is not None:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else value
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
