"""Personal-data breaches (avvik) and their GDPR Art. 33/34 follow-up, as a package:

- ``incident``: the breach, its clock, status and open duties (and the root causes it is filed under);
- ``records``: what is recorded on it (organisations, notifications, measures, the case thread) and the
  historical counts;
- ``lifecycle``: closing, withdrawing and reopening it.
"""

from .incident import (
    CLOCK_RUNNING,
    DUTY_SOURCES,
    ENDED,
    NOTIFICATION_HOURS,
    SUBJECT_EXCEPTIONS,
    Incident,
    IncidentQuerySet,
    OpenDuty,
    RootCause,
)
from .lifecycle import close_incident, reopen_incident, withdraw_incident
from .records import (
    BreachCount,
    CaseEntry,
    IncidentMeasure,
    IncidentOrganisation,
    Notification,
    case_file_path,
    keep_first_notification,
    keep_incident_state,
)

__all__ = [
    "CLOCK_RUNNING",
    "DUTY_SOURCES",
    "ENDED",
    "NOTIFICATION_HOURS",
    "SUBJECT_EXCEPTIONS",
    "BreachCount",
    "CaseEntry",
    "Incident",
    "IncidentMeasure",
    "IncidentOrganisation",
    "IncidentQuerySet",
    "Notification",
    "OpenDuty",
    "RootCause",
    "case_file_path",
    "close_incident",
    "keep_first_notification",
    "keep_incident_state",
    "reopen_incident",
    "withdraw_incident",
]
