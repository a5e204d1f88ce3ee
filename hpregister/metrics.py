"""/metrics for Prometheus: request latency by view, and the state of the reminder ledger (backlog, failed
deliveries, the oldest reminder not yet delivered), read when Prometheus scrapes.

Several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR (an empty directory) and the figures of every worker
are added up (prometheus_client's multiprocess mode; gunicorn.conf.py marks a finished worker dead).
"""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "hpregister_request_seconds",
    "Time to answer a request, by view and status class",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class MetricsMiddleware:
    """Times every request under its URL name (never its path: ids would make a series per record)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else "unmatched"
        if view != "metrics":
            REQUEST_SECONDS.labels(view, request.method, f"{response.status_code // 100}xx").observe(
                time.perf_counter() - started
            )
        return response


class ReminderCollector:
    """The reminder ledger as gauges, in one query at scrape time."""

    def collect(self):
        from .models import Reminder

        waiting = Q(status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING])
        figures = Reminder.objects.aggregate(
            backlog=Count("pk", filter=waiting),
            failed=Count("pk", filter=Q(status=Reminder.Status.FAILED)),
            oldest=Min("created", filter=waiting),
        )
        age = (timezone.now() - figures["oldest"]).total_seconds() if figures["oldest"] else 0
        yield GaugeMetricFamily("hpregister_reminder_backlog", "Reminders not yet delivered", value=figures["backlog"])
        yield GaugeMetricFamily(
            "hpregister_reminder_failed", "Reminders whose delivery failed for good", value=figures["failed"]
        )
        yield GaugeMetricFamily(
            "hpregister_reminder_oldest_undelivered_seconds", "Age of the oldest reminder not yet delivered", value=age
        )


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
    else:
        from prometheus_client import REGISTRY as collected
    scrape = CollectorRegistry()
    scrape.register(_Union(collected))
    scrape.register(ReminderCollector())
    return scrape


class _Union:
    def __init__(self, registry):
        self.registry = registry

    def collect(self):
        yield from self.registry.collect()


@login_not_required  # a machine reads it, with the token
@never_cache
def metrics(request):
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
