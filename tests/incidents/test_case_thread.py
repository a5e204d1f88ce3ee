"""The case thread of an incident: comments, the Altinn receipt, a log extract, e-mails; files checked on
upload (type, content, and ClamAV where configured), served only to those who may see the incident, and
every entry in the history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import CaseEntry
from tests.factories import make_incident

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def add(client, incident, **data):
    return client.post(reverse("incidents:caseentry_add", args=[incident.pk]), data)


def test_comments_and_documents_are_added_to_the_thread_with_who_and_when(login, bob):
    incident = make_incident()
    client = login(bob)
    add(client, incident, kind="comment", text="Ringte den ansatte; samtale avtalt fredag.")
    receipt = SimpleUploadedFile("kvittering.pdf", b"%PDF-1.7 Altinn receipt", content_type="application/pdf")
    response = add(client, incident, kind="altinn_receipt", text="", upload=receipt)
    assert response.status_code == 302, response.context["form"].errors
    entries = list(incident.case_entries.order_by("created_at"))
    assert [e.kind for e in entries] == ["comment", "altinn_receipt"]
    assert all(e.created_by == bob for e in entries) and entries[1].name == "kvittering.pdf"
    assert entries[0].history.first().history_user == bob
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Ringte den ansatte" in page and "kvittering.pdf" in page
    download = client.get(reverse("incidents:case_file", args=[incident.pk, entries[1].pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")


def test_bad_entries_are_field_errors(login, bob):
    incident = make_incident()
    client = login(bob)
    response = add(client, incident, kind="comment", text="  ")
    assert response.status_code == 200 and "text" in response.context["form"].errors
    fake = SimpleUploadedFile("logg.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = add(client, incident, kind="log_extract", text="", upload=fake)
    assert "upload" in response.context["form"].errors
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    assert "upload" in add(client, incident, kind="other", upload=script).context["form"].errors
    assert not CaseEntry.objects.filter(incident=incident).exists()


def test_the_thread_is_scoped_like_the_incident(login, bob, carol, mona):
    incident = make_incident()
    entry = CaseEntry.objects.create(
        incident=incident, kind="email", text="x", file=SimpleUploadedFile("mail.eml", b"From: a"), name="mail.eml"
    )
    url = reverse("incidents:case_file", args=[incident.pk, entry.pk])
    assert login(carol).get(url).status_code == 404
    assert login(mona).get(url).status_code == 200  # a manager of St. Olavs reads it
    assert add(login(mona), incident, kind="comment", text="x").status_code == 403  # but does not add


def test_with_clamav_configured_an_infected_file_is_refused_and_an_unreachable_scanner_keeps_nothing(
    login, bob, settings, tmp_path
):
    """Against a real clamd in .ci/run (tests/integration/test_clamav.py); here the scanner is away."""
    settings.CLAMAV_SOCKET = str(tmp_path / "no-clamd.sock")
    incident = make_incident()
    upload = SimpleUploadedFile("notat.txt", b"Helt vanlig tekst", content_type="text/plain")
    response = add(login(bob), incident, kind="other", upload=upload)
    assert "upload" in response.context["form"].errors
    assert "virusskanneren" in str(response.context["form"].errors["upload"]).lower()
    assert not CaseEntry.objects.exists()
