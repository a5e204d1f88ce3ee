from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    REGIONAL_HEALTH_AUTHORITY = "regional_health_authority", _("Regional health authority")
    HEALTH_TRUST = "health_trust", _("Health trust")
    IT_PROVIDER = "it_provider", _("IT provider")
    MUNICIPALITY = "municipality", _("Municipality")


class Role(models.TextChoices):
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
