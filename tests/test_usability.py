"""The small things that made the register feel unfinished to new users (issue "A register that privacy
officers, managers and the board would choose to use")."""

import pytest
from django.urls import reverse

from tests.factories import make_incident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "args", "nb", "en"),
    [
        ("incidents:incident_add", [], "Nytt avvik", "New incident"),
        ("risks:risk_add", [], "Ny risiko", "New risk"),
        ("compliance:gap_add", [], "Ny mangel", "New gap"),
        ("compliance:subprocessornotice_add", [], "Nytt varsel om underdatabehandler", "New sub-processor notice"),
    ],
)
def test_add_pages_are_titled_in_good_bokmal(login, alice, url_name, args, nb, en):
    client = login(alice)
    assert (
        f'<h1 class="ds-heading" data-size="lg">{nb}</h1>' in client.get(reverse(url_name, args=args)).content.decode()
    )
    client.cookies["django_language"] = "en"
    assert (
        f'<h1 class="ds-heading" data-size="lg">{en}</h1>' in client.get(reverse(url_name, args=args)).content.decode()
    )


def test_a_sub_form_says_which_incident_it_belongs_to(login, bob):
    incident = make_incident(title="Snooping in ward 3")
    for name in ("incidents:incidentmeasure_add", "incidents:notification_add"):
        html = login(bob).get(reverse(name, args=[incident.pk])).content.decode()
        assert "Nytt tiltak" in html or "Ny melding til Datatilsynet" in html
        assert f'href="{incident.get_absolute_url()}">{incident}</a>' in html


def test_duties_sort_as_people_read_their_codes(login, alice):
    from compliance.models import Obligation

    codes = [o.code for o in Obligation.objects.current()]
    numbered = [c for c in codes if c.startswith("HOD-")]
    assert len(numbered) >= 10  # HOD-1 … HOD-13: the case that sorted HOD-1, HOD-10, HOD-2
    assert numbered == sorted(numbered, key=lambda c: int(c.split("-")[1]))
    table = login(alice).get(reverse("compliance:obligation_list"), {"sort": "code"}).context["table"]
    listed = [row.record.code for row in table.page.object_list if row.record.code.startswith("HOD-")]
    assert listed == sorted(listed, key=lambda c: int(c.split("-")[1]))
    table = login(alice).get(reverse("compliance:obligation_list"), {"sort": "-code"}).context["table"]
    listed = [row.record.code for row in table.page.object_list if row.record.code.startswith("HOD-")]
    assert listed == sorted(listed, key=lambda c: -int(c.split("-")[1]))


def test_the_dashboard_offers_recording_a_breach_only_to_those_who_may(login, bob, mona):
    add = reverse("incidents:incident_add")
    assert f'href="{add}"' in login(bob).get(reverse("dashboard")).content.decode()
    assert f'href="{add}"' not in login(mona).get(reverse("dashboard")).content.decode()
    assert login(mona).get(add).status_code == 403


@pytest.mark.parametrize("typed", ["VÆRNES", "værnes", "VæRNeS", "ærnes"])
def test_search_ignores_case_in_norwegian_letters_on_every_database(login, bob, typed):
    from compliance.choices import GapKind
    from compliance.models import Gap
    from hpregister.models import Organisation

    gap = Gap.objects.create(
        code="STO-Æ1",
        kind=GapKind.FINDING,
        title="Tilgang for Værnes distriktsmedisinske senter",
        organisation=Organisation.objects.get(name="St. Olavs hospital HF"),
    )
    client = login(bob)
    table = client.get(reverse("compliance:gap_list"), {"q": typed}).context["table"]
    assert [row.record for row in table.page.object_list] == [gap]
    found = client.get(reverse("search"), {"q": typed}).context["results"]
    assert [gap] in [group["found"] for group in found]


def test_affected_organisations_are_ticked_not_ctrl_clicked(login, alice, bob):
    html = login(alice).get(reverse("incidents:incident_add")).content.decode()
    assert html.count('type="checkbox" name="organisations"') >= 39
    assert "Ctrl" not in html.split('name="organisations"')[0].rsplit("<fieldset", 1)[-1]
    # One organisation: already ticked.
    html = login(bob).get(reverse("incidents:incident_add")).content.decode()
    assert (
        html.count('type="checkbox" name="organisations"') == 1
        and "checked" in html.split('name="organisations"')[1][:200]
    )


def test_the_admin_reads_in_bokmal_and_filters_by_the_countries_in_use(client, root):
    client.force_login(root)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    for english in ("Add link", "Change or view list link", "Access attempts", "access logs"):
        assert english not in html
    page = client.get(reverse("admin:compliance_subprocessor_changelist"))
    html = page.content.decode()
    assert html.count("?country=") < 20  # the countries in use, not 250
    assert "?country=US" in html and "?country=AQ" not in html


def test_the_global_search_finds_by_reference_and_by_word_forms_on_postgresql(login, bob):
    from django.db import connection

    from tests.factories import make_incident

    incident = make_incident(title="Brudd på taushetsplikten", description="Journalene ble åpnet uten grunn.")
    client = login(bob)

    def found(text):
        return [r for group in client.get(reverse("search"), {"q": text}).context["results"] for r in group["found"]]

    assert incident in found(incident.reference)  # "AVVIK-2026-0001"
    assert incident in found(incident.reference.lower().removeprefix("avvik-"))  # "2026-1"
    assert incident in found("taushetsplikt")  # inside a word, on every database
    if connection.vendor == "postgresql":
        assert incident in found("journaler")  # another form of the word: stemmed full-text search
    else:
        assert incident not in found("journaler")  # SQLite: text inside a field only
