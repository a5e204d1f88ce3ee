"""An edit never removes what the editor cannot see (issue "Trust", section 2).

Each edit is what a browser sends: the edit page's own form, submitted with one visible change.
"""

import pytest
from django.urls import reverse

from compliance.models import Gap
from hpregister.models import Organisation
from incidents.models import IncidentOrganisation
from risks.models import Risk
from tests.factories import make_incident, measure, submitted_form

pytestmark = pytest.mark.django_db


def edit(client, url, **changes):
    page = client.get(url)
    assert page.status_code == 200
    data = submitted_form(page)
    data.update({name: [value] for name, value in changes.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return response


def test_an_officer_editing_a_shared_incident_keeps_the_other_organisations_and_their_records(login, bob, carol):
    incident = make_incident(organisations=("St. Olavs hospital HF", "Melhus"))
    melhus = IncidentOrganisation.objects.get(incident=incident, organisation__name="Melhus")
    melhus.informed_at = incident.aware_at
    melhus.save()
    hmn_risk = Risk.objects.get(title="Lange ventetider")  # Helse Midt-Norge RHF: bob cannot see it
    incident.risks.add(hmn_risk)

    edit(login(bob), reverse("incidents:incident_edit", args=[incident.pk]), title="Renamed by St. Olavs")

    incident.refresh_from_db()
    assert incident.title == "Renamed by St. Olavs"
    assert set(incident.organisations.values_list("name", flat=True)) == {"St. Olavs hospital HF", "Melhus"}
    kept = IncidentOrganisation.objects.get(incident=incident, organisation__name="Melhus")
    assert kept.pk == melhus.pk and kept.informed_at == incident.aware_at  # the same row, not a new one
    assert list(incident.risks.all()) == [hmn_risk]
    assert login(carol).get(incident.get_absolute_url()).status_code == 200  # Melhus still sees it


def test_an_officer_can_still_remove_what_they_can_see(login, bob):
    incident = make_incident(organisations=("St. Olavs hospital HF", "Melhus"))
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    risk = Risk.objects.create(title="St. Olavs' own risk", organisation=stolav)  # one bob can see
    incident.risks.add(risk, Risk.objects.get(title="Lange ventetider"))
    url = reverse("incidents:incident_edit", args=[incident.pk])
    client = login(bob)
    data = submitted_form(client.get(url))
    data["risks"] = []
    assert client.post(url, data).status_code == 302
    assert list(incident.risks.values_list("title", flat=True)) == ["Lange ventetider"]


def test_a_gap_keeps_links_to_risks_its_editor_cannot_see(login, bob):
    gap = Gap.objects.filter(organisation__name="St. Olavs hospital HF").first() or Gap.objects.create(
        code="TEST-1",
        kind="archive",
        title="A gap",
        organisation=Organisation.objects.get(name="St. Olavs hospital HF"),
    )
    hidden = Risk.objects.get(title="Lange ventetider")
    gap.risks.add(hidden)
    edit(login(bob), reverse("compliance:gap_edit", args=[gap.pk]), title="Renamed gap")
    gap.refresh_from_db()
    assert gap.title == "Renamed gap" and hidden in gap.risks.all()


def test_a_measure_keeps_an_owner_who_is_no_longer_among_the_choices(login, bob, carol):
    incident = make_incident()
    task = measure(incident, owner=carol)  # carol is at Melhus, not an organisation of this incident
    edit(login(bob), reverse("incidents:incidentmeasure_edit", args=[incident.pk, task.pk]), description="Renamed")
    task.refresh_from_db()
    assert task.description == "Renamed" and task.owner == carol
