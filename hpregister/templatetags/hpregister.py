from django import template

from hpregister.timeutils import humanize_duration, show_time

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ counts|get_item:code }}: a dict lookup with a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def oslo(value, format_name="SHORT_DATETIME_FORMAT"):
    """{{ incident.aware_at|oslo }}: Oslo time in the reader's format, and in the autumn's repeated hour
    which of the two it is ("02:30 sommertid")."""
    return show_time(value, format_name)


@register.filter
def duration_words(value):
    """{{ delay|duration_words }}: "1 d 4 t", in the reader's language."""
    return humanize_duration(value) if value is not None else ""
