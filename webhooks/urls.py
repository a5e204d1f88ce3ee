from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.WebhookEndpointListView.as_view(), name="webhookendpoint_list"),
    path("add/", views.WebhookEndpointEditView.as_view(), name="webhookendpoint_add"),
    path("<int:pk>/", views.WebhookEndpointView.as_view(), name="webhookendpoint_detail"),
    path("<int:pk>/edit/", views.WebhookEndpointEditView.as_view(), name="webhookendpoint_edit"),
    path("<int:pk>/deliveries/<uuid:delivery_pk>/resend/", views.delivery_resend, name="delivery_resend"),
]
