"""Recording, notifying, measures and closure, as a privacy officer does it."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from hpregister.models import Organisation
from incidents.choices import DataCategory, IncidentStatus, MeasureStatus, RiskLevel, SubjectsDecision
from incidents.models import Incident, Notification, close_incident, withdraw_incident
from tests.factories import assessed, make_incident, measure, notify, oslo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(oslo(2026, 11, 22, 12, 0), tick=False):
        yield


def test_references_are_readable_and_numbered_per_year():
    first, second = make_incident(), make_incident()
    assert first.reference == f"AVVIK-2026-{first.number:04d}"
    assert second.number == first.number + 1
    with time_machine.travel(oslo(2027, 1, 1, 0, 30), tick=False):
        assert make_incident().reference == "AVVIK-2027-0001"


def test_notification_after_the_deadline_requires_reasons_for_the_delay():
    incident = assessed(make_incident(aware_at=oslo(2026, 11, 10, 10)))
    with pytest.raises(ValidationError) as exc:
        notify(incident, oslo(2026, 11, 13, 10, 1))
    assert "delay_reason" in exc.value.message_dict
    assert not Notification.objects.filter(incident=incident).exists()
    notify(incident, oslo(2026, 11, 13, 10, 1), delay_reason="Waited for the log extract from the vendor.")
    assert incident.clock()["late"] is True


def test_notification_exactly_at_the_deadline_is_on_time():
    incident = assessed(make_incident(aware_at=oslo(2026, 11, 10, 10)))
    notify(incident, oslo(2026, 11, 13, 10, 0))
    assert incident.clock()["late"] is False


def test_a_phased_notification_keeps_the_follow_up_open_until_the_final_one():
    incident = assessed(make_incident())
    notify(incident, oslo(2026, 11, 21, 9), phased=True)
    assert incident.follow_up_notification_open
    notify(incident, oslo(2026, 11, 21, 15), phase="supplementary")
    assert incident.follow_up_notification_open
    with pytest.raises(ValidationError, match="final|endelige"):
        close_incident(incident=incident, user=None)
    notify(incident, oslo(2026, 11, 22, 9), phase="final")
    assert not incident.follow_up_notification_open
    close_incident(incident=incident, user=None)
    assert incident.status == IncidentStatus.CLOSED


def test_supplementary_before_initial_and_two_initials_are_refused():
    incident = assessed(make_incident())
    with pytest.raises(ValidationError):
        notify(incident, oslo(2026, 11, 21, 9), phase="supplementary")
    notify(incident, oslo(2026, 11, 21, 9))
    with pytest.raises(ValidationError):
        notify(incident, oslo(2026, 11, 21, 10))


def test_closure_is_refused_while_a_measure_is_open_and_records_who_closed(alice):
    incident = assessed(make_incident())
    notify(incident, oslo(2026, 11, 21, 9))
    open_measure = measure(incident)
    incident.refresh_status()
    assert incident.status == IncidentStatus.MEASURES
    with pytest.raises(ValidationError, match="measure|tiltak"):
        close_incident(incident=incident, user=alice)
    open_measure.status, open_measure.done_on = MeasureStatus.DONE, dt.date(2026, 11, 22)
    open_measure.save()
    measure(incident, status=MeasureStatus.CANCELLED, cancel_reason="Covered by the regional log project")
    close_incident(incident=incident, user=alice)
    incident.refresh_from_db()
    assert (incident.status, incident.closed_by) == (IncidentStatus.CLOSED, alice)
    assert incident.closed_at == oslo(2026, 11, 22, 12, 0)


def test_a_cancelled_measure_needs_a_reason():
    incident = make_incident()
    m = measure(incident)
    m.status = MeasureStatus.CANCELLED
    with pytest.raises(ValidationError, match="reason"):
        m.full_clean()


def test_status_follows_the_work():
    incident = make_incident()
    assert incident.derived_status() == IncidentStatus.REGISTERED
    assessed(incident)
    assert incident.derived_status() == IncidentStatus.ASSESSED
    notify(incident, oslo(2026, 11, 21, 9))
    assert incident.status == IncidentStatus.NOTIFIED


def test_risk_assessment_needs_a_rationale_and_high_risk_needs_art34():
    incident = make_incident(risk_level=RiskLevel.HIGH)
    with pytest.raises(ValidationError) as exc:
        incident.full_clean()
    assert "risk_rationale" in exc.value.message_dict
    incident.risk_rationale = "Address-protected patients' addresses were shown."
    incident.subjects_decision = SubjectsDecision.NOT_REQUIRED
    with pytest.raises(ValidationError) as exc:
        incident.full_clean()
    assert "subjects_decision" in exc.value.message_dict
    incident.subjects_decision = SubjectsDecision.UNINTELLIGIBLE
    with pytest.raises(ValidationError) as exc:
        incident.full_clean()
    assert "subjects_rationale" in exc.value.message_dict


def test_art34_pending_until_informed_or_an_exception_is_recorded():
    incident = assessed(make_incident(), level=RiskLevel.HIGH)
    assert incident.art34_pending and incident in Incident.objects.art34_pending()
    incident.subjects_decision = SubjectsDecision.PUBLIC_NOTICE
    incident.subjects_rationale = "Thousands of patients; notice on the websites."
    incident.save()
    assert not incident.art34_pending and incident not in Incident.objects.art34_pending()


def test_address_protected_patients_create_a_police_follow_up():
    incident = make_incident(data_categories=[DataCategory.HEALTH, DataCategory.ADDRESS_PROTECTED])
    assert incident.police_follow_up_open
    incident.police_notified_at = oslo(2026, 11, 21, 10)
    assert not incident.police_follow_up_open


def test_a_late_processor_notice_is_flagged():
    incident = make_incident(
        processor="Hemit HF", processor_detected_at=oslo(2026, 11, 18, 8), processor_notified_at=oslo(2026, 11, 20, 8)
    )
    assert incident.processor_delay == dt.timedelta(hours=48) and incident.processor_late
    incident.processor_notified_at = oslo(2026, 11, 18, 20)
    assert not incident.processor_late


def test_withdrawal_needs_a_reason_and_keeps_the_incident(alice):
    incident = make_incident()
    with pytest.raises(ValidationError):
        withdraw_incident(incident=incident, user=alice, reason=" ")
    withdraw_incident(incident=incident, user=alice, reason="Registered twice (see AVVIK-2026-0001)")
    assert Incident.objects.get(pk=incident.pk).status == IncidentStatus.WITHDRAWN


def incident_post_data(org_pk, **overrides):
    data = {
        "title": "Snooping in the record of a neighbour",
        "description": "Found in a log review.",
        "category": "snooping",
        "breach_confidentiality": "on",
        "discovered_at_0": "2026-11-21T09:00",
        "aware_at_0": "2026-11-21T10:30",
        "how_known": "log_review",
        "organisations": [org_pk],
        "data_categories": ["health"],
        "risk_level": "risk",
        "risk_rationale": "One patient, health data seen by one employee.",
    }
    data.update(overrides)
    return data


def test_privacy_officer_records_a_breach_through_the_form(login, bob):
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    response = login(bob).post(reverse("incidents:incident_add"), incident_post_data(stolav.pk))
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.get(title="Snooping in the record of a neighbour")
    assert incident.created_by == bob and list(incident.organisations.all()) == [stolav]
    assert incident.aware_at == dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
    assert incident.status == IncidentStatus.ASSESSED
    assert incident.history.get().history_user == bob
    page = login(bob).get(incident.get_absolute_url()).content.decode()
    assert incident.reference in page and "24.11.2026 10:30" in page  # deadline in Oslo time


def test_the_form_keeps_everything_typed_when_a_field_is_wrong(login, bob):
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    data = incident_post_data(stolav.pk, aware_at_0="2026-03-29T02:30")
    response = login(bob).post(reverse("incidents:incident_add"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"aware_at"}
    html = response.content.decode()
    assert "Snooping in the record of a neighbour" in html and 'id="id_aware_at_error"' in html
    assert not Incident.objects.filter(title=data["title"]).exists()


def test_a_form_without_breach_type_is_refused(login, bob):
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    data = incident_post_data(stolav.pk)
    del data["breach_confidentiality"]
    response = login(bob).post(reverse("incidents:incident_add"), data)
    assert "breach_confidentiality" in response.context["form"].errors


def test_late_notification_through_the_form_shows_the_error_next_to_the_field(login, bob):
    incident = assessed(make_incident(aware_at=oslo(2026, 11, 10, 10)))
    url = reverse("incidents:notification_add", args=[incident.pk])
    response = login(bob).post(url, {"phase": "initial", "channel": "altinn", "sent_at_0": "2026-11-14T10:00"})
    assert response.status_code == 200 and "delay_reason" in response.context["form"].errors
    response = login(bob).post(
        url,
        {
            "phase": "initial",
            "channel": "altinn",
            "sent_at_0": "2026-11-14T10:00",
            "delay_reason": "Awaiting the vendor's log extract.",
        },
    )
    assert response.status_code == 302
    assert Notification.objects.get(incident=incident).sent_by == bob


def test_close_button_refuses_with_open_measures_and_says_why(login, bob):
    incident = assessed(make_incident())
    notify(incident, oslo(2026, 11, 21, 9))
    measure(incident)
    response = login(bob).post(reverse("incidents:incident_close", args=[incident.pk]), follow=True)
    assert "measure" in response.content.decode().lower() or "tiltak" in response.content.decode().lower()
    incident.refresh_from_db()
    assert incident.status != IncidentStatus.CLOSED


def test_manager_reads_but_cannot_record(login, mona):
    incident = make_incident()
    client = login(mona)
    assert client.get(incident.get_absolute_url()).status_code == 200
    assert client.get(reverse("incidents:incident_edit", args=[incident.pk])).status_code == 403
    assert client.post(reverse("incidents:incident_close", args=[incident.pk])).status_code == 403
    assert client.get(reverse("incidents:notification_add", args=[incident.pk])).status_code == 403


def test_other_organisations_get_404(login, carol):
    incident = make_incident()
    client = login(carol)
    assert client.get(incident.get_absolute_url()).status_code == 404
    assert client.get(reverse("incidents:incidentmeasure_add", args=[incident.pk])).status_code == 404
    assert client.get(reverse("incidents:incident_report", args=[incident.pk])).status_code == 404


def test_a_privacy_officer_cannot_record_for_an_organisation_not_theirs(login, bob):
    melhus = Organisation.objects.get(name="Melhus")
    response = login(bob).post(reverse("incidents:incident_add"), incident_post_data(melhus.pk))
    assert response.status_code == 200 and "organisations" in response.context["form"].errors


def test_affected_organisation_informed_and_acknowledged(login, alice):
    incident = make_incident(organisations=("St. Olavs hospital HF", "Melhus"))
    affected = incident.affected.get(organisation__name="Melhus")
    url = reverse("incidents:incidentorganisation_edit", args=[incident.pk, affected.pk])
    response = login(alice).post(url, {"informed_at_0": "2026-11-21T11:00", "acknowledged_at_0": "2026-11-21T10:00"})
    assert "acknowledged_at" in response.context["form"].errors
    response = login(alice).post(url, {"informed_at_0": "2026-11-21T11:00", "acknowledged_at_0": "2026-11-21T12:00"})
    assert response.status_code == 302
    affected.refresh_from_db()
    assert affected.informed_by == alice and affected.acknowledged_at is not None


def test_report_lists_what_is_still_missing(login, bob):
    incident = make_incident()
    report = login(bob).get(reverse("incidents:incident_report", args=[incident.pk])).context["report"]
    missing = [str(label) for label in report["missing"]]
    assert any("Contact" in m or "Kontakt" in m for m in missing)
    incident.contact_point = "personvern@stolav.no"
    incident.save()
    report = login(bob).get(reverse("incidents:incident_report", args=[incident.pk])).context["report"]
    assert len(report["missing"]) == len(missing) - 1


def test_an_add_form_posted_twice_creates_once_and_leads_to_the_first(login, bob, carol):
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    page = login(bob).get(reverse("incidents:incident_add"))
    token = page.context["form_token"]
    assert f'name="_form_token" value="{token}"' in page.content.decode()
    data = {**incident_post_data(stolav.pk, title="Posted twice"), "_form_token": str(token)}
    first = login(bob).post(reverse("incidents:incident_add"), data)
    second = login(bob).post(reverse("incidents:incident_add"), data)
    incident = Incident.objects.get(title="Posted twice")
    assert first["Location"] == second["Location"] == incident.get_absolute_url()
    melhus = Organisation.objects.get(name="Melhus")
    theirs = {**data, "organisations": [melhus.pk]}
    assert login(carol).post(reverse("incidents:incident_add"), theirs).status_code == 403  # not carol's form
    assert Incident.objects.filter(title="Posted twice").count() == 1


def test_a_second_initial_notification_is_a_form_error_not_a_crash(login, bob):
    incident = assessed(make_incident())
    url = reverse("incidents:notification_add", args=[incident.pk])
    data = {"phase": "initial", "channel": "altinn", "sent_at_0": "2026-11-20T12:00"}
    assert login(bob).post(url, data).status_code == 302
    again = login(bob).post(url, data)
    assert again.status_code == 200 and "phase" in again.context["form"].errors
