"""The top-10 journey in a real browser: the privacy officer reorders the draft and submits it, the manager
approves it after a confirmation; nb at 1280 px and en at 390 px, with axe on each page."""

import datetime as dt

import pytest

from risks.models import ReportingPeriod, prepare_next_period
from tests.browser.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "nb": {"submit": "Send til godkjenning", "approve": "Godkjenn og lås listen", "yes": "Ja, godkjenn og lås listen"},
    "en": {
        "submit": "Submit for approval",
        "approve": "Approve and freeze the list",
        "yes": "Yes, approve and freeze the list",
    },
}


@pytest.mark.parametrize(("language", "width"), [("nb", 1280), ("en", 390)])
def test_reorder_submit_and_approve_a_top10_list(browser, live_server, reference_data, language, width):
    approved = ReportingPeriod.objects.get(name="2. tertial 2025")
    draft = prepare_next_period(
        previous=approved, name="3. tertial 2025", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31)
    )
    second = draft.entries.get(rank=2)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nb-NO", timezone_id="Europe/Oslo")
    if language == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    text = TEXT[language]

    log_in(page, "alice")
    page.goto(page.base + draft.get_absolute_url())
    page.click(f"#entry-{second.pk} button:has(span[aria-hidden]:text('▲'))")
    page.wait_for_url(f"**{draft.get_absolute_url()}#entry-{second.pk}")
    assert draft.entries.get(pk=second.pk).rank == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"top10-draft-{language}-{width}")
    assert axe_violations(page) == []
    page.click(f"button:has-text('{text['submit']}')")
    page.wait_for_selector(".ds-alert")
    page.click("button:has-text('Log out'), button:has-text('Logg ut')")

    log_in(page, "mona")
    page.goto(page.base + draft.get_absolute_url())
    page.click(f"a:has-text('{text['approve']}')")
    assert axe_violations(page) == []
    screenshot(page, f"top10-approve-{language}-{width}")
    page.click(f"button:has-text('{text['yes']}')")
    page.wait_for_selector(".ds-alert")
    draft.refresh_from_db()
    assert draft.is_approved and draft.approved_by.username == "mona"
    context.close()
