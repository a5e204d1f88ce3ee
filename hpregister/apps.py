from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HPRegisterConfig(AppConfig):
    name = "hpregister"
    verbose_name = _("Register kernel")
