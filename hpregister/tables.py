import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class BaseTable(tables.Table):
    """Shared look and export behaviour for every list."""

    class Meta:
        attrs = {"class": "ds-table hp-table", "data-border": "true"}
        template_name = "generic/table.html"
        empty_text = _("Nothing here yet.")


class LocalDateTimeColumn(tables.DateTimeColumn):
    """Shown in Europe/Oslo; exported as ISO 8601 with its UTC offset."""

    def value(self, value):
        return timezone.localtime(value).isoformat() if value else ""


class OrganisationTable(BaseTable):
    name = tables.Column(linkify=True)
    kind = tables.Column()
    shares = tables.Column()
    ownership_percent = tables.Column()

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("name", "kind", "shares", "ownership_percent")
        default_columns = fields
