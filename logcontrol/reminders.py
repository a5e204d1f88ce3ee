"""Deadline kinds of log control: planned reviews, the steps of a staff follow-up, access-log requests."""

from django.utils.translation import gettext_lazy as _

from hpregister.reminders import DeadlineKind, Due, horizon_date, register

from .choices import CaseStatus
from .models import AccessLogRequest, LogControlPlan, StaffCaseStep


def plan_due(horizon):
    plans = LogControlPlan.objects.filter(is_active=True, next_due__lte=horizon_date(horizon))
    for plan in plans.select_related("responsible"):
        yield Due(
            obj=plan,
            deadline=plan.deadline,
            all_day=True,
            title=plan.name,
            organisation_ids={plan.organisation_id},
            owner=plan.responsible,
        )


def step_due(horizon):
    steps = StaffCaseStep.objects.filter(
        done_on__isnull=True, case__status=CaseStatus.OPEN, due_on__lte=horizon_date(horizon)
    )
    for step in steps.select_related("case", "owner"):
        yield Due(
            obj=step,
            deadline=step.deadline,
            all_day=True,
            title=str(step.case),  # the case's number, never the employee or what was seen
            organisation_ids={step.case.organisation_id},
            owner=step.owner,
        )


def step_current(step):
    return step.deadline if step.case.status == CaseStatus.OPEN else None


def request_due(horizon):
    requests = AccessLogRequest.objects.open().filter(due_on__lte=horizon_date(horizon))
    for request in requests.select_related("owner"):
        yield Due(
            obj=request,
            deadline=request.deadline,
            all_day=True,
            title=request.reference,
            organisation_ids={request.organisation_id},
            owner=request.owner,
        )


register(
    DeadlineKind(
        name="logcontrol.plan",
        label=_("Log review due"),
        model=LogControlPlan,
        due=plan_due,
        current=lambda plan: plan.deadline,
        action=_("Review the access logs as planned and record the review."),
        thresholds="-7d, 0",
    )
)
register(
    DeadlineKind(
        name="logcontrol.step",
        label=_("Staff follow-up step"),
        model=StaffCaseStep,
        due=step_due,
        current=step_current,
        action=_("Carry out the step of the staff follow-up and record it."),
        thresholds="-3d, 0",
        repeat_overdue_days=3,
        escalate_after_days=7,
    )
)
register(
    DeadlineKind(
        name="logcontrol.request",
        label=_("Answer to a request for the access log"),
        model=AccessLogRequest,
        due=request_due,
        current=lambda request: request.deadline,
        action=_("Answer the patient's request for the access log, or extend the deadline with a reason."),
        thresholds="-7d, -2d, 0",
        repeat_overdue_days=2,
        escalate_after_days=3,
        statutory=True,
    )
)
