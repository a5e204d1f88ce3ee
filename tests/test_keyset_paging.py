"""Deep pages cost what the first does (#18): Next and Previous carry a cursor, and such a page seeks to it in
the index instead of counting past every earlier row. Walking a list with them gives every row once, in
order, both ways, whatever the sort; a cursor that does not verify falls back to the page number."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.choices import IncidentCategory
from tests.factories import make_incident, oslo
from tests.test_views import LISTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def breaches():
    """23 breaches with repeated titles and awareness times, so the sorts have ties to break."""
    made = []
    for n in range(23):
        made.append(make_incident(title=f"Brudd {n % 4}", aware_at=oslo(2026, 3, 1 + n % 5, 9, 0)))
    return made


def link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a [^>]*href="([^"]+)"[^>]*rel="{rel}"', html)
    return unescape(match.group(1)) if match else None


def page_titles(response):
    return [row.record.pk for row in response.context["table"].page.object_list]


def keys_sql(queries) -> list[str]:
    """The statements that read a page's keys of incidents."""
    return [q["sql"] for q in queries if q["sql"].startswith('SELECT "incidents_incident"."id" AS "pk" FROM')]


def walk(client, first_url, rel):
    url, seen, pages = first_url, [], 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        keys = page_titles(response)
        seen.extend(keys if rel == "next" else keys[::-1])
        nxt = link(response.content.decode(), rel)
        url = None if nxt is None else reverse("incidents:incident_list") + nxt
        pages += 1
        assert pages < 20
    return seen


@pytest.mark.parametrize("sort", ["", "title", "-title", "aware_at", "reference", "-reference", "-status"])
def test_next_and_previous_walk_every_row_once_in_order(sort, login, alice, breaches):
    client = login(alice)
    base = reverse("incidents:incident_list")
    everything = client.get(base, {"sort": sort, "per_page": 100})
    expected = page_titles(everything)
    assert len(expected) == 23
    forward = walk(client, f"{base}?sort={sort}&per_page=5", "next")
    assert forward == expected
    last = client.get(base, {"sort": sort, "per_page": 5, "page": 5})
    backward = walk(client, f"{base}?sort={sort}&per_page=5&page=5", "prev")
    assert last.status_code == 200 and backward == expected[::-1]


def test_a_page_reached_by_its_cursor_seeks_instead_of_skipping_rows(login, alice, breaches):
    client = login(alice)
    base = reverse("incidents:incident_list")
    second = link(client.get(base, {"sort": "title", "per_page": 5}).content.decode(), "next")
    assert "after=" in second
    with CaptureQueriesContext(connection) as queries:
        assert client.get(base + second).status_code == 200
    keys = keys_sql(queries)
    assert len(keys) == 1 and "OFFSET" not in keys[0].upper(), keys
    with CaptureQueriesContext(connection) as queries:
        assert client.get(base, {"sort": "title", "per_page": 5, "page": 2}).status_code == 200
    keys = keys_sql(queries)
    assert "OFFSET" in keys[0].upper()  # chosen by number: the same rows, found by counting


@pytest.mark.parametrize("cursor", ["nonsense", "W10:1abc:xyz", "", "%00"])
def test_a_cursor_that_does_not_verify_falls_back_to_the_page_number(cursor, login, alice, breaches):
    client = login(alice)
    base = reverse("incidents:incident_list")
    numbered = page_titles(client.get(base, {"sort": "title", "per_page": 5, "page": 2}))
    for direction in ("after", "before"):
        response = client.get(base, {"sort": "title", "per_page": 5, "page": 2, direction: cursor})
        assert response.status_code == 200 and page_titles(response) == numbered


def test_a_sort_on_a_column_that_can_be_empty_pages_by_number(login, alice, breaches):
    client = login(alice)
    base = reverse("incidents:incident_list")
    response = client.get(base, {"sort": "first_notified_at", "per_page": 5})
    assert "after=" not in (link(response.content.decode(), "next") or "")
    assert walk(client, f"{base}?sort=first_notified_at&per_page=5", "next") == page_titles(
        client.get(base, {"sort": "first_notified_at", "per_page": 100})
    )


@pytest.mark.parametrize("error", [+12, -8])
@pytest.mark.parametrize("sort", ["", "title", "first_notified_at"])
def test_an_estimated_count_neither_ends_the_list_early_nor_shows_empty_pages(
    error, sort, login, alice, breaches, settings, monkeypatch
):
    """Past LIST_EXACT_COUNT_LIMIT the count is PostgreSQL's estimate, which can be off either way. The Last
    link of an estimate too high showed an empty page (a one-organisation officer at 100 000 incidents: three
    of them), and Next stopped at the last page of an estimate too low. A page knows from its keys whether
    rows follow it."""
    settings.LIST_EXACT_COUNT_LIMIT = 5
    monkeypatch.setattr("hpregister.tables.paging.estimated_count", lambda queryset: 23 + error)
    client = login(alice)
    base = reverse("incidents:incident_list")
    first = client.get(base, {"sort": sort, "per_page": 5})
    paginator = first.context["table"].paginator
    assert paginator.estimated and paginator.num_pages == (23 + error + 4) // 5
    expected = page_titles(client.get(base, {"sort": sort, "per_page": 100}))
    assert len(expected) == 23

    assert walk(client, f"{base}?sort={sort}&per_page=5", "next") == expected  # no empty page, no row missing
    last = client.get(base, {"sort": sort, "per_page": 5, "page": paginator.num_pages})
    if sort == "first_notified_at":  # a column that can be empty has no cursors: its pages go by number
        assert page_titles(last) == (expected[-5:] if error > 0 else expected[(paginator.num_pages - 1) * 5 :][:5])
        assert (link(last.content.decode(), "next") is None) == (error > 0)
    else:  # the Last link: the list's last rows, whatever the estimate
        assert page_titles(last) == expected[-5:]
        assert link(last.content.decode(), "next") is None
        # Walking back from there by Previous reaches the first row, each row once, wherever the numbers end.
        assert walk(client, f"{base}?sort={sort}&per_page=5&page={paginator.num_pages}", "prev") == expected[::-1]
    beyond = client.get(base, {"sort": sort, "per_page": 5, "page": 9})  # past both the estimate and the rows
    assert beyond.status_code == 200 and page_titles(beyond) == expected[-5:]
    assert link(beyond.content.decode(), "next") is None


def numbered_links(html: str) -> dict[int, str]:
    return {int(n): unescape(href) for href, n in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(\d+)</a>', html)}


def key_offsets(queries) -> list[int]:
    keys = keys_sql(queries)
    return [int(m.group(1)) if (m := re.search(r"OFFSET (\d+)", sql)) else 0 for sql in keys]


@pytest.mark.parametrize("sort", ["", "title", "-reference", "-status", "first_notified_at"])
@pytest.mark.parametrize("estimate", [None, 23 + 5, 23 - 6])
def test_a_numbered_page_beside_the_current_one_is_read_from_its_cursor(
    sort, estimate, login, alice, breaches, settings, monkeypatch
):
    """The page numbers around a deep page are links a user clicks, and by OFFSET each counted past every
    earlier row (at a million incidents, 75 ms three quarters down). They carry the current page's cursor
    now and skip only the pages between, and show the same rows as the numbers did (with an exact count)."""
    if estimate:
        settings.LIST_EXACT_COUNT_LIMIT = 5
        monkeypatch.setattr("hpregister.tables.paging.estimated_count", lambda queryset: estimate)
    client = login(alice)
    base = reverse("incidents:incident_list")
    expected = page_titles(client.get(base, {"sort": sort, "per_page": 100}))
    pages = [expected[start : start + 2] for start in range(0, 23, 2)]
    seeks = sort != "first_notified_at"  # a column that can be empty is paged by number

    url, number, seen = f"{base}?sort={sort}&per_page=2&page=6", 6, []
    for goal in (8, 11, 9, 4, 1, 2, 3, 12):
        response = client.get(url)
        assert response.status_code == 200
        links = numbered_links(response.content.decode())
        target = goal if goal in links else max(p for p in links if p < goal)
        href = links[target]
        cursor = "after=" in href or "before=" in href
        last_of_estimate = estimate and seeks and target >= response.context["table"].paginator.num_pages
        assert cursor == (seeks and target not in (1, number) and not last_of_estimate), (target, href)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(base + href)
        shown = page_titles(response)
        if cursor:
            assert max(key_offsets(queries)) <= (abs(target - number) - 1) * 2, key_offsets(queries)
        if not estimate:
            assert shown == pages[target - 1], (target, href)
        elif last_of_estimate:
            assert shown == expected[-2:]
        else:  # numbered from somewhere: the rows still follow on from (or lead up to) the current page
            assert len(shown) == 2 and shown[0] in expected
        seen.append(target)
        url, number = base + href, target
    assert 1 in seen and 2 in seen


def test_the_last_page_of_an_estimated_count_is_read_from_the_end(login, alice, breaches, settings, monkeypatch):
    settings.LIST_EXACT_COUNT_LIMIT = 5
    monkeypatch.setattr("hpregister.tables.paging.estimated_count", lambda queryset: 40)
    client = login(alice)
    base = reverse("incidents:incident_list")
    expected = page_titles(client.get(base, {"per_page": 100}))
    with CaptureQueriesContext(connection) as queries:
        last = client.get(base, {"per_page": 5, "page": 8})
    assert page_titles(last) == expected[-5:]
    keys = keys_sql(queries)
    assert len(keys) == 1 and "OFFSET" not in keys[0].upper() and "ASC" in keys[0], keys  # newest first, reversed


def test_a_page_number_typed_into_a_large_list_is_placed_by_the_statistics(login, alice, settings, monkeypatch):
    """A page number typed into the address bar had no cursor: OFFSET over every earlier key, 60-130 ms three
    quarters down a million incidents (#18). Where the count is PostgreSQL's estimate and the list is its
    whole table, the page is placed by the column's statistics instead, as approximate as the count and as
    cheap as the first page; its Next and Previous then walk on from its rows by cursor, missing none. A
    filtered list, whose values the table's statistics do not describe, still goes by number; so does SQLite,
    which keeps no statistics."""
    settings.LIST_EXACT_COUNT_LIMIT = 10
    now = timezone.now()
    for n in range(120):
        make_incident(
            title=f"Brudd {n}",
            aware_at=now - dt.timedelta(hours=3 * n + 1),
            category=IncidentCategory.SNOOPING if n % 2 else IncidentCategory.MISDIRECTED,
        )
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE incidents_incident")
    client = login(alice)
    base = reverse("incidents:incident_list")
    expected = page_titles(client.get(base, {"per_page": 200}))
    assert len(expected) == 120

    with CaptureQueriesContext(connection) as queries:
        typed = client.get(base, {"per_page": 10, "page": 7})
    shown = page_titles(typed)
    assert typed.status_code == 200 and typed.context["table"].paginator.estimated
    start = expected.index(shown[0])
    assert shown == expected[start : start + 10]  # ten rows in a row of the list
    if postgresql:  # placed: the sixth page's rows, give or take a page, with no OFFSET
        assert abs(start - 60) <= 10, start
        assert all("OFFSET" not in sql.upper() for sql in keys_sql(queries)), keys_sql(queries)
    else:
        assert start == 60 and "OFFSET 60" in keys_sql(queries)[0]
    # From there Previous and Next reach both ends, every row once.
    url = f"{base}?per_page=10&page=7"
    assert walk(client, url, "prev")[::-1] + walk(client, url, "next")[10:] == expected

    # Half as many rows again since the statistics were gathered: they no longer describe the table. (The
    # planner's estimate counts the table's pages as they are now; here the new rows may fill the space that
    # other tests' rolled-back rows left, so the estimate is set to what it says once the pages have grown.)
    for n in range(60):
        make_incident(title=f"Ny {n}", aware_at=now - dt.timedelta(minutes=n + 1))
    monkeypatch.setattr("hpregister.tables.paging.estimated_count", lambda queryset: 180)
    expected = page_titles(client.get(base, {"per_page": 500}))
    with CaptureQueriesContext(connection) as queries:
        typed = client.get(base, {"per_page": 10, "page": 7})
    assert page_titles(typed) == expected[60:70] and "OFFSET 60" in keys_sql(queries)[0]

    filtered = {"category": IncidentCategory.SNOOPING, "per_page": 10, "page": 3}
    everything = page_titles(client.get(base, {**filtered, "per_page": 100, "page": 1}))
    with CaptureQueriesContext(connection) as queries:
        shown = page_titles(client.get(base, filtered))
    assert shown == everything[20:30] and "OFFSET 20" in keys_sql(queries)[0]


def test_a_quantile_is_interpolated_within_its_bucket():
    from hpregister.tables import quantile

    now = timezone.now()
    times = [now, now + dt.timedelta(hours=10), now + dt.timedelta(hours=30)]
    assert quantile(times, 0) == now and quantile(times, 1) == times[-1]
    assert quantile(times, 0.25) == now + dt.timedelta(hours=5)
    assert quantile(times, 0.75) == now + dt.timedelta(hours=20)
    assert quantile([0, 100, 1000], 0.5) == 100 and quantile([0, 100], 0.333) == 33
    assert quantile(["a", "m", "z"], 0.2) == "a" and quantile(["a", "m", "z"], 0.4) == "m"
    assert quantile([5], 0.7) == 5 and quantile([1, 2], 1.5) == 2 and quantile([1, 2], -1) == 1


@pytest.mark.parametrize("url_name", LISTS)
def test_a_page_number_typed_into_any_estimated_list_shows_its_rows_in_any_sort(url_name, login, alice, settings):
    """Every list and every sort, estimated from the second row on, with the database's statistics fresh:
    a page typed in shows rows of the list in its order (placed by the statistics where they describe it,
    else by number), never an error."""
    for n in range(6):
        make_incident(title=f"Brudd {n}", aware_at=timezone.now() - dt.timedelta(hours=5 * n + 1))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    settings.LIST_EXACT_COUNT_LIMIT = 1
    client = login(alice)
    base = reverse(url_name)
    table = client.get(base).context["table"]
    sorts = [""] + [f"{prefix}{c.name}" for c in table.columns if c.orderable for prefix in ("", "-")]
    for sort in sorts:
        everything = page_titles(client.get(base, {"sort": sort, "per_page": 1000}))
        typed = client.get(base, {"sort": sort, "per_page": 1, "page": 3})
        assert typed.status_code == 200, sort
        shown = page_titles(typed)
        assert len(everything) < 3 or (len(shown) == 1 and shown[0] in everything), (sort, shown)
