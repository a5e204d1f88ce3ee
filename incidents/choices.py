from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentCategory(models.TextChoices):
    ACCESS_CONTROL = "access_control", _("Access control missing or wrong")
    SYSTEM_ERROR = "system_error", _("System or programming error")
    HUMAN_ERROR = "human_error", _("Human error")
    SNOOPING = "snooping", _("Unauthorised look-up in the record (snooping)")
    MISDIRECTED = "misdirected", _("Misdirected message or letter")
    LOSS_OR_THEFT = "loss_or_theft", _("Loss or theft")
    OTHER = "other", _("Other")
