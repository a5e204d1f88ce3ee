"""#16 part 2: root causes as data, recurring breaches, measures whose effect is checked, and one overview of
every measure across the registers."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.models import Gap, GapAction
from hpregister.choices import MeasureStatus
from hpregister.reminders.sweep import sweep
from incidents.choices import IncidentStatus, RiskLevel
from incidents.models import Incident, RootCause, close_incident
from incidents.recurrence import REOPENED_MEASURE_DAYS, link_recurrences, recurrence_candidates
from risks.choices import PrivacyArea
from risks.models import LevelBand, ReportingPeriod, Risk, RiskMeasure, set_acceptable_level
from tests.factories import assessed, make_incident, measure, oslo

pytestmark = pytest.mark.django_db
NOW = oslo(2026, 11, 22, 12, 0)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def cause(name="Tilgangsstyring (oppsett)"):
    return RootCause.objects.get(name=name)


def today(days=0):
    return NOW.date() + dt.timedelta(days=days)


def closed_breach(bob, **fields):
    """An earlier breach, followed up and closed: one measure done."""
    incident = assessed(make_incident(**fields), level=RiskLevel.UNLIKELY)
    measure(incident, owner=bob, status=MeasureStatus.DONE, done_on=fields["aware_at"].date())
    close_incident(incident=Incident.objects.get(pk=incident.pk), user=bob)
    return Incident.objects.get(pk=incident.pk)


# --- root causes ---------------------------------------------------------------------------------


def test_root_causes_are_data_and_the_published_trend_is_visible_by_cause(login, bob):
    assert list(RootCause.objects.values_list("name", flat=True)) == [
        "Tilgangsstyring (oppsett)",
        "System- eller programmeringsfeil",
        "Menneskelig feil",
        "Databehandler",
        "Annet",
    ]
    page = login(bob).get(reverse("incidents:statistics"), {"root_cause": cause().pk})
    totals = {row["year"]: row["total"] for row in page.context["table"]}
    assert (totals[2023], totals[2024], totals[2025]) == (17, 44, 21)


def test_operators_edit_root_causes_with_history(login, alice):
    risk = Risk.objects.get(title="Lange ventetider")
    url = reverse("incidents:rootcause_edit", args=[cause().pk])
    response = login(alice).post(url, {"name": "Tilgangsstyring", "description": "Roller", "risk": risk.pk, "order": 5})
    assert response.status_code == 302
    edited = cause("Tilgangsstyring")
    assert edited.risk == risk and edited.history.first().history_user == alice


def test_the_list_filters_by_root_cause_system_and_recurrence(login, bob):
    a = make_incident(title="Access A", root_cause=cause(), system="Epic Hyperspace", aware_at=oslo(2026, 9, 1, 9))
    b = make_incident(title="Access B", root_cause=cause(), system="epic hyperspace", aware_at=oslo(2026, 10, 1, 9))
    make_incident(title="Human", root_cause=cause("Menneskelig feil"), aware_at=oslo(2026, 10, 2, 9))
    client = login(bob)
    url = reverse("incidents:incident_list")

    def titles(**params):
        return {row.record.title for row in client.get(url, params).context["table"].rows}

    assert titles(root_cause=cause().pk) == {"Access A", "Access B"}
    assert titles(system="hyperspace") == {"Access A", "Access B"}
    b.recurrence_of.add(a)
    assert titles(recurring="yes") == {"Access B"}


# --- recurrence ----------------------------------------------------------------------------------


def test_a_new_breach_shows_earlier_ones_of_the_same_cause_and_system_within_twelve_months(login, bob):
    earlier = make_incident(title="Same", root_cause=cause(), system="Epic", aware_at=oslo(2026, 3, 1, 9))
    make_incident(title="Other system", root_cause=cause(), system="MyChart", aware_at=oslo(2026, 3, 2, 9))
    make_incident(title="Too old", root_cause=cause(), system="Epic", aware_at=oslo(2025, 11, 1, 9))
    make_incident(title="Other cause", root_cause=cause("Annet"), system="Epic", aware_at=oslo(2026, 3, 3, 9))
    make_incident(title="Elsewhere", root_cause=cause(), system="Epic", organisations=("Melhus",))
    new = make_incident(title="New", root_cause=cause(), system="EPIC", aware_at=oslo(2026, 11, 20, 10))
    assert [i.title for i in recurrence_candidates(new, bob)] == ["Same"]
    page = login(bob).get(new.get_absolute_url())
    assert [i.pk for i in page.context["recurrence_candidates"]] == [earlier.pk]
    assert f'name="earlier" value="{earlier.pk}"' in page.content.decode()


def test_linking_a_recurrence_marks_the_earlier_measures_ineffective_and_reopens_the_breach(login, bob):
    earlier = closed_breach(bob, root_cause=cause(), system="Epic", aware_at=oslo(2026, 6, 1, 9))
    assert earlier.status == IncidentStatus.CLOSED
    new = make_incident(title="Again", root_cause=cause(), system="Epic", aware_at=oslo(2026, 11, 20, 10))
    response = login(bob).post(reverse("incidents:incident_recurrences", args=[new.pk]), {"earlier": [earlier.pk]})
    assert response.status_code == 302
    assert list(new.recurrence_of.all()) == [earlier]
    old_measure = earlier.measures.get()
    assert (old_measure.status, old_measure.effective, old_measure.effect_checked_by) == (
        MeasureStatus.IN_PROGRESS,
        False,
        bob,
    )
    assert old_measure.due_on == today(REOPENED_MEASURE_DAYS) and new.reference in old_measure.effect_note
    earlier.refresh_from_db()
    assert earlier.status not in (IncidentStatus.CLOSED, IncidentStatus.WITHDRAWN)
    assert "did not work" in earlier.reopened_reason or "virket ikke" in earlier.reopened_reason
    assert new.history.first().history_change_reason == "Recurrences linked"


def test_nobody_links_what_they_cannot_change(login, bob, carol):
    earlier = make_incident(root_cause=cause(), aware_at=oslo(2026, 6, 1, 9), organisations=("Melhus",))
    new = make_incident(root_cause=cause(), organisations=("St. Olavs hospital HF",))
    with pytest.raises(Exception, match="cannot|kan ikke"):
        link_recurrences(incident=new, earlier=[earlier], user=carol)
    # bob cannot see Melhus' breach: a forged id is simply not a candidate
    login(bob).post(reverse("incidents:incident_recurrences", args=[new.pk]), {"earlier": [earlier.pk]})
    assert not new.recurrence_of.exists()


def test_managers_see_recurring_patterns_on_the_dashboard(login, mona):
    for day in (1, 2, 3):
        make_incident(root_cause=cause(), system="Epic", aware_at=oslo(2026, 10, day, 9))
    make_incident(root_cause=cause("Annet"), aware_at=oslo(2026, 10, 4, 9))
    page = login(mona).get(reverse("dashboard")).content.decode()
    assert "Tilgangsstyring (oppsett) – Epic</a>: 3" in page


# --- effect checks -------------------------------------------------------------------------------


def test_a_done_measure_gets_an_effect_check_and_the_owner_is_reminded(bob, django_capture_on_commit_callbacks):
    incident = assessed(make_incident(), level=RiskLevel.UNLIKELY)
    done = measure(incident, owner=bob, status=MeasureStatus.DONE, done_on=today())
    assert done.effect_check_due == today(settings.EFFECT_CHECK_DAYS) and done.effective is None
    with (
        time_machine.travel(oslo(*today(settings.EFFECT_CHECK_DAYS).timetuple()[:3], 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sweep()
    sent = [m for m in mail.outbox if m.to == ["bob@example.test"]]
    assert len(sent) == 1 and incident.reference in sent[0].subject
    assert incident.title not in sent[0].subject + sent[0].body  # never the breach's title in an inbox


def test_checking_the_effect_through_the_page(login, bob):
    incident = assessed(make_incident(), level=RiskLevel.UNLIKELY)
    done = measure(incident, owner=bob, status=MeasureStatus.DONE, done_on=today())
    url = reverse("incidents:incidentmeasure_effect", args=[incident.pk, done.pk])
    client = login(bob)
    refused = client.post(url, {"worked": "no", "checked_on": today().isoformat()})
    form = refused.context["form"]
    assert refused.status_code == 200 and form.errors["note"] and form.errors["new_due_on"]
    assert client.post(url, {"worked": "yes", "checked_on": today().isoformat()}).status_code == 302
    done.refresh_from_db()
    assert (done.effective, done.effect_check_due, done.effect_checked_by) == (True, None, bob)
    assert done.history.first().history_change_reason == "Effect checked: worked"


def test_a_measure_that_did_not_work_opens_again_and_reopens_its_closed_breach(login, bob):
    incident = closed_breach(bob, aware_at=oslo(2026, 8, 1, 9))
    done = incident.measures.get()
    url = reverse("incidents:incidentmeasure_effect", args=[incident.pk, done.pk])
    data = {"worked": "no", "checked_on": today().isoformat(), "note": "Still snooping", "new_due_on": today(14)}
    assert login(bob).post(url, data).status_code == 302
    done.refresh_from_db()
    incident.refresh_from_db()
    assert (done.status, done.due_on, done.done_on) == (MeasureStatus.IN_PROGRESS, today(14), None)
    assert incident.status != IncidentStatus.CLOSED and "Still snooping" in incident.reopened_reason
    done.status, done.done_on = MeasureStatus.DONE, today()
    done.save()
    assert done.effect_check_due == today(settings.EFFECT_CHECK_DAYS)  # done again: checked again


def test_a_risk_measure_cannot_be_recorded_as_working_while_the_risk_is_above_its_level(login, alice, mona):
    risk = Risk.objects.get(title="Lange ventetider")  # yellow
    risk.privacy_area = PrivacyArea.AVAILABILITY
    risk.save()
    set_acceptable_level(
        organisation=risk.organisation, area=risk.privacy_area, level=LevelBand.objects.get(label="Lav"), user=mona
    )
    done = RiskMeasure.objects.create(
        risk=risk, description="More beds", owner=alice, due_on=today(), status="done", done_on=today()
    )
    url = reverse("risks:riskmeasure_effect", args=[risk.pk, done.pk])
    response = login(alice).post(url, {"worked": "yes", "checked_on": today().isoformat()})
    assert response.status_code == 200 and response.context["form"].errors["worked"]
    done.refresh_from_db()
    assert done.effective is None


def test_every_measure_needs_an_accountable_owner(login, bob):
    incident = make_incident()
    response = login(bob).post(
        reverse("incidents:incidentmeasure_add", args=[incident.pk]),
        {"description": "Talk to the employee", "due_on": today(7).isoformat(), "status": "planned"},
    )
    assert response.status_code == 200 and response.context["form"].errors["owner"]


# --- the overview --------------------------------------------------------------------------------


def overview(client, **params):
    response = client.get(reverse("measure_list"), params)
    assert response.status_code == 200
    return response, [row.record for row in response.context["table"].paginated_rows]


def test_one_overview_holds_the_open_measures_of_incidents_risks_and_gaps(login, alice, bob, carol):
    incident = make_incident()
    measure(incident, description="Incident measure", owner=bob, due_on=today(-3))
    gap = Gap.objects.get(code="ARK-1")  # Helseplattformen AS
    GapAction.objects.create(gap=gap, description="Gap action", owner=alice, due_on=today(10))
    _, rows = overview(login(alice), q="measure")
    kinds = {r["description_text"]: r["kind"] for r in rows}
    assert kinds["Incident measure"] == "incidents-incidentmeasure"
    _, rows = overview(login(alice), q="action")
    assert [r["description_text"] for r in rows] == ["Gap action"]
    _, overdue = overview(login(alice), state="overdue")
    assert "Incident measure" in [r["description_text"] for r in overdue]
    assert "Gap action" not in [r["description_text"] for r in overdue]
    _, bobs = overview(login(alice), owner=bob.pk)
    assert {r["description_text"] for r in bobs} == {"Incident measure"}
    _, by_org = overview(login(alice), organisation=incident.organisations.get().pk, kind="incidents-incidentmeasure")
    assert "Incident measure" in {r["description_text"] for r in by_org}
    _, carols = overview(login(carol))
    assert "Incident measure" not in {r["description_text"] for r in carols}  # another organisation's
    response, _ = overview(login(bob), state="overdue")
    assert reverse("incidents:incident_detail", args=[incident.pk]) in response.content.decode()


def test_the_overview_costs_the_same_whatever_the_page_size(login, bob):
    incident = make_incident()
    for n in range(60):
        measure(incident, description=f"M{n}", owner=bob, due_on=today(n))
    client = login(bob)
    counts = []
    for per_page in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            response, rows = overview(client, per_page=per_page)
        assert len(rows) == per_page
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    ordered = [r["due"] for r in overview(client, sort="-due")[1]]
    assert ordered == sorted(ordered, reverse=True)


def test_the_overview_exports(login, bob):
    incident = make_incident()
    measure(incident, description="Exported measure", owner=bob)
    response = login(bob).get(reverse("measure_list"), {"_export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Exported measure" in text and ";" in text.splitlines()[0]
    import io

    import openpyxl

    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(login(bob).get(reverse("measure_list"), {"_export": "xlsx"}).streaming_content))
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert any(row[0] == "Exported measure" for row in rows[1:])


# --- inherent risk -------------------------------------------------------------------------------


def test_a_risk_shows_the_breaches_that_realised_it_per_period(login, mona):
    risk = Risk.objects.get(title="Lange ventetider")
    access = cause()
    access.risk = risk
    access.save()
    period = ReportingPeriod.objects.get(name="2. tertial 2025")  # May to August 2025
    make_incident(root_cause=access, aware_at=oslo(2025, 6, 1, 9), organisations=("Helse Midt-Norge RHF",))
    make_incident(root_cause=access, aware_at=oslo(2025, 7, 1, 9), organisations=("Helse Midt-Norge RHF",))
    make_incident(root_cause=access, aware_at=oslo(2025, 2, 1, 9), organisations=("Helse Midt-Norge RHF",))
    make_incident(root_cause=access, aware_at=oslo(2025, 6, 2, 9), organisations=("Melhus",))  # not mona's
    page = login(mona).get(risk.get_absolute_url())
    realised = dict(page.context["realised"])
    assert realised[period] == 2
    assert realised[ReportingPeriod.objects.get(name="1. tertial 2025")] == 1
