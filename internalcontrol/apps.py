from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternalControlConfig(AppConfig):
    name = "internalcontrol"
    verbose_name = _("Internal control")

    def ready(self):
        from . import contributions, reminders  # noqa: F401 - deadline kinds, tasks and the dashboard card

        contributions.register()
