"""A new app plugs in without touching the kernel (issue "One-way kernel"): tests/plugin_app registers a
dashboard panel, a reminder kind, a search source and a task source from its AppConfig.ready(), and each
works."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hpregister.models import Organisation, Reminder
from hpregister.reminders.sweep import sweep
from tests.plugin_app.models import Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection():
    return Inspection.objects.create(
        title="Yearly inspection of the archive room",
        organisation=Organisation.objects.get(name="St. Olavs hospital HF"),
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )


def test_the_kernel_does_not_know_the_plugin():
    kernel = Path(settings.BASE_DIR) / "hpregister"
    assert not [p for p in kernel.rglob("*.py") if "plugin_app" in p.read_text(encoding="utf-8")]


def test_its_panel_is_on_the_dashboard(login, bob, inspection):
    page = login(bob).get(reverse("dashboard"))
    assert 'data-plugin-open="1"' in page.content.decode()
    assert (
        'data-plugin-open="0"'
        in login(  # scoped: Melhus sees none of St. Olavs' inspections
            Organisation.objects.get(name="Melhus").memberships.get().user
        )
        .get(reverse("dashboard"))
        .content.decode()
    )


def test_the_global_search_finds_its_records_for_those_who_may_see_them(login, bob, carol, inspection):
    found = login(bob).get(reverse("search"), {"q": "archive room"}).context["results"]
    assert [(str(g["label"]), g["found"]) for g in found if str(g["label"]) == "Inspections"] == [
        ("Inspections", [inspection])
    ]
    found = login(carol).get(reverse("search"), {"q": "archive room"}).context["results"]
    assert not [g for g in found if str(g["label"]) == "Inspections"]


def test_a_plugins_search_never_receives_characters_no_database_can_store(login, bob, monkeypatch):
    """The kernel cleans the search text before any app's search sees it: PostgreSQL refuses NUL in a query
    (a 500 the fuzz walk found through this test app's plain ``icontains``), so no app should need to know."""
    from types import SimpleNamespace

    from hpregister import views

    asked = []
    source = SimpleNamespace(label="Inspections", search=lambda user, text, limit: asked.append(text) or [])
    monkeypatch.setattr(views, "search_sources", [source])
    assert login(bob).get(reverse("search"), {"q": "arc\x00hive"}).status_code == 200
    assert asked == ["archive"]


def test_its_reminder_kind_reminds_through_the_engine(bob, inspection, django_capture_on_commit_callbacks):
    week_before = timezone.now() + dt.timedelta(days=24)
    with time_machine.travel(week_before, tick=False), django_capture_on_commit_callbacks(execute=True):
        sweep()
    reminder = Reminder.objects.get(kind="plugin.inspection", object_id=inspection.pk)
    assert reminder.email == bob.email and reminder.threshold == "-7d"
    assert reminder.status == Reminder.Status.SENT


def test_its_tasks_are_on_my_tasks_for_the_privacy_officers_of_the_organisation(login, bob, carol, inspection):
    page = login(bob).get(reverse("my_tasks"))
    assert [t.title for t in page.context["inbox"].tasks if t.source == "Inspection"] == [inspection.title]
    page = login(carol).get(reverse("my_tasks"))
    assert not [t for t in page.context["inbox"].tasks if t.source == "Inspection"]
