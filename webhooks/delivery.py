"""Deliveries: an event becomes one signed POST per subscribed endpoint, retried until it gets through.

The signature (``X-HPR-Signature: t=<unix time>,v1=<hex>``) is HMAC-SHA256 with the endpoint's secret over
``"<t>.<body>"``: the receiver recomputes it, compares in constant time and refuses an old ``t`` (replay).
The body carries references and links, never a breach's title or description.

The delivery row is the one retry mechanism (as for e-mail reminders): a failed attempt sets the next one
``WEBHOOK_RETRY_SECONDS · 2^(attempt-1)`` later, and the sweep sends what is due. A worker claims a row
before sending, so two workers never send it twice; a worker that died releases it after the lease.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import uuid

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hpregister.events import Event, deadline_events
from hpregister.models import Organisation

from .models import WebhookDelivery, WebhookEndpoint

SIGNATURE_HEADER = "X-HPR-Signature"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (and the tests): the signature matches and is at most ``tolerance`` seconds old."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


def _link(name: str, pk) -> str | None:
    try:
        return settings.SITE_URL + reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def payload_for(event: Event, event_id: str) -> dict:
    obj = event.obj
    meta = obj._meta
    reference = getattr(obj, "reference", None)
    return {
        "id": event_id,
        "event": event.kind,
        "occurred_at": timezone.now().isoformat(),
        "object": {
            "type": meta.label_lower,
            "id": obj.pk,
            "reference": reference if isinstance(reference, str) else None,
            "url": settings.SITE_URL + obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None,
            "api_url": _link(f"api:{meta.model_name}-detail", obj.pk),
        },
        "organisations": sorted(event.organisation_ids) if event.organisation_ids is not None else None,
        "deadline": event.deadline.isoformat() if event.deadline else None,
    }


def subscribers(event: Event):
    """The active endpoints that chose this event and may see the record: those of its organisations, and
    the operator's (Helseplattformen AS sees every organisation). A register-wide record reaches all."""
    endpoints = WebhookEndpoint.objects.filter(active=True)
    if event.organisation_ids is not None:
        operators = Organisation.objects.filter(is_operator=True).values("pk")
        endpoints = endpoints.filter(Q(organisation__in=event.organisation_ids) | Q(organisation__in=operators))
    # Few endpoints, and SQLite has no JSON containment: the event is matched here.
    return [e for e in endpoints.select_related("organisation") if event.kind in e.events]


def record(event: Event) -> list[WebhookDelivery]:
    """A delivery row per subscriber, once per event key (a second sweep finds the same deadline again)."""
    made = []
    event_id = str(uuid.uuid4())
    for endpoint in subscribers(event):
        try:
            with transaction.atomic():
                made.append(
                    WebhookDelivery.objects.create(
                        endpoint=endpoint,
                        event=event.kind,
                        key=event.key,
                        payload=payload_for(event, event_id),
                        next_attempt_at=timezone.now(),
                    )
                )
        except IntegrityError:
            continue  # already recorded for this endpoint
    return made


def on_event(sender, event: Event, **kwargs) -> None:
    from .tasks import deliver_webhook

    for delivery in record(event):
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(str(pk)))


def deliver(delivery_id) -> str:
    """One attempt, if the delivery is due and nobody else holds it."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease)
    if not claimed:
        return "not due"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "HP-Register-Webhooks/1",
        "X-HPR-Event": delivery.event,
        "X-HPR-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, body, int(time.time())),
    }
    delivery.attempts += 1
    try:
        response = requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        delivery.response_status = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.error = "" if ok else f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        ok = False
        delivery.response_status = None
        delivery.error = f"{type(exc).__name__}: {exc}"[:500]
    if ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        pause = settings.WEBHOOK_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=min(pause, 6 * 3600))
    delivery.save()
    return delivery.status


def resend(delivery: WebhookDelivery, user) -> None:
    """Send a delivery again by hand (a failed one, or one the receiver lost): a fresh round of attempts."""
    from .tasks import deliver_webhook

    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), resent_by=user, error=""
    )
    transaction.on_commit(lambda: deliver_webhook.delay(str(delivery.pk)))


def sweep(now: dt.datetime | None = None) -> dict:
    """Record the deadline events that came due, then send every delivery whose attempt is due."""
    now = now or timezone.now()
    window = dt.timedelta(hours=settings.WEBHOOK_EVENT_WINDOW_HOURS)
    recorded = sum(len(record(event)) for event in deadline_events(now, window))
    due = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
    sent = [deliver(pk) for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[:500]]
    return {"recorded": recorded, "attempted": len(sent), "delivered": sent.count(WebhookDelivery.Status.DELIVERED)}
