"""Internal control in the browser, in nb and en at 1280 and 390 px, with axe on each page: a privacy officer
records a processing activity with its transfers, a DPIA whose high residual risk raises the prior
consultation, an archive series with its hand-over date, and reads the annual report."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import SubProcessor
from hpregister.models import Organisation
from internalcontrol.models import ArchiveSeries, Dpia, ProcessingActivity
from tests.browser.conftest import axe_violations, fits, follow, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page, name):
    assert fits(page), f"{name} scrolls sideways at {page.width} px"
    assert axe_violations(page) == [], name
    screenshot(page, f"internalcontrol-{name}-{page.tag}")


def submit(page):
    page.click("main form.hp-form button[type=submit], main form button[type=submit]")


def test_record_dpia_archive_and_annual_report(view):
    page = view
    alice_org = Organisation.objects.get(name="Helseplattformen AS")
    epic = SubProcessor.objects.get(name="Epic Bristol Limited")
    log_in(page, "alice")
    follow(page, f"nav a[href='{reverse('internalcontrol:record')}']")
    checked(page, "record-empty")

    page.click(f"a[href='{reverse('internalcontrol:processingactivity_list')}']")
    page.click(f"a[href='{reverse('internalcontrol:processingactivity_add')}']")
    page.select_option("#id_organisation", str(alice_org.pk))
    page.select_option("#id_role", "processor")
    page.fill("#id_name", "Drift av felles pasientjournal")
    page.fill("#id_purposes", "Drift og forvaltning av Helseplattformen for eierne")
    page.fill("#id_data_subjects", "Pasienter, pårørende, ansatte")
    page.fill("#id_data_categories", "Helseopplysninger, identitet, kontaktopplysninger")
    page.fill("#id_retention", "Etter pasientjournalloven og helsearkivforskriften")
    page.fill("#id_security_measures", "Tilgangsstyring, logganalyse, kryptering")
    page.check(f"input[name=subprocessors][value='{epic.pk}']")
    checked(page, "activity-form")
    submit(page)
    page.wait_for_selector("#transfers-heading")
    activity = ProcessingActivity.objects.get(name="Drift av felles pasientjournal")
    assert list(activity.subprocessors.all()) == [epic]
    assert page.locator("text=Epic Bristol Limited").count() >= 1
    checked(page, "activity")

    page.goto(page.base + reverse("internalcontrol:record") + f"?organisation={alice_org.pk}&role=processor")
    page.wait_for_selector(f"#activity-{activity.pk}")
    checked(page, "record")

    today = timezone.localdate()
    page.goto(page.base + reverse("internalcontrol:dpia_add"))
    page.select_option("#id_organisation", str(alice_org.pk))
    page.fill("#id_title", "Talegjenkjenning i journalen")
    page.select_option("#id_activities", str(activity.pk))
    page.select_option("#id_owner", label="alice")
    page.select_option("#id_status", "completed")
    page.select_option("#id_residual_risk", "high")
    page.fill("#id_completed_on", today.isoformat())
    page.fill("#id_processing_starts_on", (today + dt.timedelta(days=60)).isoformat())
    submit(page)
    page.wait_for_selector("#consultation-heading")
    dpia = Dpia.objects.get(title="Talegjenkjenning i journalen")
    assert dpia.consultation_due_on == today + dt.timedelta(days=60)
    checked(page, "dpia")

    page.goto(page.base + reverse("internalcontrol:archiveseries_add"))
    page.select_option("#id_organisation", str(Organisation.objects.get(name="St. Olavs hospital HF").pk))
    page.fill("#id_name", "Papirjournaler 1985–2012")
    page.select_option("#id_service_level", "specialist")
    page.select_option("#id_regime", "helsearkiv")
    page.select_option("#id_medium", "paper")
    page.select_option("#id_disposition", "municipal_archive")
    page.select_option("#id_trigger", "patient_death")
    page.fill("#id_trigger_on", "2018-06-30")
    submit(page)
    page.wait_for_selector("#id_disposition_error")
    checked(page, "archive-error")
    page.select_option("#id_disposition", "norsk_helsearkiv")
    submit(page)
    page.wait_for_selector("text=2028")
    assert ArchiveSeries.objects.get().due_on == dt.date(2028, 6, 30)
    checked(page, "archive")

    page.goto(page.base + reverse("internalcontrol:annual_report"))
    page.wait_for_selector("table.hp-report-table")
    checked(page, "annual-report")
