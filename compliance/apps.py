from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        from . import contributions, events, reminders  # noqa: F401 - reminders registers the app's deadline kinds

        contributions.register()
        events.register()
