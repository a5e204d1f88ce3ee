"""Double submits and races on PostgreSQL, with real threads (issue "Trust", section 2): eight officers'
browsers posting at once create one initial notification, one withdrawal, one incident per form."""

import threading
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from hpregister.models import Organisation
from incidents.choices import IncidentStatus, Phase
from incidents.models import Incident, Notification
from tests.factories import assessed, make_incident
from tests.incidents.test_workflow import incident_post_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
BROWSERS = 8


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("These tests need PostgreSQL: set DATABASE_URL (see .ci/run).")


def at_once(url, data) -> list[int]:
    """POST ``data`` to ``url`` from BROWSERS logged-in clients released together; their status codes."""
    bob = get_user_model().objects.get(username="bob")
    clients = []
    for _ in range(BROWSERS):
        client = Client()
        client.force_login(bob)
        clients.append(client)
    barrier = threading.Barrier(BROWSERS)
    statuses, errors = [], []

    def post(client):
        try:
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return statuses


def test_eight_concurrent_initial_notifications_record_one():
    incident = assessed(make_incident())
    url = reverse("incidents:notification_add", args=[incident.pk])
    statuses = at_once(url, {"phase": Phase.INITIAL, "channel": "altinn", "sent_at_0": "2026-11-20T12:00"})
    assert Notification.objects.filter(incident=incident, phase=Phase.INITIAL).count() == 1
    assert sorted(statuses).count(302) >= 1 and set(statuses) <= {200, 302}  # the others: a form error


def test_eight_concurrent_withdrawals_withdraw_once():
    incident = assessed(make_incident())
    statuses = at_once(reverse("incidents:incident_withdraw", args=[incident.pk]), {"reason": "Registered twice"})
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.WITHDRAWN
    assert incident.history.filter(history_change_reason="Withdrawn").count() == 1
    assert set(statuses) <= {200, 302}


def test_a_double_clicked_add_form_creates_one_incident_and_leads_every_click_to_it():
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    token = str(uuid.uuid4())
    data = {**incident_post_data(stolav.pk, title=f"Double click {token}"), "_form_token": token}
    statuses = at_once(reverse("incidents:incident_add"), data)
    made = Incident.objects.filter(title=f"Double click {token}")
    assert made.count() == 1 and statuses == [302] * BROWSERS
