from django.contrib import admin

from hpregister.admin import ScopedAdmin

from .models import Gap, Instrument, Obligation, SubProcessor


@admin.register(Instrument)
class InstrumentAdmin(ScopedAdmin):
    list_display = ["title", "issuer", "reference", "issued_on", "amended_on"]
    search_fields = ["title", "reference"]


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


@admin.register(SubProcessor)
class SubProcessorAdmin(ScopedAdmin):
    list_display = ["name", "country", "transfer_basis", "status", "next_review"]
    list_filter = ["transfer_basis", "status", "country"]
    search_fields = ["name", "processing_activity"]
