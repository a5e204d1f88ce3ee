import django_tables2 as tables
from django.db.models import F
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class BaseTable(tables.Table):
    """Shared look and export behaviour for every list."""

    class Meta:
        attrs = {"class": "ds-table hp-table", "data-border": "true"}
        template_name = "generic/table.html"
        empty_text = _("Nothing here yet.")

    def tbody_html(self):
        """The rows of the page as HTML, drawn in Python.

        The same cells as django-tables2's ``table.html`` (its ``BoundRow.get_cell``: render methods,
        links, choice labels, localisation), but without a template loop per cell, which cost more than the
        cells themselves on a page of 50 rows (see the benchmark in README.md). Column ``td`` attributes
        are computed once per column, not per cell.
        """
        columns = list(self.columns)
        opening = [mark_safe(f"<td {column.attrs['td'].as_html()}>".replace("<td >", "<td>")) for column in columns]
        localizers = [_localizer(column.localize) for column in columns]
        parts = []
        for row in self.paginated_rows:
            parts.append(f"<tr {row.attrs.as_html()}>")
            for column, td, localize in zip(columns, opening, localizers, strict=True):
                parts += (td, localize(row.get_cell(column.name)), "</td>")
            parts.append("</tr>")
        if not parts and self.empty_text:
            parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text))
        return mark_safe("".join(parts))


def _localizer(localize):
    """What ``{{ cell }}``, ``{{ cell|localize }}`` and ``{{ cell|unlocalize }}`` do to a value."""
    if localize is False:
        return lambda value: conditional_escape(str(value))
    return lambda value: conditional_escape(formats.localize(timezone.template_localtime(value), use_l10n=True))


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
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")

    def value(self, value):
        return timezone.localtime(value).isoformat() if value else ""


class OrganisationTable(BaseTable):
    name = tables.Column(linkify=True)
    kind = tables.Column()
    shares = NullsLastColumn()
    ownership_percent = NullsLastColumn()

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("name", "kind", "shares", "ownership_percent")
        default_columns = fields
