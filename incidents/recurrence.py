"""Recurring breaches: the earlier breaches of the same root cause and system, linking them, and the patterns
managers see. A recurrence proves the earlier breach's measures did not work: linking marks them so."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hpregister.access import Access
from hpregister.timeutils import OSLO, add_months

from .choices import IncidentStatus, MeasureStatus
from .models import Incident

REOPENED_MEASURE_DAYS = 30  # a measure a recurrence proved ineffective gets this long for a better one


def window_start(moment: dt.datetime) -> dt.datetime:
    """RECURRENCE_MONTHS calendar months before ``moment`` (Oslo date, same time of day)."""
    local = timezone.localtime(moment, OSLO)
    day = add_months(local.date(), -settings.RECURRENCE_MONTHS)
    return dt.datetime.combine(day, local.time(), tzinfo=OSLO)


def same_kind(incident: Incident) -> Q:
    """Same root cause, and the same system where the breach names one (case does not matter)."""
    match = Q(root_cause_id=incident.root_cause_id)
    if incident.system.strip():
        match &= Q(system__iexact=incident.system.strip())
    return match


def recurrence_candidates(incident: Incident, user):
    """Earlier breaches the user can see of the same root cause and system, within the window, not yet linked."""
    if incident.root_cause_id is None:
        return Incident.objects.none()
    return (
        Incident.objects.visible_to(user)
        .filter(same_kind(incident), aware_at__gte=window_start(incident.aware_at), aware_at__lt=incident.aware_at)
        .exclude(status=IncidentStatus.WITHDRAWN)
        .exclude(pk__in=incident.recurrence_of.values("pk"))
        .prefetch_related("organisations")
        .order_by("-aware_at")
    )


def link_recurrences(*, incident: Incident, earlier: list[Incident], user) -> int:
    """Record that ``incident`` repeats each of ``earlier``. Their done measures did not work: each opens
    again with a new due date, and a closed breach among them reopens. Returns the measures reopened."""
    access = Access.for_user(user)
    if not access.can_edit(incident):
        raise ValidationError(_("You cannot change this incident."))
    for other in earlier:
        if other.pk == incident.pk or other.aware_at >= incident.aware_at:
            raise ValidationError(_("A breach can only repeat an earlier one."))
        if not access.can_edit(other):
            raise ValidationError(
                _("You cannot change %(reference)s: its privacy officers must link it.") % {"reference": other}
            )
    reopened = 0
    due = timezone.localdate() + dt.timedelta(days=REOPENED_MEASURE_DAYS)
    with transaction.atomic():
        incident.recurrence_of.add(*earlier)
        incident._change_reason = "Recurrences linked"
        incident.save()  # simple-history records the many-to-many with the next save
        for other in earlier:
            note = _("The breach recurred as %(reference)s.") % {"reference": incident.reference}
            for measure in other.measures.filter(status=MeasureStatus.DONE).select_related("incident"):
                measure.check_effect(user=user, worked=False, note=note, new_due_on=due)
                reopened += 1
    return reopened


def recurring_patterns(user, limit: int = 5) -> list[dict]:
    """Root cause and system pairs with more than one breach in the window, most frequent first: what
    managers watch for on the dashboard."""
    since = window_start(timezone.now())
    rows = (
        Incident.objects.visible_to(user)
        .filter(root_cause__isnull=False, aware_at__gte=since)
        .exclude(status=IncidentStatus.WITHDRAWN)
        .values("root_cause_id", "root_cause__name", "system")
        .annotate(n=Count("pk", distinct=True), linked=Count("recurrence_of", distinct=True))
        .filter(n__gt=1)
        .order_by("-n", "root_cause__name", "system")[:limit]
    )
    return list(rows)
