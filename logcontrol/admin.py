from django.contrib import admin

from hpregister.admin import LargeInline, ScopedAdmin

from .models import AccessLogRequest, LogControlPlan, LogReview, StaffCase, StaffCaseStep


@admin.register(LogControlPlan)
class LogControlPlanAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "kind", "target", "every_months", "next_due", "is_active"]
    list_filter = ["kind", "target", "is_active", "organisation"]
    search_fields = ["name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["responsible"]


@admin.register(LogReview)
class LogReviewAdmin(ScopedAdmin):
    list_display = ["__str__", "organisation", "reviewer", "reviewed_on", "lookups_checked", "suspected"]
    list_filter = ["kind", "target", "organisation"]
    list_select_related = ["organisation", "reviewer"]
    raw_id_fields = ["plan", "reviewer"]


class StaffCaseStepInline(LargeInline):
    model = StaffCaseStep
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(StaffCase)
class StaffCaseAdmin(ScopedAdmin):
    list_display = ["__str__", "organisation", "confirmed_at", "breach_decision", "status"]
    list_filter = ["status", "breach_decision", "organisation"]
    list_select_related = ["organisation"]
    raw_id_fields = ["review", "incident"]
    inlines = [StaffCaseStepInline]


@admin.register(AccessLogRequest)
class AccessLogRequestAdmin(ScopedAdmin):
    list_display = ["reference", "organisation", "received_on", "due_on", "answered_on"]
    list_filter = ["organisation"]
    search_fields = ["reference"]
    list_select_related = ["organisation"]
    raw_id_fields = ["owner"]
