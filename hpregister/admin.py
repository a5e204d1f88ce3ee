from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Organisation, Profile, Reminder, ReminderRule, SecurityEvent


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin for register models: a non-superuser administrator sees only their organisations."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


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
