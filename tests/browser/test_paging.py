"""Paging a list as a user does (#18): Next, then a page number beside the current page, which now goes by
the page's cursor; the rows are those the page number names. In nb and en, at 1280 and 390 px, with axe."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, log_in, screenshot
from tests.factories import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each row's reference (its first link): the other cells include the time left, which moves with the clock.
ROWS = "() => [...document.querySelectorAll('table tbody tr')].map(tr => tr.querySelector('a').innerText.trim())"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["nb", "en"])
def test_next_and_a_page_number_show_the_pages_they_name(browser, live_server, reference_data, language, width):
    start = timezone.now() - dt.timedelta(days=40)
    for n in range(27):
        make_incident(title=f"Brudd {n:02d}", aware_at=start + dt.timedelta(days=n))
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        locale="nb-NO" if language == "nb" else "en-GB",
        timezone_id="Europe/Oslo",
    )
    if language == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    log_in(page, "alice")

    by_number = {}
    for number in range(1, 7):
        page.goto(f"{page.base}/incidents/?per_page=5&page={number}")
        by_number[number] = page.evaluate(ROWS)
    assert sum(map(len, by_number.values())) == 27 and len({row for rows in by_number.values() for row in rows}) == 27

    page.goto(f"{page.base}/incidents/?per_page=5")
    page.click("nav.ds-pagination a[rel=next]")
    page.wait_for_url("**after=**")
    assert page.evaluate(ROWS) == by_number[2]
    four = page.locator("nav.ds-pagination a", has_text="4").first
    assert "after=" in four.get_attribute("href")  # from page 2's cursor, skipping page 3
    four.click()
    page.wait_for_url("**page=4**")
    assert page.evaluate(ROWS) == by_number[4]
    current = page.locator("nav.ds-pagination a[aria-current=page]")
    assert current.inner_text() == "4"
    # The current page stands out (Designsystemet's style marks aria-current=true only, and showed none).
    background = "e => getComputedStyle(e).backgroundColor"
    assert current.evaluate(background) != page.locator("nav.ds-pagination a", has_text="5").first.evaluate(background)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.locator("nav.ds-pagination").scroll_into_view_if_needed()
    screenshot(page, f"paging-{language}-{width}")
    assert axe_violations(page) == []
    context.close()
