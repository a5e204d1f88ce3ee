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
