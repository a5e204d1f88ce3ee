"""The trust pages as people meet them: forgotten password, password change, second factor, the security
log and the error pages, in bokmål and English, at desktop and phone widths, with axe on each."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.browser.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("nb", 1280), ("nb", 390), ("en", 1280), ("en", 390)]
PAGES = [
    ("password-reset", "/accounts/password/reset/", None),
    ("password-change", "/accounts/password/change/", "bob"),
    ("account", "/account/", "bob"),
    ("security-log", "/security/events/", "alice"),
    ("not-found", "/no-such-page/", "bob"),
    ("not-allowed", "/security/events/", "bob"),
]


def switch_language(page, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base}])


def no_page_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(("language", "width"), VIEWS)
@pytest.mark.parametrize(("name", "path", "user"), PAGES)
def test_trust_pages_read_well_and_pass_axe(page, language, width, name, path, user):
    page.set_viewport_size({"width": width, "height": 900})
    switch_language(page, language)
    if user:
        log_in(page, user)
    page.goto(page.base + path)
    assert page.locator("h1").count() == 1
    assert page.evaluate("() => document.documentElement.lang") == language
    screenshot(page, f"trust-{name}-{language}-{width}")
    assert no_page_scroll(page), f"{name} scrolls sideways at {width} px"
    assert axe_violations(page) == [], name


@pytest.mark.parametrize(("language", "width"), [("nb", 390), ("en", 1280)])
def test_a_forgotten_password_is_set_again_by_e_mail_and_then_signs_in(page, settings, language, width):
    settings.SITE_URL = page.base
    page.set_viewport_size({"width": width, "height": 900})
    switch_language(page, language)
    page.goto(page.base + "/accounts/login/")
    page.click("a[href='/accounts/password/reset/']")
    page.fill("#id_email", "carol@example.test")
    page.click("main button[type=submit]")
    page.wait_for_url(page.base + "/accounts/password/reset/sent/")
    screenshot(page, f"trust-reset-sent-{language}-{width}")
    link = re.search(r"http://\S+/accounts/password/reset/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    new = "a-brand-new-passphrase-7"
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", new)
    screenshot(page, f"trust-reset-form-{language}-{width}")
    assert axe_violations(page) == []
    page.click("main button[type=submit]")
    page.wait_for_url(page.base + "/accounts/password/reset/done/")
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", new)
    page.click("main button[type=submit]")
    page.wait_for_url(page.base + "/")
    assert get_user_model().objects.get(username="carol").check_password(new)
