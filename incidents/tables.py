import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hpregister.tables import BaseTable, LocalDateTimeColumn
from hpregister.timeutils import humanize_duration

from .models import BreachCount, Incident, RootCause

CLOCK_LABELS = {
    "notified": _("Notified"),
    "not_required": _("Not required"),
    "stopped": _("Stopped"),
}


class IncidentTable(BaseTable):
    reference = tables.Column(
        verbose_name=_("Reference"), linkify=True, order_by=("year", "number"), accessor="reference"
    )
    title = tables.Column(linkify=True)
    organisations = tables.Column(verbose_name=_("Organisations"), orderable=False, empty_values=())
    # Ties within a category newest-first order, as the list's default: one index serves both (#18).
    category = tables.Column(order_by=("category", "aware_at"))
    status = tables.Column(order_by=("status", "aware_at"))
    # Filtered, not sorted: a sort by a related table's order cannot be served by an index of this one.
    root_cause = tables.Column(orderable=False)
    aware_at = LocalDateTimeColumn(verbose_name=_("Became aware"))
    deadline = LocalDateTimeColumn(verbose_name=_("Deadline"), order_by=("aware_at",), accessor="deadline")
    time_left = tables.Column(verbose_name=_("Time left"), order_by=("aware_at",), empty_values=())
    first_notified_at = LocalDateTimeColumn(verbose_name=_("Notified"))

    class Meta(BaseTable.Meta):
        model = Incident
        fields = (
            "reference",
            "title",
            "organisations",
            "category",
            "root_cause",
            "aware_at",
            "deadline",
            "time_left",
            "first_notified_at",
            "status",
        )
        default_columns = fields

    def render_organisations(self, record):
        organisations = getattr(record, "organisation_list", None)  # IncidentListView's Prefetch(to_attr)
        if organisations is None:
            organisations = record.organisations.all()
        return ", ".join(o.name for o in organisations)

    def value_organisations(self, record):
        return self.render_organisations(record)

    def render_time_left(self, record):
        clock = record.clock()
        state = clock["state"]
        if state in CLOCK_LABELS:
            return CLOCK_LABELS[state]
        text = humanize_duration(clock["delta"])
        if state == "overdue":
            return format_html('<span class="hp-badge-overdue">{} {}</span>', _("Overdue by"), text)
        return text

    def value_time_left(self, record):
        """As on the page, in words: never an empty cell ("Meldt", "Over fristen med 3 t", "1 d 2 t")."""
        clock = record.clock()
        state = clock["state"]
        if state in CLOCK_LABELS:
            return str(CLOCK_LABELS[state])
        text = humanize_duration(clock["delta"])
        return f"{_('Overdue by')} {text}" if state == "overdue" else text


class BreachCountTable(BaseTable):
    year = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = BreachCount
        fields = ("year", "category", "root_cause", "count", "period_note")
        default_columns = fields


class RootCauseTable(BaseTable):
    name = tables.Column(linkify=True)
    incidents = tables.Column(verbose_name=_("Incidents"), accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = RootCause
        fields = ("name", "description", "risk", "incidents", "is_active", "order")
        default_columns = fields

    def render_incidents(self, value):
        url = reverse("incidents:incident_list") + f"?root_cause={value}"
        return format_html('<a class="ds-link" href="{}">{}</a>', url, _("Show the incidents"))
