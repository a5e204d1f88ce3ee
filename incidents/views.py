from hpregister.views import ObjectDetailView, ObjectListView

from . import filters, tables
from .models import BreachCount


class BreachCountListView(ObjectListView):
    queryset = BreachCount.objects.all()
    table_class = tables.BreachCountTable
    filterset_class = filters.BreachCountFilterSet


class BreachCountView(ObjectDetailView):
    model = BreachCount
    fields = ["year", "category", "count", "period_note", "source"]
