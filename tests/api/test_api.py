"""#15, first part: the REST API's incidents, personal API tokens, and the OpenAPI schema."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hpregister.choices import SecurityEventKind
from hpregister.models import ApiToken, SecurityEvent
from tests.factories import make_incident, oslo

pytestmark = pytest.mark.django_db
NOW = oslo(2026, 11, 22, 12, 0)
LIST = "/api/v1/incidents/"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def incidents():
    return {
        "stolav": make_incident(title="Journal opened"),
        "melhus": make_incident(organisations=("Melhus",), title="Letter to the wrong address"),
    }


def test_a_token_is_made_on_the_account_page_shown_once_and_stored_hashed(login, bob, incidents):
    client = login(bob)
    page = client.post(
        reverse("account"), {"action": "new_token", "name": "Ticket sync", "days": "30", "read_only": "on"}
    )
    key = page.context["new_key"]
    assert key.startswith("hpr_") and key in page.content.decode()
    token = ApiToken.objects.get(user=bob)
    assert token.key_hash != key and key not in str(token.__dict__.values())
    assert token.expires_at == NOW + dt.timedelta(days=30) and token.read_only
    assert key not in client.get(reverse("account")).content.decode()  # never shown again
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.API_TOKEN_CREATED, user=bob).exists()

    response = client.generic("GET", LIST, **bearer(key))
    assert response.status_code == 200
    client.post(reverse("account"), {"action": "revoke_token", "token": str(token.pk)})
    client.logout()
    client.cookies["django_language"] = "en"  # the API answers in the user's language, bokmål first
    refused = client.get(LIST, **bearer(key))
    assert refused.status_code == 401 and refused["Content-Type"] == "application/json"
    assert "revoked" in json.loads(refused.content)["detail"]


def test_the_token_form_refuses_a_lifetime_past_the_limit_beside_the_field(login, bob, settings):
    settings.API_TOKEN_MAX_DAYS = 365
    page = login(bob).post(reverse("account"), {"action": "new_token", "name": "x", "days": "1000"})
    assert page.context["token_form"].errors["days"] and not ApiToken.objects.exists()


def test_a_token_sees_exactly_what_its_owner_sees(client, bob, carol, incidents):
    _, bob_key = ApiToken.issue(bob, name="b", days=1, read_only=True)
    _, carol_key = ApiToken.issue(carol, name="c", days=1, read_only=True)
    seen = [row["title"] for row in client.get(LIST, **bearer(bob_key)).json()["results"]]
    assert "Journal opened" in seen and "Letter to the wrong address" not in seen
    hidden = reverse("api:incident-detail", args=[incidents["stolav"].pk])
    assert client.get(hidden, **bearer(carol_key)).status_code == 404
    row = client.get(hidden, **bearer(bob_key)).json()
    assert row["reference"] == incidents["stolav"].reference
    # 72 elapsed hours after 20.11 10:00 Oslo, as ISO 8601 with Oslo's offset: one instant either way.
    assert dt.datetime.fromisoformat(row["deadline"]) == oslo(2026, 11, 23, 10, 0)
    assert row["deadline"].endswith("+01:00")


def test_expired_tokens_and_deactivated_owners_are_refused_and_each_use_is_audited(client, bob, incidents):
    token, key = ApiToken.issue(bob, name="b", days=1, read_only=True)
    assert client.get(LIST, **bearer(key)).status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.API_TOKEN_USED, user=bob).count() == 1
    with time_machine.travel(NOW + dt.timedelta(days=1, seconds=1), tick=False):
        assert client.get(LIST, **bearer(key)).status_code == 401
    bob.is_active = False
    bob.save()
    assert client.get(LIST, **bearer(key)).status_code == 401
    assert client.get(LIST, **bearer("hpr_not-a-token")).status_code == 401
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.API_TOKEN_REFUSED).count() == 3


def test_a_read_only_token_cannot_write(client, bob, incidents):
    client.cookies["django_language"] = "en"
    _, read_key = ApiToken.issue(bob, name="r", days=1, read_only=True)
    _, full_key = ApiToken.issue(bob, name="w", days=1, read_only=False)
    response = client.post(LIST, {}, content_type="application/json", **bearer(read_key))
    assert response.status_code == 403 and "read-only" in response.json()["detail"]
    refused = client.post(LIST, {}, content_type="application/json", **bearer(full_key))
    assert refused.status_code == 400 and "title" in refused.json()  # a full token writes; this one is empty


def test_the_list_filters_with_the_incident_lists_filterset_and_errors_are_json(client, bob, incidents):
    _, key = ApiToken.issue(bob, name="b", days=1, read_only=True)
    reference = incidents["stolav"].reference
    found = client.get(LIST, {"q": reference}, **bearer(key)).json()["results"]
    assert [row["reference"] for row in found] == [reference]
    bad = client.get(LIST, {"aware_after": "not a date"}, **bearer(key))
    assert bad.status_code == 400 and "aware_after" in bad.json()


def test_cursor_pages_cost_the_same_whatever_their_size(client, alice):
    for n in range(30):
        make_incident(title=f"Breach {n}", organisations=("St. Olavs hospital HF", "Melhus"))
    _, key = ApiToken.issue(alice, name="a", days=1, read_only=True)
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(LIST, {"page_size": size}, **bearer(key)).json()
        assert len(body["results"]) == size and body["next"]
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    second = client.get(body["next"], **bearer(key)).json()["results"]
    assert not {r["id"] for r in second} & {r["id"] for r in body["results"]}


def test_each_token_is_throttled_on_its_own(client, bob, monkeypatch, incidents):
    from hpregister.apitokens import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api_token": "2/minute"})
    _, first = ApiToken.issue(bob, name="1", days=1, read_only=True)
    _, second = ApiToken.issue(bob, name="2", days=1, read_only=True)
    assert [client.get(LIST, **bearer(first)).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(LIST, **bearer(second)).status_code == 200


def test_the_committed_schema_is_the_one_the_code_serves(tmp_path, login, bob):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--validate", "--file", str(generated))
    committed = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
    assert generated.read_text() == committed.read_text(), (
        "run: manage.py spectacular --lang en --file docs/openapi.yaml"
    )
    served = login(bob).get(reverse("api:schema"), {"format": "json"})
    assert served.status_code == 200 and "/api/v1/incidents/" in served.json()["paths"]
    assert login(bob).get(reverse("api:docs")).status_code == 200


def test_the_schema_links_a_record_to_its_transitions_and_a_new_part_to_itself(login, bob):
    """OpenAPI links let a client (and schemathesis's stateful phase) chain a new or listed record to what is
    done with it: a breach to its close, withdraw and notifications, a new measure to its change."""
    paths = login(bob).get(reverse("api:schema"), {"format": "json"}).json()["paths"]
    created = paths["/api/v1/incidents/"]["post"]["responses"]["201"]["links"]
    assert created["incidents_close_create"] == {
        "operationId": "incidents_close_create",
        "parameters": {"id": "$response.body#/id"},
    }
    assert {"incidents_withdraw_create", "incidents_notifications_create", "incidents_retrieve"} <= set(created)
    listed = paths["/api/v1/top10-periods/"]["get"]["responses"]["200"]["links"]
    assert listed["top10_periods_approve_create"]["parameters"] == {"id": "$response.body#/results/0/id"}
    measure = paths["/api/v1/risks/{id}/measures/"]["post"]["responses"]["201"]["links"]
    assert measure["risks_measures_partial_update"]["parameters"] == {
        "id": "$request.path.id",
        "measure_pk": "$response.body#/id",
    }
    # A link names only operations that exist, with every path parameter they take.
    operations = {
        operation["operationId"]: path
        for path, item in paths.items()
        for operation in item.values()
        if "operationId" in operation
    }
    for item in paths.values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                for target in response.get("links", {}).values():
                    path = operations[target["operationId"]]
                    assert set(target["parameters"]) == set(re.findall(r"\{(\w+)\}", path)), target


def test_the_schema_is_built_once_per_language_not_on_every_request(login, bob, monkeypatch):
    """It changes only with the code, and building it takes a third of a second: each process builds it once
    per language it serves. A language or version the register does not have is answered, never kept."""
    from drf_spectacular.generators import SchemaGenerator

    from api.schema_view import SchemaView

    SchemaView.built.clear()
    builds = []
    build = SchemaGenerator.get_schema
    monkeypatch.setattr(SchemaGenerator, "get_schema", lambda self, **kw: builds.append(1) or build(self, **kw))
    client = login(bob)
    url = reverse("api:schema")
    english = [client.get(url, {"format": "json", "lang": "en"}).json() for _ in range(3)]
    assert len(builds) == 1 and english[0] == english[2]
    bokmal = client.get(url, {"format": "json", "lang": "nb"}).json()
    assert len(builds) == 2 and bokmal != english[0]  # the help texts are in the language asked for
    assert client.get(url, {"format": "json"}).json() == bokmal  # bokmål first
    assert len(builds) == 2
    for odd in ({"lang": "xx-\x00"}, {"version": "9"}):
        assert client.get(url, {"format": "json", **odd}).status_code == 200
    assert len(builds) == 4 and len(SchemaView.built) == 2  # answered, not kept
    assert client.get(url, {"format": "yaml", "lang": "en"}).content.startswith(b"openapi: 3")


def test_an_administrator_revokes_a_token_in_the_admin(client, login, root, bob, incidents):
    token, key = ApiToken.issue(bob, name="leaked", days=30, read_only=True)
    admin = login(root)
    changelist = reverse("admin:hpregister_apitoken_changelist")
    assert "leaked" in admin.get(changelist).content.decode()
    admin.post(changelist, {"action": "revoke", "_selected_action": [str(token.pk)]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    admin.logout()
    assert client.get(LIST, **bearer(key)).status_code == 401
