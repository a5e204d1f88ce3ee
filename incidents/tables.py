import django_tables2 as tables

from hpregister.tables import BaseTable

from .models import BreachCount


class BreachCountTable(BaseTable):
    year = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = BreachCount
        fields = ("year", "category", "count", "period_note")
        default_columns = fields
