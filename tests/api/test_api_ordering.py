"""#15: a client chooses the order of a list (`?ordering=`) among its page's sortable columns. Pages follow by
keyset cursors: through ties and blanks, forwards and back, without a row lost or shown twice."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from tests.api.test_api_changes import Api
from tests.api.test_api_registers import LISTS
from tests.factories import make_incident, oslo

pytestmark = pytest.mark.django_db
NOW = oslo(2026, 11, 22, 12, 0)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def incidents():
    """Five breaches: two notified at the same instant (a tie), one earlier, two never (blanks); titles that
    tie too."""
    notified = [oslo(2026, 11, 21, 9, 0), oslo(2026, 11, 21, 9, 0), oslo(2026, 11, 20, 15, 0), None, None]
    titles = ["Brev", "Anna", "Brev", "Anna", "Cecilie"]
    rows = []
    for title, at in zip(titles, notified, strict=True):
        incident = make_incident(title=title)
        Incident.objects.filter(pk=incident.pk).update(first_notified_at=at)
        rows.append(Incident.objects.get(pk=incident.pk))
    return rows


def walk(api, url):
    """Every id of the list, following `next` to the end, then back by `previous` to the start."""
    forward, page = [], api.get(url).json()
    forward += [row["id"] for row in page["results"]]
    while page["next"]:
        page = api.get(page["next"]).json()
        forward += [row["id"] for row in page["results"]]
    backward = [row["id"] for row in page["results"]][::-1]
    while page["previous"]:
        page = api.get(page["previous"]).json()
        backward += [row["id"] for row in page["results"]][::-1]
    return forward, backward[::-1]


def expected(rows, key, descending):
    """Blanks last going up and first going down (PostgreSQL's own order); ties by id, in the key's direction."""

    def sort_key(row):
        value = key(row)
        return (value is None, value if value is not None else 0, row.pk)

    ordered = sorted(rows, key=sort_key)
    return [row.pk for row in (ordered[::-1] if descending else ordered)]


@pytest.mark.parametrize(
    ("ordering", "key", "descending"),
    [
        ("first_notified_at", lambda row: row.first_notified_at, False),
        ("-first_notified_at", lambda row: row.first_notified_at, True),
        ("title", lambda row: row.title, False),
        ("-title", lambda row: row.title, True),
        ("-reference", lambda row: (row.year, row.number), True),
    ],
)
def test_a_client_orders_a_list_by_a_sortable_column_and_pages_through_ties_and_blanks(
    client, alice, incidents, ordering, key, descending
):
    api = Api(client, alice, read_only=True)
    forward, backward = walk(api, f"/api/v1/incidents/?page_size=2&ordering={ordering}")
    assert forward == expected(incidents, key, descending)
    assert backward == forward


def test_the_default_order_is_unchanged_newest_awareness_first(client, alice, incidents):
    Incident.objects.filter(pk=incidents[0].pk).update(aware_at=NOW - dt.timedelta(hours=1))
    api = Api(client, alice, read_only=True)
    forward, backward = walk(api, "/api/v1/incidents/?page_size=2")
    rows = Incident.objects.all()
    assert forward == [row.pk for row in sorted(rows, key=lambda row: (row.aware_at, row.pk), reverse=True)]
    assert backward == forward


@pytest.mark.parametrize("ordering", ["description", "id;drop", "organisations", "-", "title,title"])
def test_an_order_the_page_does_not_offer_is_a_400_beside_the_parameter_in_the_users_language(client, alice, ordering):
    api = Api(client, alice, read_only=True)
    response = api.get(f"/api/v1/incidents/?ordering={ordering}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    message = response.json()["ordering"][0]
    assert "title" in message and "-aware_at" in message  # names what may be chosen
    client.cookies["django_language"] = "nb"
    response = api.get(f"/api/v1/incidents/?ordering={ordering}")
    assert response.status_code == 400 and "Velg" in response.json()["ordering"][0]


def test_a_cursor_that_was_tampered_with_is_a_404_never_a_500(client, alice, incidents):
    api = Api(client, alice, read_only=True)
    following = api.get("/api/v1/incidents/?page_size=2&ordering=first_notified_at").json()["next"]
    for cursor in ("bm9uc2Vuc2U=", "eyJ2IjogWyJub3QgYSBkYXRlIiwgMV19", "%%%"):
        response = api.get(following.split("cursor=")[0] + f"cursor={cursor}")
        assert response.status_code == 404, (cursor, response.content)
    # A cursor made for one order, sent with another, is refused as well: its values are another column's.
    response = api.get(following.replace("ordering=first_notified_at", "ordering=title"))
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert api.get(following).status_code == 200


@pytest.mark.parametrize("url", LISTS + ["/api/v1/incidents/"])
def test_every_list_offers_its_sortable_columns_at_a_constant_query_count(client, alice, incidents, url):
    api = Api(client, alice, read_only=True)
    schema = api.get("/api/v1/schema/?format=json").json()
    path = schema["paths"][url]
    parameter = next(p for p in path["get"]["parameters"] if p["name"] == "ordering")
    choices = parameter["schema"]["enum"]
    assert choices and all(choice.startswith("-") or f"-{choice}" in choices for choice in choices)
    counts = []
    for choice in choices:
        for size in (1, 3):
            with CaptureQueriesContext(connection) as queries:
                response = api.get(f"{url}?page_size={size}&ordering={choice}")
            assert response.status_code == 200, (url, choice, response.content)
            counts.append(len(queries))
    assert len(set(counts)) == 1, (url, counts)
