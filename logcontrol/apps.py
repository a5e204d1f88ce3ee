from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogControlConfig(AppConfig):
    name = "logcontrol"
    verbose_name = _("Log control")

    def ready(self):
        from . import contributions, reminders, signals  # noqa: F401 - deadline kinds and the snooping hook

        contributions.register()
