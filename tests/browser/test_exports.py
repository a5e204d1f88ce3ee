"""A large export in the browser, in nb and en at 1280 and 390 px, with axe on each page: the list's export
link leads to the export's page; a page opened while the worker is still writing follows the progress by
itself and then offers the download; "My exports" lists them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from hpregister import exportjobs
from hpregister.models import ExportJob
from tests.browser.conftest import axe_violations, fits, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page, name):
    assert fits(page), f"{name} scrolls sideways at {page.width} px"
    assert axe_violations(page) == [], name
    screenshot(page, f"export-{name}-{page.tag}")


def test_a_large_export_is_followed_to_its_download(view, settings):
    page = view
    settings.EXPORT_INLINE_ROWS = 2  # the reference risks are more than two
    log_in(page, "alice")
    page.goto(page.base + reverse("risks:risk_list"))
    page.click("a[href*='_export=xlsx']")  # the worker (eager here) writes it before the page shows
    page.wait_for_selector("a[href$='/download/']")
    assert "/exports/" in page.url
    checked(page, "ready")
    with page.expect_download() as download:
        page.click("a[href$='/download/']")
    assert download.value.suggested_filename == "risks.xlsx"

    # Opened while the file is still being written: the page follows it without a reload by hand.
    alice = get_user_model().objects.get(username="alice")
    job = ExportJob.objects.create(
        user=alice,
        path=reverse("risks:risk_list") + "?_export=csv",
        title="Risikoer",
        export_format="csv",
        filename="risks.csv",
        language=page.language,
    )
    page.goto(page.base + job.get_absolute_url())
    page.wait_for_selector("#export-progress")
    checked(page, "queued")
    assert exportjobs.run(job.pk) == "done"
    page.wait_for_selector("a[href$='/download/']")
    assert page.locator("#export-progress").count() == 0

    page.goto(page.base + reverse("export_list"))
    assert page.locator("main table tbody tr").count() == 2
    checked(page, "list")
