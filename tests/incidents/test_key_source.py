"""A one-organisation officer's incident list takes its keys and its count from the organisation's link rows
(KeySource, #18): the same pages, counts and cursors as the incidents' own table gives, whatever the data, the
sort, or its filters on category and status (which the link rows carry too). Any other filter reads the
incidents' own table."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpregister.models import Organisation
from hpregister.tables import KeySource, LateRowPaginator
from incidents.choices import IncidentCategory, IncidentStatus
from incidents.models import Incident, IncidentOrganisation
from tests.factories import make_incident, oslo

pytestmark = pytest.mark.django_db

ORGANISATIONS = ("St. Olavs hospital HF", "Melhus", "Helse Midt-Norge RHF")
CATEGORIES = (IncidentCategory.MISDIRECTED, IncidentCategory.LOSS_OR_THEFT)
SORTS = {
    "default": (),
    "oldest first": ("aware_at", "pk"),
    "newest first": ("-aware_at", "-pk"),
    "title": ("title", "pk"),
    "title, last first": ("-title", "-pk"),
    "reference": ("year", "number"),  # not copied: the keys come from the incidents, the count from the links
}


STATUSES = (IncidentStatus.REGISTERED, IncidentStatus.ASSESSED, IncidentStatus.NOTIFIED)
NARROWINGS = {
    "none": {},
    "category": {"category": IncidentCategory.MISDIRECTED},
    "status": {"status__in": [IncidentStatus.ASSESSED, IncidentStatus.NOTIFIED]},
    "both": {"category": IncidentCategory.LOSS_OR_THEFT, "status__in": [IncidentStatus.REGISTERED]},
}


def source_for(organisation, narrowing=None):
    rows = IncidentOrganisation.objects.filter(organisation=organisation, **(narrowing or {}))
    return KeySource(rows, {"aware_at": "aware_at", "title": "title", "id": "incident_id"})


def walk(queryset, per_page, key_source):
    """The pages by number, then walked by their Next cursors, then back by their Previous cursors."""
    first = LateRowPaginator(queryset, per_page, key_source=key_source)
    by_number = [[i.pk for i in first.page(n)] for n in first.page_range]
    forward, page = [], first.page(1)
    while True:
        forward.append([i.pk for i in page])
        if not page.has_next():
            break
        cursor = ("after", page.next_cursor) if page.next_cursor else None
        page = LateRowPaginator(queryset, per_page, cursor=cursor, key_source=key_source).page(page.number + 1)
    backward, page = [], first.page(first.num_pages)
    while True:
        backward.insert(0, [i.pk for i in page])
        if not page.has_previous():
            break
        cursor = ("before", page.previous_cursor) if page.previous_cursor else None
        page = LateRowPaginator(queryset, per_page, cursor=cursor, key_source=key_source).page(page.number - 1)
    return first.count, by_number, forward, backward


breaches = st.lists(
    st.tuples(
        st.integers(0, 4),  # the day: many share one, so the tie-break by key decides
        st.sets(st.integers(0, len(ORGANISATIONS) - 1), min_size=1),
        st.sampled_from(CATEGORIES),
        st.integers(0, 3),
        st.sampled_from(STATUSES),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    breaches=breaches,
    viewer=st.sampled_from(ORGANISATIONS),
    sort=st.sampled_from(sorted(SORTS)),
    per_page=st.integers(1, 4),
    moved=st.booleans(),
    narrowing=st.sampled_from(sorted(NARROWINGS)),
)
def test_the_link_rows_give_the_pages_the_incidents_give(breaches, viewer, sort, per_page, moved, narrowing):
    with transaction.atomic():
        made = [
            make_incident(
                organisations=[ORGANISATIONS[i] for i in sorted(orgs)],
                aware_at=oslo(2026, 3, 1 + day, 9, 0),
                category=category,
                title=f"Brudd {title}",
            )
            for day, orgs, category, title, _status in breaches
        ]
        for incident, (*_, status) in zip(made, breaches, strict=True):  # the status set after the links
            Incident.objects.filter(pk=incident.pk).update(status=status)
        if moved and made:  # an incident's time and category changed after its organisations were set
            Incident.objects.filter(pk=made[0].pk).update(
                aware_at=oslo(2026, 2, 20, 9, 0) + dt.timedelta(seconds=1), category=IncidentCategory.LOSS_OR_THEFT
            )
        organisation = Organisation.objects.get(name=ORGANISATIONS[ORGANISATIONS.index(viewer)])
        queryset = Incident.objects.select_related("root_cause").filter(organisations=organisation)
        queryset = queryset.filter(**NARROWINGS[narrowing])
        queryset = queryset.order_by(*SORTS[sort]) if SORTS[sort] else queryset
        expected = walk(queryset, per_page, None)
        assert walk(queryset, per_page, source_for(organisation, NARROWINGS[narrowing])) == expected
        count, by_number, forward, backward = expected
        assert by_number == forward == backward and sum(map(len, by_number)) == count
        transaction.set_rollback(True)


def link_keys(queries):
    """The queries that read a page's keys from the link rows (not the prefetch of a page's names)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "incidents_incidentorganisation"."incident_id"')
        and 'ORDER BY "incidents_incidentorganisation".' in q["sql"]
    ]


def test_a_one_organisation_officer_reads_the_keys_and_the_count_from_the_link_rows(login, bob, alice):
    for n in range(7):
        make_incident(organisations=("St. Olavs hospital HF",), aware_at=oslo(2026, 2, 1 + n, 9, 0))
        make_incident(organisations=("Melhus",), aware_at=oslo(2026, 2, 1 + n, 9, 30))
    url = reverse("incidents:incident_list")
    with CaptureQueriesContext(connection) as queries:
        response = login(bob).get(url, {"per_page": 3})
    ours = [i.pk for i in Incident.objects.filter(organisations__name="St. Olavs hospital HF").order_by("-aware_at")]
    assert [row.record.pk for row in response.context["table"].page.object_list] == ours[:3]
    from_links = link_keys(queries)
    counted = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "incidents_incidentorganisation" in q["sql"]]
    assert len(from_links) == 1 and counted, [q["sql"] for q in queries]
    assert 'ORDER BY "incidents_incidentorganisation"."aware_at" DESC' in from_links[0]

    # The Next page seeks in the link rows too, and so does a sort by title (alone or within a category); a
    # sort by reference does not (the link rows carry no copy of it).
    nxt = response.context["table"].page.next_cursor
    second = login(bob).get(url, {"per_page": 3, "page": 2, "after": nxt})
    assert [row.record.pk for row in second.context["table"].page.object_list] == ours[3:6]
    by_title = Incident.objects.filter(organisations__name="St. Olavs hospital HF").order_by("-title", "-pk")
    for query in ({"sort": "-title"}, {"sort": "-title", "category": by_title[0].category}):
        with CaptureQueriesContext(connection) as queries:
            response = login(bob).get(url, {"per_page": 3, **query})
        assert [row.record.pk for row in response.context["table"].page.object_list] == [
            i.pk for i in by_title.filter(category=by_title[0].category)[:3]
        ]
        assert len(link_keys(queries)) == 1
        assert 'ORDER BY "incidents_incidentorganisation"."title" DESC' in link_keys(queries)[0]
    with CaptureQueriesContext(connection) as queries:
        login(bob).get(url, {"sort": "reference"})
    assert not link_keys(queries)

    # Operators (every organisation) and officers of several organisations read the incidents' own index.
    with CaptureQueriesContext(connection) as queries:
        login(alice).get(url)
    assert not link_keys(queries)


@pytest.mark.parametrize(
    "query, shown",
    [
        ({"category": "snooping"}, 1),
        ({"status": ["assessed"]}, 2),
        ({"status": ["assessed", "registered"], "category": "misdirected"}, 4),
        ({"status": ["withdrawn"]}, 0),
    ],
)
def test_a_category_or_status_filter_counts_and_pages_from_the_link_rows(query, shown, login, bob):
    for n in range(4):
        make_incident(organisations=("St. Olavs hospital HF",), title=f"Brudd {n}", aware_at=oslo(2026, 2, 1 + n, 9))
        make_incident(organisations=("Melhus",), title=f"Brudd {n}", aware_at=oslo(2026, 2, 1 + n, 9))
    make_incident(organisations=("St. Olavs hospital HF",), category="snooping", title="Annet")
    Incident.objects.filter(title__in=["Brudd 1", "Brudd 2"]).update(status=IncidentStatus.ASSESSED)
    url = reverse("incidents:incident_list")
    with CaptureQueriesContext(connection) as queries:
        response = login(bob).get(url, query)
    assert response.status_code == 200
    table = response.context["table"]
    expected = Incident.objects.filter(organisations__name="St. Olavs hospital HF").order_by("-aware_at", "-pk")
    expected = expected.filter(category=query["category"]) if "category" in query else expected
    expected = expected.filter(status__in=query["status"]) if "status" in query else expected
    assert [row.record.pk for row in table.page.object_list] == list(expected.values_list("pk", flat=True))
    assert table.page.paginator.count == shown
    assert link_keys(queries) and any(
        "COUNT(*)" in q["sql"] and "incidents_incidentorganisation" in q["sql"] for q in queries
    )


@pytest.mark.parametrize(
    "query",
    [
        {"q": "Brudd"},
        {"recurring": "yes"},
        {"aware_after": "2026-02-03"},
        {"category": "misdirected", "aware_after": "2026-02-03"},  # one filter the link rows cannot apply
        {"year": "not a year"},  # an invalid filter: the list shows nothing, and counts nothing
    ],
)
def test_another_filter_reads_the_incidents_own_table(query, login, bob):
    for n in range(4):
        make_incident(organisations=("St. Olavs hospital HF",), title=f"Brudd {n}", aware_at=oslo(2026, 2, 1 + n, 9))
    make_incident(organisations=("St. Olavs hospital HF",), category="snooping", title="Annet")
    url = reverse("incidents:incident_list")
    with CaptureQueriesContext(connection) as queries:
        response = login(bob).get(url, query)
    assert response.status_code == 200
    assert not link_keys(queries)
    table = response.context["table"]
    assert table.page.paginator.count == len(table.page.object_list) < 5
