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


class AssessmentStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    PARTLY = "partly", _("Partly compliant")
    NOT_COMPLIANT = "not_compliant", _("Not compliant")
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class SccModule(models.TextChoices):
    C2C = "1", _("Module 1: controller to controller")
    C2P = "2", _("Module 2: controller to processor")
    P2P = "3", _("Module 3: processor to processor")
    P2C = "4", _("Module 4: processor to controller")


class Derogation(models.TextChoices):
    CONSENT = "a", _("Art. 49(1)(a): explicit consent")
    CONTRACT = "b", _("Art. 49(1)(b): contract with the data subject")
    CONTRACT_INTEREST = "c", _("Art. 49(1)(c): contract in the data subject's interest")
    PUBLIC_INTEREST = "d", _("Art. 49(1)(d): important reasons of public interest")
    LEGAL_CLAIMS = "e", _("Art. 49(1)(e): legal claims")
    VITAL_INTERESTS = "f", _("Art. 49(1)(f): vital interests")
    REGISTER = "g", _("Art. 49(1)(g): public register")


class NoticeChange(models.TextChoices):
    ADDED = "added", _("Added sub-processor")
    REPLACED = "replaced", _("Replaced sub-processor")


class AgreementKind(models.TextChoices):
    PROCESSOR = "processor", _("Processor agreement")
    SUBPROCESSOR = "subprocessor", _("Sub-processor agreement")


class NoticeDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    OBJECTED = "objected", _("Objected")


# EU member states plus Norway, Iceland and Liechtenstein (ISO 3166-1 alpha-2).
EEA = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE NO IS LI".split())
