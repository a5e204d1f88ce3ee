from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hpregister.admin import LargeInline, ScopedAdmin

from .models import (
    AdequacyDecision,
    Assessment,
    Evidence,
    Gap,
    GapAction,
    Instrument,
    Obligation,
    ProcessorAgreement,
    SubProcessor,
    SubProcessorNotice,
    amend_instrument,
)


@admin.register(Instrument)
class InstrumentAdmin(ScopedAdmin):
    list_display = ["title", "issuer", "reference", "issued_on", "amended_on", "supersedes"]
    search_fields = ["title", "reference"]
    actions = ["record_amendment"]

    @admin.action(description=_("Record an amendment (a new version with every duty carried over)"))
    def record_amendment(self, request, queryset):
        for instrument in queryset:
            amended = amend_instrument(
                instrument=instrument,
                reference=f"{instrument.reference} ({_('amended')})",
                issued_on=timezone.localdate(),
                note=_("New version: set its reference and date, then edit the duties."),
            )
            self.message_user(
                request,
                _("New version %(ref)s created; edit its reference, date and duties.") % {"ref": amended.reference},
            )


@admin.register(Obligation)
class ObligationAdmin(ScopedAdmin):
    list_display = ["code", "title", "holder", "legal_basis", "instrument"]
    list_filter = ["holder", "instrument"]
    search_fields = ["code", "title", "summary"]
    list_select_related = ["instrument"]


@admin.register(Gap)
class GapAdmin(ScopedAdmin):
    list_display = ["code", "title", "kind", "status", "organisation"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "title", "summary"]
    list_select_related = ["organisation"]
    filter_horizontal = ["obligations"]


class CountryInUseFilter(admin.SimpleListFilter):
    """The countries the sub-processors are in (a handful), not all 250 the field could hold."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("country", flat=True).distinct()
        names = {code: str(dict(SubProcessor._meta.get_field("country").choices).get(code, code)) for code in codes}
        return sorted(((code, name) for code, name in names.items() if code), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


@admin.register(SubProcessor)
class SubProcessorAdmin(ScopedAdmin):
    list_display = ["name", "country", "transfer_basis", "status", "next_review"]
    list_filter = ["transfer_basis", "status", CountryInUseFilter]
    search_fields = ["name", "processing_activity"]


class EvidenceInline(LargeInline):
    model = Evidence
    extra = 0
    readonly_fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    list_display = ["obligation", "organisation", "status", "assessed_on", "next_review"]
    list_filter = ["status", "obligation__holder"]
    search_fields = ["obligation__code", "organisation__name"]
    list_select_related = ["obligation", "organisation"]
    inlines = [EvidenceInline]


@admin.register(GapAction)
class GapActionAdmin(ScopedAdmin):
    list_display = ["description", "gap", "status", "due_on", "done_on"]
    list_filter = ["status"]
    list_select_related = ["gap"]


@admin.register(SubProcessorNotice)
class SubProcessorNoticeAdmin(ScopedAdmin):
    list_display = ["name", "change", "received_on", "objection_deadline", "decision"]
    list_filter = ["decision", "change"]


@admin.register(AdequacyDecision)
class AdequacyDecisionAdmin(ScopedAdmin):
    list_display = ["title", "country", "adopted_on", "expires_on"]
    search_fields = ["title"]


@admin.register(ProcessorAgreement)
class ProcessorAgreementAdmin(ScopedAdmin):
    list_display = ["processor", "kind", "organisation", "reference", "signed_on", "ends_on", "breach_notice_hours"]
    list_filter = ["kind"]
    search_fields = ["processor", "reference"]
    list_select_related = ["organisation"]
