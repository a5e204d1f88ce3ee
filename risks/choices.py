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


class PrivacyArea(models.TextChoices):
    """The privacy areas a risk belongs to; each organisation sets an acceptable residual level per area."""

    CONFIDENTIALITY = "confidentiality", _("Confidentiality and access")
    INTEGRITY = "integrity", _("Integrity")
    AVAILABILITY = "availability", _("Availability")
    RIGHTS = "rights", _("Data subjects' rights")
    PROCESSORS = "processors", _("Processors and transfers")
    GOVERNANCE = "governance", _("Governance and internal control")
