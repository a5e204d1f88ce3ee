"""Change history for object pages: who, when and what changed, from django-simple-history."""

from __future__ import annotations

import datetime as dt
import difflib

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

from .timeutils import show_time

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}

# The reasons the code records with a change (``obj._change_reason``), stored in English and shown in the
# reader's language. A reason typed by a person is shown as it was typed.
CHANGE_REASONS = {
    "Closed": _("Closed"),
    "Withdrawn": _("Withdrawn"),
    "Reopened": _("Reopened"),
    "Approved": _("Approved"),
    "Submitted for approval": _("Submitted for approval"),
    "Sent back": _("Sent back"),
    "Moved": _("Moved"),
    "Accepted": _("Accepted"),
    "Imported": _("Imported"),
    "Not in the imported list": _("Not in the imported list"),
    "Loaded from reference data": _("Loaded from reference data"),
    "Approved as published in the source": _("Approved as published in the source"),
}
SHORT_TEXT = 120
CONTEXT_WORDS = 8


def text_change(old: str, new: str):
    """A change of a long text as what was removed and added, with a few words of context either side;
    the rest is shortened to "…". Cutting both texts at 120 characters hid an addition at the end."""
    before, after = (old or "").split(), (new or "").split()
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            words = before[i1:i2]
            if len(words) > 2 * CONTEXT_WORDS:
                head = words[:CONTEXT_WORDS] if parts else []
                tail = words[-CONTEXT_WORDS:] if i2 < len(before) or j2 < len(after) else []
                words = [*head, "…", *tail]
            parts.append(("", " ".join(words)))
            continue
        if i2 > i1:
            parts.append(("del", " ".join(before[i1:i2])))
        if j2 > j1:
            parts.append(("ins", " ".join(after[j1:j2])))
    return format_html_join(
        " ",
        "{}",
        (
            (format_html('<{} class="hp-{}">{}</{}>', tag, tag, text, tag) if tag else text,)
            for tag, text in parts
            if text
        ),
    )


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
        return ", ".join(str(display_value(field, item)) for item in value)
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else value
    return display_value(field, value)


def display_value(field, value):
    """A stored value as a person reads it: choice labels, Oslo times, yes/no."""
    choices = getattr(field, "flatchoices", None) or getattr(getattr(field, "base_field", None), "flatchoices", None)
    if choices:
        return dict(choices).get(value, value)
    if isinstance(value, dt.datetime):
        return show_time(value)
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
                old = _display(record, change.field, change.old)
                new = _display(record, change.field, change.new)
                long_text = any(isinstance(v, str) and len(v) > SHORT_TEXT for v in (old, new))
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": old,
                        "new": new,
                        "diff": text_change(old or "", new or "") if long_text else None,
                    }
                )
        entries.append(
            {
                "when": record.history_date,
                "user": record.history_user,
                "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                "reason": CHANGE_REASONS.get(record.history_change_reason, record.history_change_reason),
                "changes": changes,
            }
        )
    return entries
