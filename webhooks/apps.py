from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from hpregister.events import occurred

        from .delivery import on_event

        occurred.connect(on_event, dispatch_uid="webhooks.on_event")
