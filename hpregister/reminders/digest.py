"""The weekly digest and the calendar feed: each user's deadlines across every kind."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ..timeutils import OSLO, humanize_duration
from .channels import queue_mail
from .kinds import REGISTRY
from .models import Profile
from .recipients import RoleLookup, recipients_for

DIGEST_DAYS = 14


def deadlines_by_user(now: dt.datetime, days: int = DIGEST_DAYS) -> dict[int, list[dict]]:
    """{user id: [{kind, title, deadline, url, overdue}]} for deadlines up to ``days`` ahead, overdue ones included."""
    horizon = now + dt.timedelta(days=days)
    items = defaultdict(list)
    lookup = RoleLookup()
    for kind in REGISTRY.values():
        for due in kind.due(horizon):
            item = {
                "kind": kind.name,
                "kind_label": kind.label,
                "title": due.title,
                "deadline": due.deadline,
                "url": settings.SITE_URL + due.obj.get_absolute_url(),
                "uid": f"{kind.name}-{due.obj.pk}@hpregister",
                "overdue": due.deadline < now,
                "all_day": due.all_day,
            }
            for user in recipients_for(due, lookup):
                items[user.pk].append(item)
    for user_items in items.values():
        user_items.sort(key=lambda i: i["deadline"])
    return items


def send_digests(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    week_start = timezone.localtime(now, OSLO).replace(hour=0, minute=0, second=0, microsecond=0)
    week_start -= dt.timedelta(days=week_start.weekday())
    by_user = deadlines_by_user(now)
    sent = 0
    users = get_user_model().objects.filter(pk__in=by_user, is_active=True).exclude(email="")
    for user in users:
        profile = Profile.for_user(user)
        if not profile.digest_enabled:
            continue
        items = by_user[user.pk]
        with translation.override(profile.language):
            for item in items:
                item["when"] = formats.date_format(
                    timezone.localtime(item["deadline"], OSLO), "DATE_FORMAT" if item["all_day"] else "DATETIME_FORMAT"
                )
                delta = humanize_duration(item["deadline"] - now)
                item["state"] = (_("overdue by %(time)s") if item["overdue"] else _("due in %(time)s")) % {
                    "time": delta
                }
            context = {
                "user": user,
                "overdue": [i for i in items if i["overdue"]],
                "upcoming": [i for i in items if not i["overdue"]],
                "days": DIGEST_DAYS,
                "settings_url": settings.SITE_URL + "/account/",
            }
            subject = _("[HP Register] Your deadlines this week: %(overdue)d overdue, %(upcoming)d coming") % {
                "overdue": len(context["overdue"]),
                "upcoming": len(context["upcoming"]),
            }
            if queue_mail(
                email=user.email,
                recipient=user,
                kind="digest",
                deadline=week_start,
                threshold="weekly",
                subject=subject,
                body_text=render_to_string("emails/digest.txt", context),
                body_html=render_to_string("emails/digest.html", context),
            ):
                sent += 1
    return sent
