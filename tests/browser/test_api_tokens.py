"""API tokens and the API documentation in the browser, in nb and en at 1280 and 390 px: a privacy officer
makes a read-only token on the account page, sees it once, uses it, and revokes it; the documentation page
draws the live schema (Swagger UI served from our own static files, under our CSP)."""

import pytest
import requests
from django.urls import reverse

from hpregister.models import ApiToken
from tests.browser.conftest import axe_violations, fits, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page, name):
    assert fits(page), f"{name} scrolls sideways at {page.width} px"
    assert axe_violations(page) == [], name
    screenshot(page, f"api-{name}-{page.tag}")


def test_make_use_and_revoke_a_token_and_read_the_documentation(view):
    page = view
    log_in(page, "bob")
    page.goto(page.base + reverse("account"))
    page.fill("#id_name", "Ticket sync")
    page.fill("#id_days", "30")
    page.click("button[value=new_token]")
    key = page.inner_text("#new-api-token").strip()
    assert key.startswith("hpr_")
    checked(page, "token-shown")

    listed = requests.get(page.base + "/api/v1/incidents/", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert listed.status_code == 200 and listed.json()["results"] == []

    page.goto(page.base + reverse("account"))
    assert page.locator("#new-api-token").count() == 0  # shown once
    page.click("button[value=revoke_token]")
    page.wait_for_selector(
        "text=" + ("The API token is revoked." if page.language == "en" else "API-nøkkelen er trukket tilbake.")
    )
    assert ApiToken.objects.get().revoked_at is not None
    refused = requests.get(page.base + "/api/v1/incidents/", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert refused.status_code == 401

    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(page.base + reverse("api:docs"))
    page.wait_for_selector("text=/api/v1/incidents/")
    screenshot(page, f"api-docs-{page.tag}")
    assert not [e for e in errors if "Content Security Policy" in e], errors
