"""Deadline kinds of internal control: DPIA reviews, the Art. 36 prior consultation, archive hand-overs."""

from django.utils.translation import gettext_lazy as _

from hpregister.reminders import DeadlineKind, Due, horizon_date, register

from .choices import DpiaStatus
from .models import ArchiveSeries, Dpia


def review_due(horizon):
    dpias = Dpia.objects.filter(review_due__lte=horizon_date(horizon)).exclude(status=DpiaStatus.PLANNED)
    for dpia in dpias.select_related("owner"):
        yield Due(
            obj=dpia,
            deadline=dpia.review_deadline,
            all_day=True,
            title=dpia.title,
            organisation_ids={dpia.organisation_id},
            owner=dpia.owner,
        )


def consultation_due(horizon):
    dpias = Dpia.objects.consultation_open().filter(consultation_due_on__lte=horizon_date(horizon))
    for dpia in dpias.select_related("owner"):
        yield Due(
            obj=dpia,
            deadline=dpia.consultation_deadline,
            all_day=True,
            title=dpia.title,
            organisation_ids={dpia.organisation_id},
            owner=dpia.owner,
        )


def archive_due(horizon):
    series = ArchiveSeries.objects.filter(done_on__isnull=True, due_on__lte=horizon_date(horizon))
    for item in series.select_related("responsible"):
        yield Due(
            obj=item,
            deadline=item.deadline,
            all_day=True,
            title=item.name,
            organisation_ids={item.organisation_id},
            owner=item.responsible,
        )


register(
    DeadlineKind(
        name="dpia.review",
        label=_("DPIA due for review"),
        model=Dpia,
        due=review_due,
        current=lambda dpia: dpia.review_deadline if dpia.status != DpiaStatus.PLANNED else None,
        action=_("Review the DPIA: the processing, its risks and measures, and set the next review."),
    )
)
register(
    DeadlineKind(
        name="dpia.consultation",
        label=_("Prior consultation of Datatilsynet (Art. 36)"),
        model=Dpia,
        due=consultation_due,
        current=lambda dpia: dpia.consultation_deadline,
        action=_(
            "The residual risk stays high: consult Datatilsynet before the processing starts, and record its answer."
        ),
        thresholds="-30d, -7d, 0",
        repeat_overdue_days=3,
        escalate_after_days=7,
        statutory=True,
    )
)
register(
    DeadlineKind(
        name="archive.handover",
        label=_("Archive hand-over or disposal due"),
        model=ArchiveSeries,
        due=archive_due,
        current=lambda item: item.deadline,
        action=_("Hand the series over or dispose of it as its regime requires, and record the date."),
        thresholds="-180d, -30d, 0",
    )
)
