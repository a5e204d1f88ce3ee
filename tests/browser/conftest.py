"""Browser tests: Debian's Chromium driven by Playwright against a live test server.

No tool downloads a browser: Playwright launches /usr/bin/chromium (apt-get install chromium).
A missing Chromium fails these tests; it never skips them.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "x" * 16  # the personas' password (tests/conftest.py)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in the test thread; the ORM calls we make there are plain
    # test setup, not async code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, reference_data):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nb-NO", timezone_id="Europe/Oslo", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    yield page
    context.close()


def log_in(page, username):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(page.base + "/")


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core (WCAG 2.1 A and AA) on the page; return the serious and critical violations."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test driver, outside the page's CSP
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


VIEWS = [("nb", 1280), ("nb", 390), ("en", 1280), ("en", 390)]


@pytest.fixture(params=VIEWS, ids=[f"{language}-{width}" for language, width in VIEWS])
def view(request, browser, live_server, reference_data):
    """A page in one of the four views every journey is tried in: bokmål and English, at 1280 and 390 px."""
    language, width = request.param
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="nb-NO", timezone_id="Europe/Oslo", accept_downloads=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    page.language, page.width = language, width
    page.tag = f"{language}-{width}"
    yield page
    context.close()


def follow(page, selector):
    """Click a link and wait until the page it leads to has loaded.

    A click returns once the click is done, not once the next page is there: a check run straight after it
    may meet the next document before it has any elements (CI saw `documentElement` null)."""
    with page.expect_navigation(wait_until="load"):
        page.click(selector)


def fits(page) -> bool:
    """No sideways scrolling of the page itself (a table may scroll inside its own box)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth") <= page.width
