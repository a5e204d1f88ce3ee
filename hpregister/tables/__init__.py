"""The lists' tables: ``BaseTable`` (rows, header and page links drawn in Python), its columns and the kernel's
tables. Paging lives in ``paging``; its names are importable from here too."""

import django_tables2 as tables
import django_tables2.utils as tables2_utils
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRow
from django_tables2.templatetags.django_tables2 import table_page_range

from ..formrender import escaped, text
from ..models import Organisation, SecurityEvent
from ..timeutils import show_time
from .paging import (  # noqa: F401 (the package's names, as before the split)
    CURSOR_SALT,
    BoundedCountPaginator,
    KeySource,
    LateRowPaginator,
    ListPage,
    column_quantile,
    cursor_token,
    cursor_values,
    estimated_count,
    is_total_order,
    loaded_fields,
    page_cursor_token,
    page_cursor_values,
    page_query,
    quantile,
    raw_values,
    seek_filter,
    seek_order,
    tie_broken,
    typed_values,
)


class BaseTable(tables.Table):
    """Shared look and export behaviour for every list."""

    # The model fields the cells read (QuerySet.only() syntax), for a list whose model has many more; a
    # field a cell reads that is not named here costs a query per row (tests count the queries).
    row_fields: tuple[str, ...] = ()

    def prefetch(self, records) -> None:
        """Read what the cells of ``records`` need from other tables, in a query or two for them all: called
        with a page's records before they are drawn and with each chunk of an export. A plain query of the
        values a cell shows costs a third of Django's prefetch_related, which builds a model per related row."""

    class Meta:
        attrs = {"class": "ds-table hp-table", "data-border": "true"}
        template_name = "generic/table.html"
        empty_text = _("Nothing here yet.")

    def tbody_html(self):
        """The rows of the page as HTML, drawn in Python.

        The same cells as django-tables2's ``table.html`` (tests compare them list by list): render methods,
        links, choice labels, defaults, localisation. But django-tables2 works out each cell from scratch
        (accessor parsing, field lookup, a fresh choices table, signature inspection) inside a template loop
        per cell, which cost most of a list page's time; here that is worked out once per column.
        """
        columns = list(self.columns)
        opening = [mark_safe(f"<td {column.attrs['td'].as_html()}>".replace("<td >", "<td>")) for column in columns]
        urls = {}  # a record's address, for every column that links to it (reverse() is slow)
        cells = [_cell_function(self, column, urls) for column in columns]
        localizers = [_localizer(column.localize) for column in columns]
        parts = []
        rows = list(self.paginated_rows)
        self.prefetch([row.record for row in rows])
        plain = not self.row_attrs  # then a row's attributes are its even/odd class alone
        for row in rows:
            if plain and type(row) is BoundRow:
                parts.append('<tr class="odd">' if row.row_counter % 2 else '<tr class="even">')
            else:
                parts.append(f"<tr {row.attrs.as_html()}>")
            for td, cell, localize in zip(opening, cells, localizers, strict=True):
                parts += (td, localize(cell(row)), "</td>")
            parts.append("</tr>")
        if not parts and self.empty_text:
            parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text))
        return mark_safe("".join(parts))

    def thead_html(self):
        """The header cells, drawn in Python: each sortable column's link sorts by it (the other way when it
        is the sort), from the first page. ``tests/templates/table_reference.html`` is the template this
        replaces; a test holds the two to the same markup for every list, sorted both ways."""
        parts = []
        for column in self.columns:
            sorted_as = ""
            if column.is_ordered:
                descending = column.order_by_alias.is_descending
                sorted_as = ' aria-sort="descending"' if descending else ' aria-sort="ascending"'
            parts.append(f'<th scope="col" {column.attrs["th"].as_html()}{sorted_as}>')
            if column.orderable:
                href = self.query_href({self.prefixed_order_by_field: column.order_by_alias.next}, ("after", "before"))
                mark = (" ▼" if descending else " ▲") if column.is_ordered else " ⇅"
                parts.append(
                    f'<a class="ds-link" href="{href}">{text(column.header)}'
                    f'<span class="hp-sort" aria-hidden="true">{mark}</span></a>'
                )
            else:
                parts.append(text(column.header))
            parts.append("</th>")
        return mark_safe("".join(parts))

    def pagination_html(self):
        """The page links, drawn in Python (see thead_html): Previous and Next by their cursors (a list paged by
        Django's own Paginator has none), and the page numbers by ``page_query``."""
        page = getattr(self, "page", None)
        if not page or self.paginator.num_pages <= 1:
            return ""
        parts = [f'<nav class="ds-pagination" aria-label="{escaped(gettext("Pages"))}"><ul>']
        if page.has_previous():
            parts.append(self.step_link(page.previous_page_number(), "before", getattr(page, "previous_cursor", "")))
        for number in table_page_range(page, self.paginator):
            if number == "...":
                parts.append("<li><span>…</span></li>")
                continue
            current = (
                ' data-variant="primary" aria-current="page"' if number == page.number else ' data-variant="tertiary"'
            )
            href = escaped(page_query(self.request, self, number))
            parts.append(f'<li><a class="ds-button"{current} href="{href}">{text(number)}</a></li>')
        if page.has_next():
            parts.append(self.step_link(page.next_page_number(), "after", getattr(page, "next_cursor", "")))
        parts.append("</ul></nav>")
        return mark_safe("".join(parts))

    def step_link(self, number: int, direction: str, cursor: str) -> str:
        """The Previous ("before") or Next ("after") link: to page ``number`` by the page's cursor where it
        has one, else by the number alone."""
        other = "after" if direction == "before" else "before"
        updates = {self.prefixed_page_field: number, **({direction: cursor} if cursor else {})}
        href = self.query_href(updates, (other,) if cursor else ("after", "before"))
        rel, label = ("prev", gettext("Previous")) if direction == "before" else ("next", gettext("Next"))
        return f'<li><a class="ds-button" data-variant="tertiary" href="{href}" rel="{rel}">{escaped(label)}</a></li>'

    def query_href(self, updates: dict, removals=()) -> str:
        """What ``{% querystring_replace %}`` gives: the request's query with ``updates`` set and ``removals``
        left out, escaped for an attribute."""
        params = dict(self.request.GET)
        params.update(updates)
        for name in removals:
            params.pop(name, None)
        return escaped("?" + urlencode(params, doseq=True))


def value_getter(model, accessor):
    """A fast ``record -> value`` for an accessor django-tables2 would resolve, or None if it is not simple.

    A field with choices gives its label (from a table made once: ``get_FOO_display`` rebuilds it on every
    call); an attribute of the record itself is read (and called if callable), as ``Accessor.resolve`` does.
    """
    field = _field_with_choices(model, accessor)
    if field is not None:
        labels = {value: force_str(label) for value, label in field.flatchoices}
        name = accessor.bits[0] if len(accessor.bits) == 1 else None

        def choice_label(record):
            if name is None or isinstance(record, dict):
                value = accessor.resolve(record, quiet=True)
            else:
                value = getattr(record, name, None)
            return labels.get(value, value) if value is not None else None

        return choice_label
    if len(accessor.bits) != 1:
        return None
    name = accessor.bits[0]

    def attribute(record):
        if isinstance(record, dict):  # rows of a values() query (the measures overview's union)
            return record.get(name)
        value = getattr(record, name, None)
        if callable(value) and not getattr(value, "do_not_call_in_templates", False):
            value = value()
        return value

    return attribute


def _field_with_choices(model, accessor):
    """The model field at the end of ``accessor`` if every step is a field and the last has choices."""
    field = None
    for bit in accessor.bits:
        if model is None:
            return None
        try:
            field = model._meta.get_field(bit)
        except (FieldDoesNotExist, AttributeError):
            return None
        model = field.related_model
    return field if field is not None and field.choices and not field.is_relation else None


CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


def _cell_function(table, bound_column, urls):
    """``row -> cell content`` for one column: django-tables2's ``BoundRow.get_cell``, prepared once."""
    column = bound_column.column
    name = bound_column.name
    getter = value_getter(table._meta.model, tables.A(bound_column.accessor))
    render = bound_column.render
    wanted, takes_any = tables2_utils.signature(render)
    if (
        getter is None
        or isinstance(column, (tables.ManyToManyColumn, tables.columns.linkcolumn.BaseLinkColumn))
        or (not takes_any and any(arg not in CELL_ARGUMENTS for arg in wanted))
    ):
        return lambda row: row.get_cell(name)  # django-tables2's own path, for what is not simple
    link = bound_column.link
    default = bound_column.default
    empty = column.empty_values
    if getattr(render, "__func__", None) is tables.Column.render and not link:

        def value_as_is(row):
            value = getter(row.record)
            return default if value in empty else value

        return value_as_is
    plain_link = _plain_link(link, bound_column, urls)
    # A column that is never empty and whose render method does not take the value (an incident's
    # organisations) is not read for it: reading a many-to-many made a related manager per row.
    needs_value = bool(empty) or takes_any or "value" in wanted or (link is not None and not plain_link)

    def rendered(row):
        record = row.record
        value = getter(record) if needs_value else None
        if needs_value and value in empty:
            return default
        arguments = {
            "value": value,
            "record": record,
            "column": column,
            "bound_column": bound_column,
            "bound_row": row,
            "table": table,
        }
        content = render(**(arguments if takes_any else {arg: arguments[arg] for arg in wanted}))
        if link is None:
            return content
        return plain_link(content, record) if plain_link else link(content, **arguments)

    return rendered


def _plain_link(link, bound_column, urls):
    """``linkify=True`` without attributes: django-tables2's LinkTransform, without its per-cell set-up.
    ``urls`` holds each linked record's address for the page's other columns that link to it."""
    if link is None or link.url is not None or link.reverse_args or link.attrs:
        return None
    target = tables.A(link.accessor if link.accessor is not None else bound_column.name)

    def plain_link(content, record):
        context = target.resolve(record)
        if not hasattr(context, "get_absolute_url"):
            context = record
        key = (type(context), context.pk) if isinstance(context, models.Model) else None
        if key in urls:
            href = urls[key]
        else:
            href = context.get_absolute_url()
            if key is not None:
                urls[key] = href
        return content if href is None else SafeString(f'<a href="{escaped(href)}">{escaped(content)}</a>')

    return plain_link


def _localizer(localize):
    """What ``{{ cell }}``, ``{{ cell|localize }}`` and ``{{ cell|unlocalize }}`` do to a value."""
    if localize is False:
        return lambda value: escaped(str(value))

    def localized(value):
        if isinstance(value, str):  # text, marked safe or not, is neither a time nor a number to localise
            return escaped(value)
        return escaped(formats.localize(timezone.template_localtime(value), use_l10n=True))

    return localized


def date_with_overdue(value, overdue: bool):
    """A due date, with an "overdue" badge when it has passed while still open."""
    text = value.strftime("%d.%m.%Y")
    return format_html('{} <span class="hp-badge-overdue">{}</span>', text, _("overdue")) if overdue else text


class NullsLastColumn(tables.Column):
    """Empty values sort last both ways, on SQLite and PostgreSQL alike."""

    def order(self, queryset, is_descending):
        keys = [
            F(key).desc(nulls_last=True) if is_descending else F(key).asc(nulls_last=True)
            for key in (self.order_by or (self.accessor.replace(".", "__"),))
        ]
        return queryset.order_by(*keys), True


class LocalDateTimeColumn(tables.Column):
    """Shown in Europe/Oslo; exported as ISO 8601 with its UTC offset.

    Rendered in Python, not through a template per cell (django-tables2's DateTimeColumn), which made
    long pages slow.
    """

    def render(self, value):
        return show_time(value)

    def value(self, value):
        return self.iso(value, timezone.get_current_timezone())

    @staticmethod
    def iso(value, zone) -> str:
        """ISO 8601 in ``zone`` with its UTC offset; empty for no time (the export's fast path calls it too)."""
        return value.astimezone(zone).isoformat() if value else ""


class SecurityEventTable(BaseTable):
    at = LocalDateTimeColumn()
    kind = tables.Column()
    username = tables.Column()
    actor = tables.Column()
    ip_address = tables.Column()
    detail = tables.Column(orderable=False)
    user_agent = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = SecurityEvent
        fields = ("at", "kind", "username", "actor", "ip_address", "detail", "user_agent")
        default_columns = ("at", "kind", "username", "actor", "ip_address", "detail")
        order_by = ("-at",)


class OrganisationTable(BaseTable):
    name = tables.Column(linkify=True)
    kind = tables.Column()
    shares = NullsLastColumn()
    ownership_percent = NullsLastColumn()

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("name", "kind", "shares", "ownership_percent")
        default_columns = fields
