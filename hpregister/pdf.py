"""Board-ready PDF documents, drawn on the server by WeasyPrint from a template.

A document is an A4 page template (``templates/pdf/base.html``): the logo slot and the print date at the
top, "page x of y" at the bottom, no navigation. WeasyPrint reads only our own static files and inline
data (``static_only_fetcher``): a document never makes the server fetch another address.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .timeutils import show_time

STATIC_PREFIX = "/static/"


def static_file(url: str) -> tuple[bytes, str]:
    """(content, MIME type) of one of the project's static files named by ``url``; ValueError otherwise."""
    path = url.split("://", 1)[1] if "://" in url else url
    path = "/" + path.split("/", 1)[1] if "://" in url and "/" in path else path
    if not url.startswith(("http://", "https://", "/")) or not path.startswith(STATIC_PREFIX):
        raise ValueError(f"Not fetched in a PDF: {url}")
    found = finders.find(path.removeprefix(STATIC_PREFIX))
    if not found:
        raise ValueError(f"No such static file: {url}")
    return Path(found).read_bytes(), mimetypes.guess_type(found)[0] or "application/octet-stream"


def static_only_fetcher():
    """WeasyPrint's URL fetcher, limited to the project's static files and ``data:`` URLs."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            content, mime_type = static_file(url)
            return URLFetcherResponse(url, body=content, headers={"Content-Type": mime_type})

    return StaticOnly(allowed_protocols={"data", "http", "https"})


def pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    """The document as a PDF download; a clear page (503) where WeasyPrint's system libraries are missing."""
    context = {
        **context,
        "printed_at": show_time(timezone.now()),
        "logo": settings.PDF_LOGO,
        "organisation_name": settings.PDF_ORGANISATION_NAME,
    }
    html = render_to_string(template, context, request=request)
    try:
        from weasyprint import HTML
    except OSError as exc:  # Pango and friends are not installed (see README, "PDF documents")
        return HttpResponse(
            _("PDF documents need WeasyPrint's system libraries on the server: %(error)s") % {"error": exc},
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    fetcher = static_only_fetcher()
    document = HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=fetcher).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
