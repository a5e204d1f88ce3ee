"""Observability (#18): a request id on every response and log line, /metrics for Prometheus behind a
token, and JSON log lines."""

import json
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_guid import set_guid
from django_guid.log_filters import CorrelationId

from hpregister.models import Reminder

pytestmark = pytest.mark.django_db


def reminder_count() -> int:
    return Reminder.objects.count()


def test_every_response_carries_a_request_id_and_keeps_the_proxys(client):
    made = client.get(reverse("healthz"))
    assert len(made["X-Request-ID"]) == 32
    given = "0123456789abcdef0123456789abcdef"
    assert client.get(reverse("healthz"), headers={"X-Request-ID": given})["X-Request-ID"] == given


def test_a_request_without_an_id_writes_no_log_line_of_its_own(client, caplog):
    """django-guid said at INFO, for every request without an X-Request-ID, that it made one: a line per page
    in production's log. Its warnings still pass, and so do our own INFO lines."""
    with caplog.at_level(logging.INFO):
        assert client.get(reverse("healthz")).status_code == 200
        logging.getLogger("django_guid").warning("a warning")
        logging.getLogger("hpregister").info("ours")
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("django_guid", "a warning"), ("hpregister", "ours")]


def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(reverse("metrics")).status_code == 404  # off without a token
    settings.METRICS_TOKEN = "s3cret"
    assert client.get(reverse("metrics"), headers={"Authorization": "Bearer wrong"}).status_code == 404


def test_metrics_show_request_latency_and_the_reminder_backlog(client, login, bob, settings):
    settings.METRICS_TOKEN = "s3cret"
    login(bob).get(reverse("dashboard"))
    old = timezone.now() - timezone.timedelta(hours=2)
    for status in ("pending", "pending", "failed", "sent"):
        reminder = Reminder.objects.create(
            key=f"test:{status}:{reminder_count()}", kind="test", email="x@example.test", status=status
        )
        Reminder.objects.filter(pk=reminder.pk).update(created=old)
    text = client.get(reverse("metrics"), headers={"Authorization": "Bearer s3cret"}).content.decode()
    assert 'hpregister_request_seconds_count{method="GET",status="2xx",view="dashboard"}' in text
    assert "hpregister_reminder_backlog 2.0" in text and "hpregister_reminder_failed 1.0" in text
    oldest = next(line for line in text.splitlines() if line.startswith("hpregister_reminder_oldest_undelivered"))
    assert 7000 < float(oldest.split()[-1]) < 7400


def test_json_log_lines_carry_the_request_id():
    config = settings.LOGGING["formatters"]["json"]
    factory = config["()"].rsplit(".", 1)
    module = __import__(factory[0], fromlist=[factory[1]])
    formatter = getattr(module, factory[1])(fmt=config["format"], rename_fields=config["rename_fields"])
    set_guid("feedfacefeedfacefeedfacefeedface")
    record = logging.LogRecord("hpregister", logging.INFO, __file__, 1, "Reminder sent", None, None)
    CorrelationId().filter(record)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "feedfacefeedfacefeedfacefeedface" and line["message"] == "Reminder sent"
    assert line["level"] == "INFO"
