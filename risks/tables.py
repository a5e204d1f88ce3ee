import django_tables2 as tables

from hpregister.tables import BaseTable

from .models import Risk


class RiskTable(BaseTable):
    title = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Risk
        fields = (
            "title",
            "organisation",
            "residual_probability",
            "residual_consequence",
            "treatment",
            "status",
            "next_review",
        )
        default_columns = fields
