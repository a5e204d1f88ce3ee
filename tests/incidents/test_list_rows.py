"""The incident list and its export read only what their cells show (#18): the table's row_fields, and the
affected organisations' names in one query per page or chunk (IncidentTable.prefetch)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hpregister import exports
from tests.factories import make_incident

pytestmark = pytest.mark.django_db

SHARED = ("St. Olavs hospital HF", "Helse Møre og Romsdal HF")


def incidents(count):
    for _ in range(count):
        make_incident(organisations=SHARED)


def the_rows_query(queries):
    [rows] = [q["sql"] for q in queries if 'FROM "incidents_incident"' in q["sql"] and '"title"' in q["sql"]]
    return rows


def exported(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("incidents:incident_list"), {"_export": "csv", **params})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";")), queries


def test_a_page_reads_the_cells_fields_and_the_organisations_in_one_query_whatever_its_size(login, alice):
    client = login(alice)
    counts = []
    for more in (2, 28):
        incidents(more)
        client.get(reverse("incidents:incident_list"))  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("incidents:incident_list"), {"per_page": 100})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    rows = the_rows_query(queries)
    assert '"description"' not in rows and '"processor"' not in rows  # 57 columns were read for ten
    html = response.content.decode()
    assert html.count("Helse Møre og Romsdal HF, St. Olavs hospital HF") == 30  # by name, in order


def test_an_export_reads_the_cells_fields_and_a_query_of_names_per_chunk(login, alice, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)
    client = login(alice)
    incidents(3)
    small, small_queries = exported(client)
    incidents(7)
    large, large_queries = exported(client)
    assert len(small) == 4 and len(large) == 11  # the header and every incident
    # One more query of names for each further chunk of four: 1 chunk, then 3.
    assert len(large_queries) - len(small_queries) == 2
    assert '"description"' not in the_rows_query(large_queries)
    column = large[0].index("Virksomheter")
    assert {row[column] for row in large[1:]} == {"Helse Møre og Romsdal HF, St. Olavs hospital HF"}


def test_a_cell_drawn_without_prefetch_still_shows_the_organisations():
    from incidents.tables import IncidentTable

    incident = make_incident(organisations=SHARED)
    assert IncidentTable([]).render_organisations(incident) == "Helse Møre og Romsdal HF, St. Olavs hospital HF"
