from django.db import models
from django.utils.translation import gettext_lazy as _

from hpregister.choices import MeasureStatus  # noqa: F401 - shared by the app's measures


class IncidentCategory(models.TextChoices):
    ACCESS_CONTROL = "access_control", _("Access control missing or wrong")
    SYSTEM_ERROR = "system_error", _("System or programming error")
    HUMAN_ERROR = "human_error", _("Human error")
    SNOOPING = "snooping", _("Unauthorised look-up in the record (snooping)")
    MISDIRECTED = "misdirected", _("Misdirected message or letter")
    LOSS_OR_THEFT = "loss_or_theft", _("Loss or theft")
    OTHER = "other", _("Other")


class HowKnown(models.TextChoices):
    INTERNAL = "internal", _("Internal detection")
    PROCESSOR = "processor", _("Notice from a processor")
    LOG_REVIEW = "log_review", _("Log review")
    PATIENT = "patient", _("Patient")
    THIRD_PARTY = "third_party", _("Third party")
    MEDIA = "media", _("Media")
    ATTACKER = "attacker", _("The attacker")
    AUTHORITY = "authority", _("Authority")


class DataCategory(models.TextChoices):
    HEALTH = "health", _("Health data")
    NATIONAL_ID = "national_id", _("National identity numbers")
    ADDRESS_PROTECTED = "address_protected", _("Address-protected patients")
    CHILDREN = "children", _("Children")
    CONTACT = "contact", _("Contact details")
    GENETIC = "genetic", _("Genetic data")
    EMPLOYEE = "employee", _("Employee data")
    OTHER = "other", _("Other personal data")


class RiskLevel(models.TextChoices):
    UNLIKELY = "unlikely", _("Unlikely to result in a risk")
    RISK = "risk", _("Risk")
    HIGH = "high", _("High risk")


class SubjectsDecision(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Not required (no high risk)")
    INFORM = "inform", _("Inform the data subjects")
    UNINTELLIGIBLE = "unintelligible", _("Exception: data unintelligible (e.g. encrypted)")
    RISK_REMOVED = "risk_removed", _("Exception: later measures remove the high risk")
    PUBLIC_NOTICE = "public_notice", _("Exception: disproportionate effort, public notice instead")


class Phase(models.TextChoices):
    INITIAL = "initial", _("Initial")
    SUPPLEMENTARY = "supplementary", _("Supplementary")
    FINAL = "final", _("Final")


class Channel(models.TextChoices):
    ALTINN = "altinn", _("Altinn")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class IncidentStatus(models.TextChoices):
    """What is true of the breach now, the legal state first: open measures never hide that Datatilsynet
    has not been notified, and a breach that need not be notified is never called notified."""

    REGISTERED = "registered", _("Registered, not assessed")
    ASSESSED = "assessed", _("Not notified")  # the 72-hour clock runs
    PHASED = "phased", _("Notified in phases, final notification due")
    MEASURES = "measures", _("Measures in progress")
    NOT_REQUIRED = "not_required", _("Notification not required")
    NOTIFIED = "notified", _("Notified")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseEntryKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    ALTINN_RECEIPT = "altinn_receipt", _("Receipt from Altinn")
    LOG_EXTRACT = "log_extract", _("Log extract")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other document")
