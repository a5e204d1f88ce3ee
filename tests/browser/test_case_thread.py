"""The privacy officer adds to an incident's case thread in a real browser: a comment and the Altinn receipt
as a file; in nb at 1280 px and en at 390 px, with axe."""

import pytest

from incidents.models import CaseEntry
from tests.browser.conftest import axe_violations, follow, log_in, screenshot
from tests.factories import assessed, make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {"nb": ("Legg til kommentar eller dokument", "Lagre"), "en": ("Add a comment or document", "Save")}


@pytest.mark.parametrize(("language", "width"), [("nb", 1280), ("en", 390)])
def test_a_comment_and_a_receipt_join_the_case_thread(browser, live_server, reference_data, tmp_path, language, width):
    incident = assessed(make_incident(title="Snoking i journalen til en nabo"))
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nb-NO", timezone_id="Europe/Oslo")
    if language == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    add, save = TEXT[language]
    log_in(page, "bob")
    page.goto(page.base + incident.get_absolute_url())
    follow(page, f"a:has-text('{add}')")
    assert axe_violations(page) == []
    page.fill("#id_text", "Ringte den ansatte; samtale avtalt fredag.")
    page.click(f"main button:has-text('{save}')")
    page.wait_for_selector("text=Ringte den ansatte")
    page.click(f"a:has-text('{add}')")
    page.select_option("#id_kind", "altinn_receipt")
    receipt = tmp_path / "kvittering.pdf"
    receipt.write_bytes(b"%PDF-1.7\n% Altinn receipt\n")
    page.set_input_files("#id_upload", str(receipt))
    page.click(f"main button:has-text('{save}')")
    page.wait_for_selector("text=kvittering.pdf")
    assert CaseEntry.objects.filter(incident=incident).count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"case-thread-{language}-{width}")
    assert axe_violations(page) == []
    context.close()
