from django.db import models
from django.utils.translation import gettext_lazy as _

from hpregister.choices import MeasureStatus  # noqa: F401 - shared by the app's measures


class Dimension(models.TextChoices):
    PROBABILITY = "probability", _("Probability")
    CONSEQUENCE = "consequence", _("Consequence")


class Treatment(models.TextChoices):
    REDUCE = "reduce", _("Reduce")
    ACCEPT = "accept", _("Accept")
    SHARE = "share", _("Share or transfer")
    AVOID = "avoid", _("Avoid")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MONITORED = "monitored", _("Monitored")
    CLOSED = "closed", _("Closed")
