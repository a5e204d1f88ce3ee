from django.db import models
from django.utils.translation import gettext_lazy as _


class Holder(models.TextChoices):
    OPERATOR = "operator", _("Helseplattformen AS")
    EACH_ORGANISATION = "each_organisation", _("Each health organisation")
    SHARED = "shared", _("Shared")


class GapKind(models.TextChoices):
    ARCHIVE = "archive", _("Archive law")
    HELSENORGE = "helsenorge", _("Helsenorge duty")
    FINDING = "finding", _("Finding")


class GapStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")
    CLOSED = "closed", _("Closed")


class TransferBasis(models.TextChoices):
    WITHIN_EEA = "within_eea", _("Within the EEA")
    ADEQUACY = "adequacy", _("Adequacy decision (Art. 45)")
    SCC = "scc", _("Standard contractual clauses 2021/914 (Art. 46)")
    BCR = "bcr", _("Binding corporate rules (Art. 47)")
    DEROGATION = "derogation", _("Derogation (Art. 49)")


class SubProcessorStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PROPOSED = "proposed", _("Proposed")
    OBJECTED = "objected", _("Objected")
    REMOVED = "removed", _("Removed")
