import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hpregister.tables import BaseTable, NullsLastColumn, date_with_overdue

from .models import ArchiveSeries, Dpia, ProcessingActivity


class ProcessingActivityTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ProcessingActivity
        fields = ("name", "organisation", "role", "special_categories", "data_subjects", "retention")
        default_columns = ("name", "organisation", "role", "special_categories")

    def render_special_categories(self, value):
        return _("Yes") if value else _("No")

    def value_special_categories(self, record):
        return self.render_special_categories(record.special_categories)


class DpiaTable(BaseTable):
    title = tables.Column(linkify=True)
    review_due = NullsLastColumn()
    consultation = tables.Column(verbose_name=_("Prior consultation"), accessor="pk", orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = Dpia
        fields = ("title", "organisation", "status", "owner", "residual_risk", "review_due", "consultation")
        default_columns = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_review_due(self, value):
        return date_with_overdue(value, value < self.today)

    def value_review_due(self, record):
        return record.review_due

    def render_consultation(self, record):
        if not record.consultation_required:
            return "–"
        if record.consultation_outcome:
            return record.get_consultation_outcome_display()
        due = record.consultation_due_on
        return date_with_overdue(due, due < self.today) if due else _("Required")

    def value_consultation(self, record):
        if not record.consultation_required:
            return ""
        return record.get_consultation_outcome_display() or str(record.consultation_due_on or _("Required"))


class ArchiveSeriesTable(BaseTable):
    name = tables.Column(linkify=True)
    due_on = NullsLastColumn()

    class Meta(BaseTable.Meta):
        model = ArchiveSeries
        fields = ("name", "organisation", "service_level", "regime", "medium", "disposition", "due_on", "done_on")
        default_columns = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_due_on(self, record, value):
        return date_with_overdue(value, record.done_on is None and value < self.today)

    def value_due_on(self, record):
        return record.due_on
