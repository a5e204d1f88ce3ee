from collections import defaultdict

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hpregister.tables import BaseTable, LocalDateTimeColumn
from hpregister.timeutils import humanize_duration

from .models import BreachCount, Incident, IncidentOrganisation, RootCause

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

    # What the cells read: the reference, the clock (aware, notified, risk level, status) and the labels.
    row_fields = (
        "year",
        "number",
        "title",
        "category",
        "status",
        "root_cause",
        "root_cause__name",
        "aware_at",
        "first_notified_at",
        "risk_level",
    )

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

    def prefetch(self, records):
        """Each incident's affected organisations by name, in one query for the page or the export's chunk."""
        names = defaultdict(list)
        rows = IncidentOrganisation.objects.filter(incident__in_array=[record.pk for record in records])
        for incident, name in rows.order_by("organisation__name").values_list("incident_id", "organisation__name"):
            names[incident].append(name)
        for record in records:
            record.organisation_names = names[record.pk]

    def render_organisations(self, record):
        names = getattr(record, "organisation_names", None)
        if names is None:  # drawn without prefetch(): one query
            names = [organisation.name for organisation in record.organisations.all()]
        return ", ".join(names)

    def value_organisations(self, record):
        return self.render_organisations(record)

    @cached_property
    def now(self):
        """One instant for every row's clock: a page or an export is as of when it was drawn."""
        return timezone.now()

    @cached_property
    def clock_words(self) -> dict:
        """The clock states shown as a word, translated once (not once per row of an export)."""
        return {state: str(label) for state, label in CLOCK_LABELS.items()}

    def clock_text(self, record) -> tuple[str, str]:
        """The clock's state and its words: "Meldt", or the time left or overdue ("1 d 2 t")."""
        clock = record.clock(self.now)
        state = clock["state"]
        return state, self.clock_words.get(state) or humanize_duration(clock["delta"])

    def render_time_left(self, record):
        state, text = self.clock_text(record)
        if state == "overdue":
            return format_html('<span class="hp-badge-overdue">{} {}</span>', _("Overdue by"), text)
        return text

    def value_time_left(self, record):
        """As on the page, in words: never an empty cell ("Meldt", "Over fristen med 3 t", "1 d 2 t")."""
        state, text = self.clock_text(record)
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
