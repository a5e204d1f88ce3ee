from hpregister.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import filters, forms, tables
from .models import Gap, Obligation, SubProcessor


class ObligationListView(ObjectListView):
    queryset = Obligation.objects.select_related("instrument")
    table_class = tables.ObligationTable
    filterset_class = filters.ObligationFilterSet


class ObligationView(ObjectDetailView):
    model = Obligation
    fields = [
        "code",
        "title",
        "instrument",
        "decision_point",
        "holder",
        "legal_basis",
        "summary",
        "owner",
        "review_cadence_months",
    ]


class GapListView(ObjectListView):
    queryset = Gap.objects.select_related("organisation")
    table_class = tables.GapTable
    filterset_class = filters.GapFilterSet


class GapView(ObjectDetailView):
    model = Gap
    fields = [
        "code",
        "kind",
        "title",
        "organisation",
        "source",
        "raised_by",
        "reported",
        "summary",
        "proposed_remedy",
        "status",
        "status_date",
        "status_note",
        "obligations",
    ]


class GapEditView(ObjectEditView):
    model = Gap
    form_class = forms.GapForm


class SubProcessorListView(ObjectListView):
    queryset = SubProcessor.objects.all()
    table_class = tables.SubProcessorTable
    filterset_class = filters.SubProcessorFilterSet


class SubProcessorView(ObjectDetailView):
    model = SubProcessor
    fields = [
        "name",
        "processing_activity",
        "address",
        "country",
        "transfer_basis",
        "transfer_reference",
        "data_processed",
        "agreement_reference",
        "status",
        "approved_on",
        "last_review",
        "next_review",
    ]
