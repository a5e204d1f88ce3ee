"""The reminder engine: one sweep for every deadline in the register.

Each app declares its deadline kinds (``register(DeadlineKind(...))`` in its ``reminders.py``). The sweep,
run by Celery beat every few minutes and by ``manage.py sendreminders``, is correct whatever the schedule:

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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .choices import Role
from .emails import claimable, queue_many
from .models import Profile, Reminder, ReminderRule
from .timeutils import OSLO, humanize_duration

OFFSET = re.compile(r"^([+-]?)(\d+)([dhm]?)$")
UNITS = {"d": "days", "h": "hours", "m": "minutes", "": "days"}


def parse_thresholds(text: str) -> list[tuple[str, dt.timedelta]]:
    """'-14d, -3d, 0' -> [('-14d', -14 days), ('-3d', -3 days), ('0', 0)], sorted, earliest first."""
    result = []
    for raw in text.split(","):
        token = raw.strip().replace(" ", "")
        if not token:
            continue
        match = OFFSET.match(token)
        if not match:
            raise ValueError(_("%(token)s is not an offset like -14d, -12h or 0.") % {"token": token})
        sign, amount, unit = match.groups()
        delta = dt.timedelta(**{UNITS[unit]: int(amount)})
        result.append((token if token != "0" else "0", -delta if sign == "-" else delta))
    if not result:
        raise ValueError(_("Give at least one threshold."))
    return sorted(result, key=lambda item: item[1])


@dataclass
class Due:
    """One deadline of one object, as a kind reports it."""

    obj: object
    deadline: dt.datetime
    title: str
    organisation_ids: set[int]
    owner: object | None = None
    extra_recipients: list = field(default_factory=list)


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


def users_with_role(role: str, organisation_ids: Iterable[int]):
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__role=role, memberships__organisation_id__in=list(organisation_ids))
        .exclude(email="")
        .distinct()
    )


def operator_privacy_officers():
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__role=Role.PRIVACY_OFFICER, memberships__organisation__is_operator=True
        )
        .exclude(email="")
        .distinct()
    )


class RoleLookup:
    """users_with_role, remembered for one sweep: many deadlines share an organisation."""

    def __init__(self):
        self.cache: dict[tuple[str, frozenset], list] = {}

    def __call__(self, role: str, organisation_ids) -> list:
        key = (role, frozenset(organisation_ids))
        if key not in self.cache:
            self.cache[key] = list(users_with_role(role, key[1]))
        return self.cache[key]


def recipients_for(due: Due, lookup=None) -> list:
    """The owner, else the privacy officers of the object's organisations; plus any the kind adds."""
    lookup = lookup or RoleLookup()
    people = {}
    if due.owner is not None and due.owner.is_active and due.owner.email:
        people[due.owner.pk] = due.owner
    else:
        for user in lookup(Role.PRIVACY_OFFICER, due.organisation_ids):
            people[user.pk] = user
    for user in due.extra_recipients:
        if user.is_active and user.email:
            people.setdefault(user.pk, user)
    return list(people.values())


def _describe(deadline: dt.datetime, now: dt.datetime) -> str:
    """Honest wording: never 'overdue' for something not yet due."""
    if deadline > now:
        return _("due in %(time)s") % {"time": humanize_duration(deadline - now)}
    if deadline == now:
        return _("due now")
    return _("overdue by %(time)s") % {"time": humanize_duration(now - deadline)}


def render_message(kind: DeadlineKind, due: Due, user, threshold: str, now: dt.datetime, language: str = "") -> dict:
    language = language or Profile.for_user(user).language
    with translation.override(language):
        context = {
            "user": user,
            "kind_label": kind.label,
            "title": due.title,
            "deadline": formats.date_format(timezone.localtime(due.deadline, OSLO), "DATETIME_FORMAT"),
            "state": _describe(due.deadline, now),
            "overdue": due.deadline < now,
            "action": kind.action,
            "url": settings.SITE_URL + due.obj.get_absolute_url(),
            "escalated": threshold.startswith("escalate"),
            "statutory": kind.statutory,
        }
        subject = _("[HP Register] %(state)s: %(title)s") % {"state": context["state"].capitalize(), "title": due.title}
        return {
            "subject": subject[:300],
            "body_text": render_to_string("emails/reminder.txt", context),
            "body_html": render_to_string("emails/reminder.html", context),
        }


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
    from .tasks import deliver_reminder

    lost = now - dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    ids = list(
        claimable(now)
        .exclude(status=Reminder.Status.PENDING, created__gte=lost)  # a fresh row's own task is on its way
        .values_list("pk", flat=True)
    )
    for pk in ids:
        deliver_reminder.delay(pk)
    return len(ids)


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
