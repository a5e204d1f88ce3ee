"""#17: internal control records: the Art. 30 record of processing, the DPIA register with the Art. 36 prior
consultation, processor agreements with their own breach-notice SLA, adequacy decisions with end dates,
and the archive plan with its hand-over and disposal duties."""

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from compliance.choices import GapKind, TransferBasis
from compliance.models import AdequacyDecision, Gap, ProcessorAgreement, SubProcessor
from hpregister.models import Organisation
from internalcontrol.models import ArchiveSeries, Dpia, ProcessingActivity
from tests.factories import make_incident, oslo, submitted_form

pytestmark = pytest.mark.django_db
NOW = oslo(2026, 11, 22, 12, 0)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def stolav():
    return Organisation.objects.get(name="St. Olavs hospital HF")


@pytest.fixture
def hpas():
    return Organisation.objects.get(name="Helseplattformen AS")


def activity_for(organisation, **fields):
    values = {
        "organisation": organisation,
        "name": "Pasientbehandling i Helseplattformen",
        "purposes": "Helsehjelp til pasienter",
        "data_subjects": "Pasienter og pårørende",
        "data_categories": "Helseopplysninger, kontaktopplysninger",
        "retention": "Pasientjournalloven og helsearkivforskriften",
        "security_measures": "Tilgangsstyring, logganalyse",
    }
    values.update(fields)
    return ProcessingActivity.objects.create(**values)


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


# --- 1. the Art. 30 record ---------------------------------------------------------------------------


def test_the_record_reads_its_transfers_from_the_subprocessor_register_with_the_change_and_its_date(login, hpas, alice):
    epic = SubProcessor.objects.get(name="Epic Bristol Limited")
    assert (str(epic.country), epic.transfer_basis) == ("GB", TransferBasis.ADEQUACY)
    activity = activity_for(hpas, role="processor", name="Drift av felles journal")
    activity.subprocessors.add(epic)
    changed_at = oslo(2026, 11, 24, 9, 30)
    with time_machine.travel(changed_at, tick=False):
        epic.transfer_basis = TransferBasis.SCC
        epic.scc_module = "3"
        epic.tia_date = dt.date(2026, 11, 20)
        epic.transfer_reference = "HP – Epic_2026.11.24"
        epic.save()
    (transfer,) = activity.transfers()
    assert transfer.basis_since == changed_at
    assert "GB" in transfer.previous and "Adequacy" in transfer.previous

    page = login(alice).get(reverse("internalcontrol:record"), {"organisation": hpas.pk, "role": "processor"})
    html = page.content.decode()
    assert "Drift av felles journal" in html and "Epic Bristol Limited" in html
    shown = formats.date_format(timezone.localtime(changed_at).date(), "SHORT_DATE_FORMAT")
    assert "HP – Epic_2026.11.24" in html and shown in html and "changed from" in html


def test_the_record_prints_as_a_pdf_and_exports_as_a_list(login, stolav, bob):
    activity_for(stolav, name="Legemiddelhåndtering")
    client = login(bob)
    text = pdf_text(client.get(reverse("internalcontrol:record_pdf"), {"organisation": stolav.pk}))
    assert "Legemiddelhåndtering" in text and "St. Olavs hospital HF" in text
    csv = client.get(reverse("internalcontrol:processingactivity_list"), {"_export": "csv"})
    assert "Legemiddelhåndtering" in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_the_record_keeps_a_history_and_is_scoped(login, stolav, hpas, bob, carol):
    activity = activity_for(stolav)
    client = login(bob)
    form = submitted_form(client.get(reverse("internalcontrol:processingactivity_edit", args=[activity.pk])))
    form["purposes"] = ["Helsehjelp og kvalitetssikring"]
    response = client.post(reverse("internalcontrol:processingactivity_edit", args=[activity.pk]), form)
    assert response.status_code == 302
    assert activity.history.count() == 2 and activity.history.first().history_user == bob
    assert login(carol).get(activity.get_absolute_url()).status_code == 404
    assert login(bob).get(reverse("internalcontrol:record_pdf"), {"organisation": hpas.pk}).status_code == 404


def test_only_helseplattformen_as_keeps_a_record_as_processor(login, stolav, bob):
    client = login(bob)
    form = submitted_form(client.get(reverse("internalcontrol:processingactivity_add")))
    form.update(
        organisation=[str(stolav.pk)],
        role=["processor"],
        name=["X"],
        purposes=["Y"],
        data_subjects=["Z"],
        data_categories=["W"],
        retention=["V"],
        security_measures=["U"],
    )
    response = client.post(reverse("internalcontrol:processingactivity_add"), form)
    assert response.status_code == 200
    assert "Only Helseplattformen AS keeps a record as processor." in response.context["form"].errors["role"]
    assert not ProcessingActivity.objects.filter(name="X").exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "internalcontrol:processingactivity_list",
        "internalcontrol:dpia_list",
        "internalcontrol:archiveseries_list",
        "compliance:processoragreement_list",
        "compliance:adequacydecision_list",
        "compliance:subprocessor_list",
    ],
)
def test_the_lists_cost_the_same_whatever_the_page_size(url_name, login, stolav, bob, alice):
    for n in range(30):
        activity_for(stolav, name=f"Behandling {n}").subprocessors.add(*SubProcessor.objects.all()[:3])
        Dpia.objects.create(organisation=stolav, title=f"DPIA {n}", owner=bob, residual_risk="high")
        series_for(stolav, name=f"Serie {n}")
        ProcessorAgreement.objects.create(organisation=stolav, processor=f"Leverandør {n}", breach_notice_hours=n)
    client = login(alice)
    client.get(reverse(url_name))
    counts = []
    for per_page in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url_name), {"per_page": per_page})
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["table"].page.object_list) >= 13
    assert counts[0] == counts[1], counts


# --- 2. DPIAs and the prior consultation ------------------------------------------------------------------


def test_a_high_residual_risk_shows_the_prior_consultation_with_its_deadline_and_outcome(login, stolav, bob):
    dpia = Dpia.objects.create(
        organisation=stolav,
        title="Talegjenkjenning i poliklinikk",
        owner=bob,
        status="completed",
        residual_risk="high",
        completed_on=dt.date(2026, 11, 10),
        processing_starts_on=dt.date(2027, 2, 1),
    )
    assert dpia.consultation_open and dpia.consultation_due_on == dt.date(2027, 2, 1)
    page = login(bob).get(dpia.get_absolute_url()).content.decode()
    due = formats.date_format(dt.date(2027, 2, 1), "SHORT_DATE_FORMAT")
    assert "Datatilsynet must be consulted before the processing starts" in page and due in page

    dpia.consultation_sent_on = dt.date(2026, 11, 20)
    dpia.save()
    assert dpia.consultation_due_on == dt.date(2027, 1, 15)  # eight weeks (Art. 36(2))
    dpia.consultation_extended = True
    dpia.save()
    assert dpia.consultation_due_on == dt.date(2027, 2, 26)  # fourteen weeks when extended

    dpia.consultation_outcome = "advice"
    dpia.consultation_answered_on = dt.date(2026, 11, 21)
    dpia.full_clean()
    dpia.save()
    assert not dpia.consultation_open and dpia.consultation_due_on is None
    assert not Dpia.objects.consultation_open().filter(pk=dpia.pk).exists()


def test_the_owner_is_reminded_of_the_prior_consultation_and_sees_it_in_my_tasks(login, stolav, bob, run):
    dpia = Dpia.objects.create(
        organisation=stolav,
        title="Talegjenkjenning",
        owner=bob,
        residual_risk="high",
        processing_starts_on=dt.date(2026, 12, 10),
    )
    tasks = login(bob).get(reverse("my_tasks")).content.decode()
    assert "Talegjenkjenning" in tasks and "Consult Datatilsynet before the processing starts" in tasks
    sent = run(oslo(2026, 12, 3, 9, 0))  # seven days before
    assert [m.to for m in sent if "Talegjenkjenning" in m.subject + m.body] == [[bob.email]]
    dpia.consultation_sent_on = dt.date(2026, 11, 22)
    dpia.save()
    assert not [m for m in run(oslo(2026, 12, 10, 9, 0)) if "Talegjenkjenning" in m.subject + m.body]


def test_an_outcome_needs_the_consultation_sent_first_with_the_error_beside_the_field(login, stolav, bob):
    dpia = Dpia.objects.create(organisation=stolav, title="Kunstig intelligens", owner=bob, residual_risk="high")
    client = login(bob)
    url = reverse("internalcontrol:dpia_edit", args=[dpia.pk])
    form = submitted_form(client.get(url))
    form.update(consultation_outcome=["no_objection"])
    response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["form"].errors["consultation_outcome"] == [
        "Record when the prior consultation was sent first."
    ]
    dpia.refresh_from_db()
    assert dpia.consultation_outcome == ""


# --- 3. processor agreements and adequacy decisions ---------------------------------------------------


@pytest.mark.parametrize(
    ("sla", "delay_hours", "late"),
    [(None, 30, True), (48, 30, False), (12, 20, True), (12, 10, False)],
)
def test_the_processor_delay_flag_uses_the_agreements_sla_and_falls_back_to_the_setting(
    stolav, settings, sla, delay_hours, late
):
    settings.PROCESSOR_NOTICE_LIMIT_HOURS = 24
    agreement = ProcessorAgreement.objects.create(organisation=stolav, processor="Hemit HF", breach_notice_hours=sla)
    detected = oslo(2026, 11, 19, 8, 0)
    incident = make_incident(
        processor="Hemit HF",
        processor_agreement=agreement,
        processor_detected_at=detected,
        processor_notified_at=detected + dt.timedelta(hours=delay_hours),
    )
    assert incident.processor_notice_limit_hours == (sla or 24)
    assert incident.processor_late is late


def test_the_incident_page_names_the_sla_it_was_late_against(login, stolav, bob):
    agreement = ProcessorAgreement.objects.create(organisation=stolav, processor="Hemit HF", breach_notice_hours=12)
    detected = oslo(2026, 11, 19, 8, 0)
    incident = make_incident(
        processor="Hemit HF",
        processor_agreement=agreement,
        processor_detected_at=detected,
        processor_notified_at=detected + dt.timedelta(hours=20),
    )
    page = login(bob).get(incident.get_absolute_url()).content.decode()
    assert "later than the 12 hours allowed" in page


def test_the_incident_form_offers_only_the_agreements_the_user_sees(login, stolav, hpas, bob):
    ProcessorAgreement.objects.create(organisation=stolav, processor="Hemit HF")
    ProcessorAgreement.objects.create(organisation=hpas, processor="Epic Systems")
    choices = login(bob).get(reverse("incidents:incident_add")).context["form"].fields["processor_agreement"]
    assert [a.processor for a in choices.queryset] == ["Hemit HF"]


def test_the_adequacy_decisions_are_data_with_the_uk_renewal():
    uk = AdequacyDecision.objects.get(country="GB")
    assert uk.expires_on == dt.date(2031, 12, 27)
    assert AdequacyDecision.objects.filter(expires_on__isnull=True).count() == 14


def test_the_checks_warn_before_an_adequacy_decision_used_as_a_basis_ends_and_fail_after(login, alice, run):
    epic = SubProcessor.objects.get(name="Epic Bristol Limited")
    uk = AdequacyDecision.objects.get(country="GB")
    uk.expires_on = dt.date(2027, 3, 1)  # within ADEQUACY_WARNING_DAYS of today
    uk.save()
    assert "ends on 01.03.2027" in epic.adequacy_warning
    assert SubProcessor.objects.adequacy_expiring().filter(pk=epic.pk).exists()
    client = login(alice)
    assert "prepare another transfer basis" in client.get(epic.get_absolute_url()).content.decode()
    listed = client.get(reverse("compliance:subprocessor_list"), {"adequacy_expiring": "yes"})
    assert [r.record.name for r in listed.context["table"].page.object_list] == ["Epic Bristol Limited"]
    warned = [m for m in run(oslo(2026, 11, 23, 9, 0)) if uk.title in m.subject + m.body]
    assert warned and all("alice@example.test" in m.to for m in warned)

    with time_machine.travel(oslo(2027, 3, 2, 9, 0), tick=False):
        epic = SubProcessor.objects.get(pk=epic.pk)
        assert "ended on 01.03.2027" in epic.validation_problems()["transfer_basis"]
        assert SubProcessor.objects.failing_validation().filter(pk=epic.pk).exists()


# --- 4. the archive plan ---------------------------------------------------------------------------------


def series_for(organisation, **fields):
    values = {
        "organisation": organisation,
        "name": "Papirjournaler somatikk 1985–2012",
        "service_level": "specialist",
        "regime": "helsearkiv",
        "medium": "paper",
        "disposition": "norsk_helsearkiv",
        "trigger": "patient_death",
        "trigger_on": dt.date(2018, 6, 30),
    }
    values.update(fields)
    series = ArchiveSeries(**values)
    series.full_clean()
    series.save()
    return series


def test_specialist_records_go_to_norsk_helsearkiv_ten_years_after_death_or_earlier_by_agreement(stolav):
    series = series_for(stolav)
    assert series.due_on == dt.date(2028, 6, 30)  # § 17
    series.agreed_handover_on = dt.date(2027, 5, 1)
    series.save()
    assert series.due_on == dt.date(2027, 5, 1)  # § 18


def test_municipal_records_follow_7_29_and_never_go_to_norsk_helsearkiv():
    melhus = Organisation.objects.get(name="Melhus")
    series = series_for(
        melhus,
        name="Helsestasjon 1990–2015",
        service_level="municipal",
        regime="ra_7_29",
        disposition="municipal_archive",
        trigger="last_entry",
        trigger_on=dt.date(2015, 12, 31),
        retention_years=10,
    )
    assert series.due_on == dt.date(2025, 12, 31)
    with pytest.raises(Exception) as wrong:
        series_for(melhus, service_level="municipal", regime="ra_7_29", retention_years=10)
    assert "Municipal records never go to Norsk helsearkiv." in str(wrong.value)
    with pytest.raises(Exception) as wrong:
        series_for(melhus, service_level="municipal")
    assert "Helsearkivforskriften covers the specialist health service" in str(wrong.value)


def test_due_series_remind_the_responsible_and_link_the_archive_gaps(login, stolav, bob, run):
    series = series_for(stolav, agreed_handover_on=dt.date(2026, 12, 20), responsible=bob)
    sent = run(oslo(2026, 11, 25, 9, 0))  # within 30 days of the hand-over
    assert [m.to for m in sent if series.name in m.subject + m.body] == [[bob.email]]
    gap = Gap.objects.create(code="ARK-SO-1", kind=GapKind.ARCHIVE, title="Avlevering uavklart", organisation=stolav)
    finding = Gap.objects.create(code="FUNN-SO-1", kind=GapKind.FINDING, title="Annet funn", organisation=stolav)
    client = login(bob)
    url = reverse("internalcontrol:archiveseries_edit", args=[series.pk])
    page = client.get(url)
    choices = list(page.context["form"].fields["gaps"].queryset)
    assert gap in choices and finding not in choices
    form = submitted_form(page)
    form["gaps"] = [str(gap.pk)]
    assert client.post(url, form).status_code == 302
    assert list(series.gaps.all()) == [gap]
    assert series.history.first().history_user == bob
    assert series.name in client.get(gap.get_absolute_url()).content.decode()  # the gap links back
