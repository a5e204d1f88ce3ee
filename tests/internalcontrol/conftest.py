"""Shared fixtures of the internal-control tests: the messages are asserted in English."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """The models' messages directly, and the pages through the language cookie set at each login."""
    with translation.override("en"):
        yield


@pytest.fixture
def login(login):
    def _login(user):
        client = login(user)
        client.cookies["django_language"] = "en"
        return client

    return _login
