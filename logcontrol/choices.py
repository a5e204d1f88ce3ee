from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    RANDOM = "random", _("Random sample")
    TARGETED = "targeted", _("Targeted")


class Target(models.TextChoices):
    """What a targeted review looks for (the HOD decision's log-review duty; Normen's "snokelogger")."""

    OWN_OR_FAMILY = "own_or_family", _("Own record or family members")
    COLLEAGUES = "colleagues", _("Colleagues")
    VIP = "vip", _("Well-known people (VIP)")
    ADDRESS_PROTECTED = "address_protected", _("Address-protected patients")
    BREAK_GLASS = "break_glass", _("“Break the glass” use")
    OTHER = "other", _("Other")


class StepKind(models.TextChoices):
    EMPLOYEE = "employee", _("Follow up the employee (hpl § 21 a, pjl § 16)")
    PATIENT = "patient", _("Inform the patient")
    BREACH = "breach", _("Decide whether it is a personal-data breach")
    OUTCOME = "outcome", _("Record the outcome")


class BreachDecision(models.TextChoices):
    UNDECIDED = "", _("Not decided")
    BREACH = "breach", _("A personal-data breach")
    NO_BREACH = "no_breach", _("Not a personal-data breach")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
