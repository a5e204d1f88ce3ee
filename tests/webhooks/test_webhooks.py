"""#15 Webhooks: an organisation's systems hear of breaches, deadlines, notifications, overdue measures,
approved top-10 lists and sub-processor notices, as signed HTTP POSTs to a real local receiver, retried
until they get through, logged, and sent again by hand."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from compliance.models import SubProcessorNotice
from hpregister.models import Organisation
from risks.models import ReportingPeriod, prepare_next_period
from tests.factories import assessed, make_incident, measure, notify, oslo
from webhooks.delivery import SIGNATURE_HEADER, sweep, verify
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
AWARE = oslo(2026, 11, 20, 10, 0)  # make_incident's awareness: the 72-hour deadline is 23 Nov 10:00
NOW = oslo(2026, 11, 21, 12, 0)


class Receiver:
    """A real HTTP server on 127.0.0.1 that records each request and answers from ``answers`` (then 200)."""

    def __init__(self):
        self.requests, self.answers = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        return [json.loads(r["body"])["event"] for r in self.requests]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_INSECURE_HOSTS = ["127.0.0.1"]
    server = Receiver()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a commit would run (the events, then the deliveries they queue)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def endpoint(receiver, organisation="St. Olavs hospital HF", events=("incident.registered",), **fields):
    return WebhookEndpoint.objects.create(
        organisation=Organisation.objects.get(name=organisation),
        name=f"Ticketing at {organisation}",
        url=receiver.url,
        events=list(events),
        **fields,
    )


def test_a_registered_breach_is_posted_signed_with_links_and_without_its_text(receiver, committed):
    hook = endpoint(receiver)
    with committed():
        incident = make_incident(title="Letter to a namesake", description="Patient X's discharge letter")

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    body = request["body"]
    assert verify(hook.secret, body, request["headers"][SIGNATURE_HEADER])
    assert not verify("whsec_wrong", body, request["headers"][SIGNATURE_HEADER])
    assert not verify(hook.secret, body.replace(b"incident", b"incidenT"), request["headers"][SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["event"] == "incident.registered" == request["headers"]["X-HPR-Event"]
    assert payload["object"]["reference"] == incident.reference
    assert payload["object"]["url"].endswith(incident.get_absolute_url())
    assert payload["object"]["api_url"].endswith(f"/api/v1/incidents/{incident.pk}/")
    assert payload["organisations"] == [Organisation.objects.get(name="St. Olavs hospital HF").pk]
    assert b"namesake" not in body and b"Patient X" not in body  # references and links, never the text
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 1
    assert str(delivery.pk) == request["headers"]["X-HPR-Delivery"]


def test_a_replayed_signature_is_refused_after_five_minutes(receiver, committed):
    hook = endpoint(receiver)
    with committed():
        make_incident()
    request = receiver.requests[0]
    header = request["headers"][SIGNATURE_HEADER]
    later = NOW.timestamp() + 301
    assert verify(hook.secret, request["body"], header, now=NOW.timestamp() + 299)
    assert not verify(hook.secret, request["body"], header, now=later)


def test_each_organisation_hears_only_of_its_own_records_and_the_operator_of_all(receiver, committed):
    stolav = endpoint(receiver)
    melhus = endpoint(receiver, "Melhus")
    operator = endpoint(receiver, "Helseplattformen AS")
    inactive = endpoint(receiver, active=False)
    with committed():
        make_incident()
    reached = set(WebhookDelivery.objects.values_list("endpoint", flat=True))
    assert reached == {stolav.pk, operator.pk}
    assert melhus.pk not in reached and inactive.pk not in reached


def test_a_failed_delivery_is_retried_with_growing_pauses_until_it_gets_through(receiver, committed, settings):
    endpoint(receiver)
    receiver.answers = [500, 503]
    with committed():
        make_incident()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1
    assert delivery.error == "HTTP 500"
    assert delivery.next_attempt_at == NOW + dt.timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS)

    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        assert sweep()["attempted"] == 0  # not yet due
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        sweep()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.response_status == 503
    assert delivery.next_attempt_at == NOW + dt.timedelta(seconds=61 + 2 * settings.WEBHOOK_RETRY_SECONDS)
    with time_machine.travel(NOW + dt.timedelta(seconds=61 + 121), tick=False):
        sweep()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 3
    assert len(receiver.requests) == 3
    assert len({r["headers"]["X-HPR-Delivery"] for r in receiver.requests}) == 1  # one delivery id throughout


def test_an_unreachable_endpoint_fails_after_the_last_attempt_and_is_sent_again_by_hand(
    receiver, committed, settings, bob, mona, carol
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    hook = endpoint(receiver)
    receiver.answers = [500, 500]
    with committed():
        make_incident()
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        sweep()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.next_attempt_at is None

    url = reverse("webhooks:delivery_resend", args=[hook.pk, delivery.pk])
    for user, status in ((mona, 403), (carol, 404)):
        client = Client()
        client.force_login(user)
        assert client.post(url).status_code == status
    client = Client()
    client.force_login(bob)
    with committed():
        assert client.post(url).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.resent_by == bob
    page = client.get(hook.get_absolute_url())
    assert hook.secret in page.content.decode() and "incident.registered" in page.content.decode()


def test_the_72_hour_clock_is_announced_12_hours_before_and_when_it_passes_once_each(receiver, committed):
    endpoint(receiver, events=("incident.deadline_soon", "incident.deadline_passed"))
    late = assessed(make_incident())  # aware 20 Nov 10:00: due 23 Nov 10:00
    in_time = assessed(make_incident())
    notify(in_time, oslo(2026, 11, 21, 9, 0))

    for when, expected in [
        (oslo(2026, 11, 22, 21, 0), []),  # 13 hours before
        (oslo(2026, 11, 22, 22, 5), ["incident.deadline_soon"]),
        (oslo(2026, 11, 22, 23, 0), []),  # the same event is not announced twice
        (oslo(2026, 11, 23, 10, 5), ["incident.deadline_passed"]),
        (oslo(2026, 11, 23, 11, 0), []),
    ]:
        before = len(receiver.requests)
        with time_machine.travel(when, tick=False), committed():
            sweep()
        assert receiver.events()[before:] == expected, when
    keys = [json.loads(r["body"])["object"]["id"] for r in receiver.requests]
    assert keys == [late.pk, late.pk]  # the breach notified in time is never "passed"


def test_notifications_overdue_measures_approved_lists_and_notices_are_announced(receiver, committed, alice, mona):
    endpoint(
        receiver,
        "Helseplattformen AS",
        events=(
            "incident.notification_submitted",
            "measure.overdue",
            "top10.approved",
            "subprocessor.notice_received",
        ),
    )
    incident = assessed(make_incident())
    with committed():
        notify(incident, oslo(2026, 11, 21, 9, 0))
    measure(incident, owner=alice, due_on=dt.date(2026, 11, 21))
    with time_machine.travel(oslo(2026, 11, 22, 9, 0), tick=False), committed():
        sweep()
    period = prepare_next_period(
        previous=ReportingPeriod.objects.get(name="2. tertial 2025"),
        name="3. tertial 2025",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    with committed():
        period.approve(user=mona)
        SubProcessorNotice.objects.create(change="added", name="Example Cloud AB", received_on=dt.date(2026, 11, 21))
    assert receiver.events() == [
        "incident.notification_submitted",
        "measure.overdue",
        "top10.approved",
        "subprocessor.notice_received",
    ]
    overdue = json.loads(receiver.requests[1]["body"])
    assert overdue["object"]["type"] == "incidents.incidentmeasure" and overdue["deadline"]


def test_the_endpoint_form_wants_https_and_names_the_events(login, bob, settings):
    settings.WEBHOOK_INSECURE_HOSTS = []
    client = login(bob)
    client.cookies["django_language"] = "en"
    url = reverse("webhooks:webhookendpoint_add")
    page = client.get(url)
    assert "72-hour deadline in 12 hours" in page.content.decode()
    stolav = Organisation.objects.get(name="St. Olavs hospital HF")
    data = {"organisation": stolav.pk, "name": "ServiceNow", "url": "http://tickets.example/hook", "events": []}
    refused = client.post(url, {**data, "events": ["incident.registered"]})
    assert refused.status_code == 200
    assert refused.context["form"].errors["url"] == [
        "Use an https:// address: deliveries carry links into the register."
    ]
    saved = client.post(url, {**data, "url": "https://tickets.example/hook", "events": ["incident.registered"]})
    assert saved.status_code == 302
    hook = WebhookEndpoint.objects.get()
    assert hook.created_by == bob and hook.secret.startswith("whsec_") and hook.events == ["incident.registered"]
    assert hook.history.count() == 1
