"""Deadline kinds of the compliance register."""

from django.utils.translation import gettext_lazy as _

from hpregister.models import Organisation
from hpregister.reminders import DeadlineKind, Due, date_deadline, horizon_date, register

from .choices import SubProcessorStatus
from .models import SubProcessor

ACTIVE = [SubProcessorStatus.APPROVED, SubProcessorStatus.PROPOSED]


def review_due(horizon):
    operators = set(Organisation.objects.filter(is_operator=True).values_list("pk", flat=True))
    for sub in SubProcessor.objects.filter(status__in=ACTIVE, next_review__lte=horizon_date(horizon)):
        yield Due(obj=sub, deadline=date_deadline(sub.next_review), title=sub.name, organisation_ids=operators)


def review_current(sub):
    return date_deadline(sub.next_review) if sub.next_review and sub.status in ACTIVE else None


register(
    DeadlineKind(
        name="subprocessor.review",
        label=_("Sub-processor review"),
        model=SubProcessor,
        due=review_due,
        current=review_current,
        action=_("Review the sub-processor's transfer basis and agreement, and set the next review date."),
    )
)
