"""Board-ready PDFs of the top-10 list and an incident's report to Datatilsynet: A4 portrait, every column
on the page, the print date, page numbers, the level legend, full names and no navigation."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from risks.models import ReportingPeriod
from tests.factories import assessed, make_incident

pytestmark = pytest.mark.django_db

A4 = (595, 842)  # points, portrait


def read(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    return reader, text, sizes


def test_the_top10_pdf_is_a4_portrait_with_every_column_the_legend_and_page_numbers(login, mona):
    period = ReportingPeriod.objects.get(name="2. tertial 2025")
    owner = period.entries.get(rank=1).risk
    owner.owner = mona
    owner.save()
    mona.first_name, mona.last_name = "Mona", "Moe"
    mona.save()
    page = login(mona).get(reverse("risks:top10"), {"period": period.pk}).content.decode()
    assert reverse("risks:top10_pdf") in page
    reader, text, sizes = read(login(mona).get(reverse("risks:top10_pdf"), {"period": period.pk}))
    assert sizes == {A4}
    flat = " ".join(text.split())
    for heading in ("Rang", "Bevegelse", "Risiko", "Nivå", "Eier", "Åpne tiltak", "Neste gjennomgang"):
        assert heading in flat, heading  # the last column is on the page too
    assert "Mona Moe" in flat and "Side 1 av" in flat and "Skrevet ut" in flat
    assert "Nivåer:" in flat  # the level legend
    assert "Logg ut" not in flat and "Mine oppgaver" not in flat  # no navigation
    assert period.entries.get(rank=10).risk.title.split()[0] in flat


def test_the_incident_report_pdf_holds_the_form_and_is_scoped(login, bob, carol):
    incident = assessed(make_incident(title="Snoking i journalen"))
    reader, text, sizes = read(login(bob).get(reverse("incidents:incident_report_pdf", args=[incident.pk])))
    flat = " ".join(text.split())
    assert sizes == {A4} and incident.reference in flat and "Side 1 av" in flat
    assert login(carol).get(reverse("incidents:incident_report_pdf", args=[incident.pk])).status_code == 404


def test_a_pdf_never_makes_the_server_fetch_another_address():
    from hpregister.pdf import static_only_fetcher

    fetcher = static_only_fetcher()
    for url in ("http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "http://testserver/admin/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch("http://testserver/static/css/hpregister.css")
    assert response.content_type == "text/css" and b".hp-table-wrap" in response.read()
