"""Bad input gets a clear error, never a 500 (issue "Trust", section 3): the cases seen so far."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance.models import SubProcessor, SubProcessorNotice

pytestmark = pytest.mark.django_db

HEADER = "name,processing_activity,address,country,transfer_basis,transfer_reference,data_processed\n"


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-1", "1e3", "\x00", "١٢"])
def test_the_obligation_matrix_ignores_organisation_ids_that_are_not_ids(login, alice, value):
    response = login(alice).get(reverse("compliance:obligation_matrix"), {"organisation": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "\x00"])
def test_the_top10_page_answers_404_for_a_period_that_is_not_an_id(login, alice, value):
    assert login(alice).get(reverse("risks:top10"), {"period": value}).status_code == 404


@pytest.mark.parametrize("token", ["\x00", "a" * 5000, "é", "a b"])
def test_a_calendar_token_that_cannot_exist_is_a_404(client, token):
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def upload(client, name, content):
    return client.post(reverse("compliance:subprocessor_import"), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04 not really a zip",
        b"",
        # a real zip whose workbook XML is broken
        None,
    ],
)
def test_a_malformed_xlsx_is_reported_next_to_the_field(login, alice, content):
    if content is None:
        import zipfile

        buffer = io.BytesIO()
        book = openpyxl.Workbook()
        book.save(buffer)
        broken = io.BytesIO()
        with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(broken, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                target.writestr(item, b"<not xml" if item.filename.endswith("sheet1.xml") else data)
        content = broken.getvalue()
    response = upload(login(alice), "list.xlsx", content)
    assert response.status_code == 200 and "file" in response.context["form"].errors


def test_over_long_values_in_an_import_are_reported_row_by_row_and_nothing_is_saved(login, alice):
    before = SubProcessor.objects.count()
    basis = "EU Standard Contractual Clauses"
    csv = HEADER + f"{'N' * 400},Barcode,Somewhere,France,{basis},,Names\nOK AB,{'x' * 5000},,France,{basis},,\n"
    response = upload(login(alice), "list.csv", csv.encode())
    assert response.status_code == 200
    errors = dict(response.context["plan"].errors)
    assert set(errors) == {2, 3}
    assert errors[2].startswith("navn er lengre enn 200 tegn") and "lengre enn" in errors[3]
    assert SubProcessor.objects.count() == before


def test_a_nul_character_in_an_import_is_reported(login, alice):
    response = upload(login(alice), "list.csv", (HEADER + "Bad\x00Name,Stuff,,France,EU/EEA,,\n").encode())
    assert response.status_code == 200 and response.context["plan"].errors


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_notice_date_at_the_end_of_the_calendar_is_a_field_error(login, alice, day):
    before = SubProcessorNotice.objects.count()
    response = login(alice).post(
        reverse("compliance:subprocessornotice_add"), {"change": "added", "name": "Far AB", "received_on": day}
    )
    assert response.status_code == 200 and "received_on" in response.context["form"].errors
    assert SubProcessorNotice.objects.count() == before


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_time_at_either_end_of_the_calendar_is_a_field_error(login, bob, moment):
    from tests.factories import make_incident
    from tests.incidents.test_workflow import incident_post_data

    incident = make_incident()
    stolav = incident.organisations.get()
    data = incident_post_data(stolav.pk, aware_at_0=moment)
    response = login(bob).post(reverse("incidents:incident_edit", args=[incident.pk]), data)
    assert response.status_code == 200 and "aware_at" in response.context["form"].errors
