"""A reminder as an e-mail: subject and bodies in the recipient's language, times in Oslo."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ..timeutils import OSLO, humanize_duration
from .kinds import DeadlineKind, Due
from .models import Profile


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
            "deadline": formats.date_format(
                timezone.localtime(due.deadline, OSLO), "DATE_FORMAT" if due.all_day else "DATETIME_FORMAT"
            ),
            "state": _describe(due.deadline, now),
            "overdue": due.deadline < now,
            "action": kind.action,
            "url": settings.SITE_URL + due.obj.get_absolute_url(),
            "escalated": threshold.startswith("escalate"),
            "statutory": kind.statutory,
        }
        subject = _("[HP Register] %(state)s: %(kind)s – %(title)s") % {
            "state": context["state"].capitalize(),
            "kind": kind.label,
            "title": due.title,
        }
        return {
            "subject": subject[:300],
            "body_text": render_to_string("emails/reminder.txt", context),
            "body_html": render_to_string("emails/reminder.html", context),
        }
