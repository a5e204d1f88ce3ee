"""Who receives a reminder: the owner, else the organisation's privacy officers; managers on escalation."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from ..choices import Role
from .kinds import Due


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
