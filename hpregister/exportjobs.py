"""Large list exports as background jobs.

A list's export link asks ``export_response``. Up to ``EXPORT_INLINE_ROWS`` rows the file comes straight
back, streamed as before. Above that, the request records an ``ExportJob`` and hands it to a Celery worker,
so that no web worker is held for the minutes a 100 000-row file takes (gunicorn's timeout would kill it).

The worker replays the list's own view with the job's path and the requester as the user: the same
scoping, filters, ordering and columns as the page, with no second description of any of them. The file
goes through Django's storage API (a folder, or S3-compatible storage chosen by the environment), is
served only to its requester, and is deleted ``EXPORT_RETENTION_HOURS`` later.
"""

from __future__ import annotations

import io
import logging
import tempfile
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .celery import app as celery_app
from .exports import XLSX_TYPE, csv_response, write_csv, write_xlsx, xlsx_response
from .models import ExportJob

log = logging.getLogger(__name__)

CSV_TYPE = "text/csv; charset=utf-8"
EXPORT_TASK = "hpregister.tasks.run_export"


def export_response(request, table, *, export_format: str, filename: str, title: str, delimiter: str = ";"):
    """The export of a list: the file itself when it is small, else a background job and its page.

    In the worker (``request.export_job`` set) it writes the file into that job instead."""
    job = getattr(request, "export_job", None)
    if job is not None:
        return write_job_file(job, table, export_format=export_format, delimiter=delimiter)
    limit = settings.EXPORT_INLINE_ROWS
    if table.data.data[: limit + 1].count() <= limit:
        if export_format == "csv":
            return csv_response(table, filename, delimiter)
        return xlsx_response(table, filename, title=title)
    job = queue_export(request, title=title, export_format=export_format, filename=filename)
    messages.info(request, _("The export is large: it is being written in the background. It is ready here."))
    return redirect(job)


def queue_export(request, *, title: str, export_format: str, filename: str) -> ExportJob:
    """A job for this list and filter; the same request made again while it runs gets the same job."""
    path = request.get_full_path()
    running = ExportJob.objects.filter(
        user=request.user, path=path, status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
    ).first()
    if running is not None:
        return running
    job = ExportJob.objects.create(
        user=request.user,
        path=path,
        title=str(title)[:200],
        export_format=export_format,
        filename=filename,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    task = celery_app.tasks[EXPORT_TASK]  # by name: the task module calls down into this one
    transaction.on_commit(lambda: task.delay(str(job.pk)))
    return job


def claim(job_id) -> ExportJob | None:
    """Take a queued job (or one whose worker died mid-file, after ``EXPORT_LEASE_SECONDS``); None when another
    worker has it or it is finished. A redelivered message (acks_late) therefore never writes twice."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.EXPORT_LEASE_SECONDS)
    taken = ExportJob.objects.filter(
        Q(status=ExportJob.Status.QUEUED) | Q(status=ExportJob.Status.RUNNING, started_at__lt=stale), pk=job_id
    ).update(status=ExportJob.Status.RUNNING, started_at=now, rows_done=0)
    return ExportJob.objects.select_related("user").get(pk=job_id) if taken else None


def run(job_id) -> str:
    """Write one job's file by replaying its list view as its requester, in the requester's language."""
    job = claim(job_id)
    if job is None:
        return "not claimed"
    try:
        request = RequestFactory().get(job.path)
        request.user = job.user
        request.export_job = job
        request.LANGUAGE_CODE = job.language
        match = resolve(urlsplit(job.path).path)
        request.resolver_match = match
        with translation.override(job.language):
            match.func(request, *match.args, **match.kwargs)
        job.refresh_from_db()
        if job.status != ExportJob.Status.DONE:
            raise RuntimeError("the list view did not write the export")
    except Exception as exc:
        log.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        return "failed"
    return "done"


def write_job_file(job: ExportJob, table, *, export_format: str, delimiter: str) -> ExportJob:
    """Write the table into the job's file through the storage API, reporting progress as it goes."""
    total = table.data.data.count()
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)

    def progress(rows):
        ExportJob.objects.filter(pk=job.pk).update(rows_done=rows)

    with tempfile.TemporaryFile() as spool:
        if export_format == "csv":
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            rows = write_csv(table, text, delimiter, progress)
            text.flush()
            text.detach()
        else:
            rows = write_xlsx(table, spool, job.title, progress)
        spool.seek(0)
        job.file.save(job.filename, File(spool), save=False)
    finished = timezone.now()
    job.status = ExportJob.Status.DONE
    job.rows_done = job.rows_total = rows
    job.finished_at = finished
    job.expires_at = finished + timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    job.save(update_fields=["file", "status", "rows_done", "rows_total", "finished_at", "expires_at"])
    return job


def purge(now=None) -> int:
    """Delete the files of expired exports (the rows stay as the record). Run by beat every hour."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now).iterator():
        if job.file:
            job.file.delete(save=False)
        job.status = ExportJob.Status.EXPIRED
        job.save(update_fields=["file", "status"])
        expired += 1
    return expired


# --- pages ---------------------------------------------------------------------------------------------


def own(request, pk) -> ExportJob:
    """A job is its requester's: anyone else gets the same 404 as for a job that does not exist."""
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


def job_list(request):
    jobs = ExportJob.objects.filter(user=request.user)[:50]
    return render(request, "exports/list.html", {"jobs": jobs, "retention": settings.EXPORT_RETENTION_HOURS})


def job_detail(request, pk):
    """The job's page; asked for JSON (the page's own script), its progress."""
    job = own(request, pk)
    if "application/json" in request.headers.get("Accept", ""):
        text = render_to_string("exports/_status.html", {"job": job}, request=request).strip()
        return JsonResponse({"status": job.status, "active": job.active, "percent": job.percent, "text": text})
    return render(request, "exports/detail.html", {"job": job})


def job_download(request, pk):
    job = own(request, pk)
    if job.status == ExportJob.Status.EXPIRED or (job.expires_at and job.expires_at <= timezone.now()):
        return render(request, "exports/detail.html", {"job": job, "gone": True}, status=410)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    content_type = CSV_TYPE if job.export_format == "csv" else XLSX_TYPE
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type)


@require_POST
def job_delete(request, pk):
    """The requester may remove a file before it expires (the record of the export stays)."""
    job = own(request, pk)
    if job.file:
        job.file.delete(save=False)
    if not job.active:
        job.status = ExportJob.Status.EXPIRED
        job.expires_at = timezone.now()
        job.save(update_fields=["file", "status", "expires_at"])
        messages.success(request, _("The export file is deleted."))
    return redirect("export_list")
