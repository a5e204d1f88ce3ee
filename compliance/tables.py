import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from hpregister.tables import BaseTable

from .models import Gap, Obligation, SubProcessor


class ObligationTable(BaseTable):
    code = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    instrument = tables.Column(accessor="instrument__reference", verbose_name=_("instrument"))

    class Meta(BaseTable.Meta):
        model = Obligation
        fields = ("code", "title", "holder", "decision_point", "legal_basis", "instrument")
        default_columns = fields


class GapTable(BaseTable):
    code = tables.Column(linkify=True)
    title = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Gap
        fields = ("code", "title", "kind", "status", "raised_by", "reported", "organisation")
        default_columns = fields


class SubProcessorTable(BaseTable):
    name = tables.Column(linkify=True)
    country = tables.Column(accessor="country__name", order_by=("country",))

    class Meta(BaseTable.Meta):
        model = SubProcessor
        fields = ("name", "processing_activity", "country", "transfer_basis", "status", "next_review")
        default_columns = fields
