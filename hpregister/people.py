"""People as users read them: by full name, never by user name where a name is known."""

from __future__ import annotations


def person(user) -> str:
    """The user's full name, else the user name (a service account, or a user without a name yet)."""
    return user.get_full_name().strip() or user.get_username()


def people(organisations=None):
    """Active members of ``organisations`` (None: of every organisation): the owners their records can have."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    if organisations is not None:
        users = users.filter(memberships__organisation__in=organisations).distinct()
    return users.order_by("first_name", "username")
