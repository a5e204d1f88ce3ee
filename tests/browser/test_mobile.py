"""Every page works at 390 px (a phone) without the page scrolling sideways: tables scroll inside their
own container, with a visible hint, and the header stays small. In nb and en, with axe."""

import pytest

from incidents.models import Incident
from tests.browser.conftest import SCREENSHOTS, axe_violations, log_in, screenshot
from tests.browser.test_journeys import MAIN_PAGES
from tests.factories import assessed, make_incident, measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = """() => {
  const page = document.documentElement.scrollWidth;
  const offenders = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.hp-table-wrap'))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.'))
    .slice(0, 8);
  return {page, offenders};
}"""


@pytest.fixture
def phone(browser, live_server, reference_data):
    def open_page(language):
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="nb-NO" if language == "nb" else "en-GB",
            timezone_id="Europe/Oslo",
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server.url
        if language == "en":
            context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        return page

    return open_page


EXTRA_PAGES = [("incident", None), ("close", None)]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_main_page_fits_a_phone(phone, language):
    incident = assessed(make_incident(title="Snoking i journalen til en nabo"))
    measure(incident, description="Samtale med den ansatte")
    page = phone(language)
    log_in(page, "alice")
    pages = [*MAIN_PAGES, ("incident", incident.get_absolute_url()), ("close", f"/incidents/{incident.pk}/close/")]
    problems = {}
    for name, path in pages:
        page.goto(page.base + path)
        measured = page.evaluate(WIDE)
        if measured["page"] > 390:
            problems[name] = measured
        screenshot(page, f"mobile-{name}-{language}-390")
        violations = axe_violations(page)
        if violations:
            problems[f"{name} (axe)"] = violations
    import json

    (SCREENSHOTS / f"mobile-problems-{language}.json").write_text(json.dumps(problems, indent=1, default=str))
    assert problems == {}
    header = page.evaluate("() => document.querySelector('.hp-header').getBoundingClientRect().height")
    assert header < 844 / 4, f"the header takes {header} px of 844"
    assert Incident.objects.exists()
