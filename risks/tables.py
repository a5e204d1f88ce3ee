import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hpregister.tables import BaseTable, NullsLastColumn

from .models import AcceptableLevel, ReportingPeriod, Risk, RiskScale


def level_chip(band):
    if band is None:
        return "–"
    return format_html('<span class="hp-level" style="--level: {}">{}</span>', band.colour, band.label)


class RiskTable(BaseTable):
    title = tables.Column(linkify=True)
    level = tables.Column(verbose_name=_("Level"), accessor="pk", orderable=False)  # not record.level(): a query
    next_review = NullsLastColumn()
    open_measures = tables.Column(verbose_name=_("Open measures"))
    overdue_measures = tables.Column(verbose_name=_("Overdue measures"))

    # What the cells read: the title, the organisation's name, the residual assessment's labels and keys (the
    # level comes from the matrix by its keys), treatment, status and the review date; not a risk's texts.
    row_fields = (
        "title",
        "organisation",
        "organisation__name",
        "residual_probability",
        "residual_probability__label",
        "residual_consequence",
        "residual_consequence__label",
        "treatment",
        "status",
        "next_review",
    )

    class Meta(BaseTable.Meta):
        model = Risk
        fields = (
            "title",
            "organisation",
            "residual_probability",
            "residual_consequence",
            "level",
            "treatment",
            "status",
            "next_review",
            "open_measures",
            "overdue_measures",
        )
        default_columns = fields

    def __init__(self, *args, matrix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = RiskScale.active_matrix() if matrix is None else matrix
        self.today = timezone.localdate()  # every row's review date is compared with one date

    def render_level(self, record):
        return level_chip(record.level(self.matrix))

    def value_level(self, record):
        band = record.level(self.matrix)
        return band.label if band else ""

    def render_next_review(self, record, value):
        if record.review_overdue_on(self.today):
            return format_html('{} <span class="hp-badge-overdue">{}</span>', value.strftime("%d.%m.%Y"), _("overdue"))
        return value.strftime("%d.%m.%Y")


class ReportingPeriodTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ReportingPeriod
        fields = ("name", "organisation", "starts_on", "ends_on", "approved_at", "approved_by")
        default_columns = fields


class AcceptableLevelTable(BaseTable):
    organisation = tables.Column(linkify=False)
    level = tables.Column(verbose_name=_("Highest acceptable residual level"))
    in_force = tables.BooleanColumn(verbose_name=_("In force"), accessor="in_force", orderable=False)

    class Meta(BaseTable.Meta):
        model = AcceptableLevel
        fields = ("organisation", "area", "level", "in_force", "approved_by", "approved_at", "justification")
        default_columns = fields

    def render_level(self, record):
        return level_chip(record.level)

    def value_level(self, record):
        return record.level.label
