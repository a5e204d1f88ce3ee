"""Deadline kinds of the incident register."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from hpregister.reminders import DeadlineKind, Due, horizon_date, operator_privacy_officers, register

from .models import ENDED, NOTIFICATION_HOURS, Incident, IncidentMeasure


def _org_ids(incident):
    return {o.pk for o in incident.organisations.all()}


def neutral_title(incident) -> str:
    """What a subject line or a calendar shows of a breach: its reference (the kind of deadline stands beside
    it), never its title: "Sykepleier snoket i naboens journal" must not sit in an inbox or a shared calendar."""
    return incident.reference


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
            title=neutral_title(incident),
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
            title=neutral_title(measure.incident),
            organisation_ids=_org_ids(measure.incident),
            owner=measure.owner,
            all_day=True,
        )


def measure_current(measure):
    return measure.deadline if Incident.objects.live().filter(pk=measure.incident_id).exists() else None


def follow_up_due(code):
    """The breaches whose follow-up duty ``code`` is open and due by the horizon: read through the partial
    index on ``follow_up_open``, so the cost follows the open duties, not the register."""

    def due(horizon):
        operators = list(operator_privacy_officers())
        incidents = (
            Incident.objects.filter(follow_up_open=True)
            .exclude(status__in=ENDED)
            .prefetch_related("organisations", "notifications", "affected")
        )
        for incident in incidents:
            if code not in {duty.code for duty in incident.open_duties() if duty.follow_up}:
                continue
            deadline = incident.duty_deadline(code)
            if deadline is None or deadline > horizon:
                continue
            yield Due(
                obj=incident,
                deadline=deadline,
                title=neutral_title(incident),
                organisation_ids=_org_ids(incident),
                extra_recipients=operators,
            )

    return due


def follow_up_current(code):
    def current(incident):
        if incident.status in ENDED or code not in {d.code for d in incident.open_duties() if d.follow_up}:
            return None
        return incident.duty_deadline(code)

    return current


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


# The follow-up duties of a breach (issue "Follow-through"): each open duty reminds its privacy officers and
# the operator's, and escalates to managers, until it is met; the page lists them and closing waits for them.
for name, code, label, action in [
    (
        "incident.final_notification",
        "final_notification",
        _("Final notification to Datatilsynet after a phased one"),
        _("Send the final notification in Altinn and record it."),
    ),
    (
        "incident.art34",
        "art34",
        _("Informing the data subjects (Art. 34)"),
        _("Inform the data subjects and record how, or record the exception that applies and why."),
    ),
    (
        "incident.police",
        "police",
        _("Notice to the police (Kripos) for address-protected patients"),
        _("Notify Kripos and record when, with their reference."),
    ),
    (
        "incident.organisations",
        "organisation",
        _("Informing the affected organisations"),
        _("Inform each affected organisation and record when."),
    ),
]:
    register(
        DeadlineKind(
            name=name,
            label=label,
            model=Incident,
            due=follow_up_due(code),
            current=follow_up_current(code),
            action=action,
            thresholds="-24h, 0",
            repeat_overdue_days=1,
            escalate_after_days=3,
        )
    )
