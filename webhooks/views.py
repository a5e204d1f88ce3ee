from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hpregister.access import Access
from hpregister.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import filters, forms, tables
from .delivery import resend
from .models import WebhookDelivery, WebhookEndpoint
from .tables import event_labels


class WebhookEndpointListView(ObjectListView):
    queryset = WebhookEndpoint.objects.select_related("organisation")
    table_class = tables.WebhookEndpointTable
    filterset_class = filters.WebhookEndpointFilterSet


class WebhookEndpointView(ObjectDetailView):
    model = WebhookEndpoint
    queryset = WebhookEndpoint.objects.select_related("organisation", "created_by")
    fields = ["organisation", "name", "url", "active", "created_at"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        endpoint = self.object
        ctx["event_labels"] = event_labels(endpoint.events)
        ctx["show_secret"] = self.access.can_edit(endpoint)  # the signing secret, for those who set it up
        ctx["deliveries"] = endpoint.deliveries.select_related("resent_by")[:50]
        return ctx


class WebhookEndpointEditView(ObjectEditView):
    model = WebhookEndpoint
    form_class = forms.WebhookEndpointForm

    def form_valid(self, form):
        if form.instance.pk is None:
            form.instance.created_by = self.request.user
        return super().form_valid(form)


@require_POST
def delivery_resend(request, pk, delivery_pk):
    endpoint = get_object_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=pk)
    if not Access.for_user(request.user).can_edit(endpoint):
        raise PermissionDenied
    delivery = get_object_or_404(WebhookDelivery, endpoint=endpoint, pk=delivery_pk)
    resend(delivery, request.user)
    messages.success(request, _("The delivery is queued to be sent again."))
    return redirect(endpoint)
