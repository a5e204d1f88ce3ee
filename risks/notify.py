"""Messages between the privacy officer who prepares a top-10 list and the managers who approve it.

Each goes through the reminder ledger (``queue_mail``): recorded once, sent after commit, retried by the
engine if the mail server is away. Each recipient reads it in their own language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext as _

from hpregister.choices import Role
from hpregister.people import person
from hpregister.reminders.channels import queue_mail
from hpregister.reminders.models import Profile
from hpregister.reminders.recipients import users_with_role

SUBJECTS = {
    "submitted": lambda p: _("[HP Register] The top-10 list %(period)s is waiting for your approval") % {"period": p},
    "approved": lambda p: _("[HP Register] The top-10 list %(period)s is approved") % {"period": p},
    "rejected": lambda p: _("[HP Register] The top-10 list %(period)s was sent back") % {"period": p},
}


def recipients(period, event: str) -> list:
    """Submitted: the organisation's managers. Approved or sent back: its privacy officers and whoever
    submitted it."""
    if event == "submitted":
        return list(users_with_role(Role.MANAGER, {period.organisation_id}))
    people = {u.pk: u for u in users_with_role(Role.PRIVACY_OFFICER, {period.organisation_id})}
    if period.submitted_by is not None and period.submitted_by.is_active and period.submitted_by.email:
        people.setdefault(period.submitted_by.pk, period.submitted_by)
    return list(people.values())


def notify(period, event: str, *, actor, when) -> int:
    """Tell the other side what happened to the list; returns how many messages were queued."""
    content_type = ContentType.objects.get_for_model(period)
    url = settings.SITE_URL + period.get_absolute_url()
    queued = 0
    for user in recipients(period, event):
        if user.pk == actor.pk:
            continue
        with translation.override(Profile.for_user(user).language):
            lines = [
                _("Hello %(name)s,") % {"name": person(user)},
                "",
                SUBJECTS[event](period).removeprefix("[HP Register] ") + ".",
                _("By %(person)s.") % {"person": person(actor)},
            ]
            if event == "rejected":
                lines += ["", _("Comment: %(comment)s") % {"comment": period.review_comment}]
            lines += ["", url]
            message = queue_mail(
                email=user.email,
                subject=SUBJECTS[event](period),
                body_text="\n".join(lines) + "\n",
                recipient=user,
                content_type=content_type,
                object_id=period.pk,
                kind=f"period.{event}",
                deadline=when,
            )
        queued += message is not None
    return queued


# The top-10 list's transitions with the messages they send: the pages and the API call these (one code path).


def submit_period(period, *, user) -> None:
    period.submit(user=user)
    notify(period, "submitted", actor=user, when=period.submitted_at)


def approve_period(period, *, user) -> None:
    period.approve(user=user)
    notify(period, "approved", actor=user, when=period.approved_at)


def reject_period(period, *, user, comment: str) -> None:
    period.reject(user=user, comment=comment)
    notify(period, "rejected", actor=user, when=period.rejected_at)
