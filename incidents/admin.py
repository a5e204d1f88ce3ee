from django.contrib import admin

from hpregister.admin import LargeInline, ScopedAdmin

from .models import (
    BreachCount,
    CaseEntry,
    Incident,
    IncidentMeasure,
    IncidentOrganisation,
    Notification,
    RootCause,
)


class IncidentOrganisationInline(LargeInline):
    model = IncidentOrganisation
    extra = 0
    autocomplete_fields = ["organisation"]


class NotificationInline(LargeInline):
    model = Notification
    extra = 0


class IncidentMeasureInline(LargeInline):
    model = IncidentMeasure
    extra = 0


@admin.register(Incident)
class IncidentAdmin(ScopedAdmin):
    list_display = ["reference", "title", "category", "aware_at", "risk_level", "status"]
    list_filter = ["status", "category", "root_cause", "risk_level"]
    search_fields = ["title", "description", "system"]
    readonly_fields = ["year", "number", "created_at", "created_by"]
    inlines = [IncidentOrganisationInline, NotificationInline, IncidentMeasureInline]
    filter_horizontal = ["risks", "obligations"]
    raw_id_fields = ["recurrence_of"]  # a self-relation over the whole register: never a select of every breach


@admin.register(RootCause)
class RootCauseAdmin(ScopedAdmin):
    list_display = ["name", "risk", "is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
    list_select_related = ["risk"]
    raw_id_fields = ["risk"]


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    list_display = ["incident", "phase", "channel", "sent_at", "case_reference"]
    list_filter = ["phase", "channel"]
    list_select_related = ["incident"]


@admin.register(IncidentMeasure)
class IncidentMeasureAdmin(ScopedAdmin):
    list_display = ["description", "incident", "status", "due_on", "done_on"]
    list_filter = ["status"]
    list_select_related = ["incident"]


@admin.register(CaseEntry)
class CaseEntryAdmin(ScopedAdmin):
    """The case thread: read in admin; entries are added on the incident's page, where files are checked."""

    list_display = ["incident", "kind", "created_by", "created_at", "name"]
    list_filter = ["kind"]
    list_select_related = ["incident", "created_by"]
    readonly_fields = ["incident", "kind", "text", "file", "name", "content_type", "size", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(BreachCount)
class BreachCountAdmin(ScopedAdmin):
    list_display = ["year", "category", "root_cause", "count", "period_note"]
    list_filter = ["year", "category", "root_cause"]
