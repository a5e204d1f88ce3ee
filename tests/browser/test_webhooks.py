"""Webhooks in the browser, in nb and en at 1280 and 390 px, with axe on each page: a privacy officer finds
them from the account page, registers her organisation's endpoint, reads the signing secret, and sends a
failed delivery again from the log."""

import pytest
from django.urls import reverse

from hpregister.models import Organisation
from tests.browser.conftest import axe_violations, fits, log_in, screenshot
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page, name):
    assert fits(page), f"{name} scrolls sideways at {page.width} px"
    assert axe_violations(page) == [], name
    screenshot(page, f"webhooks-{name}-{page.tag}")


def test_register_an_endpoint_read_its_secret_and_send_a_delivery_again(view):
    page = view
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    log_in(page, "bob")
    page.goto(page.base + reverse("account"))
    page.click(f"a[href='{reverse('webhooks:webhookendpoint_list')}']")
    page.click(f"a[href='{reverse('webhooks:webhookendpoint_add')}']")
    page.fill("#id_name", "ServiceNow")
    page.fill("#id_url", "http://tickets.example/hook")
    page.check("input[name=events][value='incident.registered']")
    page.check("input[name=events][value='incident.deadline_soon']")
    page.click("main form.hp-form button[type=submit]")
    refused = "Use an https:// address" if page.language == "en" else "Bruk en https://-adresse"
    page.wait_for_selector(f"text={refused}")
    checked(page, "form-refused")

    page.fill("#id_url", "https://127.0.0.1:9/hook")  # nothing listens: the delivery fails
    page.click("main form.hp-form button[type=submit]")
    page.wait_for_selector("code.hp-code")
    endpoint = WebhookEndpoint.objects.get(name="ServiceNow")
    assert endpoint.organisation == stolav and endpoint.events == ["incident.registered", "incident.deadline_soon"]
    assert endpoint.secret in page.inner_text("code.hp-code")
    checked(page, "endpoint")

    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="incident.registered",
        key="incident.registered:1",
        payload={"event": "incident.registered"},
        status=WebhookDelivery.Status.FAILED,
        attempts=8,
        error="ConnectionError: refused",
    )
    page.reload()
    page.click("main table button[type=submit]")
    queued = "queued to be sent again" if page.language == "en" else "satt i kø for å sendes på nytt"
    page.wait_for_selector(f"text={queued}")
    delivery = WebhookDelivery.objects.get()
    assert delivery.resent_by.username == "bob" and delivery.attempts >= 1  # tried again (and failed again)
    checked(page, "resent")
