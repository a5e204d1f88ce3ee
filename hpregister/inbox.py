"""My tasks: what is due for one user across every register, gathered from the task sources the apps
register (``hpregister.registry.task_sources``).

A task is mine when the reminder for it would come to me: I own it, or nobody (active) owns it and I am a
privacy officer of its organisation. Register-wide records (sub-processors, their notices) and the
72-hour clocks also belong to the operator's privacy officers, as their reminders do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db.models import Q
from django.utils import timezone

from .access import Access, in_organisations
from .choices import Role
from .registry import Task, TaskSource, task_sources
from .timeutils import OSLO

HORIZONS = {"7": 7, "30": 30, "90": 90, "all": None}
DEFAULT_HORIZON = "30"


def privacy_officer_organisations(user) -> frozenset[int]:
    """The organisations where the user is a privacy officer (their own memberships, not the operator's
    view of everything): the organisations whose unowned tasks are theirs."""
    access = Access.for_user(user)
    return frozenset(org for org, roles in access.roles.items() if Role.PRIVACY_OFFICER in roles)


def is_operator_privacy_officer(user) -> bool:
    return Role.PRIVACY_OFFICER in Access.for_user(user).operator_roles


def responsible(model, user, organisation_path: str | None, owner: str | None = "owner") -> Q:
    """A filter for ``model``'s records that are ``user``'s to act on: owned by the user, or without an
    active owner and in an organisation where the user is a privacy officer. ``organisation_path`` None
    marks a register-wide record, which falls to the operator's privacy officers."""
    nothing, everything = Q(pk__in=[]), Q(pk__isnull=False)  # (an empty Q() vanishes when combined)
    mine = Q(**{owner: user}) if owner else nothing
    unowned = (Q(**{f"{owner}__isnull": True}) | Q(**{f"{owner}__is_active": False})) if owner else everything
    if organisation_path is None:
        if is_operator_privacy_officer(user):
            mine |= unowned
        return mine
    organisations = privacy_officer_organisations(user)
    if not organisations:
        return mine
    # Across a many-to-many, a correlated EXISTS checked only on the rows the deadline index yields.
    return mine | (unowned & in_organisations(model, organisation_path, organisations))


def may_edit(user, organisation_ids) -> bool:
    """Whether the user may change a record of these organisations (so the task links to its form)."""
    editable = Access.for_user(user).editable_organisation_ids()
    return editable is None or bool(editable & set(organisation_ids))


def queryset_source(
    name: str,
    label,
    mine: Callable,
    task: Callable,
    order: int = 100,
) -> TaskSource:
    """A task source over a queryset: ``mine(user, horizon)`` returns the user's open records due by
    ``horizon`` (None: any time), ordered by deadline; ``task(user, record)`` makes its row. Two queries:
    the first ``limit`` rows, and a count only when there may be more."""

    def tasks(user, horizon, limit):
        queryset = mine(user, horizon)
        rows = list(queryset[:limit])
        count = len(rows) if len(rows) < limit else queryset.count()
        return count, [task(user, record) for record in rows]

    return TaskSource(name, label, tasks, order)


def horizon_day(horizon: dt.datetime | None) -> dt.date | None:
    """The last due date (Oslo) within the horizon, for date-only deadlines."""
    return timezone.localtime(horizon, OSLO).date() if horizon else None


def is_overdue(task: Task, now: dt.datetime, today: dt.date) -> bool:
    """A timed deadline is overdue once it has passed; a due date only from the day after (a measure due
    today is still on time today)."""
    if task.all_day:
        return timezone.localtime(task.deadline, OSLO).date() < today
    return task.deadline < now


@dataclass
class Inbox:
    tasks: list[Task]
    counts: list[tuple[TaskSource, int]]
    total: int
    overdue: int
    shown_limit: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.tasks)


def my_tasks(user, horizon_days: int | None = 30, limit: int = 200, only: str | None = None, now=None) -> Inbox:
    """Every source's tasks for ``user`` due within ``horizon_days`` (overdue ones always), merged and
    sorted by deadline, so the overdue come first; at most ``limit`` rows, with the full counts."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=horizon_days) if horizon_days is not None else None
    today = timezone.localtime(now, OSLO).date()
    rows: list[Task] = []
    counts = []
    for source in task_sources:
        if only and source.name != only:
            continue
        count, tasks = source.tasks(user, horizon, limit)
        counts.append((source, count))
        rows.extend(replace(task, source=source.label, overdue=is_overdue(task, now, today)) for task in tasks)
    rows.sort(key=lambda task: (task.deadline, task.title))
    overdue = sum(1 for task in rows if task.overdue)
    return Inbox(
        tasks=rows[:limit],
        counts=counts,
        total=sum(count for _source, count in counts),
        overdue=overdue,
        shown_limit=limit,
    )


PANEL_ROWS = 5


def tasks_panel(request) -> dict | None:
    """The dashboard's "My tasks": the first few due within 30 days, for anyone who belongs somewhere."""
    if not Access.for_user(request.user).is_member:
        return None
    return {"inbox": my_tasks(request.user, HORIZONS[DEFAULT_HORIZON], limit=PANEL_ROWS)}
