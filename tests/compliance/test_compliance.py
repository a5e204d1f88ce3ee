import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.choices import AssessmentStatus, Holder, NoticeDecision, SubProcessorStatus, TransferBasis
from compliance.models import (
    Assessment,
    Evidence,
    Instrument,
    Obligation,
    SubProcessor,
    SubProcessorNotice,
    add_months,
    amend_instrument,
)
from hpregister.models import Organisation
from tests.factories import oslo

pytestmark = pytest.mark.django_db

HEADER = "name,processing_activity,address,country,transfer_basis,transfer_reference,data_processed\n"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(oslo(2026, 11, 22, 12, 0), tick=False):
        yield


# --- duties and versions ---------------------------------------------------------------------------


def test_each_duty_has_one_assessment_per_holder_organisation():
    health = Organisation.objects.filter(kind__in=["health_trust", "municipality"]).count()
    assert health == 36
    assert Assessment.objects.filter(obligation__code="HOD-1").count() == 1  # Helseplattformen AS only
    assert Assessment.objects.filter(obligation__code="HOD-6").count() == health
    assert Assessment.objects.filter(obligation__code="HOD-11").count() == health + 1  # shared
    assert not Assessment.objects.exclude(status=AssessmentStatus.NOT_ASSESSED).exists()


def test_an_amendment_is_a_new_version_and_the_old_text_stays_readable():
    old = Instrument.objects.get(reference="20/2985-9")
    amended = amend_instrument(
        instrument=old,
        reference="20/2985-50",
        issued_on=dt.date(2026, 6, 1),
        changes={"HOD-7": {"title": "Automatisert logganalyse innen 2027"}},
    )
    new7 = Obligation.objects.get(instrument=amended, code="HOD-7")
    assert (
        new7.title == "Automatisert logganalyse innen 2027"
        and new7.supersedes.title == "Verktøy for automatisert logganalyse"
    )
    assert not new7.supersedes.is_current and new7.is_current
    assert set(Obligation.objects.current().values_list("instrument", flat=True)) == {amended.pk}
    assert Assessment.objects.filter(obligation=new7).count() == 1  # fresh assessments for the new version
    assert Obligation.objects.filter(code="HOD-7").count() == 2


def test_the_list_shows_current_versions_by_default_and_all_on_request(login, alice):
    amend_instrument(instrument=Instrument.objects.get(), reference="20/2985-50", issued_on=dt.date(2026, 6, 1))
    client = login(alice)
    assert client.get(reverse("compliance:obligation_list")).context["table"].paginator.count == 13
    assert client.get(reverse("compliance:obligation_list"), {"version": "all"}).context["table"].paginator.count == 26


# --- assessments -----------------------------------------------------------------------------------


def test_assessing_records_who_and_when_and_the_cadence_gives_the_next_review(login, bob):
    a = Assessment.objects.get(obligation__code="HOD-6", organisation__name="St. Olavs hospital HF")
    response = login(bob).post(
        reverse("compliance:assessment_edit", args=[a.pk]),
        {
            "status": AssessmentStatus.PARTLY,
            "rationale": "Log reviews weekly, no routine for follow-up yet.",
            "evidence_links": "https://intranett.stolav.no/logg",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.assessed_by, a.assessed_on, a.next_review) == (
        AssessmentStatus.PARTLY,
        bob,
        dt.date(2026, 11, 22),
        dt.date(2027, 11, 22),
    )


def test_next_review_handles_month_ends():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_an_assessment_needs_a_rationale(login, bob):
    a = Assessment.objects.get(obligation__code="HOD-6", organisation__name="St. Olavs hospital HF")
    response = login(bob).post(reverse("compliance:assessment_edit", args=[a.pk]), {"status": "compliant"})
    assert "rationale" in response.context["form"].errors
    a.refresh_from_db()
    assert a.status == AssessmentStatus.NOT_ASSESSED


def test_evidence_upload_is_size_and_type_checked_and_served_only_to_those_with_access(login, bob, carol, settings):
    a = Assessment.objects.get(obligation__code="HOD-6", organisation__name="St. Olavs hospital HF")
    url = reverse("compliance:assessment_edit", args=[a.pk])
    data = {"status": "compliant", "rationale": "Routine adopted."}
    fake = SimpleUploadedFile("routine.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert "upload" in login(bob).post(url, {**data, "upload": fake}).context["form"].errors
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    assert "upload" in login(bob).post(url, {**data, "upload": exe}).context["form"].errors
    settings.EVIDENCE_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 100, content_type="application/pdf")
    assert "upload" in login(bob).post(url, {**data, "upload": big}).context["form"].errors
    assert not Evidence.objects.exists()
    settings.EVIDENCE_MAX_BYTES = 1024
    good = SimpleUploadedFile("routine.pdf", b"%PDF-1.4 routine", content_type="application/pdf")
    assert login(bob).post(url, {**data, "upload": good}).status_code == 302
    evidence = Evidence.objects.get()
    assert "/media/" not in evidence.get_absolute_url()
    download = login(bob).get(evidence.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 routine"
    assert login(carol).get(evidence.get_absolute_url()).status_code == 404


def test_assessment_list_is_scoped_and_filterable(login, carol, alice):
    rows = login(carol).get(reverse("compliance:assessment_list"), {"per_page": 100}).context["table"].paginator.count
    assert rows == 3  # HOD-6, HOD-11 and HOD-12 for Melhus
    Assessment.objects.filter(obligation__code="HOD-6", organisation__name="Melhus").update(
        status=AssessmentStatus.NOT_COMPLIANT, next_review=dt.date(2026, 1, 1)
    )
    client = login(alice)
    assert (
        client.get(reverse("compliance:assessment_list"), {"status": "not_compliant"}).context["table"].paginator.count
        == 1
    )
    assert client.get(reverse("compliance:assessment_list"), {"overdue": "yes"}).context["table"].paginator.count == 1
    duties = client.get(reverse("compliance:obligation_list"), {"overdue": "yes"}).context["table"]
    assert [row.record.code for row in duties.page.object_list] == ["HOD-6"]


def test_obligation_list_counts_statuses_within_the_users_organisations(login, carol):
    Assessment.objects.filter(obligation__code="HOD-6", organisation__name="Melhus").update(status="compliant")
    Assessment.objects.filter(obligation__code="HOD-6", organisation__name="Trondheim").update(status="compliant")
    table = (
        login(carol).get(reverse("compliance:obligation_list"), {"holder": Holder.EACH_ORGANISATION}).context["table"]
    )
    hod6 = next(r.record for r in table.page.object_list if r.record.code == "HOD-6")
    assert (hod6.compliant, hod6.not_assessed) == (1, 0)


def test_matrix_shows_each_organisations_status_with_counts_and_a_fixed_query_count(login, alice, carol):
    Assessment.objects.filter(obligation__code="HOD-6", organisation__name="Melhus").update(status="not_compliant")
    client = login(alice)
    client.get(reverse("compliance:obligation_matrix"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("compliance:obligation_matrix"))
    assert len(ctx) <= 8
    row = next(r for r in response.context["matrix"] if r["duty"].code == "HOD-6")
    assert row["counts"]["not_compliant"] == 1 and row["counts"]["not_assessed"] == 35
    melhus_only = login(carol).get(reverse("compliance:obligation_matrix")).context
    assert [o.name for o in melhus_only["organisations"]] == ["Melhus"]


# --- sub-processors --------------------------------------------------------------------------------


def make_sub(**fields):
    values = {"name": "Vendor", "processing_activity": "Support", "country": "US", "transfer_basis": TransferBasis.SCC}
    values.update(fields)
    return SubProcessor(**values)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"country": "US", "transfer_basis": TransferBasis.WITHIN_EEA}, "transfer_basis"),
        ({"country": "SE", "transfer_basis": TransferBasis.SCC}, "transfer_basis"),
        ({"country": "IN", "transfer_basis": TransferBasis.ADEQUACY}, "country"),
        ({"country": "US", "transfer_basis": TransferBasis.ADEQUACY}, "dpf_checked_on"),
        ({"country": "US", "transfer_basis": TransferBasis.SCC, "scc_module": "3"}, "tia_date"),
        ({"country": "US", "transfer_basis": TransferBasis.SCC, "tia_date": dt.date(2025, 1, 1)}, "scc_module"),
        ({"country": "IN", "transfer_basis": TransferBasis.DEROGATION}, "derogation"),
    ],
)
def test_each_transfer_rule_names_the_failing_field(fields, field):
    sub = make_sub(**fields)
    assert field in sub.validation_problems()
    with pytest.raises(ValidationError):
        sub.full_clean()
    sub.save()
    assert SubProcessor.objects.failing_validation().filter(pk=sub.pk).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"country": "NO", "transfer_basis": TransferBasis.WITHIN_EEA},
        {"country": "GB", "transfer_basis": TransferBasis.ADEQUACY},
        {"country": "US", "transfer_basis": TransferBasis.ADEQUACY, "dpf_checked_on": dt.date(2026, 1, 5)},
        {"country": "US", "transfer_basis": TransferBasis.SCC, "scc_module": "3", "tia_date": dt.date(2025, 1, 1)},
        {"country": "IN", "transfer_basis": TransferBasis.DEROGATION, "derogation": "d"},
    ],
)
def test_valid_transfer_bases_pass(fields):
    sub = make_sub(**fields)
    assert sub.validation_problems() == {}
    sub.save()
    assert not SubProcessor.objects.failing_validation().filter(pk=sub.pk).exists()


def test_the_loaded_register_flags_clauses_without_a_transfer_impact_assessment(login, bob):
    response = login(bob).get(reverse("compliance:subprocessor_list"), {"failing": "yes", "per_page": 50})
    names = {row.record.name for row in response.context["table"].page.object_list}
    assert len(names) == 6 and "Microsoft" in names and "Epic Bristol Limited" not in names
    assert "konsekvensvurdering" in response.content.decode() or "impact assessment" in response.content.decode()
    summary = {(r["country"], str(r["basis"])): r["count"] for r in response.context["summary"]}
    assert sum(summary.values()) == 13


def test_adequacy_decision_is_named(login):
    assert SubProcessor.objects.get(name="Epic Bristol Limited").adequacy_decision.startswith("United Kingdom")


def test_objection_deadline_defaults_to_the_window_and_an_objection_needs_reasons(alice, settings):
    notice = SubProcessorNotice.objects.create(change="added", name="Cloud AB", received_on=dt.date(2026, 11, 2))
    assert notice.objection_deadline == dt.date(2026, 12, 2)
    settings.SUBPROCESSOR_OBJECTION_DAYS = 14
    other = SubProcessorNotice.objects.create(change="added", name="Other AB", received_on=dt.date(2026, 11, 2))
    assert other.objection_deadline == dt.date(2026, 11, 16)
    with pytest.raises(ValidationError):
        notice.decide(decision=NoticeDecision.OBJECTED, user=alice, reason="")
    notice.decide(decision=NoticeDecision.OBJECTED, user=alice, reason="Transfer to a third country without TIA.")
    notice.refresh_from_db()
    assert (notice.decision, notice.decided_by) == (NoticeDecision.OBJECTED, alice)


def test_a_replacement_notice_must_say_what_it_replaces():
    with pytest.raises(ValidationError):
        SubProcessorNotice(change="replaced", name="X", received_on=dt.date(2026, 11, 2)).full_clean()


# --- import ----------------------------------------------------------------------------------------


def reference_csv(extra="", drop=None, change=None):
    from hpregister.reference import REFERENCE_DIR

    lines = (REFERENCE_DIR / "subprocessors.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    body = [line for line in lines[1:] if not (drop and line.startswith(drop))]
    if change:
        body = [line.replace(*change) for line in body]
    return (lines[0] + "".join(body) + extra).encode("utf-8")


def upload(client, content, name="list.csv"):
    return client.post(
        reverse("compliance:subprocessor_import"), {"action": "upload", "file": SimpleUploadedFile(name, content)}
    )


def test_import_shows_the_differences_before_anything_is_saved_then_applies_them(login, alice):
    client = login(alice)
    content = reference_csv(
        extra='New Vendor GmbH,Hosting,"Street 1, Berlin",Germany,Within EEA,,Logs\n',
        drop="Accenture AS",
        change=("Capsule Technologie SAS,Sublicensed software", "Capsule Technologie SAS,Barcode software"),
    )
    plan = upload(client, content).context["plan"]
    assert [r["name"] for r in plan.added] == ["New Vendor GmbH"]
    assert plan.removed == ["Accenture AS"]
    assert plan.changed == [
        ("Capsule Technologie SAS", [("processing_activity", "Sublicensed software", "Barcode software")])
    ]
    assert not SubProcessor.objects.filter(name="New Vendor GmbH").exists()  # nothing saved yet
    response = client.post(reverse("compliance:subprocessor_import"), {"action": "apply"})
    assert response.status_code == 302
    assert SubProcessor.objects.get(name="New Vendor GmbH").status == SubProcessorStatus.PROPOSED
    assert SubProcessor.objects.get(name="Accenture AS").status == SubProcessorStatus.REMOVED
    capsule = SubProcessor.objects.get(name="Capsule Technologie SAS")
    assert capsule.processing_activity == "Barcode software" and capsule.history.latest().history_user == alice


def test_a_bad_file_reports_line_numbers_and_changes_nothing(login, alice):
    before = list(SubProcessor.objects.values_list("name", "status", "processing_activity"))
    content = reference_csv(extra=",Hosting,,Germany,Within EEA,,\nX Corp,Hosting,,Atlantis,Telepathy,,\n")
    response = upload(login(alice), content)
    errors = response.context["plan"].errors
    assert [line for line, _ in errors] == [15, 16]
    assert "Atlantis" in errors[1][1] and "Telepathy" in errors[1][1]
    assert login(alice).post(reverse("compliance:subprocessor_import"), {"action": "apply"}).status_code == 302
    assert list(SubProcessor.objects.values_list("name", "status", "processing_activity")) == before


def test_import_reads_xlsx_and_refuses_wrong_columns(login, alice):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in reference_csv().decode().splitlines():
        import csv

        sheet.append(next(csv.reader([line])))
    buffer = io.BytesIO()
    book.save(buffer)
    plan = upload(login(alice), buffer.getvalue(), "list.xlsx").context["plan"]
    assert not plan.errors and not plan.has_changes
    response = upload(login(alice), b"navn,land\nX,Norge\n")
    assert "file" in response.context["form"].errors


def test_only_helseplattformen_as_privacy_officers_import(login, bob):
    assert login(bob).get(reverse("compliance:subprocessor_import")).status_code == 403


def test_an_administrator_records_an_amendment_from_admin(client, root):
    client.force_login(root)
    old = Instrument.objects.get(reference="20/2985-9")
    response = client.post(
        reverse("admin:compliance_instrument_changelist"), {"action": "record_amendment", "_selected_action": [old.pk]}
    )
    assert response.status_code == 302
    new = Instrument.objects.get(supersedes=old)
    assert new.obligations.count() == 13 and Obligation.objects.current().filter(instrument=new).count() == 13


def test_import_reads_a_csv_saved_by_norwegian_excel_and_adds_the_art_28_notice(login, alice, settings):
    """Excel in Norway saves semicolons in Windows-1252: "'utf-8' codec can't decode byte 0x96" was all the
    user got. And a sub-processor added by import gets its Art. 28(2) notice with the objection deadline."""
    import csv as csv_module

    from django.utils import timezone

    rows = list(csv_module.reader(reference_csv().decode("utf-8").splitlines()))
    rows.append(["Nordisk Drift – Værnes AS", "Drift", "Stjørdal", "Norway", "Within EEA", "", "Logger"])
    buffer = io.StringIO()
    csv_module.writer(buffer, delimiter=";").writerows(rows)
    content = buffer.getvalue().encode("cp1252")
    assert b"\x96" in content  # the en dash, as Excel writes it
    client = login(alice)
    plan = upload(client, content).context["plan"]
    assert not plan.errors and [r["name"] for r in plan.added] == ["Nordisk Drift – Værnes AS"]
    client.post(reverse("compliance:subprocessor_import"), {"action": "apply"})
    sub = SubProcessor.objects.get(name="Nordisk Drift – Værnes AS")
    notice = SubProcessorNotice.objects.get(subprocessor=sub)
    today = timezone.localdate()
    assert notice.change == "added" and notice.received_on == today
    assert notice.objection_deadline == today + dt.timedelta(days=settings.SUBPROCESSOR_OBJECTION_DAYS)
