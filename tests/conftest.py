"""Personas and the shared test database.

The reference data and the personas are created once per test session; each test runs in a
transaction that is rolled back, so tests can change anything.

Personas:
- alice: privacy officer at Helseplattformen AS (sees and edits everything)
- bob:   privacy officer at St. Olavs hospital HF
- carol: privacy officer at Melhus
- mona:  manager at Helse Midt-Norge RHF and St. Olavs hospital HF (reads, edits nothing)
- nina:  logged in, member of no organisation (sees nothing)
- root:  superuser (administrator)
"""

import datetime as dt
import os

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from hpregister.choices import Role
from hpregister.models import Membership, Organisation

pytest_plugins = ["tests.smtp"]  # smtp_server, smtp_settings: a real SMTP server on 127.0.0.1

PERSONAS = {
    "alice": [("Helseplattformen AS", Role.PRIVACY_OFFICER)],
    "bob": [("St. Olavs hospital HF", Role.PRIVACY_OFFICER)],
    "carol": [("Melhus", Role.PRIVACY_OFFICER)],
    "mona": [("Helse Midt-Norge RHF", Role.MANAGER), ("St. Olavs hospital HF", Role.MANAGER)],
    "nina": [],
}


# The one instant at which the session's shared data (reference data, personas) is created. Tests that
# freeze time freeze at or after it, and the real clock (or faketime's) is later still, so no test sees data
# from its own future, whatever day the suite runs on. Never load shared data with the real clock: a test
# frozen at a fixed instant would then turn red for ever once the real clock passed that instant.
SETUP_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def load_shared_data():
    with time_machine.travel(SETUP_AT, tick=False):
        call_command("loadreference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        create_personas()


def create_personas():
    User = get_user_model()
    for username, memberships in PERSONAS.items():
        user = User.objects.create_user(username, f"{username}@example.test", "x" * 16)
        for organisation, role in memberships:
            Membership.objects.create(user=user, organisation=Organisation.objects.get(name=organisation), role=role)
    User.objects.create_superuser("root", "root@example.test", "x" * 16)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_shared_data()


def _persona(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def alice(db):
    return _persona("alice")


@pytest.fixture
def bob(db):
    return _persona("bob")


@pytest.fixture
def carol(db):
    return _persona("carol")


@pytest.fixture
def mona(db):
    return _persona("mona")


@pytest.fixture
def nina(db):
    return _persona("nina")


@pytest.fixture
def root(db):
    return _persona("root")


@pytest.fixture
def login(client):
    """``login(user)`` returns a client logged in as ``user`` (None: anonymous)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def org():
    return lambda name: Organisation.objects.get(name=name)


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Unit tests run Celery tasks in-process; integration tests use a real worker."""
    from hpregister.celery import app

    eager = request.node.get_closest_marker("integration") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests flush the database afterwards: put the reference data and personas back first."""
    if not Organisation.objects.exists():
        load_shared_data()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the key figures are cached for five minutes)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(when) sweeps the reminders at ``when`` and delivers what it queued; returns the new messages."""
    from django.core import mail

    from hpregister.reminders.sweep import sweep

    def _run(when):
        before = len(mail.outbox)
        with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
            sweep()
        return mail.outbox[before:]

    return _run
