"""What the compliance app contributes to the kernel: a dashboard panel, search sources, tasks, reference
data."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hpregister.filters import search_source
from hpregister.inbox import horizon_day, may_edit, queryset_source, responsible
from hpregister.registry import (
    Panel,
    ReferenceLoader,
    Task,
    bench_scenarios,
    dashboard_panels,
    reference_loaders,
    search_sources,
    task_sources,
)
from hpregister.timeutils import date_deadline

from . import bench, reference
from .choices import NoticeDecision
from .filters import GapFilterSet, ObligationFilterSet, SubProcessorFilterSet
from .models import AdequacyDecision, Assessment, Gap, GapAction, Obligation, SubProcessor, SubProcessorNotice
from .reminders import ACTIVE, relied_on


def counts(request) -> dict:
    user = request.user
    return {
        "obligations": Obligation.objects.visible_to(user).current().count(),
        "gaps": Gap.objects.visible_to(user).open().count(),
        "subprocessors": SubProcessor.objects.visible_to(user).count(),
        "failing": SubProcessor.objects.visible_to(user).failing_validation().count(),
    }


def my_assessments(user, horizon):
    """Duty assessments due for review: the privacy officers of the assessed organisation."""
    assessments = Assessment.objects.filter(
        responsible(Assessment, user, "organisation", owner=None),
        next_review__isnull=False,
        obligation__instrument__superseded_by=None,
    )
    if horizon is not None:
        assessments = assessments.filter(next_review__lte=horizon_day(horizon))
    return assessments.select_related("obligation", "organisation").order_by("next_review", "pk")


def assessment_task(user, assessment) -> Task:
    editable = may_edit(user, [assessment.organisation_id])
    return Task(
        deadline=date_deadline(assessment.next_review),
        all_day=True,
        title=f"{assessment.obligation.code} {assessment.obligation.title}",
        url=assessment.get_absolute_url(),
        act_url=reverse("compliance:assessment_edit", args=[assessment.pk]) if editable else None,
        action=_("Assess the duty again"),
        organisations=assessment.organisation.name,
    )


def my_actions(user, horizon):
    actions = GapAction.objects.open().filter(responsible(GapAction, user, "gap__organisation"), due_on__isnull=False)
    if horizon is not None:
        actions = actions.filter(due_on__lte=horizon_day(horizon))
    return actions.select_related("gap", "gap__organisation").order_by("due_on", "pk")


def action_task(user, action) -> Task:
    editable = may_edit(user, [action.gap.organisation_id])
    return Task(
        deadline=action.deadline,
        all_day=True,
        title=f"{action.gap.code}: {action}",
        url=action.get_absolute_url(),
        act_url=reverse("compliance:gapaction_edit", args=[action.gap_id, action.pk]) if editable else None,
        action=_("Carry out the action and mark it done"),
        organisations=action.gap.organisation.name,
    )


def my_subprocessor_reviews(user, horizon):
    subs = SubProcessor.objects.filter(
        responsible(SubProcessor, user, None, owner=None), status__in=ACTIVE, next_review__isnull=False
    )
    if horizon is not None:
        subs = subs.filter(next_review__lte=horizon_day(horizon))
    return subs.order_by("next_review", "pk")


def subprocessor_task(user, sub) -> Task:
    return Task(
        deadline=date_deadline(sub.next_review),
        all_day=True,
        title=sub.name,
        url=sub.get_absolute_url(),
        act_url=reverse("compliance:subprocessor_edit", args=[sub.pk]) if may_edit(user, []) else None,
        action=_("Review the transfer basis and the agreement"),
    )


def my_adequacy_decisions(user, horizon):
    """Adequacy decisions with an end date that an active sub-processor's transfer relies on."""
    decisions = AdequacyDecision.objects.filter(
        responsible(AdequacyDecision, user, None, owner=None), expires_on__isnull=False, country__in=relied_on()
    )
    if horizon is not None:
        decisions = decisions.filter(expires_on__lte=horizon_day(horizon))
    return decisions.order_by("expires_on", "pk")


def adequacy_task(user, decision) -> Task:
    return Task(
        deadline=date_deadline(decision.expires_on),
        all_day=True,
        title=decision.title,
        url=decision.get_absolute_url(),
        act_url=reverse("compliance:subprocessor_list") + "?adequacy_expiring=yes",
        action=_("Put another transfer basis in place before the adequacy decision ends"),
    )


def my_objections(user, horizon):
    notices = SubProcessorNotice.objects.filter(
        responsible(SubProcessorNotice, user, None, owner=None),
        decision=NoticeDecision.PENDING,
        objection_deadline__isnull=False,
    )
    if horizon is not None:
        notices = notices.filter(objection_deadline__lte=horizon_day(horizon))
    return notices.order_by("objection_deadline", "pk")


def objection_task(user, notice) -> Task:
    return Task(
        deadline=date_deadline(notice.objection_deadline),
        all_day=True,
        title=str(notice),
        url=notice.get_absolute_url(),
        action=_("Accept the sub-processor or object"),
    )


def register() -> None:
    dashboard_panels.register(Panel("compliance.counts", "compliance/panels/counts.html", counts, order=60))
    search_sources.register(search_source("compliance.obligation", _("Duties"), ObligationFilterSet, 30))
    search_sources.register(search_source("compliance.gap", _("Gaps and findings"), GapFilterSet, 40))
    search_sources.register(search_source("compliance.subprocessor", _("Sub-processors"), SubProcessorFilterSet, 50))
    reference_loaders.register(ReferenceLoader("compliance", reference.load, order=20))
    task_sources.register(
        queryset_source("assessment.review", _("Duty assessment due for review"), my_assessments, assessment_task, 50)
    )
    task_sources.register(queryset_source("gap.action", _("Remediation action"), my_actions, action_task, 60))
    task_sources.register(
        queryset_source(
            "subprocessor.review", _("Sub-processor review"), my_subprocessor_reviews, subprocessor_task, 70
        )
    )
    task_sources.register(
        queryset_source(
            "subprocessor.objection", _("Objection deadline for a new sub-processor"), my_objections, objection_task, 80
        )
    )
    task_sources.register(
        queryset_source(
            "adequacy.expiry",
            _("An adequacy decision used as a transfer basis ends"),
            my_adequacy_decisions,
            adequacy_task,
            85,
        )
    )
    bench_scenarios.register(bench.scenario)
