"""Small builders for test data (plain functions: the models are few and explicit)."""

import datetime as dt
import itertools

from hpregister.models import Organisation
from hpregister.timeutils import OSLO
from incidents.choices import IncidentCategory, RiskLevel
from incidents.models import Incident, IncidentMeasure, Notification

_counter = itertools.count(1)


def oslo(*args) -> dt.datetime:
    """An aware datetime for a wall-clock time in Oslo (fold=0)."""
    return dt.datetime(*args, tzinfo=OSLO)


def make_incident(organisations=("St. Olavs hospital HF",), **fields) -> Incident:
    n = next(_counter)
    values = {
        "title": f"Breach {n}",
        "description": "Journal opened without a care relation.",
        "category": IncidentCategory.SNOOPING,
        "breach_confidentiality": True,
        "discovered_at": oslo(2026, 11, 20, 9, 0),
        "aware_at": oslo(2026, 11, 20, 10, 0),
        "how_known": "log_review",
    }
    values.update(fields)
    incident = Incident.objects.create(**values)
    incident.organisations.set([Organisation.objects.get(name=name) for name in organisations])
    return incident


def assessed(incident, level=RiskLevel.RISK):
    incident.risk_level = level
    incident.risk_rationale = "Health data of a few patients seen by one employee."
    incident.save()
    return incident


def notify(incident, sent_at, phase="initial", **fields):
    notification = Notification(incident=incident, phase=phase, sent_at=sent_at, **fields)
    notification.full_clean()
    notification.save()
    incident.refresh_status()
    return notification


def measure(incident, **fields):
    values = {"description": "Talk to the employee", "due_on": dt.date(2026, 12, 1)}
    values.update(fields)
    return IncidentMeasure.objects.create(incident=incident, **values)
