from django import template

from hpregister.tables import page_query
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


@register.simple_tag(takes_context=True)
def page_href(context, table, number):
    """{% page_href table p %}: the query string of the link to page ``p`` of the table (see page_query)."""
    return page_query(context["request"], table, number)
