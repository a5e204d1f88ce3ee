"""#15: registering a breach through the API goes through the incident page's own form."""

import datetime as dt

import pytest
import time_machine

from hpregister.models import ApiToken, Organisation
from incidents.models import Incident
from tests.factories import oslo

pytestmark = pytest.mark.django_db
NOW = oslo(2026, 11, 22, 12, 0)
LIST = "/api/v1/incidents/"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def post(client, key, body):
    client.cookies["django_language"] = "en"
    return client.post(LIST, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")


def breach(**fields):
    body = {
        "title": "Letter sent to the wrong patient",
        "description": "A discharge letter went to a namesake.",
        "category": "misdirected",
        "breach_confidentiality": True,
        "how_known": "internal",
        "discovered_at": "2026-11-20T09:00:00+01:00",
        "aware_at": "2026-11-20T10:00:00+01:00",
        "organisations": [Organisation.objects.get(name="St. Olavs hospital HF").pk],
    }
    body.update(fields)
    return body


def test_a_full_token_registers_a_breach_with_its_deadline_and_history(client, bob):
    _, key = ApiToken.issue(bob, name="sync", days=1, read_only=False)
    response = post(client, key, breach())
    assert response.status_code == 201, response.content
    row = response.json()
    incident = Incident.objects.get(pk=row["id"])
    assert incident.created_by == bob and incident.aware_at == oslo(2026, 11, 20, 10, 0)
    assert dt.datetime.fromisoformat(row["deadline"]) == oslo(2026, 11, 23, 10, 0)
    assert incident.history.get().history_user == bob
    assert row["reference"] == incident.reference


def test_the_pages_rules_and_messages_come_back_as_json_beside_each_field(client, bob):
    _, key = ApiToken.issue(bob, name="sync", days=1, read_only=False)
    response = post(client, key, breach(title="", aware_at="2026-03-29T02:30:00", discovered_at="tomorrow"))
    assert response.status_code == 400
    errors = response.json()
    assert errors["title"] == ["This field is required."]
    assert "does not exist in Norway" in errors["aware_at"][0]  # the spring gap, as on the page
    assert errors["discovered_at"] == ["Enter a valid date/time."]
    assert not Incident.objects.exists()


def test_nobody_registers_for_an_organisation_they_cannot_record_for(client, carol, mona):
    _, carol_key = ApiToken.issue(carol, name="c", days=1, read_only=False)
    response = post(client, carol_key, breach())
    assert response.status_code == 400 and "organisations" in response.json()
    _, mona_key = ApiToken.issue(mona, name="m", days=1, read_only=False)
    assert post(client, mona_key, breach()).status_code == 403  # a manager reads, records nothing
    _, read_key = ApiToken.issue(carol, name="r", days=1, read_only=True)
    assert post(client, read_key, breach()).status_code == 403
    assert not Incident.objects.exists()
