from django.contrib import admin

from hpregister.admin import ScopedAdmin

from .models import PeriodEntry, ReportingPeriod, Risk, RiskMeasure, ScaleStep


@admin.register(ScaleStep)
class ScaleStepAdmin(ScopedAdmin):
    list_display = ["dimension", "value", "label"]
    list_filter = ["dimension"]


class RiskMeasureInline(admin.TabularInline):
    model = RiskMeasure
    extra = 0


@admin.register(Risk)
class RiskAdmin(ScopedAdmin):
    list_display = ["title", "organisation", "residual_probability", "residual_consequence", "status", "next_review"]
    list_filter = ["status", "treatment", "organisation"]
    search_fields = ["title", "description"]
    list_select_related = ["organisation", "residual_probability", "residual_consequence"]
    inlines = [RiskMeasureInline]


@admin.register(RiskMeasure)
class RiskMeasureAdmin(ScopedAdmin):
    list_display = ["description", "risk", "status", "due_on", "done_on"]
    list_filter = ["status"]
    list_select_related = ["risk"]


class PeriodEntryInline(admin.TabularInline):
    model = PeriodEntry
    extra = 0


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on", "approved_at"]
    list_select_related = ["organisation"]
    inlines = [PeriodEntryInline]
