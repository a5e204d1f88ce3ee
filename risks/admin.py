from django.contrib import admin

from hpregister.admin import LargeInline, ScopedAdmin

from .models import (
    AcceptableLevel,
    LevelBand,
    MatrixCell,
    PeriodEntry,
    ReportingPeriod,
    Risk,
    RiskAcceptance,
    RiskMeasure,
    RiskScale,
    ScaleStep,
)


class ScaleStepInline(LargeInline):
    model = ScaleStep
    extra = 0


class LevelBandInline(LargeInline):
    model = LevelBand
    extra = 0


class MatrixCellInline(LargeInline):
    model = MatrixCell
    extra = 0


@admin.register(RiskScale)
class RiskScaleAdmin(ScopedAdmin):
    list_display = ["name", "version", "is_active", "source"]
    inlines = [ScaleStepInline, LevelBandInline, MatrixCellInline]


@admin.register(ScaleStep)
class ScaleStepAdmin(ScopedAdmin):
    list_display = ["label", "dimension", "value", "scale"]
    list_filter = ["scale", "dimension"]


class RiskMeasureInline(LargeInline):
    model = RiskMeasure
    extra = 0


@admin.register(Risk)
class RiskAdmin(ScopedAdmin):
    list_display = ["title", "organisation", "residual_probability", "residual_consequence", "status", "next_review"]
    list_filter = ["status", "treatment", "privacy_area", "organisation"]
    search_fields = ["title", "description"]
    list_select_related = ["organisation", "residual_probability", "residual_consequence"]
    inlines = [RiskMeasureInline]
    filter_horizontal = ["obligations"]


@admin.register(RiskMeasure)
class RiskMeasureAdmin(ScopedAdmin):
    list_display = ["description", "risk", "status", "due_on", "done_on"]
    list_filter = ["status"]
    list_select_related = ["risk"]


@admin.register(AcceptableLevel)
class AcceptableLevelAdmin(ScopedAdmin):
    list_display = ["organisation", "area", "level", "approved_by", "approved_at"]
    list_filter = ["area", "organisation"]
    list_select_related = ["organisation", "level", "approved_by"]
    raw_id_fields = ["approved_by"]


@admin.register(RiskAcceptance)
class RiskAcceptanceAdmin(ScopedAdmin):
    list_display = ["risk", "accepted_by", "accepted_at", "valid_until", "level"]
    list_select_related = ["risk", "accepted_by", "level"]


class PeriodEntryInline(LargeInline):
    model = PeriodEntry
    extra = 0


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on", "approved_at"]
    list_select_related = ["organisation"]
    inlines = [PeriodEntryInline]
