"""Events: what happened in the register, for whatever listens (the webhooks app today).

The apps declare their kinds of event in ``event_kinds`` and publish them; the kernel knows no app and no
listener. Two sorts:

- *instant* events, published by the app where the thing happens (``publish("incident.registered", obj)``),
  delivered once the transaction commits, so a rolled-back save announces nothing;
- *deadline* events, which nobody's action triggers: a deadline of the reminder engine's kinds coming
  ``lead`` closer (the 72-hour clock 12 hours before) or passing. ``deadline_events(now)`` finds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import models, transaction
from django.dispatch import Signal

from .registry import Registry
from .reminders.kinds import REGISTRY as DEADLINE_KINDS
from .reminders.kinds import DeadlineKind


@dataclass(frozen=True)
class EventKind:
    name: str  # "incident.registered": the name subscribers choose and the payload carries
    label: str
    order: int = 100
    # A deadline event: which of the reminder engine's kinds, and how long before their deadline (0: passed).
    deadlines: Callable[[DeadlineKind], bool] | None = None
    lead: dt.timedelta = dt.timedelta(0)


event_kinds: Registry[EventKind] = Registry("event kind")


@dataclass
class Event:
    kind: str
    obj: models.Model
    organisation_ids: set[int] | None  # None: register-wide (a sub-processor notice concerns everyone)
    key: str  # the same key twice is the same event (a delivery is made once per subscriber)
    deadline: dt.datetime | None = None


# sent with ``event=Event`` after the publishing transaction commits
occurred = Signal()


def organisation_ids_of(obj) -> set[int] | None:
    """The organisations a record belongs to, through its model's ``organisation_path``."""
    path = getattr(type(obj), "organisation_path", None)
    if path is None:
        return None
    lookup = f"{path}__pk" if path else "pk"
    ids = type(obj)._base_manager.filter(pk=obj.pk).values_list(lookup, flat=True)
    return {i for i in ids if i is not None}


def publish(kind: str, obj, *, key: str | None = None, deadline: dt.datetime | None = None) -> None:
    """Announce ``kind`` of ``obj`` once the current transaction commits (at once outside one). The
    organisations are read then, so a record saved with its organisations after it is announced with them."""

    def send():
        event = Event(kind, obj, organisation_ids_of(obj), key or f"{kind}:{obj._meta.label_lower}:{obj.pk}", deadline)
        occurred.send(sender=kind, event=event)

    transaction.on_commit(send)


def deadline_events(now: dt.datetime, window: dt.timedelta) -> Iterator[Event]:
    """The deadline events whose moment (a deadline minus its lead) fell within ``window`` before ``now``.
    Only open objects are reported (the kinds' own ``due``), so a breach notified in time has no "passed"."""
    for event_kind in event_kinds:
        if event_kind.deadlines is None:
            continue
        for deadline_kind in list(DEADLINE_KINDS.values()):
            if not event_kind.deadlines(deadline_kind):
                continue
            for due in deadline_kind.due(now + event_kind.lead):
                moment = due.deadline - event_kind.lead
                if now - window < moment <= now:
                    obj = due.obj
                    yield Event(
                        event_kind.name,
                        obj,
                        set(due.organisation_ids),
                        f"{event_kind.name}:{obj._meta.label_lower}:{obj.pk}:{due.deadline.isoformat()}",
                        due.deadline,
                    )
