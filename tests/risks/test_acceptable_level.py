"""#16 part 3: the acceptable level per privacy area, and who may accept a residual risk."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from hpregister.choices import Role
from hpregister.models import Membership, Organisation
from risks.choices import Dimension, PrivacyArea, RiskStatus
from risks.models import (
    AcceptableLevel,
    LevelBand,
    MatrixCell,
    Risk,
    RiskAcceptance,
    RiskScale,
    accept_risk,
    set_acceptable_level,
)
from tests.factories import oslo

pytestmark = pytest.mark.django_db
RHF = "Helse Midt-Norge RHF"
NEXT_YEAR = dt.date(2027, 6, 30)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(oslo(2026, 11, 22, 12, 0), tick=False):
        yield


@pytest.fixture
def rhf():
    return Organisation.objects.get(name=RHF)


@pytest.fixture
def rita(rhf):
    """A privacy officer of the RHF who owns a risk there (owners need no special role)."""
    user = get_user_model().objects.create_user("rita", "rita@example.test", "x" * 16, first_name="Rita")
    Membership.objects.create(user=user, organisation=rhf, role=Role.PRIVACY_OFFICER)
    return user


@pytest.fixture
def owen(rhf):
    """The owner of a risk who holds no privacy-officer role: acceptance follows the owner."""
    user = get_user_model().objects.create_user("owen", "owen@example.test", "x" * 16, first_name="Owen")
    Membership.objects.create(user=user, organisation=rhf, role=Role.ADMINISTRATOR)
    return user


def band(label):
    return LevelBand.objects.get(scale__is_active=True, label=label)


def yellow_risk(owner=None, area=PrivacyArea.CONFIDENTIALITY):
    risk = Risk.objects.get(title="Lange ventetider")  # Moderat x Alvorlig = 6: yellow
    risk.owner, risk.privacy_area = owner, area
    risk.save()
    return risk


# --- the KS bands -------------------------------------------------------------------------------


def test_a_score_of_eight_is_red_as_ks_publishes_the_bands():
    scale = RiskScale.active()
    scores = {}
    for cell in MatrixCell.objects.filter(scale=scale).select_related("probability", "consequence", "level"):
        scores.setdefault(cell.level.label, set()).add(cell.probability.value * cell.consequence.value)
    assert scores == {"Lav": {1, 2, 3}, "Middels": {4, 6}, "Høy": {8, 9, 12, 16}}
    assert "KS" in scale.source


# --- who may accept -----------------------------------------------------------------------------


def test_a_privacy_officer_who_does_not_own_it_cannot_accept_a_yellow_risk(alice, rita):
    risk = yellow_risk(owner=rita)
    with pytest.raises(ValidationError, match="owner|eier"):
        accept_risk(risk=risk, user=alice, valid_until=NEXT_YEAR, justification="Waiting lists are planned.")
    assert not RiskAcceptance.objects.exists()


def test_the_risks_owner_accepts_a_yellow_risk_without_being_a_privacy_officer(owen, alice):
    set_acceptable_level(
        organisation=yellow_risk().organisation,
        area=PrivacyArea.CONFIDENTIALITY,
        level=band("Middels"),
        user=_manager(),
    )
    risk = yellow_risk(owner=owen)
    acceptance = accept_risk(risk=risk, user=owen, valid_until=NEXT_YEAR, justification="Capacity plan approved.")
    assert acceptance.accepted_by == owen and acceptance.level.label == "Middels"


def test_a_manager_of_the_organisation_accepts_a_yellow_risk(mona):
    risk = yellow_risk()
    set_acceptable_level(organisation=risk.organisation, area=risk.privacy_area, level=band("Middels"), user=mona)
    accept_risk(risk=risk, user=mona, valid_until=NEXT_YEAR, justification="Capacity plan approved.")
    assert risk.acceptances.count() == 1


def test_above_the_areas_acceptable_level_only_management_accepts(owen, mona):
    risk = yellow_risk(owner=owen)
    set_acceptable_level(organisation=risk.organisation, area=risk.privacy_area, level=band("Lav"), user=mona)
    assert risk.above_acceptable_level()
    with pytest.raises(ValidationError, match="management|ledelsen"):
        accept_risk(risk=risk, user=owen, valid_until=NEXT_YEAR, justification="We live with it.")
    accept_risk(risk=risk, user=mona, valid_until=NEXT_YEAR, justification="The board accepts it for a year.")


def test_the_owner_of_a_red_risk_cannot_accept_it(owen):
    red = Risk.objects.get(title__startswith="Manglende økonomisk")
    red.owner = owen
    red.save()
    with pytest.raises(ValidationError, match="management|ledelsen"):
        accept_risk(risk=red, user=owen, valid_until=NEXT_YEAR, justification="x")


def test_the_accept_page_is_open_to_the_owner_and_explains_a_refusal(login, owen, rita):
    risk = yellow_risk(owner=owen)
    url = reverse("risks:risk_accept", args=[risk.pk])
    page = login(rita).post(url, {"valid_until": "2027-06-30", "justification": "Plan"})
    assert page.status_code == 200 and re.search("owner|eier", str(page.context["form"].non_field_errors()))
    assert login(rita).get(risk.get_absolute_url()).context["can_accept"] is False
    assert login(owen).get(risk.get_absolute_url()).context["can_accept"] is True
    assert login(owen).post(url, {"valid_until": "2027-06-30", "justification": "Plan"}).status_code == 302


# --- the acceptable level: versioned, set by management ------------------------------------------


def _manager():
    return get_user_model().objects.get(username="mona")


def test_only_a_manager_of_the_organisation_sets_the_acceptable_level(alice, bob, mona, rhf):
    for user in (alice, bob):
        with pytest.raises(ValidationError):
            set_acceptable_level(organisation=rhf, area=PrivacyArea.INTEGRITY, level=band("Lav"), user=user)
    assert not AcceptableLevel.objects.exists()


def test_a_new_level_is_a_new_version_and_the_newest_is_in_force(mona, rhf):
    first = set_acceptable_level(organisation=rhf, area=PrivacyArea.INTEGRITY, level=band("Lav"), user=mona)
    with time_machine.travel(oslo(2026, 11, 23, 9, 0), tick=False):
        second = set_acceptable_level(
            organisation=rhf, area=PrivacyArea.INTEGRITY, level=band("Middels"), user=mona, justification="Board 12/26"
        )
    current = AcceptableLevel.objects.current(organisation_id=rhf.pk, area=PrivacyArea.INTEGRITY)
    assert current == second and AcceptableLevel.objects.filter(pk=first.pk).exists()
    assert (second.approved_by, second.justification) == (mona, "Board 12/26")
    assert list(AcceptableLevel.objects.latest_versions()) == [second]
    with pytest.raises(ValidationError):  # the same level again is no new decision
        set_acceptable_level(organisation=rhf, area=PrivacyArea.INTEGRITY, level=band("Middels"), user=mona)


def test_the_list_shows_which_version_is_in_force_and_only_managers_may_add(login, mona, alice, rhf):
    set_acceptable_level(organisation=rhf, area=PrivacyArea.INTEGRITY, level=band("Lav"), user=mona)
    with time_machine.travel(oslo(2026, 11, 23, 9, 0), tick=False):
        set_acceptable_level(organisation=rhf, area=PrivacyArea.INTEGRITY, level=band("Middels"), user=mona)
    page = login(mona).get(reverse("risks:acceptablelevel_list"))
    assert [row.record.in_force for row in page.context["table"].rows] == [True, False]
    assert page.context["can_add"] is True
    in_force = login(mona).get(reverse("risks:acceptablelevel_list"), {"in_force": "yes"})
    assert [row.record.level.label for row in in_force.context["table"].rows] == ["Middels"]
    assert login(alice).get(reverse("risks:acceptablelevel_add")).status_code == 403
    add = reverse("risks:acceptablelevel_add")
    response = login(mona).post(add, {"organisation": rhf.pk, "area": "availability", "level": band("Lav").pk})
    assert response.status_code == 302
    again = login(mona).post(add, {"organisation": rhf.pk, "area": "availability", "level": band("Lav").pk})
    assert again.status_code == 200 and again.context["form"].errors["level"]
    other = Organisation.objects.get(name="Melhus")
    refused = login(mona).post(add, {"organisation": other.pk, "area": "availability", "level": band("Lav").pk})
    assert refused.status_code == 200 and refused.context["form"].errors["organisation"]


# --- closing ------------------------------------------------------------------------------------


def test_a_risk_above_its_level_cannot_be_closed_through_the_form(login, alice, mona):
    risk = yellow_risk()
    set_acceptable_level(organisation=risk.organisation, area=risk.privacy_area, level=band("Lav"), user=mona)
    page = login(alice).get(reverse("risks:risk_edit", args=[risk.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(status=RiskStatus.CLOSED, obligations=[], next_review="2027-01-01")
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    response = login(alice).post(reverse("risks:risk_edit", args=[risk.pk]), data)
    assert response.status_code == 200 and "status" in response.context["form"].errors
    risk.refresh_from_db()
    assert risk.status != RiskStatus.CLOSED
    set_acceptable_level(organisation=risk.organisation, area=risk.privacy_area, level=band("Middels"), user=mona)
    assert login(alice).post(reverse("risks:risk_edit", args=[risk.pk]), data).status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED


def test_an_unassessed_risk_cannot_be_closed_and_an_avoided_one_can():
    risk = yellow_risk()
    risk.residual_probability = risk.residual_consequence = None
    risk.status = RiskStatus.CLOSED
    with pytest.raises(ValidationError) as exc:
        risk.full_clean()
    assert "status" in exc.value.message_dict
    risk.treatment, risk.treatment_justification = "avoid", "The service is shut down."
    risk.full_clean()


def test_without_a_recorded_level_red_is_above_and_yellow_is_not():
    assert Risk.objects.get(title__startswith="Manglende økonomisk").above_acceptable_level()
    assert not yellow_risk().above_acceptable_level()
    assert Risk.objects.get(title="Lange ventetider").residual_probability.dimension == Dimension.PROBABILITY
