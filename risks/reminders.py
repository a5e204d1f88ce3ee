"""Deadline kinds of the risk register."""

from django.utils.translation import gettext_lazy as _

from hpregister.reminders import DeadlineKind, Due, horizon_date, register
from hpregister.timeutils import date_deadline

from .choices import RiskStatus
from .models import Risk, RiskMeasure


def review_due(horizon):
    risks = Risk.objects.exclude(status=RiskStatus.CLOSED).filter(next_review__lte=horizon_date(horizon))
    for risk in risks.select_related("owner"):
        yield Due(
            obj=risk,
            deadline=date_deadline(risk.next_review),
            all_day=True,
            title=risk.title,
            organisation_ids={risk.organisation_id},
            owner=risk.owner,
        )


def review_current(risk):
    return date_deadline(risk.next_review) if risk.next_review and risk.status != RiskStatus.CLOSED else None


def measure_due(horizon):
    measures = RiskMeasure.objects.due_by(horizon_date(horizon))
    for measure in measures.select_related("risk", "owner"):
        yield Due(
            obj=measure,
            deadline=measure.deadline,
            all_day=True,
            title=f"{measure.risk}: {measure}",
            organisation_ids={measure.risk.organisation_id},
            owner=measure.owner,
        )


def measure_current(measure):
    return measure.deadline


register(
    DeadlineKind(
        name="risk.review",
        label=_("Risk review"),
        model=Risk,
        due=review_due,
        current=review_current,
        action=_("Review the risk's assessment and measures, and set the next review date."),
    )
)
register(
    DeadlineKind(
        name="risk.measure",
        label=_("Risk measure"),
        model=RiskMeasure,
        due=measure_due,
        current=measure_current,
        action=_("Carry out the measure and mark it done, or cancel it with a reason."),
    )
)
