"""Two officers, one incident, in the browser (nb and en, 1280 and 390 px): the second save does not undo
the first. The officer is told who changed the field to what, beside the field, and keeps what they typed."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from incidents.models import Incident
from tests.browser.conftest import axe_violations, fits, log_in, screenshot
from tests.factories import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_conflicting_save_is_shown_beside_the_field_and_saving_again_is_a_decision(view):
    page = view
    incident = make_incident(title="Misdirected letter")
    log_in(page, "bob")
    page.goto(page.base + reverse("incidents:incident_edit", args=[incident.pk]))
    page.fill("#id_title", "Letter sent to a neighbour")

    # Meanwhile alice, in her own browser, renames it.
    other = Incident.objects.get(pk=incident.pk)
    other.title = "Misdirected letter to the wrong patient"
    other._history_user = get_user_model().objects.get(username="alice")
    other.save()

    page.click(".hp-form__actions button[type=submit]")
    said = "Changed by alice while you were editing" if page.language == "en" else "Endret av alice mens du redigerte"
    page.wait_for_selector(f"text={said}")
    assert page.input_value("#id_title") == "Letter sent to a neighbour"  # nothing typed is lost
    assert Incident.objects.get(pk=incident.pk).title == "Misdirected letter to the wrong patient"
    assert fits(page), f"the conflict scrolls sideways at {page.width} px"
    assert axe_violations(page) == []
    screenshot(page, f"lost-update-conflict-{page.tag}")

    page.click(".hp-form__actions button[type=submit]")
    page.wait_for_url(f"**{incident.get_absolute_url()}")
    assert Incident.objects.get(pk=incident.pk).title == "Letter sent to a neighbour"
