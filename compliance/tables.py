import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from hpregister.tables import BaseTable, NullsLastColumn

from .choices import AssessmentStatus
from .models import (
    AdequacyDecision,
    Assessment,
    Gap,
    Obligation,
    ProcessorAgreement,
    SubProcessor,
    SubProcessorNotice,
)


class ObligationTable(BaseTable):
    code = tables.Column(linkify=True, order_by=("code_sort",))
    title = tables.Column(linkify=True)
    instrument = tables.Column(accessor="instrument__reference", verbose_name=_("instrument"))
    compliant = tables.Column(verbose_name=AssessmentStatus.COMPLIANT.label)
    partly = tables.Column(verbose_name=AssessmentStatus.PARTLY.label)
    not_compliant = tables.Column(verbose_name=AssessmentStatus.NOT_COMPLIANT.label)
    not_assessed = tables.Column(verbose_name=AssessmentStatus.NOT_ASSESSED.label)
    overdue = tables.Column(verbose_name=_("Review overdue"))

    class Meta(BaseTable.Meta):
        model = Obligation
        fields = (
            "code",
            "title",
            "holder",
            "legal_basis",
            "instrument",
            "compliant",
            "partly",
            "not_compliant",
            "not_assessed",
            "overdue",
        )
        default_columns = fields


class AssessmentTable(BaseTable):
    obligation = tables.Column(
        accessor="obligation__code",
        verbose_name=_("duty"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("obligation__code_sort",),
    )
    organisation = tables.Column(linkify=lambda record: record.get_absolute_url())
    next_review = NullsLastColumn()

    class Meta(BaseTable.Meta):
        model = Assessment
        fields = ("obligation", "organisation", "status", "assessed_on", "assessed_by", "next_review")
        default_columns = fields


class GapTable(BaseTable):
    code = tables.Column(linkify=True, order_by=("code_sort",))
    title = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Gap
        fields = ("code", "title", "kind", "status", "raised_by", "reported", "organisation")
        default_columns = fields


class SubProcessorTable(BaseTable):
    name = tables.Column(linkify=True)
    country = tables.Column(accessor="country__name", order_by=("country",), verbose_name=_("country"))
    next_review = NullsLastColumn()
    validation = tables.Column(verbose_name=_("Transfer basis check"), empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = SubProcessor
        fields = ("name", "processing_activity", "country", "transfer_basis", "status", "next_review", "validation")
        default_columns = fields

    def _problems(self, record):
        """The chapter V problems, with the adequacy decisions read once per table rather than once a row."""
        if not hasattr(self, "_decisions"):
            self._decisions = {str(d.country): d for d in AdequacyDecision.objects.all()}
        record.__dict__.setdefault("adequacy", self._decisions.get(str(record.country)))
        return record.validation_problems()

    def render_validation(self, record):
        problems = self._problems(record)
        if not problems:
            return _("OK")
        return format_html(
            '<ul class="hp-problems">{}</ul>', format_html_join("", "<li>{}</li>", ((p,) for p in problems.values()))
        )

    def value_validation(self, record):
        return "; ".join(str(p) for p in self._problems(record).values()) or "OK"


class SubProcessorNoticeTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = SubProcessorNotice
        fields = ("name", "change", "received_on", "objection_deadline", "decision", "decided_by")
        default_columns = fields


class AdequacyDecisionTable(BaseTable):
    title = tables.Column(linkify=True)
    country = tables.Column(accessor="country__name", order_by=("country",), verbose_name=_("country"))
    expires_on = NullsLastColumn()

    class Meta(BaseTable.Meta):
        model = AdequacyDecision
        fields = ("title", "country", "adopted_on", "expires_on")
        default_columns = fields


class ProcessorAgreementTable(BaseTable):
    processor = tables.Column(linkify=True)
    breach_notice_hours = NullsLastColumn()

    class Meta(BaseTable.Meta):
        model = ProcessorAgreement
        fields = ("processor", "kind", "organisation", "reference", "signed_on", "ends_on", "breach_notice_hours")
        default_columns = fields
