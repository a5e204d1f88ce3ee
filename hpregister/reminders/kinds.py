"""The kinds of deadline the apps declare, and what is due under a rule.

Each app registers its kinds from its ``AppConfig.ready()`` (``register(DeadlineKind(...))``); the engine
only ever iterates over ``REGISTRY``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from ..timeutils import OSLO
from .models import Reminder, ReminderRule
from .thresholds import parse_thresholds


@dataclass
class Due:
    """One deadline of one object, as a kind reports it."""

    obj: object
    deadline: dt.datetime
    title: str
    organisation_ids: set[int]
    owner: object | None = None
    extra_recipients: list = field(default_factory=list)
    all_day: bool = False  # a due date, not a time: shown as a date, an all-day calendar event


@dataclass
class DeadlineKind:
    name: str
    label: str
    model: type
    due: Callable[[dt.datetime], Iterable[Due]]  # objects still open with a deadline <= horizon
    current: Callable[[object], dt.datetime | None]  # the object's deadline now; None once done or closed
    action: str  # what the recipient should do
    thresholds: str = "-14d, -3d, 0"
    repeat_overdue_days: int = 7
    escalate_after_days: int | None = 14
    statutory: bool = False  # the law requires it: nobody can turn it off

    def rule(self) -> ReminderRule:
        rule, _created = ReminderRule.objects.get_or_create(
            kind=self.name,
            defaults={
                "thresholds": self.thresholds,
                "repeat_overdue_days": self.repeat_overdue_days,
                "escalate_after_days": self.escalate_after_days,
            },
        )
        return rule


REGISTRY: dict[str, DeadlineKind] = {}


def register(kind: DeadlineKind) -> DeadlineKind:
    REGISTRY[kind.name] = kind
    return kind


def horizon_date(horizon: dt.datetime) -> dt.date:
    return timezone.localtime(horizon, OSLO).date()


def current_threshold(rule: ReminderRule, deadline: dt.datetime, now: dt.datetime) -> str | None:
    """The most urgent threshold reached at ``now`` (one label), or None if none is reached yet."""
    reached = [label for label, offset in parse_thresholds(rule.thresholds) if deadline + offset <= now]
    if rule.repeat_overdue_days and now >= deadline + dt.timedelta(days=rule.repeat_overdue_days):
        steps = (now - deadline) // dt.timedelta(days=rule.repeat_overdue_days)
        return f"+{steps * rule.repeat_overdue_days}d"
    return reached[-1] if reached else None


def still_due(reminder: Reminder) -> bool:
    """At delivery: is the reminder's deadline still the object's deadline, and the object still open?"""
    kind = REGISTRY.get(reminder.kind)
    if kind is None or reminder.content_type_id is None:
        return True  # not a deadline reminder (a digest, a one-off message)
    obj = kind.model._base_manager.filter(pk=reminder.object_id).first()
    if obj is None:
        return False
    current = kind.current(obj)
    return current is not None and current == reminder.deadline
