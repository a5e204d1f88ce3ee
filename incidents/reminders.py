"""Deadline kinds of the incident register."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from hpregister.reminders import DeadlineKind, Due, horizon_date, operator_privacy_officers, register

from .models import ENDED, NOTIFICATION_HOURS, Incident, IncidentMeasure


def _org_ids(incident):
    return {o.pk for o in incident.organisations.all()}


def datatilsynet_due(horizon):
    operators = list(operator_privacy_officers())
    incidents = (
        Incident.objects.awaiting_notification()
        .filter(aware_at__lte=horizon - dt.timedelta(hours=NOTIFICATION_HOURS))
        .prefetch_related("organisations")
    )
    for incident in incidents:
        yield Due(
            obj=incident,
            deadline=incident.deadline,
            title=str(incident),
            organisation_ids=_org_ids(incident),
            extra_recipients=operators,
        )


def datatilsynet_current(incident):
    return incident.deadline if Incident.objects.awaiting_notification().filter(pk=incident.pk).exists() else None


def measure_due(horizon):
    # Driven by the measures' (status, due_on) index alone: a filter on the incident made SQLite walk the live
    # incidents and all their measures instead (2.5 s with a million rows). The open measures of a closed or
    # withdrawn incident are few, and skipped here.
    measures = (
        IncidentMeasure.objects.due_by(horizon_date(horizon))
        .select_related("incident", "owner")
        .prefetch_related("incident__organisations")
    )
    for measure in measures:
        if measure.incident.status in ENDED:
            continue
        yield Due(
            obj=measure,
            deadline=measure.deadline,
            title=f"{measure.incident.reference}: {measure.description[:120]}",
            organisation_ids=_org_ids(measure.incident),
            owner=measure.owner,
        )


def measure_current(measure):
    return measure.deadline if Incident.objects.live().filter(pk=measure.incident_id).exists() else None


register(
    DeadlineKind(
        name="incident.datatilsynet",
        label=_("Notification to Datatilsynet (72 hours)"),
        model=Incident,
        due=datatilsynet_due,
        current=datatilsynet_current,
        action=_(
            "Notify Datatilsynet in Altinn and record the notification, or record the assessment that the "
            "breach is unlikely to result in a risk."
        ),
        thresholds="-48h, -24h, -12h, 0",
        repeat_overdue_days=1,
        escalate_after_days=1,
        statutory=True,
    )
)

register(
    DeadlineKind(
        name="incident.measure",
        label=_("Measure after a breach"),
        model=IncidentMeasure,
        due=measure_due,
        current=measure_current,
        action=_("Carry out the measure and mark it done, or cancel it with a reason."),
    )
)
