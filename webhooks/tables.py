import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from hpregister.events import event_kinds
from hpregister.tables import BaseTable

from .models import WebhookEndpoint


def event_labels(names) -> str:
    labels = {kind.name: str(kind.label) for kind in event_kinds}
    return ", ".join(labels.get(name, name) for name in names)


class WebhookEndpointTable(BaseTable):
    name = tables.Column(linkify=True)
    url = tables.Column(verbose_name=_("Address"))  # text: the receiver's address is not for browsing to
    events = tables.Column(verbose_name=_("Events"), orderable=False)

    class Meta(BaseTable.Meta):
        model = WebhookEndpoint
        fields = ("name", "organisation", "url", "events", "active")
        default_columns = fields

    def render_events(self, value):
        return event_labels(value)

    def value_events(self, record):
        return event_labels(record.events)

    def render_active(self, value):
        return _("Yes") if value else _("No")

    def value_active(self, record):
        return self.render_active(record.active)
