from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Organisation


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
