"""#17 part 5: the DPO's annual report, checked against the register's own queries."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from hpregister.models import Organisation
from incidents.choices import IncidentCategory
from incidents.models import BreachCount, Incident
from internalcontrol.models import Dpia
from internalcontrol.report import figures_for
from logcontrol.models import AccessLogRequest
from tests.factories import assessed, make_incident, measure, notify, oslo

pytestmark = pytest.mark.django_db
NOW = oslo(2026, 3, 10, 12, 0)  # the report for 2025 is written early in 2026
YEAR = 2025


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def year_of_breaches(bob):
    """2025: two notified (one on time, one late), one not notified, one recurrence; 2024: one breach."""
    with time_machine.travel(oslo(2025, 2, 3, 8, 0), tick=False):
        on_time = assessed(make_incident(aware_at=oslo(2025, 2, 3, 8, 0), discovered_at=oslo(2025, 2, 3, 7, 0)))
        notify(on_time, oslo(2025, 2, 4, 8, 0))
    with time_machine.travel(oslo(2025, 6, 10, 8, 0), tick=False):
        late = assessed(
            make_incident(
                aware_at=oslo(2025, 6, 10, 8, 0),
                discovered_at=oslo(2025, 6, 10, 7, 0),
                category=IncidentCategory.ACCESS_CONTROL,
            )
        )
        notify(late, oslo(2025, 6, 14, 8, 0), delay_reason="Waited for the vendor's log extract.")
        measure(late, due_on=dt.date(2025, 7, 1), owner=bob)
    with time_machine.travel(oslo(2025, 6, 20, 8, 0), tick=False):
        again = make_incident(
            aware_at=oslo(2025, 6, 20, 8, 0),
            discovered_at=oslo(2025, 6, 20, 7, 0),
            organisations=("St. Olavs hospital HF", "Melhus"),
        )
        again.recurrence_of.add(late)
    with time_machine.travel(oslo(2024, 12, 30, 8, 0), tick=False):
        make_incident(aware_at=oslo(2024, 12, 30, 8, 0), discovered_at=oslo(2024, 12, 30, 7, 0))
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    AccessLogRequest.objects.create(
        organisation=stolav, reference="2025/1", received_on=dt.date(2025, 3, 1), answered_on=dt.date(2025, 3, 20)
    )
    AccessLogRequest.objects.create(
        organisation=stolav, reference="2025/2", received_on=dt.date(2025, 9, 1), answered_on=dt.date(2025, 11, 1)
    )
    Dpia.objects.create(
        organisation=stolav,
        title="Talegjenkjenning",
        owner=bob,
        status="completed",
        residual_risk="high",
        completed_on=dt.date(2025, 5, 1),
        consultation_sent_on=dt.date(2025, 5, 10),
        consultation_outcome="advice",
        consultation_answered_on=dt.date(2025, 7, 1),
    )
    return {"on_time": on_time, "late": late, "again": again}


def test_the_figures_match_the_registers_own_queries(bob, year_of_breaches):
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    figures = figures_for(bob, [stolav], YEAR)
    start, end = oslo(YEAR, 1, 1), oslo(YEAR + 1, 1, 1)
    own = Incident.objects.visible_to(bob).filter(aware_at__gte=start, aware_at__lt=end)
    assert figures.breaches == own.count() == 3  # the shared breach counts once
    assert figures.notified == own.filter(first_notified_at__isnull=False).count() == 2
    assert (figures.notified_on_time, figures.notified_late, figures.not_notified) == (1, 1, 1)
    assert figures.median_hours_to_notify == 60.0  # 24 h and 96 h
    assert figures.recurrences == 1
    assert figures.by_month[1] == 1 and figures.by_month[5] == 2 and sum(figures.by_month) == 3
    assert figures.measures_opened == 1 and figures.measures_overdue == 1  # due 1 July 2025, never done
    assert (figures.requests, figures.requests_on_time, figures.requests_late) == (2, 1, 1)
    assert (figures.dpias_completed, figures.consultations_sent) == (1, 1)
    assert figures.consultation_outcomes == {"Written advice from Datatilsynet": 1}
    assert figures_for(bob, [stolav], YEAR - 1).breaches == 1


def test_the_published_counts_come_from_the_loaded_reference_data(alice):
    label = IncidentCategory(IncidentCategory.ACCESS_CONTROL).label
    published = {year: figures_for(alice, [], year).published.get(label) for year in (2023, 2024, 2025)}
    assert published == {2023: 17, 2024: 44, 2025: 21}
    assert published[2024] == BreachCount.objects.get(year=2024, category=IncidentCategory.ACCESS_CONTROL).count


def test_the_page_compares_with_the_year_before_and_is_scoped(login, bob, carol, year_of_breaches):
    page = login(bob).get(reverse("internalcontrol:annual_report"), {"year": YEAR})
    rows = dict((label, (now, before)) for _, lines in page.context["rows"] for label, now, before in lines)
    assert rows["Breaches registered"] == (3, 1)
    assert rows["Notified to Datatilsynet"] == (2, 0)
    html = page.content.decode()
    assert "2025" in html and "2024" in html
    # Melhus sees only the breach it shares; it never sees St. Olavs' own.
    carol_rows = login(carol).get(reverse("internalcontrol:annual_report"), {"year": YEAR}).context["rows"]
    assert dict((label, now) for _, lines in carol_rows for label, now, _before in lines)["Breaches registered"] == 1


def test_a_year_not_begun_is_a_form_error_not_a_500(login, bob):
    response = login(bob).get(reverse("internalcontrol:annual_report"), {"year": "2099"})
    assert response.status_code == 200 and response.context["report"] is None
    assert response.context["form"].errors["year"]
    assert login(bob).get(reverse("internalcontrol:annual_report_pdf"), {"year": "x"}).status_code == 400


def test_the_pdf_carries_the_figures(login, bob, year_of_breaches):
    response = login(bob).get(reverse("internalcontrol:annual_report_pdf"), {"year": YEAR})
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "annual report 2025" in text and "Breaches registered 3 1" in text


def test_the_command_writes_the_report_as_a_file(tmp_path, root):
    output = tmp_path / "report.pdf"
    call_command("annualreport", year=2025, output=str(output), language="en")
    text = "\n".join(p.extract_text() for p in PdfReader(output).pages)
    assert "Reported to Datatilsynet" in text and "44" in text


def test_the_top10_development_counts_the_risks_new_on_and_off_the_list(mona, django_assert_max_num_queries):
    rhf = Organisation.objects.get(name="Helse Midt-Norge RHF")
    with django_assert_max_num_queries(40):  # the periods' entries in one query, not two a period
        periods = figures_for(mona, [rhf], YEAR).periods
    rows = [(p["period"].name, p["entries"], p["new"], p["dropped"]) for p in periods]
    assert rows == [("1. tertial 2025", 8, None, None), ("2. tertial 2025", 10, 2, 0)]
