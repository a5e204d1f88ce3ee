import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hpregister.tables import BaseTable, date_with_overdue

from .models import AccessLogRequest, LogControlPlan, LogReview, StaffCase


class LogControlPlanTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = LogControlPlan
        fields = ("name", "organisation", "kind", "target", "every_months", "responsible", "next_due", "is_active")
        default_columns = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_next_due(self, record, value):
        return date_with_overdue(value, record.is_active and value < self.today)


class LogReviewTable(BaseTable):
    period = tables.Column(verbose_name=_("Review"), linkify=True, accessor="pk", order_by=("period_from",))

    class Meta(BaseTable.Meta):
        model = LogReview
        fields = ("period", "organisation", "kind", "target", "reviewer", "reviewed_on", "lookups_checked", "suspected")
        default_columns = fields

    def render_period(self, record):
        return str(record)

    def value_period(self, record):
        return str(record)


class StaffCaseTable(BaseTable):
    case = tables.Column(verbose_name=_("Case"), linkify=True, accessor="pk")

    class Meta(BaseTable.Meta):
        model = StaffCase
        fields = ("case", "organisation", "confirmed_at", "breach_decision", "incident", "status")
        default_columns = fields

    def render_case(self, record):
        return str(record)

    def value_case(self, record):
        return str(record)


class AccessLogRequestTable(BaseTable):
    reference = tables.Column(linkify=True)
    on_time = tables.Column(verbose_name=_("On time"), accessor="pk", orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = AccessLogRequest
        fields = (
            "reference",
            "organisation",
            "received_on",
            "due_on",
            "extended_until",
            "answered_on",
            "on_time",
            "owner",
        )
        default_columns = fields

    def render_on_time(self, record):
        return {True: _("Yes"), False: _("No"), None: "–"}[record.on_time]

    def value_on_time(self, record):
        return self.render_on_time(record)
