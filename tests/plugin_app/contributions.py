import datetime as dt

from hpregister.inbox import horizon_day, responsible
from hpregister.registry import Task
from hpregister.reminders import Due, horizon_date
from hpregister.timeutils import OSLO

from .models import Inspection


def panel(request):
    return {"open": Inspection.objects.visible_to(request.user).filter(done=False).count()}


def search(user, text, limit):
    return list(Inspection.objects.visible_to(user).filter(title__icontains=text)[:limit])


def deadline(inspection) -> dt.datetime:
    return dt.datetime.combine(inspection.due_on, dt.time(9), tzinfo=OSLO)


def due(horizon):
    for inspection in Inspection.objects.filter(done=False, due_on__lte=horizon_date(horizon)):
        yield Due(
            obj=inspection,
            deadline=deadline(inspection),
            title=inspection.title,
            organisation_ids={inspection.organisation_id},
        )


def current(inspection):
    return None if inspection.done else deadline(inspection)


def my_inspections(user, horizon):
    inspections = Inspection.objects.filter(responsible(Inspection, user, "organisation", owner=None), done=False)
    if horizon is not None:
        inspections = inspections.filter(due_on__lte=horizon_day(horizon))
    return inspections.order_by("due_on", "pk")


def task(user, inspection) -> Task:
    return Task(
        deadline=deadline(inspection), title=inspection.title, url=inspection.get_absolute_url(), action="Inspect"
    )
