from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ApiToken,
    ExportJob,
    Membership,
    Organisation,
    Profile,
    Reminder,
    ReminderRule,
    SecurityEvent,
    SsoGroupMapping,
)
from .tables import LateRowPaginator

# Tables small enough for a select in the admin; every other relation (the register's records, the users)
# gets a raw-id box, unless its admin names it in autocomplete_fields. A select of 10 000 risks made the
# incident change form 622 KB.
SMALL_TABLES = {
    "hpregister.organisation",
    "contenttypes.contenttype",
    "auth.group",
    "auth.permission",
    "risks.riskscale",
    "risks.scalestep",
    "risks.levelband",
    "risks.reportingperiod",
    "incidents.rootcause",
    "compliance.instrument",
    "compliance.obligation",
}


class LargeRelationsMixin:
    """Relations to large tables become raw-id boxes (or stay autocomplete) in change forms and inlines."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        large = {
            field.name
            for field in self.model._meta.get_fields()
            if (field.many_to_one or field.many_to_many)
            and field.concrete
            and field.editable
            and field.related_model._meta.label_lower not in SMALL_TABLES
        }
        large -= set(self.autocomplete_fields)
        self.raw_id_fields = tuple(sorted(set(self.raw_id_fields) | large))
        self.filter_horizontal = tuple(f for f in self.filter_horizontal if f not in large)


class LargeInline(LargeRelationsMixin, admin.TabularInline):
    extra = 0


class ScopedAdmin(LargeRelationsMixin, SimpleHistoryAdmin):
    """Admin for register models: a non-superuser administrator sees only their organisations. Change lists
    count their rows like the register's lists (bounded, then estimated), never the whole table twice, and
    page like them too: the page's keys from the ordering, then those rows in full."""

    show_full_result_count = False
    paginator = LateRowPaginator

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs


class MembershipInline(LargeInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["from_sso"]
    fields = ["user", "role", "from_sso"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "shares", "ownership_percent", "is_operator"]
    list_filter = ["kind", "is_operator"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "created"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["subject", "email", "kind", "threshold", "deadline", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "email"]
    readonly_fields = [f.name for f in Reminder._meta.fields]
    actions = ["resend"]

    @admin.action(description=_("Send again"))
    def resend(self, request, queryset):
        from .tasks import deliver_reminder

        failed = queryset.filter(status=Reminder.Status.FAILED)
        ids = list(failed.values_list("pk", flat=True))
        # An administrator's resend starts a fresh count of attempts.
        failed.update(attempts=0, next_attempt_at=timezone.now(), last_error="")
        for pk in ids:
            deliver_reminder.delay(pk)
        self.message_user(request, _("%(count)d failed reminders queued again.") % {"count": len(ids)})


@admin.register(ReminderRule)
class ReminderRuleAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "thresholds", "repeat_overdue_days", "escalate_after_days", "enabled"]


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "language", "digest_enabled", "reminders_enabled"]
    exclude = ["calendar_token"]
    raw_id_fields = ["user"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is appended to by the register itself and never edited or purged."""

    list_display = ["at", "kind", "username", "actor", "ip_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address", "detail"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Who exported which list, when, and how far the worker got. The file itself is only the requester's:
    an administrator sees the record, not the rows (no download link here)."""

    list_display = ["created_at", "user", "title", "export_format", "status", "rows_total", "expires_at"]
    list_filter = ["status", "export_format"]
    search_fields = ["user__username", "title", "path"]
    list_select_related = ["user"]
    exclude = ["file"]
    readonly_fields = [f.name for f in ExportJob._meta.fields if f.name != "file"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's API tokens: who made which, when it expires, when it was last used. The key is never
    stored, so it cannot be shown; an administrator can revoke a token (a leaked one, or a leaver's)."""

    list_display = ["name", "user", "prefix", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["read_only"]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        from .audit import record
        from .choices import SecurityEventKind

        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(SecurityEventKind.API_TOKEN_REVOKED, user=token.user, request=request, detail=str(token))


@admin.register(SsoGroupMapping)
class SsoGroupMappingAdmin(SimpleHistoryAdmin):
    """Which group in the identity provider gives which role in which organisation (single sign-on)."""

    list_display = ["group", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["group", "organisation__name"]
