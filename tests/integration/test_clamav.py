"""Uploads against a real ClamAV daemon: .ci/run starts clamd with a local signature file that knows the
EICAR test string (the official database cannot be downloaded there) and sets CLAMAV_SOCKET."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import CaseEntry
from tests.factories import make_incident

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def clamd(settings):
    socket = os.environ.get("CLAMAV_SOCKET", "")
    if not socket or not os.path.exists(socket):
        pytest.fail(f"CLAMAV_SOCKET must point at a running clamd, got {socket!r}")
    settings.CLAMAV_SOCKET = socket
    return socket


def test_the_eicar_test_file_is_refused_and_a_clean_file_is_kept(clamd, login, bob):
    incident = make_incident()
    client = login(bob)
    url = reverse("incidents:caseentry_add", args=[incident.pk])
    infected = SimpleUploadedFile("logg.txt", EICAR, content_type="text/plain")
    response = client.post(url, {"kind": "log_extract", "text": "", "upload": infected})
    assert response.status_code == 200
    assert "Eicar" in str(response.context["form"].errors["upload"])
    assert not CaseEntry.objects.filter(incident=incident).exists()
    clean = SimpleUploadedFile("logg.txt", b"2026-11-20 10:02 bruker X aapnet journal Y", content_type="text/plain")
    response = client.post(url, {"kind": "log_extract", "text": "", "upload": clean})
    assert response.status_code == 302
    assert CaseEntry.objects.get(incident=incident).name == "logg.txt"


def test_evidence_uploads_are_scanned_too(clamd, login, alice):
    from compliance.models import Assessment

    assessment = Assessment.objects.filter(organisation__name="St. Olavs hospital HF").first()
    infected = SimpleUploadedFile("bevis.txt", EICAR, content_type="text/plain")
    response = login(alice).post(
        reverse("compliance:assessment_edit", args=[assessment.pk]),
        {"status": assessment.status, "rationale": "x", "evidence_links": "", "upload": infected},
    )
    assert response.status_code == 200 and "upload" in response.context["form"].errors
    assert not assessment.evidence.exists()
