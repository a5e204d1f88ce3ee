"""Two officers edit one record: the second save never silently undoes the first (issue #15, lost updates).

Each edit is what a browser sends: the edit page's own form, opened before the other officer saved.
"""

import pytest
from django.test import Client
from django.urls import reverse

from incidents.models import IncidentMeasure
from tests.factories import make_incident, measure, submitted_form

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def opened(client, url) -> dict:
    page = client.get(url)
    assert page.status_code == 200
    return submitted_form(page)


def test_the_second_officer_is_told_and_nothing_is_overwritten_when_both_change_one_field(alice, bob):
    incident = make_incident(title="Misdirected letter")
    url = reverse("incidents:incident_edit", args=[incident.pk])
    alices, bobs = browser(alice), browser(bob)
    alices_form, bobs_form = opened(alices, url), opened(bobs, url)

    alices_form["title"] = ["Misdirected letter to the wrong patient"]
    assert alices.post(url, alices_form).status_code == 302
    bobs_form["title"] = ["Letter sent to a neighbour"]
    page = bobs.post(url, bobs_form)

    assert page.status_code == 200  # the form comes back, not saved
    incident.refresh_from_db()
    assert incident.title == "Misdirected letter to the wrong patient"
    errors = page.context["form"].errors
    assert "alice" in errors["title"][0] and "Misdirected letter to the wrong patient" in errors["title"][0]
    assert "alice saved this after you opened it" in errors["__all__"][0]
    # The editor's own value is still in the field: nothing typed is lost.
    assert 'value="Letter sent to a neighbour"' in page.content.decode()

    # Saving again, having seen the other change, is a decision: it goes through.
    again = submitted_form(page)
    assert bobs.post(url, again).status_code == 302
    incident.refresh_from_db()
    assert incident.title == "Letter sent to a neighbour"


def test_changes_to_different_fields_are_merged_and_the_editor_is_told(alice, bob):
    incident = make_incident(title="Misdirected letter", risk_level="")
    url = reverse("incidents:incident_edit", args=[incident.pk])
    alices, bobs = browser(alice), browser(bob)
    alices_form, bobs_form = opened(alices, url), opened(bobs, url)

    alices_form["title"] = ["Misdirected letter to the wrong patient"]
    assert alices.post(url, alices_form).status_code == 302
    bobs_form["risk_level"] = ["high"]
    bobs_form["risk_rationale"] = ["Health data of a named patient."]
    response = bobs.post(url, bobs_form, follow=True)

    incident.refresh_from_db()
    assert incident.title == "Misdirected letter to the wrong patient"  # alice's change is kept
    assert incident.risk_level == "high"  # and bob's is saved
    shown = [str(m) for m in response.context["messages"]]
    assert any("alice changed Title while you were editing" in m for m in shown), shown


def test_a_measure_edited_in_two_windows_keeps_both_changes_or_asks(alice, bob):
    incident = make_incident()
    item = measure(incident, owner=bob, description="Talk to the employee")
    url = reverse("incidents:incidentmeasure_edit", args=[incident.pk, item.pk])
    alices, bobs = browser(alice), browser(bob)
    alices_form, bobs_form = opened(alices, url), opened(bobs, url)

    alices_form["due_on"] = [str(item.due_on.replace(day=15))]
    assert alices.post(url, alices_form).status_code == 302
    bobs_form["description"] = ["Talk to the employee and the leader"]
    assert bobs.post(url, bobs_form).status_code == 302
    item = IncidentMeasure.objects.get(pk=item.pk)
    assert item.due_on.day == 15 and item.description == "Talk to the employee and the leader"

    # Both windows now change the same field: the second is asked.
    alices_form, bobs_form = opened(alices, url), opened(bobs, url)
    alices_form["description"] = ["Alice's wording"]
    bobs_form["description"] = ["Bob's wording"]
    assert alices.post(url, alices_form).status_code == 302
    page = bobs.post(url, bobs_form)
    assert page.status_code == 200 and "description" in page.context["form"].errors
    assert IncidentMeasure.objects.get(pk=item.pk).description == "Alice's wording"


def test_an_unchanged_resubmission_and_a_form_error_keep_the_version_the_page_was_opened_on(alice, bob):
    incident = make_incident(title="Misdirected letter")
    url = reverse("incidents:incident_edit", args=[incident.pk])
    alices, bobs = browser(alice), browser(bob)
    bobs_form = opened(bobs, url)
    alices_form = opened(alices, url)
    alices_form["title"] = ["Alice's title"]
    assert alices.post(url, alices_form).status_code == 302

    # Bob's first attempt fails validation: the page he gets back must still carry his old version, or
    # his corrected second attempt would overwrite alice's title without a word.
    bobs_form["title"] = [""]
    invalid = bobs.post(url, bobs_form)
    assert invalid.status_code == 200 and "title" in invalid.context["form"].errors
    corrected = submitted_form(invalid)
    corrected["title"] = ["Bob's title"]
    page = bobs.post(url, corrected)
    assert page.status_code == 200 and "title" in page.context["form"].errors
    incident.refresh_from_db()
    assert incident.title == "Alice's title"
