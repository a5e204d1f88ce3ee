"""Forms fuzzed with property-based tests: no input gives a 500, and nothing is half-saved."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.models import Gap
from incidents.models import Incident, IncidentOrganisation, Notification
from risks.models import Risk
from tests.factories import assessed, make_incident

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Values that have broken forms somewhere: the edges of numbers and the calendar, the Oslo clock changes,
# NUL, digits that are not ASCII, markup and SQL. The URLconf walk (test_fuzz_walk.py) uses them too.
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "-99999999999999999999",
    "1e308",
    "NaN",
    "\x00",
    "a\x00b",
    "²",
    "١٢",
    "x" * 10_000,
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "31.12.9999 23:59",
    "2026-03-29T02:30",
    "2026-10-25T02:30",
    "31.02.2026 10:00",
    "2026-11-21T10:00",
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "snooping",
    "high",
    "initial",
    "true",
    "on",
    "csv",
    "xlsx",
]
junk = st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE))


def form_data(fields):
    return st.fixed_dictionaries({name: junk for name in fields})


INCIDENT_FIELDS = [
    "title",
    "description",
    "main_cause",
    "category",
    "breach_confidentiality",
    "occurred_from_0",
    "occurred_from_1",
    "discovered_at_0",
    "aware_at_0",
    "aware_at_1",
    "how_known",
    "organisations",
    "processor",
    "processor_notified_at_0",
    "data_categories",
    "subjects_count",
    "records_count",
    "risk_level",
    "risk_rationale",
    "subjects_decision",
    "subjects_informed_at_0",
    "risks",
]


@FUZZ
@given(data=form_data(INCIDENT_FIELDS))
def test_incident_form_never_crashes_or_half_saves(login, bob, data):
    before = (Incident.objects.count(), IncidentOrganisation.objects.count())
    response = login(bob).post(reverse("incidents:incident_add"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert (Incident.objects.count(), IncidentOrganisation.objects.count()) == before
    else:
        incident = Incident.objects.latest("pk")
        assert incident.organisations.exists() and incident.history.count() == 1


@FUZZ
@given(data=form_data(["phase", "phased", "channel", "sent_at_0", "sent_at_1", "case_reference", "delay_reason"]))
def test_notification_form_never_crashes_or_half_saves(login, bob, data):
    incident = assessed(make_incident())
    before = Notification.objects.count()
    response = login(bob).post(reverse("incidents:notification_add", args=[incident.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Notification.objects.count() == before


@FUZZ
@given(data=form_data(["code", "kind", "title", "organisation", "reported", "status", "status_date", "obligations"]))
def test_gap_form_never_crashes_or_half_saves(login, bob, data):
    before = Gap.objects.count()
    response = login(bob).post(reverse("compliance:gap_add"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Gap.objects.count() == before


@FUZZ
@given(
    data=form_data(
        [
            "title",
            "organisation",
            "residual_probability",
            "residual_consequence",
            "treatment",
            "treatment_justification",
            "next_review",
            "status",
        ]
    )
)
def test_risk_form_never_crashes_or_half_saves(login, alice, data):
    before = Risk.objects.count()
    response = login(alice).post(reverse("risks:risk_add"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Risk.objects.count() == before


@FUZZ
@given(content=st.binary(max_size=2000), name=st.sampled_from(["list.csv", "list.xlsx", "list.txt"]))
def test_import_never_crashes_on_any_file(login, alice, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(alice).post(
        reverse("compliance:subprocessor_import"), {"action": "upload", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
