"""Large exports are background jobs (#18): written by a worker through the storage API, the requester's
alone, with progress, and deleted when they expire. Small exports stay immediate."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from hpregister import exportjobs
from hpregister.models import ExportJob
from tests.factories import make_incident

pytestmark = pytest.mark.django_db

LIST = "incidents:incident_list"


@pytest.fixture
def breaches(settings):
    """Four breaches bob can see, one of Melhus that he cannot; exports above three rows are jobs."""
    settings.EXPORT_INLINE_ROWS = 3
    made = [make_incident(title=f"Stolav breach {n}") for n in range(4)]
    make_incident(organisations=("Melhus",), title="Melhus breach")
    return made


def csv_rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def download(client, job):
    response = client.get(reverse("export_download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_small_export_stays_immediate(login, bob, settings):
    settings.EXPORT_INLINE_ROWS = 3
    make_incident(title="The only one")
    response = login(bob).get(reverse(LIST), {"_export": "csv"})
    assert response.status_code == 200
    assert [row[1] for row in csv_rows(response.getvalue())[1:]] == ["The only one"]
    assert not ExportJob.objects.exists()


def test_a_large_export_is_written_by_a_worker_with_the_requesters_scope_and_filter(
    login, bob, breaches, django_capture_on_commit_callbacks
):
    client = login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse(LIST), {"_export": "csv", "q": "breach", "sort": "title"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.user) == (ExportJob.Status.DONE, 4, bob)
    assert default_storage.exists(job.file.name)  # through the storage API
    rows = csv_rows(download(client, job))
    assert [row[1] for row in rows[1:]] == [f"Stolav breach {n}" for n in range(4)]  # no Melhus, sorted
    page = client.get(job.get_absolute_url())
    assert "Ready: 4 rows" in page.content.decode() or "Klar: 4 rader" in page.content.decode()
    assert reverse("export_download", args=[job.pk]) in page.content.decode()


def test_an_xlsx_job_is_a_workbook_with_every_row(login, bob, breaches, django_capture_on_commit_callbacks):
    client = login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse(LIST), {"_export": "xlsx"})
    job = ExportJob.objects.get()
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, job))).active
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {f"Stolav breach {n}" for n in range(4)}
    assert job.filename == "incidents.xlsx"


def test_the_file_is_written_in_the_requesters_language(
    login, bob, breaches, settings, django_capture_on_commit_callbacks
):
    client = login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie
        client.get(reverse(LIST), {"_export": "csv"})
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
        client.get(reverse(LIST), {"_export": "csv", "q": "breach"})
    english, norwegian = (csv_rows(download(client, job))[0] for job in ExportJob.objects.order_by("created_at"))
    assert "Title" in english and "Tittel" in norwegian


def test_nobody_else_sees_or_downloads_the_export(
    login, bob, alice, carol, breaches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(bob).get(reverse(LIST), {"_export": "csv"})
    job = ExportJob.objects.get()
    for other in (alice, carol):  # not even the operator's privacy officer, who sees every breach
        client = login(other)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.get(reverse("export_download", args=[job.pk])).status_code == 404
        assert client.post(reverse("export_delete", args=[job.pk])).status_code == 404
        assert str(job.pk) not in client.get(reverse("export_list")).content.decode()


def test_the_page_follows_a_queued_job_and_asking_again_does_not_queue_it_twice(login, bob, breaches):
    client = login(bob)
    for _ in range(2):  # no worker yet: the on-commit hand-over is not run
        client.get(reverse(LIST), {"_export": "csv"})
    job = ExportJob.objects.get()
    progress = client.get(job.get_absolute_url(), headers={"accept": "application/json"}).json()
    assert progress["active"] is True and progress["status"] == "queued" and progress["percent"] == 0
    page = client.get(job.get_absolute_url()).content.decode()
    assert "data-export-status" in page and "<progress" in page
    assert exportjobs.run(job.pk) == "done"
    progress = client.get(job.get_absolute_url(), headers={"accept": "application/json"}).json()
    assert progress == {"status": "done", "active": False, "percent": 100, "text": progress["text"]}
    assert "4" in progress["text"]


def test_a_redelivered_message_does_not_write_the_file_twice(login, bob, breaches):
    login(bob).get(reverse(LIST), {"_export": "csv"})
    job = ExportJob.objects.get()
    assert exportjobs.run(job.pk) == "done"
    assert exportjobs.run(job.pk) == "not claimed"


def test_progress_is_reported_while_the_file_is_written(login, bob, breaches, monkeypatch):
    monkeypatch.setattr("hpregister.exports.CHUNK", 2)
    seen = []
    real = exportjobs.ExportJob.objects.filter

    def watching(*args, **kwargs):
        query = real(*args, **kwargs)
        original = query.update

        def update(**values):
            if "rows_done" in values:
                seen.append(values["rows_done"])
            return original(**values)

        query.update = update
        return query

    login(bob).get(reverse(LIST), {"_export": "csv"})
    job = ExportJob.objects.get()
    monkeypatch.setattr(exportjobs.ExportJob.objects, "filter", watching)
    exportjobs.run(job.pk)
    assert seen == [0, 2, 4]  # claimed at 0, then every CHUNK rows


def test_a_failed_export_says_so_and_keeps_the_error_for_the_administrator(login, bob, breaches, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exportjobs, "write_csv", broken)
    client = login(bob)
    client.get(reverse(LIST), {"_export": "csv"})
    job = ExportJob.objects.get()
    assert exportjobs.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "disk full" in job.error
    page = client.get(job.get_absolute_url()).content.decode()
    assert "data-export-status" not in page
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 404


def test_an_export_expires_its_file_is_deleted_and_the_record_stays(
    login, bob, breaches, settings, django_capture_on_commit_callbacks
):
    client = login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse(LIST), {"_export": "csv"})
    job = ExportJob.objects.get()
    name = job.file.name
    assert exportjobs.purge() == 0  # not yet
    later = timezone.now() + timedelta(hours=settings.EXPORT_RETENTION_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        client = login(bob)  # a day later: a new session
        assert client.get(reverse("export_download", args=[job.pk])).status_code == 410
        assert exportjobs.purge() == 1
        job.refresh_from_db()
        assert job.status == ExportJob.Status.EXPIRED and not job.file
        assert not default_storage.exists(name)
        response = client.get(reverse("export_download", args=[job.pk]))
    assert response.status_code == 410
    assert ExportJob.objects.filter(pk=job.pk, user=bob).exists()


def test_the_requester_can_delete_the_file_before_it_expires(login, bob, breaches, django_capture_on_commit_callbacks):
    client = login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse(LIST), {"_export": "csv"})
    job = ExportJob.objects.get()
    name = job.file.name
    assert client.post(reverse("export_delete", args=[job.pk])).status_code == 302
    assert not default_storage.exists(name)
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 410


def test_the_measures_overview_exports_in_the_background_too(
    login, alice, settings, django_capture_on_commit_callbacks
):
    from tests.factories import measure

    settings.EXPORT_INLINE_ROWS = 1
    incident = make_incident()
    for n in range(3):
        measure(incident, description=f"Measure {n}")
    client = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("measure_list"), {"_export": "csv", "register": "incidents"})
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.rows_total >= 3
    assert len(csv_rows(download(client, job))) == job.rows_total + 1
