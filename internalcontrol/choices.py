from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessingRole(models.TextChoices):
    CONTROLLER = "controller", _("Controller (Art. 30(1))")
    PROCESSOR = "processor", _("Processor (Art. 30(2))")


class DpiaStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class ResidualRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ConsultationOutcome(models.TextChoices):
    ADVICE = "advice", _("Written advice from Datatilsynet")
    NO_OBJECTION = "no_objection", _("No objection")
    PROHIBITED = "prohibited", _("Processing limited or banned (Art. 58(2))")
    WITHDRAWN = "withdrawn", _("Processing dropped, consultation withdrawn")


class ServiceLevel(models.TextChoices):
    SPECIALIST = "specialist", _("Specialist health service")
    MUNICIPAL = "municipal", _("Municipal health and care service")


class ArchiveRegime(models.TextChoices):
    HELSEARKIV = "helsearkiv", _("Helsearkivforskriften (Norsk helsearkiv)")
    RA_7_29 = "ra_7_29", _("Riksarkivarens forskrift § 7-29 (municipal records)")


class Medium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    MIXED = "mixed", _("Paper and electronic")


class ArchiveTrigger(models.TextChoices):
    PATIENT_DEATH = "patient_death", _("Death of the last patient in the series")
    LAST_ENTRY = "last_entry", _("Last entry in the series")
    SERIES_CLOSED = "series_closed", _("Series closed")


class Disposition(models.TextChoices):
    NORSK_HELSEARKIV = "norsk_helsearkiv", _("Hand over to Norsk helsearkiv")
    MUNICIPAL_ARCHIVE = "municipal_archive", _("Hand over to the municipal archive (depot)")
    DISPOSAL = "disposal", _("Dispose of after the minimum retention")
