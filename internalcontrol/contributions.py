"""What internal control contributes to the kernel: tasks, a dashboard card and search."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hpregister.access import Access
from hpregister.filters import search_source
from hpregister.inbox import horizon_day, may_edit, queryset_source, responsible
from hpregister.registry import Panel, Task, dashboard_panels, search_sources, task_sources

from .choices import DpiaStatus
from .filters import DpiaFilterSet, ProcessingActivityFilterSet
from .models import ArchiveSeries, Dpia, ProcessingActivity


def my_reviews(user, horizon):
    dpias = Dpia.objects.exclude(status=DpiaStatus.PLANNED).filter(
        responsible(Dpia, user, "organisation"), review_due__isnull=False
    )
    if horizon is not None:
        dpias = dpias.filter(review_due__lte=horizon_day(horizon))
    return dpias.select_related("organisation").order_by("review_due", "pk")


def review_task(user, dpia) -> Task:
    editable = may_edit(user, [dpia.organisation_id])
    return Task(
        deadline=dpia.review_deadline,
        all_day=True,
        title=dpia.title,
        url=dpia.get_absolute_url(),
        act_url=reverse("internalcontrol:dpia_edit", args=[dpia.pk]) if editable else None,
        action=_("Review the DPIA"),
        organisations=dpia.organisation.name,
    )


def my_consultations(user, horizon):
    dpias = Dpia.objects.consultation_open().filter(responsible(Dpia, user, "organisation"))
    if horizon is not None:
        dpias = dpias.filter(consultation_due_on__lte=horizon_day(horizon))
    return dpias.select_related("organisation").order_by("consultation_due_on", "pk")


def consultation_task(user, dpia) -> Task:
    editable = may_edit(user, [dpia.organisation_id])
    return Task(
        deadline=dpia.consultation_deadline,
        all_day=True,
        title=dpia.title,
        url=dpia.get_absolute_url(),
        act_url=reverse("internalcontrol:dpia_edit", args=[dpia.pk]) if editable else None,
        action=_("Consult Datatilsynet before the processing starts (Art. 36)"),
        organisations=dpia.organisation.name,
    )


def my_series(user, horizon):
    series = ArchiveSeries.objects.filter(done_on__isnull=True, due_on__isnull=False).filter(
        responsible(ArchiveSeries, user, "organisation", owner="responsible")
    )
    if horizon is not None:
        series = series.filter(due_on__lte=horizon_day(horizon))
    return series.select_related("organisation").order_by("due_on", "pk")


def series_task(user, item) -> Task:
    editable = may_edit(user, [item.organisation_id])
    return Task(
        deadline=item.deadline,
        all_day=True,
        title=item.name,
        url=item.get_absolute_url(),
        act_url=reverse("internalcontrol:archiveseries_edit", args=[item.pk]) if editable else None,
        action=_("Hand over or dispose of the archive series"),
        organisations=item.organisation.name,
    )


def status(request) -> dict | None:
    if not Access.for_user(request.user).is_member:
        return None
    today = timezone.localdate()
    return {
        "activities": ProcessingActivity.objects.visible_to(request.user).count(),
        "consultations": Dpia.objects.visible_to(request.user).consultation_open().count(),
        "reviews_overdue": Dpia.objects.visible_to(request.user).filter(review_due__lt=today).count(),
        "archive_due": ArchiveSeries.objects.visible_to(request.user).due_within(365).count(),
    }


def register() -> None:
    dashboard_panels.register(
        Panel("internalcontrol.status", "internalcontrol/panels/status.html", status, order=56, card=True)
    )
    task_sources.register(queryset_source("dpia.review", _("DPIA review"), my_reviews, review_task, 60))
    task_sources.register(
        queryset_source("dpia.consultation", _("Prior consultation"), my_consultations, consultation_task, 61)
    )
    task_sources.register(queryset_source("archive.handover", _("Archive hand-over"), my_series, series_task, 62))
    search_sources.register(
        search_source("internalcontrol.activity", _("Processing activities"), ProcessingActivityFilterSet, 60)
    )
    search_sources.register(search_source("internalcontrol.dpia", _("DPIAs"), DpiaFilterSet, 61))
