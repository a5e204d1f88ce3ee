"""Closing, withdrawing and reopening a breach: each under a lock on its row, each in its history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import (
    IncidentStatus,
)
from .incident import ENDED, Incident


def _locked(incident: Incident) -> None:
    """Lock the incident's row for the rest of the transaction and read it afresh: two requests closing or
    withdrawing it at once are taken one after the other, and the second sees the first's result."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A transition runs inside transaction.atomic().")
    Incident._base_manager.select_for_update().filter(pk=incident.pk).values_list("pk").first()
    incident.refresh_from_db()


def close_incident(*, incident: Incident, user) -> None:
    """Close an incident: only when every duty is met (``Incident.open_duties``), each named if not."""
    _locked(incident)
    if incident.status in ENDED:
        raise ValidationError(_("The incident is already closed or withdrawn."))
    duties = incident.open_duties()
    if duties:
        raise ValidationError([duty.text for duty in duties])
    incident.status = IncidentStatus.CLOSED
    incident.follow_up_open = False
    incident.closed_at = timezone.now()
    incident.closed_by = user
    incident._change_reason = "Closed"
    incident.save()


def withdraw_incident(*, incident: Incident, user, reason: str) -> None:
    """Withdraw (instead of deleting) an incident registered by mistake; it stays in the register."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing the incident.")})
    _locked(incident)
    if incident.status in ENDED:
        raise ValidationError(_("The incident is already closed or withdrawn."))
    incident.status = IncidentStatus.WITHDRAWN
    incident.follow_up_open = False
    incident.withdrawn_reason = reason.strip()
    incident.closed_at = timezone.now()
    incident.closed_by = user
    incident._change_reason = "Withdrawn"
    incident.save()


def reopen_incident(*, incident: Incident, user, reason: str) -> None:
    """Reopen a closed or withdrawn incident, with the reason in its history. Its duties, measures and
    reminders are live again: the next sweep reminds of whatever is open."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening the incident.")})
    _locked(incident)
    if incident.status not in ENDED:
        raise ValidationError(_("The incident is open."))
    incident.status = IncidentStatus.REGISTERED  # derived afresh below
    incident.status = incident.derived_status()
    incident.withdrawn_reason = ""
    incident.reopened_reason = reason.strip()
    incident.closed_at = None
    incident.closed_by = None
    incident._change_reason = "Reopened"
    incident.save()
    incident.refresh_status()
