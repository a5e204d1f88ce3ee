"""What people do with the register, in a real browser, with an accessibility check on every main page."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from incidents.models import Incident
from tests.browser.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIN_PAGES = [
    ("dashboard", "/"),
    ("tasks", "/tasks/?within=all"),
    ("incidents", "/incidents/"),
    ("incident-add", "/incidents/add/"),
    ("statistics", "/incidents/statistics/"),
    ("root-causes", "/incidents/root-causes/"),
    ("measures", "/measures/"),
    ("log-reviews", "/log-control/"),
    ("log-plans", "/log-control/plans/"),
    ("log-review-add", "/log-control/reviews/add/"),
    ("staff-cases", "/log-control/cases/"),
    ("access-log-requests", "/log-control/requests/"),
    ("acceptable-levels", "/risks/acceptable-levels/"),
    ("risks", "/risks/"),
    ("top10", "/risks/top10/"),
    ("heatmap", "/risks/matrix/"),
    ("periods", "/risks/periods/"),
    ("obligations", "/compliance/obligations/"),
    ("matrix", "/compliance/obligations/matrix/"),
    ("assessments", "/compliance/assessments/"),
    ("gaps", "/compliance/gaps/"),
    ("subprocessors", "/compliance/subprocessors/"),
    ("notices", "/compliance/notices/"),
    ("organisations", "/organisations/"),
    ("account", "/account/"),
    ("search", "/search/?q=avvik"),
]


def test_login_page_is_accessible(page):
    page.goto(page.base + "/accounts/login/")
    screenshot(page, "login")
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize(("name", "path"), MAIN_PAGES)
def test_main_pages_have_no_serious_accessibility_violations(page, name, path, language):
    """At 1280 px in both languages (tests/browser/test_mobile.py: the same pages at 390 px)."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base}])
    log_in(page, "alice")
    page.goto(page.base + path)
    assert page.locator("h1").count() == 1
    assert page.get_attribute("html", "lang") == language
    screenshot(page, name if language == "nb" else f"{name}-en")
    assert axe_violations(page) == [], name


def test_privacy_officer_records_a_breach_notifies_and_closes_it(page):
    log_in(page, "bob")
    page.click("text=Registrer et brudd")
    page.fill("#id_title", "Snoking i journalen til en nabo")
    page.fill("#id_description", "Logganalysen viste oppslag uten tjenstlig behov.")
    page.select_option("#id_category", "misdirected")
    page.check("#id_breach_confidentiality")
    now = timezone.localtime()
    aware = (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_discovered_at_0", aware)
    page.fill("#id_aware_at_0", aware)
    page.select_option("#id_how_known", "log_review")
    page.check("input[name=data_categories][value=health]")
    page.select_option("#id_risk_level", "risk")
    page.fill("#id_risk_rationale", "Helseopplysninger om én pasient.")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Melding til Datatilsynet (72 timer, art. 33)")
    incident = Incident.objects.get(title="Snoking i journalen til en nabo")
    assert page.locator("h1").inner_text().startswith(incident.reference)
    screenshot(page, "incident-detail")
    assert axe_violations(page) == []

    page.click("text=Registrer en melding")
    page.select_option("#id_phase", "initial")
    page.fill("#id_sent_at_0", (now - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_case_reference", "25/01234")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=25/01234")

    page.click("text=Legg til tiltak")
    page.fill("#id_description", "Samtale med den ansatte")
    page.select_option("#id_owner", index=1)  # someone is accountable for closing it
    page.fill("#id_due_on", (now + dt.timedelta(days=7)).strftime("%Y-%m-%d"))
    page.click("main button[type=submit]")
    page.click("a:has-text('Lukk avviket')")
    # Refused while a duty is open: the page names it, with a link to where it is met, and has no button.
    page.wait_for_selector("text=Avviket kan ikke lukkes ennå")
    assert page.locator("button:has-text('Ja, lukk avviket')").count() == 0
    screenshot(page, "incident-close-refused")
    assert axe_violations(page) == []
    page.click("text=Samtale med den ansatte")
    page.select_option("#id_status", "done")
    page.fill("#id_done_on", now.strftime("%Y-%m-%d"))
    page.click("main button[type=submit]")
    assert Incident.objects.get(pk=incident.pk).status != "closed"

    page.click("a:has-text('Lukk avviket')")
    page.click("button:has-text('Ja, lukk avviket')")  # closing asks first
    page.wait_for_selector("text=Avviket er lukket.")
    assert Incident.objects.get(pk=incident.pk).status == "closed"
    assert page.locator("text=Registrer en melding").count() == 0
    screenshot(page, "incident-closed")

    page.click("text=Gjenåpne avviket")
    page.fill("#id_reason", "Tiltaket må følges opp igjen")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Avviket er åpent igjen")
    assert Incident.objects.get(pk=incident.pk).reopened_reason == "Tiltaket må følges opp igjen"


def test_a_time_in_the_spring_gap_is_refused_next_to_the_field(page):
    log_in(page, "bob")
    page.goto(page.base + "/incidents/add/")
    page.fill("#id_title", "Test")
    page.fill("#id_aware_at_0", "2026-03-29T02:30")
    page.click("main button[type=submit]")
    error = page.locator("#id_aware_at_error")
    assert "finnes ikke i Norge" in error.inner_text()
    assert page.input_value("#id_title") == "Test"  # nothing typed is lost


def test_manager_opens_the_top10_list_and_the_heatmap(page):
    log_in(page, "mona")
    page.click("nav.hp-nav >> text=Risikoer")
    page.click("text=Topp 10 risiko >> nth=0")
    page.wait_for_selector("text=Manglende økonomisk bærekraft i foretaksgruppen")
    assert page.locator("table tbody tr").count() == 10
    page.click("text=Risikomatrise >> nth=0")
    page.wait_for_selector("table.hp-heatmap")
    screenshot(page, "heatmap-manager")


def test_a_user_filters_and_exports_a_list(page):
    log_in(page, "alice")
    page.goto(page.base + "/compliance/subprocessors/")
    page.select_option("#id_country", "US")
    page.click("main form.hp-filters button[type=submit]")
    page.wait_for_selector("text=5 rader")
    with page.expect_download() as download:
        page.click("a:has-text('CSV (semikolon')")
    content = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(rows) == 6 and all(r[2] in ("Amerikas forente stater", "United States of America") for r in rows[1:])


def test_the_language_switch(page):
    log_in(page, "alice")
    assert page.get_attribute("html", "lang") == "nb"
    page.click("button:has-text('English')")
    page.wait_for_selector("text=Dashboard")
    assert page.get_attribute("html", "lang") == "en"
    page.click("button:has-text('Norsk (bokmål)')")
    page.wait_for_selector("text=Oversikt")
