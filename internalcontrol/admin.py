from django.contrib import admin

from hpregister.admin import ScopedAdmin

from .models import ArchiveSeries, Dpia, ProcessingActivity


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "role", "special_categories"]
    list_filter = ["role", "special_categories"]
    search_fields = ["name", "purposes"]
    list_select_related = ["organisation"]
    filter_horizontal = ["subprocessors", "controllers"]


@admin.register(Dpia)
class DpiaAdmin(ScopedAdmin):
    list_display = ["title", "organisation", "status", "residual_risk", "review_due", "consultation_outcome"]
    list_filter = ["status", "residual_risk", "consultation_outcome"]
    search_fields = ["title"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["risks", "owner"]
    filter_horizontal = ["activities"]


@admin.register(ArchiveSeries)
class ArchiveSeriesAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "service_level", "regime", "disposition", "due_on", "done_on"]
    list_filter = ["service_level", "regime", "disposition"]
    search_fields = ["name"]
    list_select_related = ["organisation"]
    readonly_fields = ["due_on"]
    autocomplete_fields = ["responsible"]
    filter_horizontal = ["gaps"]
