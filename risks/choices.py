from django.db import models
from django.utils.translation import gettext_lazy as _


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


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
