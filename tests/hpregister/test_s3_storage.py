"""Past one machine, uploads and exports go to S3-compatible storage chosen by the environment (#18).

Tested against a real S3 protocol server (moto in server mode, on a local port): the register's own views
upload, serve and delete through django-storages and boto3 exactly as they would against AWS or MinIO."""

import csv
import io

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from compliance.models import Assessment, Evidence
from hpregister import exportjobs
from hpregister.models import ExportJob
from hpregister.settings import file_storage
from tests.factories import make_incident

pytestmark = pytest.mark.django_db

BUCKET = "hpregister-evidence"
REGION = "eu-north-1"


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    """The storage the environment would choose, pointed at the local S3 server, and a client to look in it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    storage = file_storage(
        {"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_server, "AWS_S3_REGION_NAME": REGION}
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_without_a_bucket_files_stay_in_a_folder():
    assert file_storage({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_evidence_is_uploaded_to_the_bucket_and_served_only_through_the_permission_check(bucket, login, bob, carol):
    assessment = Assessment.objects.get(obligation__code="HOD-6", organisation__name="St. Olavs hospital HF")
    good = SimpleUploadedFile("routine.pdf", b"%PDF-1.4 routine", content_type="application/pdf")
    response = login(bob).post(
        reverse("compliance:assessment_edit", args=[assessment.pk]),
        {"status": "compliant", "rationale": "Routine adopted.", "upload": good},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert keys(bucket) == {evidence.file.name}  # in the bucket, not on this machine's disk
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=evidence.file.name)
    assert not [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]  # private
    download = login(bob).get(evidence.get_absolute_url())
    assert b"".join(download.streaming_content) == b"%PDF-1.4 routine"
    assert login(carol).get(evidence.get_absolute_url()).status_code == 404


def test_a_background_export_is_written_to_the_bucket_and_its_file_deleted_when_it_expires(
    bucket, login, bob, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_ROWS = 1
    for n in range(3):
        make_incident(title=f"Bucket breach {n}")
    client = login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("incidents:incident_list"), {"_export": "csv", "sort": "title"})
    job = ExportJob.objects.get()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and keys(bucket) == {job.file.name}
    body = b"".join(client.get(reverse("export_download", args=[job.pk])).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == [f"Bucket breach {n}" for n in range(3)]
    ExportJob.objects.filter(pk=job.pk).update(expires_at=job.finished_at)
    assert exportjobs.purge() == 1
    assert keys(bucket) == set()
