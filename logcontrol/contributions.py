"""What log control contributes to the kernel: tasks and a dashboard card."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hpregister.access import Access
from hpregister.inbox import horizon_day, may_edit, queryset_source, responsible
from hpregister.registry import Panel, Task, dashboard_panels, task_sources

from .choices import CaseStatus
from .models import AccessLogRequest, LogControlPlan, StaffCase, StaffCaseStep


def my_plans(user, horizon):
    plans = LogControlPlan.objects.filter(is_active=True).filter(
        responsible(LogControlPlan, user, "organisation", owner="responsible")
    )
    if horizon is not None:
        plans = plans.filter(next_due__lte=horizon_day(horizon))
    return plans.select_related("organisation").order_by("next_due", "pk")


def plan_task(user, plan) -> Task:
    editable = may_edit(user, [plan.organisation_id])
    return Task(
        deadline=plan.deadline,
        all_day=True,
        title=plan.name,
        url=plan.get_absolute_url(),
        act_url=reverse("logcontrol:logreview_add") + f"?plan={plan.pk}" if editable else None,
        action=_("Review the access logs and record the review"),
        organisations=plan.organisation.name,
    )


def my_steps(user, horizon):
    steps = StaffCaseStep.objects.filter(done_on__isnull=True, case__status=CaseStatus.OPEN).filter(
        responsible(StaffCaseStep, user, "case__organisation")
    )
    if horizon is not None:
        steps = steps.filter(due_on__lte=horizon_day(horizon))
    return steps.select_related("case", "case__organisation").order_by("due_on", "pk")


def step_task(user, step) -> Task:
    editable = may_edit(user, [step.case.organisation_id])
    return Task(
        deadline=step.deadline,
        all_day=True,
        title=f"{step.case}: {step.get_kind_display()}",
        url=step.get_absolute_url(),
        act_url=reverse("logcontrol:staffcasestep_edit", args=[step.case_id, step.pk]) if editable else None,
        action=_("Carry out the step and record it"),
        organisations=step.case.organisation.name,
    )


def my_requests(user, horizon):
    requests = AccessLogRequest.objects.open().filter(responsible(AccessLogRequest, user, "organisation"))
    if horizon is not None:
        requests = requests.filter(due_on__lte=horizon_day(horizon))
    return requests.select_related("organisation").order_by("due_on", "pk")


def request_task(user, request) -> Task:
    editable = may_edit(user, [request.organisation_id])
    return Task(
        deadline=request.deadline,
        all_day=True,
        title=request.reference,
        url=request.get_absolute_url(),
        act_url=reverse("logcontrol:accesslogrequest_edit", args=[request.pk]) if editable else None,
        action=_("Answer the request for the access log"),
        organisations=request.organisation.name,
    )


def log_control(request) -> dict | None:
    if not Access.for_user(request.user).is_member:
        return None
    today = timezone.localdate()
    return {
        "plans_due": LogControlPlan.objects.visible_to(request.user).filter(is_active=True, next_due__lt=today).count(),
        "open_cases": StaffCase.objects.visible_to(request.user).open().count(),
        "requests_overdue": AccessLogRequest.objects.visible_to(request.user).open().filter(due_on__lt=today).count(),
    }


def register() -> None:
    dashboard_panels.register(
        Panel("logcontrol.status", "logcontrol/panels/status.html", log_control, order=54, card=True)
    )
    task_sources.register(queryset_source("logcontrol.plan", _("Log review due"), my_plans, plan_task, 50))
    task_sources.register(queryset_source("logcontrol.step", _("Staff follow-up step"), my_steps, step_task, 51))
    task_sources.register(
        queryset_source(
            "logcontrol.request", _("Answer to a request for the access log"), my_requests, request_task, 52
        )
    )
