"""The four personas' journeys, each in nb and en at 1280 and 390 px, with axe on every page they reach:
the privacy officer with a breach, the Helseplattformen AS privacy officer and the manager with a top-10
list and its PDF, and the administrator in the admin and the sub-processor import. Selectors follow ids and
addresses, not words, so one journey runs in both languages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import SubProcessor, SubProcessorNotice
from incidents.models import Incident
from risks.models import ReportingPeriod, prepare_next_period
from tests.browser.conftest import axe_violations, fits, follow, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page, name):
    assert fits(page), f"{name} scrolls sideways at {page.width} px"
    assert axe_violations(page) == [], name
    screenshot(page, f"persona-{name}-{page.tag}")


def test_the_privacy_officer_records_notifies_documents_and_closes_a_breach(view):
    page = view
    log_in(page, "bob")
    page.click(f"a[href='{reverse('incidents:incident_add')}']")
    page.fill("#id_title", "Snoking i journalen til en nabo")
    page.fill("#id_description", "Logganalysen viste oppslag uten tjenstlig behov.")
    page.select_option("#id_category", "misdirected")
    page.check("#id_breach_confidentiality")
    now = timezone.localtime()
    aware = (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_discovered_at_0", aware)
    page.fill("#id_aware_at_0", aware)
    page.select_option("#id_how_known", "log_review")
    page.select_option("#id_risk_level", "risk")
    page.fill("#id_risk_rationale", "Helseopplysninger om én pasient.")
    checked(page, "incident-form")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#clock-heading")
    incident = Incident.objects.get(title="Snoking i journalen til en nabo")
    checked(page, "incident")

    page.click(f"a[href='{reverse('incidents:notification_add', args=[incident.pk])}']")
    page.select_option("#id_phase", "initial")
    page.fill("#id_sent_at_0", (now - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_case_reference", "25/01234")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=25/01234")

    page.click(f"a[href='{reverse('incidents:caseentry_add', args=[incident.pk])}']")
    page.fill("#id_text", "Ringte den ansatte; samtale avtalt fredag.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Ringte den ansatte")

    page.click(f"a[href='{reverse('incidents:incident_close', args=[incident.pk])}']")
    page.click("button[name=confirm]")  # every duty is met: closing asks first, then closes
    page.wait_for_selector(f"a[href='{reverse('incidents:incident_reopen', args=[incident.pk])}']")
    assert Incident.objects.get(pk=incident.pk).status == "closed"
    checked(page, "incident-closed")

    page.goto(page.base + reverse("my_tasks") + "?within=all")
    checked(page, "tasks")


def test_the_manager_approves_a_top10_list_and_takes_its_pdf_to_the_board(view):
    page = view
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    draft = prepare_next_period(
        previous=approved, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )
    log_in(page, "alice")
    page.goto(page.base + draft.get_absolute_url())
    second = draft.entries.get(rank=2)
    page.click(f"#entry-{second.pk} form:has(input[value=up]) button")
    page.wait_for_url(f"**#entry-{second.pk}")
    page.click(f"form[action='{reverse('risks:period_submit', args=[draft.pk])}'] button")
    page.wait_for_selector(".ds-alert")
    checked(page, "period-submitted")
    page.click(f"form[action='{reverse('logout')}'] button")

    log_in(page, "mona")
    page.goto(page.base + draft.get_absolute_url())
    follow(page, f"a[href='{reverse('risks:period_approve', args=[draft.pk])}']")
    checked(page, "period-approve")
    page.click("button[name=confirm]")
    page.wait_for_selector(".ds-alert")
    draft.refresh_from_db()
    assert draft.is_approved and draft.entries.get(pk=second.pk).rank == 1
    page.goto(page.base + reverse("risks:top10") + f"?period={draft.pk}")
    checked(page, "top10")
    with page.expect_download() as download:
        page.click(f"a[href^='{reverse('risks:top10_pdf')}']")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"


def test_the_administrator_works_in_the_admin_and_imports_the_sub_processor_list(view, tmp_path):
    page = view
    log_in(page, "root")
    sub = SubProcessor.objects.get(name="Microsoft")
    page.goto(f"{page.base}/admin/compliance/subprocessor/{sub.pk}/change/")
    page.fill("#id_tia_date", "2025-10-01")
    page.select_option("#id_scc_module", "3")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    sub.refresh_from_db()
    assert sub.tia_date == dt.date(2025, 10, 1) and sub.history.latest().history_user.username == "root"

    from hpregister.reference import REFERENCE_DIR

    lines = (REFERENCE_DIR / "subprocessors.csv").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if not line.startswith("Accenture AS")]
    rows.append('Nordisk Drift AS,Drift,"Stjørdal",Norway,Within EEA,,Logger')
    upload = tmp_path / "underdatabehandlere.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="cp1252")  # as Excel in Norway saves it
    page.goto(page.base + reverse("compliance:subprocessor_import"))
    page.set_input_files("#id_file", str(upload))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Nordisk Drift AS")
    checked(page, "import-diff")
    page.click("main form button[name=action][value=apply]")
    page.wait_for_url("**/compliance/subprocessors/**")
    assert SubProcessor.objects.get(name="Nordisk Drift AS").status == "proposed"
    assert SubProcessorNotice.objects.filter(name="Nordisk Drift AS").exists()
    assert SubProcessor.objects.get(name="Accenture AS").status == "removed"


def test_a_privacy_officer_filters_saves_the_filter_exports_and_changes_rows_in_bulk(view):
    page = view
    log_in(page, "alice")
    page.goto(page.base + reverse("risks:risk_list") + "?q=Lange")
    page.fill("#id_saved_name", "Ventetid")
    page.click("form.hp-save-filter button")
    page.wait_for_selector("a:text-is('Ventetid')")
    with page.expect_download() as download:
        page.click("a[href*='_export=csv']:not([href*='delimiter'])")
    assert b";" in open(download.value.path(), "rb").read().splitlines()[0]
    page.check("input[name=ids]")
    page.select_option("#id_action", "next_review")
    page.fill("#id_next_review", (timezone.localdate() + dt.timedelta(days=60)).isoformat())
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector(".ds-alert")
    from risks.models import Risk

    risk = Risk.objects.get(title="Lange ventetider")
    assert risk.next_review == timezone.localdate() + dt.timedelta(days=60)
    assert risk.history.first().history_change_reason == "Bulk change"
    checked(page, "risks-bulk")
