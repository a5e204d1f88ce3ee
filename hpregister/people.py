"""People as users read them: by full name, never by user name where a name is known."""

from __future__ import annotations


def person(user) -> str:
    """The user's full name, else the user name (a service account, or a user without a name yet)."""
    return user.get_full_name().strip() or user.get_username()
