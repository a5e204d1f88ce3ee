"""#16 part 4: log control — the plan of reviews, a review's finding that opens a staff follow-up case, the
breach made from it, and patients' requests for their access log."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from hpregister.models import Organisation
from incidents.choices import IncidentCategory, IncidentStatus, RiskLevel
from incidents.models import Incident, close_incident
from logcontrol.choices import BreachDecision, CaseStatus, StepKind
from logcontrol.models import (
    AccessLogRequest,
    LogControlPlan,
    LogReview,
    StaffCase,
    close_case,
    open_case,
    register_breach,
)
from tests.factories import assessed, make_incident, notify, oslo

pytestmark = pytest.mark.django_db
NOW = oslo(2026, 11, 22, 12, 0)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def stolav():
    return Organisation.objects.get(name="St. Olavs hospital HF")


def plan_for(stolav, bob, **fields):
    values = {
        "organisation": stolav,
        "name": "Adressesperrede pasienter",
        "kind": "targeted",
        "target": "address_protected",
        "every_months": 3,
        "responsible": bob,
        "next_due": dt.date(2026, 12, 1),
    }
    values.update(fields)
    return LogControlPlan.objects.create(**values)


def review_for(plan, bob, **fields):
    values = {
        "organisation": plan.organisation,
        "plan": plan,
        "kind": plan.kind,
        "target": plan.target,
        "period_from": dt.date(2026, 10, 1),
        "period_to": dt.date(2026, 10, 31),
        "scope": "All address-protected patients",
        "reviewer": bob,
        "reviewed_on": dt.date(2026, 11, 20),
        "lookups_checked": 340,
        "findings": "One look-up without a care relation",
        "suspected": 1,
    }
    values.update(fields)
    return LogReview.objects.create(**values)


def case_for(review, bob):
    return open_case(
        organisation=review.organisation,
        employee="Ansatt 4711",
        summary="Looked up a neighbour's record",
        confirmed_at=oslo(2026, 11, 21, 14, 0),
        user=bob,
        review=review,
    )


# --- the plan ------------------------------------------------------------------------------------


def test_a_targeted_plan_says_what_it_looks_for(stolav, bob):
    plan = LogControlPlan(organisation=stolav, name="x", kind="targeted", every_months=3, next_due=dt.date(2027, 1, 1))
    with pytest.raises(ValidationError) as exc:
        plan.full_clean()
    assert "target" in exc.value.message_dict


def test_a_review_moves_the_plans_next_review(stolav, bob):
    plan = plan_for(stolav, bob)
    review_for(plan, bob, reviewed_on=dt.date(2026, 11, 20))
    plan.refresh_from_db()
    assert plan.next_due == dt.date(2027, 2, 20)
    assert plan.history.first().history_change_reason == "Reviewed"


def test_the_responsible_person_is_reminded_when_a_review_is_due(stolav, bob, run):
    plan = plan_for(stolav, bob, next_due=dt.date(2026, 12, 1))
    assert run(oslo(2026, 11, 23, 9)) == []
    sent = run(oslo(2026, 11, 24, 9))  # seven days before
    assert [m.to for m in sent] == [["bob@example.test"]] and plan.name in sent[0].subject


def test_recording_a_review_from_the_plan_starts_with_the_plans_values(login, stolav, bob):
    plan = plan_for(stolav, bob)
    page = login(bob).get(reverse("logcontrol:logreview_add"), {"plan": plan.pk})
    initial = page.context["form"].initial
    assert (initial["plan"], initial["kind"], initial["target"]) == (plan, "targeted", "address_protected")


# --- from a finding to a staff follow-up case ----------------------------------------------------


def test_a_suspected_look_up_opens_a_case_with_four_steps_and_deadlines(login, stolav, bob):
    review = review_for(plan_for(stolav, bob), bob)
    response = login(bob).post(
        reverse("logcontrol:staffcase_open", args=[review.pk]),
        {
            "organisation": stolav.pk,
            "employee": "Ansatt 4711",
            "summary": "Looked up a neighbour",
            "confirmed_at_0": "2026-11-21T14:00",
        },
    )
    assert response.status_code == 302
    case = StaffCase.objects.get(review=review)
    steps = {s.kind: (s.due_on, s.owner) for s in case.steps.all()}
    assert steps == {
        StepKind.BREACH: (dt.date(2026, 11, 21), bob),
        StepKind.EMPLOYEE: (dt.date(2026, 12, 5), bob),
        StepKind.PATIENT: (dt.date(2026, 12, 21), bob),
        StepKind.OUTCOME: (dt.date(2027, 1, 20), bob),
    }
    assert case.created_by == bob and case.status == CaseStatus.OPEN


def test_each_step_reminds_its_owner(stolav, bob, run):
    case = case_for(review_for(plan_for(stolav, bob), bob), bob)
    sent = run(oslo(2026, 12, 2, 9))  # three days before the employee follow-up
    assert any(str(case) in m.subject for m in sent)
    assert all("Ansatt 4711" not in m.subject + m.body for m in sent)  # never the employee in an inbox


def test_the_breach_made_from_the_case_counts_from_when_the_review_confirmed_the_access(stolav, bob):
    case = case_for(review_for(plan_for(stolav, bob), bob), bob)
    incident = register_breach(case=case, user=bob)
    assert incident.aware_at == oslo(2026, 11, 21, 14, 0)
    assert incident.category == IncidentCategory.SNOOPING and list(incident.organisations.all()) == [stolav]
    assert incident.deadline == oslo(2026, 11, 24, 14, 0)
    case.refresh_from_db()
    assert case.incident == incident and case.breach_decision == BreachDecision.BREACH
    assert case.steps.get(kind=StepKind.BREACH).done_on == NOW.date()
    assert StaffCase.objects.filter(incident=incident).count() == 1  # no second case for the same breach


def test_the_breach_cannot_close_while_the_staff_follow_up_is_open(stolav, bob):
    case = case_for(review_for(plan_for(stolav, bob), bob), bob)
    incident = assessed(register_breach(case=case, user=bob), level=RiskLevel.UNLIKELY)
    incident = Incident.objects.get(pk=incident.pk)
    codes = [d.code for d in incident.open_duties()]
    assert codes == ["staff_follow_up"]
    with pytest.raises(ValidationError):
        close_incident(incident=incident, user=bob)
    with pytest.raises(ValidationError):  # the case itself waits for its steps and outcome
        close_case(case=case, user=bob)
    case.steps.update(done_on=NOW.date())
    case.outcome = "Written warning; patient informed by letter."
    case.save()
    close_case(case=StaffCase.objects.get(pk=case.pk), user=bob)
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.open_duties() == []
    close_incident(incident=incident, user=bob)
    assert Incident.objects.get(pk=incident.pk).status == IncidentStatus.CLOSED


def test_not_a_breach_needs_a_reason_and_recording_it_does_the_step(stolav, bob):
    case = case_for(review_for(plan_for(stolav, bob), bob), bob)
    case.breach_decision = BreachDecision.NO_BREACH
    with pytest.raises(ValidationError) as exc:
        case.full_clean()
    assert "breach_rationale" in exc.value.message_dict
    case.breach_rationale = "Looked up with a care relation after all."
    case.full_clean()
    case.save()
    assert case.steps.get(kind=StepKind.BREACH).done_on == NOW.date()
    assert len(case.open_steps()) == 3  # employee, patient, outcome: each once


def test_a_breach_registered_directly_as_snooping_opens_the_same_follow_up(bob):
    incident = make_incident(category=IncidentCategory.SNOOPING, created_by=bob)
    case = StaffCase.objects.get(incident=incident)
    assert case.organisation.name == "St. Olavs hospital HF" and case.confirmed_at == incident.aware_at
    assert case.breach_decision == BreachDecision.BREACH
    assert case.steps.get(kind=StepKind.BREACH).done_on is not None
    assert "staff_follow_up" in [d.code for d in Incident.objects.get(pk=incident.pk).open_duties()]
    incident.title = "Edited"
    incident.save()
    assert StaffCase.objects.filter(incident=incident).count() == 1


def test_the_case_pages_lead_through_register_and_close(login, stolav, bob):
    case = case_for(review_for(plan_for(stolav, bob), bob), bob)
    client = login(bob)
    confirm = client.get(reverse("logcontrol:staffcase_register_breach", args=[case.pk]))
    assert confirm.status_code == 200 and b'name="confirm"' in confirm.content
    response = client.post(reverse("logcontrol:staffcase_register_breach", args=[case.pk]), {"confirm": "yes"})
    incident = StaffCase.objects.get(pk=case.pk).incident
    assert response.status_code == 302 and response.url == reverse("incidents:incident_edit", args=[incident.pk])
    refused = client.post(reverse("logcontrol:staffcase_close", args=[case.pk]), {"confirm": "yes"}, follow=True)
    assert StaffCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
    assert [str(m) for m in refused.context["messages"]]


# --- requests for the access log -----------------------------------------------------------------


def request_for(stolav, bob, **fields):
    values = {"organisation": stolav, "reference": "2026/77", "received_on": dt.date(2026, 11, 2), "owner": bob}
    values.update(fields)
    request = AccessLogRequest(**values)
    request.full_clean()
    request.save()
    return request


def test_a_request_is_due_in_a_month_and_an_extension_needs_a_reason_and_a_notice(stolav, bob):
    request = request_for(stolav, bob)
    assert request.due_on == dt.date(2026, 12, 2)
    request.extended_until = dt.date(2027, 3, 1)  # past three months
    with pytest.raises(ValidationError) as exc:
        request.full_clean()
    assert {"extended_until", "extension_reason", "extension_notified_on"} <= set(exc.value.message_dict)
    request.extended_until = dt.date(2027, 1, 15)
    request.extension_reason = "Logs from three systems"
    request.extension_notified_on = dt.date(2026, 11, 20)
    request.full_clean()
    request.save()
    assert request.due_on == dt.date(2027, 1, 15)


def test_the_owner_is_reminded_before_the_answer_is_due(stolav, bob, run):
    request_for(stolav, bob)
    sent = run(oslo(2026, 11, 25, 9))  # seven days before 2 December
    assert [m.to for m in sent] == [["bob@example.test"]] and "2026/77" in sent[0].subject


def test_the_list_shows_the_share_answered_on_time(login, stolav, bob):
    request_for(stolav, bob, reference="a", received_on=dt.date(2026, 9, 1), answered_on=dt.date(2026, 9, 20))
    request_for(stolav, bob, reference="b", received_on=dt.date(2026, 9, 1), answered_on=dt.date(2026, 10, 5))
    request_for(stolav, bob, reference="c", received_on=dt.date(2026, 10, 1), answered_on=dt.date(2026, 10, 2))
    request_for(stolav, bob, reference="d", received_on=dt.date(2026, 11, 10))
    page = login(bob).get(reverse("logcontrol:accesslogrequest_list"))
    assert (page.context["on_time"], page.context["answered"], page.context["on_time_share"]) == (2, 3, 67)
    assert "67 %" in page.content.decode()
    late = login(bob).get(reverse("logcontrol:accesslogrequest_list"), {"q": "b"})
    assert late.context["on_time_share"] == 0


def test_notified_breach_journey_from_a_review_in_one_go(stolav, bob):
    """A review's finding, its case, the breach, the notification, the steps, and both closed."""
    case = case_for(review_for(plan_for(stolav, bob), bob), bob)
    incident = assessed(register_breach(case=case, user=bob), level=RiskLevel.RISK)
    notify(incident, oslo(2026, 11, 22, 10, 0))
    case.steps.update(done_on=NOW.date())
    case.outcome = "Followed up"
    case.save()
    close_case(case=StaffCase.objects.get(pk=case.pk), user=bob)
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.first_notified_at == oslo(2026, 11, 22, 10, 0) and not incident.clock()["late"]
