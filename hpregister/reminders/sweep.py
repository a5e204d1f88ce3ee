"""The sweep: what is due now, rendered once, recorded in the ledger and handed to a channel.

It runs from Celery beat every few minutes and from ``manage.py sendreminders``, and is correct whatever
the schedule:

- it selects what is due within the longest lead time (an indexed range query per kind: the cost follows
  the due rows, not the table);
- for each object it picks the *most urgent* threshold reached now, so after an outage of days it sends one
  catch-up reminder, not a burst of stale ones;
- the ledger row is unique on (object, kind, deadline, threshold, recipient): running twice, or two
  workers at once, sends once;
- delivery re-checks the object: a moved deadline, a finished task or a closed object cancels what is no
  longer due.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ..choices import Role
from .channels import claimable, dispatch, queue_many
from .kinds import REGISTRY, current_threshold
from .models import Profile, Reminder
from .recipients import RoleLookup, recipients_for
from .render import render_message
from .thresholds import parse_thresholds


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Queue what is due now. Safe to run at any time, any number of times, on any number of workers.

    Its cost follows the due rows: one range query per kind, one query per 500 ledger keys already
    present, rendering only for the messages that are new, and one INSERT per 500 of them.
    """
    now = now or timezone.now()
    queued = {}
    profiles: dict[int, Profile] = {}
    lookup = RoleLookup()

    def profile(user) -> Profile:
        if user.pk not in profiles:
            profiles[user.pk] = Profile.for_user(user)
        return profiles[user.pk]

    for kind in REGISTRY.values():
        rule = kind.rule()
        queued[kind.name] = 0
        if not rule.enabled:
            continue
        earliest = parse_thresholds(rule.thresholds)[0][1]
        horizon = now - earliest  # a deadline this far ahead has reached its first threshold
        content_type = ContentType.objects.get_for_model(kind.model)
        candidates = []
        for due in kind.due(horizon):
            threshold = current_threshold(rule, due.deadline, now)
            if threshold is None:
                continue
            targets = [(user, threshold) for user in recipients_for(due, lookup)]
            escalate = rule.escalate_after_days
            if escalate is not None and now >= due.deadline + dt.timedelta(days=escalate):
                steps = (now - due.deadline) // dt.timedelta(days=escalate)
                targets += [(user, f"escalate-{steps}") for user in lookup(Role.MANAGER, due.organisation_ids)]
            for user, label in targets:
                key = Reminder.make_key(
                    content_type_id=content_type.pk,
                    object_id=due.obj.pk,
                    kind=kind.name,
                    deadline=due.deadline,
                    threshold=label,
                    email=user.email,
                )
                candidates.append((key, due, user, label))
        existing = set()
        keys = [c[0] for c in candidates]
        for start in range(0, len(keys), 500):
            existing.update(Reminder.objects.filter(key__in=keys[start : start + 500]).values_list("key", flat=True))
        new = []
        for key, due, user, label in candidates:
            if key in existing or (not kind.statutory and not profile(user).reminders_enabled):
                continue
            message = render_message(kind, due, user, label, now, language=profile(user).language)
            new.append(
                Reminder(
                    key=key,
                    email=user.email,
                    recipient=user,
                    content_type=content_type,
                    object_id=due.obj.pk,
                    kind=kind.name,
                    deadline=due.deadline,
                    threshold=label,
                    **message,
                )
            )
        queued[kind.name] = queue_many(new)
    retry_undelivered(now)
    return queued


def retry_undelivered(now: dt.datetime) -> int:
    """Queue again what no worker is sending: failed rows whose wait is over, rows whose worker died
    mid-send (the claim's lease ran out), and pending rows whose task was lost (the broker was down).
    Delivery claims each row again, so a row queued twice is still sent once."""
    lost = now - dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    ids = list(
        claimable(now)
        .exclude(status=Reminder.Status.PENDING, created__gte=lost)  # a fresh row's own task is on its way
        .values_list("pk", flat=True)
    )
    dispatch(ids)
    return len(ids)
