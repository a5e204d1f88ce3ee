from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hpregister.admin import LargeRelationsMixin, ScopedAdmin

from .delivery import resend
from .models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ScopedAdmin):
    list_display = ("name", "organisation", "url", "active")
    list_filter = ("active", "organisation")
    search_fields = ("name", "url")
    readonly_fields = ("secret", "created_by", "created_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(LargeRelationsMixin, admin.ModelAdmin):
    """The delivery log: read-only (it is what happened); a delivery can be sent again."""

    list_display = ("event", "endpoint", "status", "attempts", "response_status", "created_at", "delivered_at")
    list_filter = ("status", "event")
    list_select_related = ("endpoint",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["send_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        for delivery in queryset:
            resend(delivery, request.user)
        self.message_user(request, _("Queued to be sent again."))
