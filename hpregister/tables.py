import django_tables2 as tables
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class BaseTable(tables.Table):
    """Shared look and export behaviour for every list."""

    class Meta:
        attrs = {"class": "ds-table hp-table", "data-border": "true"}
        template_name = "generic/table.html"
        empty_text = _("Nothing here yet.")


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
