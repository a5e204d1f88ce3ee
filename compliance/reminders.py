"""Deadline kinds of the compliance register."""

from django.utils.translation import gettext_lazy as _

from hpregister.models import Organisation
from hpregister.reminders import DeadlineKind, Due, horizon_date, register
from hpregister.timeutils import date_deadline

from .choices import NoticeDecision, SubProcessorStatus, TransferBasis
from .models import AdequacyDecision, Assessment, GapAction, SubProcessor, SubProcessorNotice

ACTIVE = [SubProcessorStatus.APPROVED, SubProcessorStatus.PROPOSED]


def operator_ids():
    return set(Organisation.objects.filter(is_operator=True).values_list("pk", flat=True))


def subprocessor_review_due(horizon):
    operators = operator_ids()
    for sub in SubProcessor.objects.filter(status__in=ACTIVE, next_review__lte=horizon_date(horizon)):
        yield Due(
            obj=sub, deadline=date_deadline(sub.next_review), all_day=True, title=sub.name, organisation_ids=operators
        )


def subprocessor_review_current(sub):
    return date_deadline(sub.next_review) if sub.next_review and sub.status in ACTIVE else None


def relied_on():
    return SubProcessor.objects.filter(status__in=ACTIVE, transfer_basis=TransferBasis.ADEQUACY).values("country")


def adequacy_due(horizon):
    """Adequacy decisions that end, while an active sub-processor's transfer still relies on them."""
    operators = operator_ids()
    decisions = AdequacyDecision.objects.filter(expires_on__lte=horizon_date(horizon), country__in=relied_on())
    for decision in decisions:
        yield Due(
            obj=decision,
            deadline=date_deadline(decision.expires_on),
            all_day=True,
            title=decision.title,
            organisation_ids=operators,
        )


def adequacy_current(decision):
    if decision.expires_on is None or not relied_on().filter(country=str(decision.country)).exists():
        return None
    return date_deadline(decision.expires_on)


def assessment_due(horizon):
    assessments = Assessment.objects.filter(
        next_review__lte=horizon_date(horizon), obligation__instrument__superseded_by=None
    )
    for a in assessments.select_related("obligation", "organisation", "obligation__owner"):
        yield Due(
            obj=a,
            deadline=date_deadline(a.next_review),
            all_day=True,
            title=f"{a.obligation.code} {a.obligation.title} – {a.organisation}",
            organisation_ids={a.organisation_id},
        )


def assessment_current(a):
    return date_deadline(a.next_review) if a.next_review else None


def action_due(horizon):
    for action in GapAction.objects.due_by(horizon_date(horizon)).select_related("gap", "owner"):
        yield Due(
            obj=action,
            deadline=action.deadline,
            all_day=True,
            title=f"{action.gap.code}: {action}",
            organisation_ids={action.gap.organisation_id},
            owner=action.owner,
        )


def action_current(action):
    return action.deadline


def objection_due(horizon):
    operators = operator_ids()
    notices = SubProcessorNotice.objects.filter(
        decision=NoticeDecision.PENDING, objection_deadline__lte=horizon_date(horizon)
    )
    for notice in notices:
        yield Due(
            obj=notice,
            deadline=date_deadline(notice.objection_deadline),
            all_day=True,
            title=str(notice),
            organisation_ids=operators,
        )


def objection_current(notice):
    return date_deadline(notice.objection_deadline) if notice.decision == NoticeDecision.PENDING else None


register(
    DeadlineKind(
        name="subprocessor.review",
        label=_("Sub-processor review"),
        model=SubProcessor,
        due=subprocessor_review_due,
        current=subprocessor_review_current,
        action=_("Review the sub-processor's transfer basis and agreement, and set the next review date."),
    )
)
register(
    DeadlineKind(
        name="adequacy.expiry",
        label=_("An adequacy decision used as a transfer basis ends"),
        model=AdequacyDecision,
        due=adequacy_due,
        current=adequacy_current,
        action=_("Put another transfer basis in place for the sub-processors that rely on the decision."),
        thresholds="-180d, -90d, -30d, 0",
    )
)
register(
    DeadlineKind(
        name="assessment.review",
        label=_("Duty assessment due for review"),
        model=Assessment,
        due=assessment_due,
        current=assessment_current,
        action=_("Assess the duty again and record the status and its rationale."),
    )
)
register(
    DeadlineKind(
        name="gap.action",
        label=_("Remediation action"),
        model=GapAction,
        due=action_due,
        current=action_current,
        action=_("Carry out the action and mark it done."),
    )
)
register(
    DeadlineKind(
        name="subprocessor.objection",
        label=_("Objection deadline for a new sub-processor (Art. 28(2))"),
        model=SubProcessorNotice,
        due=objection_due,
        current=objection_current,
        action=_("Decide whether to accept the sub-processor or object, before the deadline."),
        thresholds="-14d, -7d, -2d, 0",
        repeat_overdue_days=0,
        escalate_after_days=None,
    )
)
